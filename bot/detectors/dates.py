"""Date parser shared by the birth-date detector.

Finds every common spelling of a calendar date (numeric, ISO, month names,
ordinals, "'79") and returns validated spans with an ISO-ish value. It does not
decide whether a date is a *birth* date: `bot.detectors.birth_date` does that.

Why regexes and not a library: dateutil/dateparser parse one string you already
know is a date; they do not *find* dates in chat text. Every pattern here uses
only bounded quantifiers and no nested repetition, so matching is linear in the
text length (no catastrophic backtracking), and all patterns are compiled once at
import.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

import re2

__all__ = ["DateMatch", "days_in_month", "expand_year", "find_dates", "iso_value"]


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date found in text.

    `kind` is "ymd" (full date), "md" (month and day, no year), "ym" (month and
    year) or "y" (a year alone, only the "'79" spelling). `weak` marks spellings
    that are just as often something else (a bare "3/14" is also a fraction or a
    score, "05/2027" a card expiry): callers should accept those only right
    next to a strong cue.
    """

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    value: str
    kind: str
    weak: bool = False


_MONTHS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# Left edge: not inside a word, not after a digit+separator (phone numbers, IPs,
# longer numeric runs) and not after a currency or number sign.
_LB = r"(?<![\w$€£#])(?<!\d[-./])"
# Right edge: not inside a word and not followed by another separator+digit.
_RB = r"(?![^\W_])(?![-./]\d)"
_SP = r"[ \t]{0,3}"
_SEP = r"(?:[ \t]{0,3}[,/.-]?[ \t]{0,3})"
_ORD = r"(?:st|nd|rd|th)?"
_APOS = "['’‘]"
# ", 1979" / " 1979" / "-1979" / " '79" / " of 1979" / " in 1979" after a day or month
_OF_IN = r",?[ \t]{1,3}(?:of|in)[ \t]{1,3}"
_YEAR_TAIL = (
    r"(?:" + _SEP + r"|" + _OF_IN + r")(?P<y>\d{4})|(?:" + _SP + r",?" + _SP + r"|" + _OF_IN
    + r")" + _APOS + r"(?P<yy>\d{2})"
)
# Days as ordinal words: "October second", "the twenty-first of May".
_DAY_WORDS: dict[str, int] = {
    w: i + 1
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
        "twentieth".split()
    )
}
for _i, _w in enumerate("first second third fourth fifth sixth seventh eighth ninth".split()):
    _DAY_WORDS[f"twenty {_w}"] = 21 + _i
_DAY_WORDS["thirtieth"] = 30
_DAY_WORDS["thirty first"] = 31
_DAY_WORD = "(?:" + "|".join(
    w.replace(" ", "[ -]") for w in sorted(_DAY_WORDS, key=len, reverse=True)
) + ")"
_TIME = (
    r"(?:T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)

# `_LB` checked after a pattern's first digit instead of before it (the same test of the
# character before the digit): a pattern that starts with a digit lets `re` skip to the
# next digit with its first-character scan instead of trying every offset.
_D_LB = r"\d(?<![\w$€£#]\d)(?<!\d[-./]\d)"

_I = re.IGNORECASE
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 1979-03-14, 1979/3/14, 2024-03-15T14:30:00Z
    ("iso", re.compile(
        "(?P<y>" + _D_LB + r"\d{3})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})" + _TIME + _RB,
        _I)),
    # 03/14/1979, 3/14/79, 14.03.1979, 21.5.21, 5-20-2021
    ("num", re.compile(
        "(?P<a>" + _D_LB + r"\d?)(?P<s>[-/.])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})" + _RB)),
    # 5/2021, 05/2021 (weak: also a card expiry)
    ("num_my", re.compile("(?P<m>" + _D_LB + r"\d?)/(?P<y>\d{4})" + _RB)),
    # 3/14, 05/21, 3-14 (weak: also a fraction or a score)
    ("num_md", re.compile("(?P<a>" + _D_LB + r"\d?)(?P<s>[-/])(?P<b>\d{1,2})" + _RB)),
    # March 14, 1979 / Mar. 14th '79 / March the 14th / May-21 / March 14
    ("mon_day", re.compile(
        r"(?<![\w$])(?P<mon>" + _MONTH + r")\.?" + _SEP + r"(?:the" + _SP + r")?"
        r"(?P<d>\d{1,2})" + _ORD + r"(?!\d)"
        r"(?:" + _YEAR_TAIL + r")?" + _RB, _I)),
    # 14 March 1979 / 14th of March, 1979 / 5-MAY-2021 / 21-May / 14 Mar '79
    ("day_mon", re.compile(
        "(?P<d>" + _D_LB + r"\d?)" + _ORD + r"(?:" + _SP + r"of)?" + _SEP + r"(?P<mon>" + _MONTH
        + r")\.?(?![a-z])"
        r"(?:" + _YEAR_TAIL + r"|-(?P<yd>\d{2}))?" + _RB, _I)),
    # March 1979, May-2021, Sept. '79, March of 1979
    ("mon_year", re.compile(
        r"(?<![\w$])(?P<mon>" + _MONTH + r")\.?(?:(?:" + _SEP + r"|[ \t]{1,3}of[ \t]{1,3})"
        r"(?P<y>\d{4})|" + _SP + _APOS + r"(?P<yy>\d{2}))" + _RB, _I)),
    # October second, 1971 / March the twenty-first / the ninth of May 1970
    ("mon_dayword", re.compile(
        r"(?<![\w$])(?P<mon>" + _MONTH + r")\.?[ \t]{1,3}(?:the[ \t]{1,3})?(?P<dw>" + _DAY_WORD
        + r")(?![\w-])(?:" + _YEAR_TAIL + r")?" + _RB, _I)),
    ("dayword_mon", re.compile(
        r"(?<![\w$-])(?P<dw>" + _DAY_WORD + r")[ \t]{1,3}of[ \t]{1,3}(?P<mon>" + _MONTH
        + r")\.?(?![a-z])(?:" + _YEAR_TAIL + r")?" + _RB, _I)),
    # 1978 on March 14 / 1978, Feb 14 / 1978 on 3/14: a year said before its day
    ("year_on", re.compile(
        "(?P<y>" + _D_LB + r"(?:(?<=1)[89]|(?<=2)0)\d\d)"
        r"(?:,[ \t]{0,3}(?:on[ \t]{1,3})?|[ \t]{1,3}on[ \t]{1,3})"
        r"(?:the[ \t]{1,3})?"
        r"(?:(?P<mon>" + _MONTH + r")\.?[ \t]{0,3}(?P<d>\d{1,2})" + _ORD + r"(?!\d)"
        r"|(?P<d2>\d{1,2})" + _ORD + r"(?:[ \t]{1,3}of)?[ \t]{1,3}(?P<mon2>" + _MONTH
        + r")\.?(?![a-z])|(?P<a>\d{1,2})/(?P<b>\d{1,2}))" + _RB, _I)),
    # '79
    ("apos_year", re.compile(_APOS + r"(?<![\w'’‘]" + _APOS + r")(?P<yy>\d{2})(?![^\W_])")),
)

# A dotted date right after one of these is a version number ("version 2.10.21").
_VERSION_BEFORE = re.compile(
    r"(?:version|ver|release|build|firmware|update|patch|ios|android|v)\.?[ \t]{0,3}$", _I
)


def expand_year(yy: int, today: date | None = None) -> int:
    """Two-digit year to four: a year not after this year's two digits is 20xx, else 19xx."""
    current = (today or date.today()).year
    century = current // 100 * 100
    return century + yy if century + yy <= current else century - 100 + yy


def iso_value(year: int | None, month: int | None, day: int | None) -> str:
    """ISO 8601 (partial) value: 1979-03-14, 1979-03, 1979, or --03-14 for no year."""
    if year is None:
        return f"--{month:02d}-{day:02d}" if month and day else ""
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _valid(year: int | None, month: int, day: int | None) -> bool:
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    return 1 <= day <= days_in_month(year if year is not None else 2000, month)


def days_in_month(year: int, month: int) -> int:
    """`calendar.monthrange(year, month)[1]` for months 1-12 without its weekday
    computation (a thousand dates in one message add up)."""
    return calendar.mdays[month] + (month == 2 and calendar.isleap(year))


def _fold(word: str) -> str:
    """Lowercase, with the non-ASCII letters `re.IGNORECASE` lets stand for ASCII ones
    ('ſ', 'ı', 'İ') folded too: the patterns accept "fİrst", so the lookups must."""
    folded = word.lower()
    if not word.isascii():
        folded = folded.replace("\u0307", "").replace("ſ", "s").replace("ı", "i")
    return folded


def _month(name: str) -> int:
    return _MONTHS[_fold(name[:3])]


def _year(m: re.Match[str], today: date | None) -> int | None:
    gd = m.groupdict()
    if gd.get("y"):
        return int(gd["y"])
    for key in ("yy", "yd"):
        if gd.get(key):
            return expand_year(int(gd[key]), today)
    return None


def _build(
    kind: str, m: re.Match[str], text: str, today: date | None
) -> tuple[int | None, int | None, int | None, bool] | None:
    """(year, month, day, weak) for one regex match, or None when it is not a valid date."""
    if kind == "iso":
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        return (y, mo, d, False) if _valid(y, mo, d) else None
    if kind == "num":
        a, b, ys = int(m["a"]), int(m["b"]), m["y"]
        if m["s"] == "." and _VERSION_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            return None
        y = int(ys) if len(ys) == 4 else expand_year(int(ys), today)
        # Dots are the European order (day first); slashes and dashes the US order.
        orders = ((b, a), (a, b)) if m["s"] == "." else ((a, b), (b, a))
        for mo, d in orders:
            if _valid(y, mo, d):
                return y, mo, d, False
        return None
    if kind == "num_my":
        mo, y = int(m["m"]), int(m["y"])
        return (y, mo, None, True) if _valid(y, mo, None) else None
    if kind == "num_md":
        a, b = int(m["a"]), int(m["b"])
        for mo, d in ((a, b), (b, a)):
            if _valid(None, mo, d):
                return None, mo, d, True
        return None
    if kind in ("mon_day", "day_mon"):
        mo, d, y = _month(m["mon"]), int(m["d"]), _year(m, today)
        return (y, mo, d, False) if _valid(y, mo, d) else None
    if kind in ("mon_dayword", "dayword_mon"):
        mo, y = _month(m["mon"]), _year(m, today)
        d = _DAY_WORDS[re.sub(r"[ \t-]+", " ", _fold(m["dw"]))]
        return (y, mo, d, y is None) if _valid(y, mo, d) else None
    if kind == "year_on":
        y = int(m["y"])
        if m["a"]:
            mo, d = int(m["a"]), int(m["b"])
        else:
            mo = _month(m["mon"] or m["mon2"])
            d = int(m["d"] or m["d2"])
        return (y, mo, d, False) if _valid(y, mo, d) else None
    if kind == "mon_year":
        return _year(m, today), _month(m["mon"]), None, False
    if kind == "apos_year":
        return expand_year(int(m["yy"]), today), None, None, False
    raise AssertionError(kind)


def _outside(candidates: list[DateMatch], rejected: list[tuple[int, int]]) -> list[DateMatch]:
    """Drop candidates lying inside an invalid date: "Feb 1981" in "29 Feb 1981" is not one."""
    rejected.sort()
    starts = [s for s, _ in rejected]
    reach: list[int] = []  # furthest end among rejected spans starting at or before index
    for _, e in rejected:
        reach.append(max(e, reach[-1]) if reach else e)
    kept = []
    for c in candidates:
        k = bisect_right(starts, c.start)
        if k and reach[k - 1] >= c.end:
            continue
        kept.append(c)
    return kept


# What each pattern cannot match without: a digit, a month word, a day word (ordinal).
_NEEDS: dict[str, tuple[bool, bool, bool]] = {
    "iso": (True, False, False), "num": (True, False, False), "num_my": (True, False, False),
    "num_md": (True, False, False), "mon_day": (True, True, False),
    "day_mon": (True, True, False), "mon_year": (True, True, False),
    "mon_dayword": (False, True, True), "dayword_mon": (False, True, True),
    "year_on": (True, False, False), "apos_year": (True, False, False),
}  # fmt: skip
# Every spelling `_MONTH` and `_DAY_WORD` accept contains one of these, lowercased.
_MONTH_STEMS = tuple(_MONTHS)
_DAY_STEMS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "teenth", "twentieth", "thirtieth",
)  # fmt: skip
_DIGIT = re.compile(r"\d")
# Literal stems in one RE2 pass each (found exactly where `stem in folded` finds them).
_ASCII_DIGIT = re2.compile(r"[0-9]")
_MONTH_STEM = re2.compile("|".join(_MONTH_STEMS))
_DAY_STEM = re2.compile("|".join(_DAY_STEMS))


def _present(text: str) -> tuple[bool, bool, bool]:
    """(digit, month word, day word) may occur in `text`: a cheap superset of what the
    patterns need, so a soup of '@' or '.' skips the patterns (each a full scan).

    Never a false "absent": `re.IGNORECASE` also folds 'ſ', 'ı' and 'İ' onto ASCII
    letters, so those are folded here too before the substring tests.
    """
    folded = _fold(text)
    if text.isascii():
        digit = _ASCII_DIGIT.search(text) is not None
    else:
        digit = _DIGIT.search(text) is not None  # any Unicode digit, as `\d` matches
    month = _MONTH_STEM.search(folded) is not None
    day = month and _DAY_STEM.search(folded) is not None
    return digit, month, day


def find_dates(text: str, today: date | None = None) -> list[DateMatch]:
    """Every validated date in `text`, left to right, longest spelling first on overlap.

    `today` fixes the century pivot for two-digit years (tests pass it; the bot
    uses the real date).
    """
    candidates: list[DateMatch] = []
    rejected: list[tuple[int, int]] = []
    digit, month, day = _present(text)
    for kind, pattern in _PATTERNS:
        need_digit, need_month, need_day = _NEEDS[kind]
        if (need_digit and not digit) or (need_month and not month) or (need_day and not day):
            continue
        for m in pattern.finditer(text):
            built = _build(kind, m, text, today)
            if built is None:
                rejected.append(m.span())
                continue
            y, mo, d, weak = built
            if y is not None and mo is not None and d is not None:
                dkind = "ymd"
            elif y is not None and mo is not None:
                dkind = "ym"
            elif y is not None:
                dkind = "y"
            else:
                dkind = "md"
            candidates.append(
                DateMatch(m.start(), m.end(), y, mo, d, iso_value(y, mo, d), dkind, weak)
            )
    if rejected:
        candidates = _outside(candidates, rejected)
    candidates.sort(key=lambda c: (c.start, -(c.end - c.start)))
    chosen: list[DateMatch] = []
    last_end = -1
    for c in candidates:
        if c.start >= last_end:
            chosen.append(c)
            last_end = c.end
    return chosen
