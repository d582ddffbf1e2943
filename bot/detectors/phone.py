"""Phone numbers, found and validated by `phonenumbers` (Google's libphonenumber port).

We use `PhoneNumberMatcher` rather than our own pattern: it knows every country's
numbering plan, spacing habits and extensions. Numbers must be *valid* (not merely
possible). North American 555-01xx numbers (reserved for fiction) are valid to
phonenumbers, which is what we want: they stand in for real numbers in test data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers
from phonenumbers import Leniency, PhoneNumber, PhoneNumberFormat, PhoneNumberMatcher

from bot.detectors.context_words import ContextWords, boost, join_digit_lines
from bot.models import Category, Finding

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
    r"claim|policy|account|acct|routing|serial|model|part|sku|upc|isbn|badge|id)"
    r"\s*(?:no\.?|num(?:ber)?|#|id)?\s*[:#]?\s*$"
)

# Phone-shaped digit groups the matcher can miss when numbers follow each other with
# only spaces ("816 555 0142 816 555 0143"): NANP 3-3-4 and "+CC ..." international.
_NANP_SHAPE = re.compile(
    r"(?<![\w+])(?<!\d[-.])(?:\+?1[ .\-]?)?(?:\(\d{3}\)\s?|\d{3}[ .\-]?)\d{3}[ .\-]?\d{4}(?![\w])"
)

# An SSN in its canonical spelling belongs to the SSN detector.
_SSN_SHAPE = re.compile(r"^\d{3}([-. ])\d{2}\1\d{4}$")


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
        self.regions = (self.region, *(r.upper() for r in extra_regions if r.upper() != region))
        self.leniency = leniency

    def detect(self, text: str) -> list[Finding]:
        view = join_digit_lines(text)
        spans: list[tuple[int, int, PhoneNumber]] = []
        for region in self.regions:
            for match in PhoneNumberMatcher(view, region, leniency=self.leniency):
                self._add(spans, match.start, match.end, match.number)
        if self.region in ("US", "CA") or "US" in self.regions:
            for m in _NANP_SHAPE.finditer(view):
                if any(s < m.end() and m.start() < e for s, e, _ in spans):
                    continue
                try:
                    number = phonenumbers.parse(m.group(), self.region)
                except phonenumbers.NumberParseException:
                    continue
                if phonenumbers.is_valid_number(number):
                    self._add(spans, m.start(), m.end(), number)
        findings: list[Finding] = []
        for start, end, number in sorted(spans, key=lambda s: s[0]):
            raw = view[start:end]
            if _SSN_SHAPE.match(raw.strip()):
                continue
            context = PHONE_CONTEXT.near(view, start, end)
            if _OTHER_NUMBER.search(view, max(0, start - 24), start):
                continue  # "order #8165550142", "tracking number ...": labelled as something else
            e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
            base = 0.6 if raw.lstrip().startswith("+") or _has_separators(raw) else 0.45
            findings.append(
                Finding(self.category, start, end, e164, round(boost(base, context), 2), "phone")
            )
        return findings

    def _add(self, spans: list[tuple[int, int, PhoneNumber]], start: int, end: int,
             number: PhoneNumber) -> None:
        """Keep the first (default-region) reading of any overlapping span."""
        if not phonenumbers.is_valid_number(number):
            return
        if any(s < end and start < e for s, e, _ in spans):
            return
        spans.append((start, end, number))


def _has_separators(raw: str) -> bool:
    """A number written with grouping ("816-555-0142") reads as a phone more than a digit run."""
    return any(c in raw for c in " -.()")

