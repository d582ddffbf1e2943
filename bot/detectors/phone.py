"""Phone numbers, found and validated by `phonenumbers` (Google's libphonenumber port).

We use `PhoneNumberMatcher` rather than our own pattern: it knows every country's
numbering plan, spacing habits and extensions. Numbers must be *valid* (not merely
possible). North American 555-01xx numbers (reserved for fiction) are valid to
phonenumbers, which is what we want: they stand in for real numbers in test data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import phonenumbers
import re2
from phonenumbers import (
    Leniency,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberMatcher,
    phonenumbermatcher,
)

from bot.detectors.context_words import ContextWords, boost, join_digit_lines, outside_urls
from bot.models import Category, Finding
from bot.re2_subject import re2_subject

PHONE_CONTEXT = ContextWords(
    [
        "phone", "phones", "phone number", "telephone", "tel", "cell", "cellphone", "cell phone",
        "mobile", "call", "calling", "text", "txt", "sms", "whatsapp", "signal", "landline",
        "fax", "number", "digits", "contact", "reach", "ring", "hotline", "voicemail", "dial",
    ]
)

# Numbers that look like a phone number but are labelled as something else.
_OTHER_NUMBER = re.compile(
    r"(?i:order|invoice|tracking|case|ticket|ref|reference|confirmation|receipt|"
    r"claim|policy|account|acct|routing|serial|model|part|sku|upc|isbn|badge)"
    r"\s*(?:no\.?|num(?:ber)?|#|id)?\s*[:#]?\s*$"
)

# Phone-shaped digit groups the matcher can miss when numbers follow each other with
# only spaces ("816 555 0142 816 555 0143"): NANP 3-3-4 and "+CC ..." international.
_NANP_SHAPE = re.compile(
    r"(?<![\w+])(?<!\d[-.])(?:\+?1[ .\-]?)?(?:\(\d{3}\)\s?|\d{3}[ .\-]?)\d{3}[ .\-]?\d{4}(?![\w])"
)

# "+44 20 7946 0958" inside a dense run of numbers, where the matcher is not used.
_INTL_SHAPE = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .\-]?\(?\d{1,4}\)?){2,6}(?!\w)")

# Long runs of digits and number punctuation: a dump of many numbers. PhoneNumberMatcher
# re-parses every sub-run of such a run (about a second per 100 KB), so we hand it the
# text with these runs blanked and find the numbers inside them with the shapes above.
# RE2, linear: `re` would retry at every position of each shorter run (~40 steps a
# character on text full of short numbers). \p{Nd} is what `re`'s \d matches.
_DENSE_PUNCT = "()+-./,$ \t"
_DENSE = re2.compile(r"[\p{Nd}()+\-./,$ \t]{40,}")
_DENSE_MIN_DIGITS = 20

# Longer than any match of the two shapes plus the character their lookahead reads.
_SHAPE_REACH = 128
_FIRST_FRONTIER = 256  # where a limited scan first tries to stop in the shape passes

# An SSN in its canonical spelling belongs to the SSN detector.
_SSN_SHAPE = re.compile(r"^\d{3}([-. ])\d{2}\1\d{4}$")


# Seven digits with at most four other characters between each: "(816) 555-0142",
# "+44 20 7946 0958". Chat times, scores and prices ("7:30", "24-17", "$15") fail it.
# Digit and non-digit classes are disjoint, so the match is linear.
_SEVEN_DIGITS = re.compile(r"[0-9](?:[^0-9]{0,4}[0-9]){6}")

# What PhoneNumberMatcher may put between the digit groups of one candidate (its
# `_PUNCTUATION` class: dashes, blanks, parens, brackets, dots, slashes, tildes, "x").
_MATCHER_PUNCT = (
    r"[-x\u2010-\u2015\u2212\u30fc\uff0d-\uff0f \u00a0\u00ad\u200b\u2060\u3000()"
    r"\uff08\uff09\uff3b\uff3d.\[\]/~\u2053\u223c\uff5e]"
)
# Where a valid number for a NANP region can be (the gate and the windows below):
# - dialled nationally, ten digits (eleven with the leading 1) joined by at most four of
#   the characters above, as in one matcher candidate; the one shorter kind is Canada's
#   seven-digit 310-xxxx (phonenumbers' metadata, checked by a test);
# - after "+", or after the "011" exit code where a number starts, a country code and a
#   national number: at least six digits (Austria, Germany and Iran have 2 + 4; see
#   tests), the "+" followed only by brackets and punctuation before the first digit.
# Dates, times, prices and order numbers ("4/20/2027 at 1:15") fail all of them. Case-
# insensitive like the matcher ("X" is punctuation to it as much as "x").
_TEN_DIGITS = re.compile(rf"[0-9](?:{_MATCHER_PUNCT}{{0,4}}[0-9]){{9}}", re.I)
SHORT_NANP_PREFIX, SHORT_NANP_LENGTH = "310", 7
MIN_INTERNATIONAL_DIGITS = 6
_NANP_GATE = re.compile(
    rf"{_TEN_DIGITS.pattern}"
    rf"|{f'{_MATCHER_PUNCT}{{0,4}}'.join(SHORT_NANP_PREFIX)}"
    rf"(?:{_MATCHER_PUNCT}{{0,4}}[0-9]){{{SHORT_NANP_LENGTH - len(SHORT_NANP_PREFIX)}}}"
    rf"|[+\uff0b](?:[(\[\uff08\uff3b+\uff0b]|{_MATCHER_PUNCT}){{0,9}}[0-9]"
    rf"(?:{_MATCHER_PUNCT}{{0,4}}[0-9]){{{MIN_INTERNATIONAL_DIGITS - 1}}}"
    rf"|(?<![0-9])011(?:{_MATCHER_PUNCT}{{0,4}}[0-9]){{{MIN_INTERNATIONAL_DIGITS}}}",
    re.I,
)

_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def _matcher_chars() -> str:
    """A character class of everything PhoneNumberMatcher's candidate pattern can match.

    Derived from the library's own pattern (literals, ranges, digits, same flags), so a
    run of other characters is a point no candidate crosses."""
    from re import _constants as sre
    from re import _parser as sre_parse

    literals: set[int] = set()
    ranges: list[tuple[int, int]] = []

    def walk(tree: sre_parse.SubPattern | list) -> None:
        for op, av in tree:
            if op is sre.LITERAL:
                literals.add(av)
            elif op is sre.IN:
                for op2, av2 in av:
                    if op2 is sre.LITERAL:
                        literals.add(av2)
                    elif op2 is sre.RANGE:
                        ranges.append(av2)
                    elif op2 is not sre.CATEGORY or av2 is not sre.CATEGORY_DIGIT:
                        raise ValueError(f"unexpected class item {op2}")
            elif op is sre.SUBPATTERN:
                walk(av[-1])
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                walk(av[2])
            elif op is sre.BRANCH:
                for branch in av[1]:
                    walk(branch)
            else:
                raise ValueError(f"unexpected pattern item {op}")

    walk(sre_parse.parse(_MATCHER_PATTERN.pattern, _MATCHER_PATTERN.flags))
    items = [re.escape(chr(c)) for c in sorted(literals)]
    items += [f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges]
    return "[\\d" + "".join(items) + "]"


_MATCHER_PATTERN = phonenumbermatcher._PATTERN
_MATCHER_CHAR_CLASS = _matcher_chars()
_MATCHER_RUN = re.compile(_MATCHER_CHAR_CLASS + "*", _MATCHER_PATTERN.flags)
_MATCHER_RUN_BACK = _MATCHER_RUN  # the class is symmetric: matched on the reversed text


def _matcher_windows(view: str) -> Iterator[tuple[int, int, int]]:
    """Slices of `view` that hold every candidate a NANP region can find valid, in order.

    A window is the run of candidate characters around a `_NANP_GATE` match, plus the one
    character before it (the matcher checks what precedes a number) and three after (it
    checks what follows, e.g. a ":30" timestamp). A run starts where no candidate can
    cross, so the matcher finds the same candidates in the slice as in the whole text.
    Yields (start, end, keep): matches starting at `keep` or later are partial. Lazy, so
    a scan that stops early never looks at the rest of a long text."""
    n = len(view)
    rev = view[::-1]
    pending: tuple[int, int, int] | None = None
    for gate in _NANP_GATE.finditer(view):
        lo, hi = gate.span()
        if pending is not None and hi <= pending[2]:
            continue  # inside the run of the previous window
        lo = n - _MATCHER_RUN_BACK.match(rev, n - lo).end()
        hi = _MATCHER_RUN.match(view, hi).end()
        start, end = max(0, lo - 1), min(n, hi + 4)
        if pending is not None:
            if start <= pending[1]:
                start = pending[0]
            else:
                yield pending
        pending = (start, end, hi)
    if pending is not None:
        yield pending


class PhoneDetector:
    """Valid phone numbers for a default region (plus optional extra regions)."""

    category = Category.PHONE_NUMBER
    name = "phone"
    triggers: tuple[str, ...] = tuple("0123456789")

    def __init__(
        self,
        region: str = "US",
        extra_regions: Iterable[str] = (),
        leniency: int = Leniency.VALID,
    ) -> None:
        self.region = region.upper()
        extra = (r.upper() for r in extra_regions)
        self.regions = (self.region, *dict.fromkeys(r for r in extra if r != self.region))
        self.leniency = leniency
        # Every region shares country code 1: a number needs ten digits unless dialled
        # internationally. The matcher already checked validity at VALID and above.
        self._nanp_only = all(phonenumbers.country_code_for_region(r) == 1 for r in self.regions)
        self._matcher_validates = leniency >= Leniency.VALID

    def detect(self, text: str, limit: int | None = None) -> list[Finding]:
        """Phone numbers in `text`, in order; with `limit`, the first `limit` of them.

        The limit lets the matcher stop once those are certain (a wall of 2,000 valid
        numbers costs what its first few cost) and returns exactly `detect(text)[:limit]`.
        """
        if _SEVEN_DIGITS.search(text) is None:
            return []  # no phone number has fewer than 7 digits: skip the costly matcher
        view = join_digit_lines(text)
        # The gate and windows read ASCII digits; the matcher reads any script's (the
        # normalizer folds them, but a caller may pass raw text): then the whole text.
        narrow = self._nanp_only and (view.isascii() or _OTHER_DIGIT.search(view) is None)
        if narrow and _NANP_GATE.search(view) is None:
            return []
        taken = bytearray(len(view))  # 1 where a number was already found
        spans: list[tuple[int, int, PhoneNumber]] = []
        dense = _dense_runs(view)
        matcher_view = _blank(view, dense)
        # For NANP regions the matcher only sees the windows around possible numbers, not
        # the dates, scores and digit soup in between.
        n = len(view)
        # Stopping early needs one region: a second region's readings come after all of
        # the first region's windows. Past `check`, try to finish at each window boundary.
        check = limit if limit is not None and len(self.regions) == 1 else None
        if not narrow:
            windows: Iterable[tuple[int, int, int]] = [(0, n, n)]
        elif check is None:
            windows = list(_matcher_windows(matcher_view))
        else:
            windows = _matcher_windows(matcher_view)
        for region in self.regions:
            ahead = iter(windows)
            window = next(ahead, None)
            while window is not None:
                lo, hi, keep = window
                window = next(ahead, None)  # one ahead: where this window's spans are final
                piece = matcher_view[lo:hi] if (lo, hi) != (0, n) else matcher_view
                for match in PhoneNumberMatcher(piece, region, leniency=self.leniency):
                    if lo + match.start >= keep:
                        break
                    self._add(spans, taken, lo + match.start, lo + match.end, match.number,
                              validated=self._matcher_validates)
                if check is not None and len(spans) >= check:
                    frontier = window[0] if window is not None else n
                    found = self._settled(view, spans, taken, dense, frontier)
                    if len(found) >= limit:
                        return found[:limit]
                    check = 2 * len(spans)  # geometric: the shape passes are not rerun per window
        if check is not None:
            # Every matcher span is known; the shape passes (all of a dump of numbers,
            # which the matcher never sees) can still stop once the first `limit` are.
            # Each try reruns the shapes from the start, so the next frontier is where the
            # findings so far say the limit will be reached (at least four times further),
            # and one full pass replaces the tries once they would cover most of the text.
            frontier = _FIRST_FRONTIER
            while frontier < n:
                found = self._settled(view, spans, taken, dense, frontier)
                if len(found) >= limit:
                    return found[:limit]
                frontier = max(4 * frontier, frontier * (limit + 1) // max(1, len(found)))
                if frontier >= n // 2:
                    break
        self._shapes(view, spans, taken, dense, n)
        return self._findings(view, spans, n)[:limit]

    def _shapes(self, view: str, spans: list[tuple[int, int, PhoneNumber]], taken: bytearray,
                dense: list[tuple[int, int]], frontier: int) -> int:
        """Add the phone shapes the matcher can miss, deciding those that end by `frontier`.

        The matcher's spans are all known before `frontier` (its windows past it are not
        run yet). A valid shape crossing `frontier` may yet lose to a later window: it is
        held as maybe (and so is any shape overlapping one); returns where the first such
        begins, before which every span is final (`frontier` if none).
        """
        settled = frontier
        maybe = bytearray(len(view)) if frontier < len(view) else None
        nanp = "US" in self.regions or "CA" in self.regions
        shapes = [(_NANP_SHAPE, 0, len(view))] if nanp else []
        shapes += [(_INTL_SHAPE, lo, hi) for lo, hi in dense]
        for shape, lo, hi in shapes:
            # A shape is at most ~60 characters: past `frontier` + _SHAPE_REACH the end of
            # the scan cannot change a match that starts before `frontier`.
            for m in shape.finditer(view, lo, min(hi, frontier + _SHAPE_REACH)):
                start, end = m.span()
                if start >= frontier:
                    break
                if any(taken[start:end]):
                    continue
                try:
                    number = phonenumbers.parse(m.group(), self.region)
                except phonenumbers.NumberParseException:
                    continue
                if maybe is not None and (end > frontier or any(maybe[start:end])):
                    if phonenumbers.is_valid_number(number):
                        maybe[start:end] = b"\x01" * (end - start)
                        settled = min(settled, start)
                    continue
                self._add(spans, taken, start, end, number)
        return settled

    def _settled(self, view: str, spans: list[tuple[int, int, PhoneNumber]], taken: bytearray,
                 dense: list[tuple[int, int]], frontier: int) -> list[Finding]:
        """The findings that are final with the matcher's spans known up to `frontier`
        (the full scan's first findings: as many as it has up to where they settle)."""
        trial_spans, trial_taken = list(spans), bytearray(taken)
        settled = self._shapes(view, trial_spans, trial_taken, dense, frontier)
        return self._findings(view, [s for s in trial_spans if s[0] < settled], len(view))

    def _findings(self, view: str, spans: list[tuple[int, int, PhoneNumber]],
                  n: int) -> list[Finding]:
        findings: list[Finding] = []
        for start, end, number in sorted(spans, key=lambda s: s[0]):
            start, end = _balance_parens(view, start, end)
            raw = view[start:end]
            if _SSN_SHAPE.match(raw.strip()):
                continue
            if _OTHER_NUMBER.search(view, max(0, start - 24), start):
                continue  # "order #8165550142", "tracking number ...": labelled as something else
            context = PHONE_CONTEXT.near(view, start, end)
            e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
            base = 0.6 if raw.lstrip().startswith("+") or _has_separators(raw) else 0.5
            findings.append(
                Finding(self.category, start, end, e164, round(boost(base, context), 2), "phone")
            )
        return outside_urls(view, findings)

    @staticmethod
    def _add(spans: list[tuple[int, int, PhoneNumber]], taken: bytearray, start: int, end: int,
             number: PhoneNumber, validated: bool = False) -> None:
        """Keep the first (default-region) reading of any overlapping span."""
        if any(taken[start:end]):
            return
        if not validated and not phonenumbers.is_valid_number(number):
            return
        taken[start:end] = b"\x01" * (end - start)
        spans.append((start, end, number))


def _dense_runs(text: str) -> list[tuple[int, int]]:
    """Runs of digits and number punctuation with enough digits to be a dump of numbers."""
    runs = []
    for m in _DENSE.finditer(re2_subject(text)):
        lo, hi = m.span()
        run = text[lo:hi]
        if len(run) - sum(run.count(c) for c in _DENSE_PUNCT) >= _DENSE_MIN_DIGITS:
            runs.append((lo, hi))
    return runs


def _blank(text: str, runs: list[tuple[int, int]]) -> str:
    """The text with each run replaced by spaces (same length, so offsets hold)."""
    if not runs:
        return text
    parts, pos = [], 0
    for lo, hi in runs:
        parts += [text[pos:lo], " " * (hi - lo)]
        pos = hi
    parts.append(text[pos:])
    return "".join(parts)


def _balance_parens(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a lone "(" or ")" the matcher kept: "(913-555-0117" -> "913-555-0117"."""
    raw = text[start:end]
    if raw.startswith("(") and ")" not in raw:
        start += 1
    if raw.endswith(")") and "(" not in raw:
        end -= 1
    return start, end


def _has_separators(raw: str) -> bool:
    """A number written with grouping ("816-555-0142") reads as a phone more than a digit run."""
    return any(c in raw for c in " -.()")

