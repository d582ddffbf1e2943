"""Social Security numbers and ITINs, in every common spelling.

The shape (3-2-4 digits) is common in ordinary numbers, so a candidate must pass the
SSA's structural rules (python-stdnum's `us.ssn` plus the test/advertising numbers it
does not list) and, when it carries no separators at all, sit next to a cue word.
"""

from __future__ import annotations

import re

from stdnum.us import ssn as stdnum_ssn

from bot.detectors.context_words import ContextWords, boost, join_digit_lines, outside_urls
from bot.models import Category, Finding

SSN_CONTEXT = ContextWords(
    [
        "ssn", "ssns", "ssn#", "ss#", "ss #", "ss no", "ssid", "social", "social security",
        "social security number", "soc sec", "itin", "itins", "tax id", "taxpayer",
        "taxpayer id", "tin", "tax identification",
    ]
)

# Three digit groups with an optional separator between them. The look-arounds keep
# the match out of longer digit runs and out of longer dash/dot-separated numbers.
# The left look-behinds sit after the first digit (same test of the characters before it),
# so the pattern starts with a digit and `re` skips to digits instead of trying every offset.
_CANDIDATE = re.compile(
    r"(\d(?<!\d\d)(?<!\d[-.]\d)\d\d)([-. ]?)(\d{2})([-. ]?)(\d{4})(?!\d)(?![-.]\d)"
)

# A ZIP+4 ("64106-1234") has the digits of an SSN typed "641-061234" without its first
# dash; a state abbreviation or "zip" shortly before it means it is a postcode.
_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
_ZIP_BEFORE = re.compile(r"\b(?:" + "|".join(_STATES) + r")\b|(?i:zip|postal|postcode)")

# The last four digits, which banks and employers use to verify identity: "last 4 of
# his social is 1123", "ssn ending in 1123", "xxx-xx-1123".
_SSN_WORDS = r"(?:ssn|ss\s?#|social(?:\s+security)?(?:\s+(?:number|no\.?|#))?|itin)"
_LAST_FOUR = re.compile(
    rf"(?i)\blast\s+(?:4|four)(?:\s+digits)?\s+(?:of\s+)?(?:(?:his|her|their|the|my)\s+)?"
    rf"{_SSN_WORDS}\s*(?:is|are|was|=|:|-)?\s*(?P<a>\d{{4}})(?!\d)"
    rf"|\b{_SSN_WORDS}\s*(?:is\s+)?(?:ending|ends)\s+(?:in|with)\s*(?P<b>\d{{4}})(?!\d)"
    r"|(?<![\w*-])(?:xxx|\*\*\*)[-. ]?(?:xx|\*\*)[-. ]?(?P<c>\d{4})(?!\d)"
)
# Each alternative above holds "last", "end(ing|s)", "xxx" or "***" (same case rules):
# one cheap search keeps the big pattern off ordinary chat.
_LAST_FOUR_CUE = re.compile(r"(?i)last|end|xxx|\*\*\*")

def _may_say_last_four(text: str) -> bool:
    """A substring test per `_LAST_FOUR_CUE` word, far cheaper than its case-insensitive
    scan: 'ſ' is the only non-ASCII letter `re` folds onto one of their letters."""
    folded = text.lower()
    if not text.isascii():
        folded = folded.replace("ſ", "s")
    return any(word in folded for word in ("last", "end", "xxx", "***"))


# Numbers the SSA never issued or that were published (Woolworth wallet card, LifeLock,
# SSA pamphlets); python-stdnum blocks some, the rest are listed here.
_KNOWN_INVALID = frozenset(
    {"078051120", "219099999", "457555462", "123456789", "987654321", "012345678"}
)

# IRS ITIN middle groups (9xx-GG-xxxx): 50-65, 70-88, 90-92, 94-99.
_ITIN_GROUPS = frozenset([*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)])


def is_valid_ssn(digits: str) -> bool:
    """Structural SSN check on 9 digits (area, group, serial, known fakes)."""
    if len(digits) != 9 or not digits.isdigit() or digits in _KNOWN_INVALID:
        return False
    if len(set(digits)) == 1:
        return False
    return bool(stdnum_ssn.is_valid(digits))


def is_valid_itin(digits: str) -> bool:
    """Structural ITIN check on 9 digits: 9xx, an IRS-assigned middle group, serial ≠ 0000."""
    if len(digits) != 9 or not digits.isdigit() or digits[0] != "9":
        return False
    return int(digits[3:5]) in _ITIN_GROUPS and digits[5:] != "0000"


class SSNDetector:
    """Finds SSNs (kind "ssn") and ITINs (kind "itin")."""

    category = Category.SOCIAL_SECURITY_NUMBER
    name = "ssn"
    triggers: tuple[str, ...] = tuple("0123456789")

    def detect(self, text: str, limit: int | None = None) -> list[Finding]:
        """Findings in text order; with `limit`, the first `limit` of them."""
        return self._find(text)[:limit]

    def _find(self, text: str) -> list[Finding]:
        view = join_digit_lines(text)
        findings: list[Finding] = []
        for m in _CANDIDATE.finditer(view):
            area, sep1, group, sep2, serial = m.groups()
            digits = area + group + serial
            if is_valid_ssn(digits):
                kind = "ssn"
            elif is_valid_itin(digits):
                kind = "itin"
            else:
                continue
            if sep1 and sep2 and sep1 != sep2:
                continue  # "693-09.4444": mismatched separators are not how anyone writes one
            start, end = m.span()
            context = SSN_CONTEXT.near(view, start, end)
            if sep1 and sep1 == sep2:
                base = 0.6  # the canonical 3-2-4 spelling
            elif sep1 or sep2:
                if sep2 and not context and _ZIP_BEFORE.search(view, max(0, start - 24), start):
                    continue  # "MO 64106-1234" is a ZIP+4
                base = 0.3  # half-formatted: "078-051121", "07805-1121"
            else:
                if not context:
                    continue  # a bare 9-digit run is only an SSN when someone says so
                base = 0.4
            findings.append(
                Finding(self.category, start, end, digits, round(boost(base, context), 2), kind)
            )
        findings += self._last_four(view, findings)
        return outside_urls(view, findings)

    def _last_four(self, text: str, taken: list[Finding]) -> list[Finding]:
        """Partial SSNs said to be one: the span is the four digits, the value too."""
        out: list[Finding] = []
        if not _may_say_last_four(text) or _LAST_FOUR_CUE.search(text) is None:
            return out
        for m in _LAST_FOUR.finditer(text):
            group = next(g for g in ("a", "b", "c") if m.group(g))
            start, end = m.span(group)
            if m.group(group) == "0000" or any(f.start < end and start < f.end for f in taken):
                continue
            if group == "c" and not SSN_CONTEXT.near(text, m.start(), m.end()):
                continue  # "xxx-xx-1123" without a cue may be any masked number
            out.append(Finding(self.category, start, end, m.group(group), 0.6, "ssn_last4"))
        return out
