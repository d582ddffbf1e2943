"""Weak and partial values: where somebody lives without the address, a number's last digits.

"lives in the 6200 block of Wornall", "lives out in Raytown right off 350 hwy",
"her house is the big white one on Brush Creek", "his number ends in 4471" do not
carry a full value, but about a servant they are a step towards one. They are
found here with a low confidence (below `detection.min_confidence`), so the
policy sends them to moderators (review) instead of hiding; nobody registered
concerned, they change nothing.
"""

from __future__ import annotations

import re

from bot.models import Category, Finding

WEAK_CONFIDENCE = 0.4

_RESIDENCE = (
    r"\b(?:lives?|living|stays?|staying|resides?|residing|moved|house is|home is|place is|"
    r"crib is|house's)\b"
)
_WHERE = (
    r"(?:out in|over in|over on|down in|down on|up in|right off|just off|in|on|off|near|by|"
    r"above|below|behind|across from|next to|around|at the end of|by the|on the corner of)"
)
_PLACE = (
    r"(?:the \d{2,5}\s+block\s+of\s+[\w'-]+"  # "the 6200 block of Wornall"
    r"|the (?:[\w'-]+ ){0,4}?(?:house|one|place|apartment|apt|building|complex|duplex|"
    r"condo|townhouse|trailer|corner)\b"  # "the yellow house", "the big white one"
    r"|(?:(?<=above )|(?<=behind )|(?<=across from )|(?<=next to ))"
    r"the (?:[\w'-]+ ){0,2}[\w'-]+"  # "above the bakery"
    r"|(?-i:[A-Z][\w'.-]+)(?: (?-i:[A-Z&][\w'.-]*)){0,3})"  # "Raytown", "Lee's Summit"
)
_NEAR_ME = (
    r"(?:across (?:the street )?from|next door to|down the (?:street|road|block) from|near|"
    r"behind|around the corner from|a few (?:doors|houses|blocks) (?:down )?from) (?:me|us)\b"
)
_VAGUE_RESIDENCE = re.compile(
    rf"{_RESIDENCE}(?:\s+\w+){{0,2}}?\s+(?:{_WHERE}\s+(?:the\s+)?(?P<place>{_PLACE})"
    rf"|(?P<near>{_NEAR_ME})|(?:out )?in (?P<town>[\w' ]{{3,25}}?) (?:right |just )?(?:off|near) "
    r"[\w']+)",
    re.IGNORECASE,
)
# "her house is the big white one on ...": the house described, not addressed
_DESCRIBED = re.compile(
    r"\b(?:house|home|place)(?: is|'s)\s+(?P<place>the (?:[\w'-]+ ){0,4}?(?:house|one|place|"
    r"building|duplex|condo|townhouse)\b(?:\s+(?:on|off|at|by|near)\s+\S+(?: \S+)?)?)",
    re.IGNORECASE,
)
_BLOCK = re.compile(r"\b(?:the )?\d{2,5}\s+block\s+of\s+[\w'-]+", re.IGNORECASE)


class VagueResidenceDetector:
    """Where a person lives, short of a street address: a town, a block, a house."""

    category = Category.HOME_ADDRESS
    name = "vague_residence"
    triggers: tuple[str, ...] = ("live", "living", "stay", "resid", "moved", "house", "home",
                                 "place is", "crib", "block of")

    def detect(self, text: str, limit: int | None = None) -> list[Finding]:
        findings: list[Finding] = []
        taken: list[tuple[int, int]] = []
        for m in _VAGUE_RESIDENCE.finditer(text):
            group = next(g for g in ("place", "near", "town") if m.group(g) is not None)
            start, end = m.span(group)
            kind = "block" if _BLOCK.search(text, max(0, start - 4), end) else "vague"
            findings.append(Finding(self.category, start, end, "", WEAK_CONFIDENCE, kind))
            taken.append((start, end))
        for m in _DESCRIBED.finditer(text):
            start, end = m.span("place")
            if not any(a <= start < b for a, b in taken):
                findings.append(Finding(self.category, start, end, "", WEAK_CONFIDENCE, "vague"))
                taken.append((start, end))
        for m in _BLOCK.finditer(text):
            if not any(a <= m.start() < b for a, b in taken):
                findings.append(
                    Finding(self.category, m.start(), m.end(), "", WEAK_CONFIDENCE, "block")
                )
        findings.sort(key=lambda f: f.start)
        return findings[:limit]


_LAST_DIGITS = re.compile(
    r"\b(?:number|cell|phone|digits|line|#)\b[^.\n]{0,24}?"
    r"\b(?:ends? (?:in|with)|last (?:4|four)(?: digits)?(?: (?:are|is))?)\s*:?\s*(\d{4})\b",
    re.IGNORECASE,
)


class PartialPhoneDetector:
    """The last four digits of somebody's phone number."""

    category = Category.PHONE_NUMBER
    name = "partial_phone"
    triggers: tuple[str, ...] = ("ends in", "ends with", "end in", "end with", "last 4",
                                 "last four")

    def detect(self, text: str, limit: int | None = None) -> list[Finding]:
        findings = [
            Finding(self.category, m.start(1), m.end(1), "", WEAK_CONFIDENCE, "last4")
            for m in _LAST_DIGITS.finditer(text)
        ]
        return findings[:limit]
