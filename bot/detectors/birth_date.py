"""Birth-date detector: a date tied to a birth cue (DOB, born, b., birthday, "turns 50 on").

A date alone is not PII under the ordinance (meetings, hearings, votes and news
events all have dates); a date *of birth*, or a birthday with a year, is. So
this detector only reports a date that a birth cue sits right next to, using a
tight grammar between cue and date ("DOB: 3/14/79", "birthday is on March 14th",
"born on Tuesday, March 14, 1979", "3/14/79 is his birthday") rather than a
loose window, which is what keeps "born and raised in KC since 1979" out.

Confidence and `kind`:
- 0.95 "date_of_birth": DOB / date of birth / born / b. with a full date.
- 0.90 "birthday": birthday / bday with a full date.
- 0.85 "birthday_age": "turns 50 on March 14" (the year follows from the age).
- 0.85 "birthday_split": a birthday without year plus a birth year elsewhere in
  the message ("his birthday is march 14 and he was born in 1979"); both spans
  are reported with the combined value.
- 0.70 "birth_month_year": "born in March 1979".
- 0.45 "birth_year": "born in 1979" alone (a year is not a birthday).
- 0.35 "birthday_no_year": "his birthday is March 14" alone.
`value` is ISO 8601: 1979-03-14, 1979-03, 1979, or --03-14 when the year is unknown.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from datetime import date

import re2

from bot.detectors.dates import DateMatch, days_in_month, expand_year, find_dates, iso_value
from bot.models import Category, Finding

__all__ = ["BirthDateDetector"]

_I = re.IGNORECASE
_LABEL = (
    r"(?:date\s{1,3}of\s{1,3}birth|birth\s{0,2}date|birth\s{0,2}day|dob|d\.o\.b\.?|d\. o\. b\.?"
    r"|bday|b-day|b['’]day)"
)
# Words allowed between a cue and its date: "is", "on", "the", a weekday, ...
_GAP_WORDS = (
    r"(?:is|was|on|of|in|the|falls|fell|will|would|be|it['’]?s|date|around|like|coming|up|"
    r"reads|read|says|said|shows|showed|listed|as|states|per|shown|given|"
    r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)
_GAP = r"(?:[\s:=#,|?(\-–—]{1,4}" + _GAP_WORDS + r"(?![a-z])){0,4}[\s:=#,|?(\-–—]{0,6}"

# "DOB for Karen Whitaker: ...", "date of birth of the officer is ..."
_WHOSE = r"(?:\s{1,3}(?:for|of)\s{1,3}[\w.'’-]{1,30}(?:\s{1,3}[\w.'’-]{1,30}){0,2})?"
# cue ... date   (searched in a short window ending where the date starts)
_PRE_CUE = re.compile(
    r"(?<![a-z])(?:(?P<label>" + _LABEL + r")|(?P<born>born|b\.))(?:['’]s)?" + _WHOSE + _GAP
    + r"$",
    _I,
)
# date ... cue   ("3/14/79 is his birthday", "March 14, 1979 (DOB)")
_POST_CUE = re.compile(
    r"[\s,:|(\-–—]{0,4}(?:(?:is|was|=)\s{1,3})?(?:(?:his|her|their|the|my|your|our|[a-z]+['’]s)"
    r"\s{1,3})?(?P<label>" + _LABEL + r")(?![a-z])",
    _I,
)
# "turns 50 on March 14", "turned 41 on 3/14"
_TURNS = re.compile(
    r"(?<![a-z])(?P<verb>turns|turned|turning)\s{1,3}(?P<age>\d{1,3})"
    r"(?:\s{1,3}(?:years?|yrs?)(?:\s{1,3}old)?)?\s{1,3}on" + _GAP + r"$",
    _I,
)
# "his 50th birthday is March 14": an ordinal birthday gives the year like "turns 50"
_NTH_BIRTHDAY = re.compile(
    r"(?<![\w])(?P<age>\d{1,3})(?:st|nd|rd|th)\s{1,3}(?:birth\s{0,2}day|bday|b-day|b['’]day)"
    + _GAP + r"$",
    _I,
)
# "born in 1979", "b. 1979", "born '79", "birth year: 1979"
_BIRTH_YEAR = re.compile(
    r"(?<![a-z])(?:born|b\.|birth\s{0,2}year(?:\s{1,3}(?:is|was))?:?)"
    r"(?:\s{1,3}(?:in|around|circa|back\s{1,3}in))?"
    r"(?:\s{1,3}the\s{1,3}(?:spring|summer|fall|autumn|winter|year|end|middle|start)\s{1,3}of)?"
    r"\s{1,3}"
    r"(?:(?P<y>(?:19|20)\d\d)|['’](?P<yy>\d\d))(?![\w/.-])",
    _I,
)
# The film title, not somebody's birth ("Born on the Fourth of July is on TCM").
_TITLE = re.compile(r"born\s{1,3}on\s{1,3}the\s{1,3}fourth\s{1,3}of\s{1,3}july", _I)
# Any cue at all: dates with none of these near them skip the (costlier) grammar checks.
_ANY_CUE = re.compile(r"born|birth|dob|d\.o\.b|d\. o\. b|bday|b-day|b['’]day|b\.|turn", _I)
# `_ANY_CUE` spelled out without IGNORECASE ('i' also stands for 'İ' and 'ı', the only
# non-ASCII letters `re` folds onto these): the same matches (no two alternatives match at
# one offset, so their order is free), but a leading character class lets `re` skip to
# b/d/t instead of trying every offset, several times faster on long text.
_CUE_AT = re.compile(
    r"[bBdDtT](?:(?<=[bB])(?:[oO][rR][nN]|[iIİı][rR][tT][hH]|[dD][aA][yY]|-[dD][aA][yY]"
    r"|['’][dD][aA][yY]|\.)|(?<=[dD])(?:[oO][bB]|\.[oO]\.[bB]|\. [oO]\. [bB])"
    r"|(?<=[tT])[uU][rR][nN])"
)
# `_ANY_CUE` for RE2 on `_re2_view(text)`: the same matches (RE2 folds 'ſ' and 'K' as `re`
# does; the view maps 'İ' and 'ı' to 'i', which only `re` folds).
_ANY_CUE_RE2 = re2.compile(r"(?i)" + _ANY_CUE.pattern)
_ANY_DIGIT = re2.compile(r"\p{Nd}")
# "April 11 (1981)": a year in brackets right after a month and day.
_PAREN_YEAR = re.compile(r"[ \t]{0,2}\([ \t]{0,2}(?P<y>(?:19|20)\d\d)[ \t]{0,2}\)")
# Things that are "born" or have a "birthday" without being people.
_NOT_A_PERSON = re.compile(
    r"(?<![a-z])(?:ordinance|bill|law|idea|movement|policy|program|project|campaign|group|"
    r"organization|company|band|business|city|town|country|nation|america|department|club|"
    r"initiative|tradition|festival|event|church|school|store|restaurant|brand|website|"
    r"server|channel|it|this|that)(?:['’]s)?(?:\s{1,3}(?:was|were|is|got))?\s{1,3}$",
    _I,
)
_WINDOW = 64
_AFTER = 40


def _valid_day(year: int, month: int, day: int) -> bool:
    return day <= days_in_month(year, month)


def _re2_view(text: str) -> bytes | str:
    """ASCII text as bytes (RE2 skips re-encoding it); other text with the two letters
    RE2 would not fold like `re` mapped to 'i' (same length, so offsets stay)."""
    if text.isascii():
        return text.encode("ascii")
    return text.replace("İ", "i").replace("ı", "i")  # str.translate is far slower


def _maybe_turns(text: str) -> tuple[bool, bool]:
    """Whether "turn" and "day" occur (case-folded as `re.IGNORECASE` does): `_TURNS`
    needs the one, `_NTH_BIRTHDAY` the other."""
    folded = text.lower()  # 't', 'u', 'r', 'n', 'd', 'a', 'y' have no non-ASCII folds
    return "turn" in folded, "day" in folded


def _occurrence(month: int, day: int, today: date, past: bool) -> int:
    """Year of the next (or, for `past`, the latest) occurrence of month/day around today."""
    this_year = (month, day) >= (today.month, today.day)
    if past:
        return today.year if (month, day) <= (today.month, today.day) else today.year - 1
    return today.year if this_year else today.year + 1


class BirthDateDetector:
    """Finds dates of birth; see the module docstring for kinds and confidences."""

    category = Category.BIRTH_DATE
    name = "birth_date"
    triggers: tuple[str, ...] = (
        "born", "birth", "dob", "d.o.b", "d. o. b", "bday", "b-day", "b'day", "b’day", "b.",
        "turn",
    )  # fmt: skip

    def __init__(self, today: date | None = None) -> None:
        # Tests pin `today`; the bot leaves it None and uses the real date per call.
        self._today = today

    def detect(self, text: str, limit: int | None = None) -> list[Finding]:
        """Findings in text order; with `limit`, the first `limit` of them."""
        return self._find(text)[:limit]

    def _find(self, text: str) -> list[Finding]:
        today = self._today or date.today()
        findings: list[Finding] = []
        no_year: list[tuple[DateMatch, int]] = []  # (date, index in findings)
        years: list[tuple[int, int, int]] = []  # (start, end, year) of birth years
        if _ANY_CUE_RE2.search(_re2_view(text)) is None:
            return []  # no cue anywhere (what the cue list below would say, found faster)
        found_dates = find_dates(text, today)
        # Only dates look cues up, so texts without dates skip collecting them.
        cues = [m.start() for m in _CUE_AT.finditer(text)] if found_dates else []
        late, nth = _maybe_turns(text) if found_dates else (False, False)
        for dm in found_dates:
            k = bisect_left(cues, dm.start - _WINDOW)
            if k == len(cues) or cues[k] >= dm.end + _AFTER:
                continue
            if dm.kind == "md" and dm.month and dm.day:
                paren = _PAREN_YEAR.match(text, dm.end)
                if paren and _valid_day(int(paren["y"]), dm.month, dm.day):
                    y = int(paren["y"])
                    dm = replace(dm, end=paren.end(), year=y, kind="ymd",
                                 value=iso_value(y, dm.month, dm.day))
            found = self._classify(text, dm, today, late, nth)
            if found is None:
                continue
            kind, confidence, value = found
            if kind == "birthday_no_year":
                no_year.append((dm, len(findings)))
            if kind == "birth_year" and dm.year is not None:
                years.append((dm.start, dm.end, dm.year))
            findings.append(
                Finding(self.category, dm.start, dm.end, value, confidence, kind)
            )
        taken = {(f.start, f.end) for f in findings}
        # A birth year needs a digit, and starts where a cue does, so at or after the
        # first cue (RE2's \p{Nd} holds every digit `re`'s \d matches).
        first_cue = _CUE_AT.search(text) if _ANY_DIGIT.search(text) else None
        for m in _BIRTH_YEAR.finditer(text, first_cue.start()) if first_cue else ():
            if _NOT_A_PERSON.search(text, max(0, m.start() - 30), m.start()):
                continue
            span = m.span("y") if m["y"] else (m.start("yy") - 1, m.end("yy"))
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue
            year = int(m["y"]) if m["y"] else expand_year(int(m["yy"]), today)
            years.append((span[0], span[1], year))
            findings.append(
                Finding(self.category, span[0], span[1], iso_value(year, None, None), 0.45,
                        "birth_year")
            )
        if no_year and len({y for _, _, y in years}) == 1:
            findings = self._join_split(findings, no_year, years[0][2])
        findings.sort(key=lambda f: f.start)
        return findings

    def _classify(
        self, text: str, dm: DateMatch, today: date, turns_word: bool = True,
        day_word: bool = True,
    ) -> tuple[str, float, str] | None:
        """(kind, confidence, value) when a birth cue is attached to `dm`, else None.
        `turns_word` / `day_word` False: the text has no "turn" / "day", so `_TURNS` /
        `_NTH_BIRTHDAY` cannot match and are not tried."""
        lo = max(0, dm.start - _WINDOW)
        if dm.kind in ("md", "ymd") and dm.month and dm.day:
            turns = (turns_word and _TURNS.search(text, lo, dm.start)) or (
                day_word and _NTH_BIRTHDAY.search(text, lo, dm.start)
            )
            if turns:
                age = int(turns["age"])
                if dm.year is not None:
                    year = dm.year - age
                else:
                    said = turns[0].lower()
                    past = said.startswith("turned") or " was" in said or " fell" in said
                    year = _occurrence(dm.month, dm.day, today, past) - age
                if 1850 < year <= today.year:
                    return "birthday_age", 0.85, iso_value(year, dm.month, dm.day)
                return None
        pre = _PRE_CUE.search(text, lo, dm.start)
        label: str | None = None
        if pre and pre["born"] and dm.year is None and _TITLE.match(text, pre.start()):
            return None
        if pre:
            if _NOT_A_PERSON.search(text, max(0, pre.start() - 30), pre.start()):
                return None  # "the ordinance was born on July 23, 2020"
            label = "born" if pre["born"] else pre["label"].lower()
        else:
            post = _POST_CUE.match(text, dm.end, min(len(text), dm.end + _AFTER))
            if post:
                label = post["label"].lower()
        if label is None:
            return None
        if dm.year is not None and dm.year > today.year:
            return None  # nobody is born in the future
        if dm.kind == "ymd":
            if label == "born" or label.startswith(("dob", "d.")) or "date" in label:
                return "date_of_birth", 0.95, dm.value
            return "birthday", 0.9, dm.value
        if dm.kind == "ym":
            return "birth_month_year", 0.7, dm.value
        if dm.kind == "y":
            return "birth_year", 0.45, dm.value
        return "birthday_no_year", 0.35, dm.value

    def _join_split(
        self, findings: list[Finding], no_year: list[tuple[DateMatch, int]], year: int
    ) -> list[Finding]:
        """A yearless birthday plus one birth year in the same message make a full birth date."""
        out = list(findings)
        values = []
        for dm, idx in no_year:
            value = iso_value(year, dm.month, dm.day)
            values.append(value)
            old = out[idx]
            out[idx] = Finding(self.category, old.start, old.end, value, 0.85, "birthday_split")
        for i, f in enumerate(out):
            if f.kind == "birth_year":
                out[i] = Finding(self.category, f.start, f.end, values[0], 0.85, "birth_year")
        return out
