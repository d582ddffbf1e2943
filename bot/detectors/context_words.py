"""Presidio-style context words: a nearby cue word raises a candidate's confidence.

A bare number means little on its own; "my ssn is ..." or "routing number ..." just
before it is what makes it PII. Detectors share this one implementation so that the
window, the word matching and the size of the boost stay consistent.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from bot.models import Finding

# Presidio's default: a context word adds 0.35, and a candidate with context scores at
# least 0.4. We cap below 1.0 so a format-only match never looks certain.
CONTEXT_BOOST = 0.35
MIN_WITH_CONTEXT = 0.4
MAX_CONFIDENCE = 0.99


class ContextWords:
    """A set of cue words or phrases looked up in a character window around a span.

    Matching is case-insensitive and on word boundaries (letters only), so "ssn" hits
    "SSN:" and "ssn#" but not "lessns"; phrases match with any run of spaces or
    punctuation between their words ("social-security", "tax  id").
    """

    def __init__(self, words: Iterable[str], before: int = 48, after: int = 16) -> None:
        self.words: tuple[str, ...] = tuple(sorted({w.lower() for w in words}, key=len))
        self.before = before
        self.after = after
        # Longest first so "social security number" wins over "social" in find().
        alternatives = sorted(self.words, key=len, reverse=True)
        parts = [r"[\s_\-./:]{0,3}".join(re.escape(p) for p in w.split()) for w in alternatives]
        self._pattern = re.compile(r"(?<![a-z])(?:" + "|".join(parts) + r")(?![a-z])")

    def near(self, text: str, start: int, end: int) -> bool:
        """True when a cue word occurs within the window before or after `text[start:end]`."""
        lo = max(0, start - self.before)
        hi = min(len(text), end + self.after)
        window = text[lo:start].lower() + " " + text[end:hi].lower()
        return self._pattern.search(window) is not None

    def index(self, text: str) -> ContextIndex:
        """Every cue in `text`, found once, for many `near` questions on the same text."""
        return ContextIndex(self.find(text), self.before, self.after)

    def occurs(self, text: str) -> bool:
        """True when any cue word occurs anywhere in `text`."""
        return self._pattern.search(text.lower()) is not None

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans of every cue word in `text` (tests strip them to get a no-context text)."""
        return [m.span() for m in self._pattern.finditer(text.lower())]


class ContextIndex:
    """Cue-word spans of one text; answers `near` by bisection instead of re-scanning."""

    def __init__(self, spans: list[tuple[int, int]], before: int, after: int) -> None:
        self._starts = [s for s, _ in spans]
        self._ends = [e for _, e in spans]
        self.before = before
        self.after = after

    def near(self, start: int, end: int) -> bool:
        """A cue ends inside the `before` window or starts inside the `after` window."""
        i = bisect.bisect_left(self._ends, start - self.before)
        if i < len(self._ends) and self._ends[i] <= start:
            return True
        j = bisect.bisect_left(self._starts, end)
        return j < len(self._starts) and self._starts[j] < end + self.after


def boost(confidence: float, has_context: bool) -> float:
    """The confidence of a candidate once its context is known (Presidio's rule)."""
    if not has_context:
        return confidence
    return min(MAX_CONFIDENCE, max(MIN_WITH_CONTEXT, confidence + CONTEXT_BOOST))


def join_digit_lines(text: str) -> str:
    """Replace line breaks that sit between digits with spaces, keeping every offset.

    "816\\n555\\n0142" is one phone number split over lines; phonenumbers and our own
    patterns only accept spaces inside a number. Same length, so spans stay valid.
    """
    if "\n" not in text and "\r" not in text:
        return text
    return _DIGIT_BREAK.sub(lambda m: " " * len(m.group()), text)


# A run of line-break whitespace between a digit (or closing paren) and a digit or "(".
_DIGIT_BREAK = re.compile(r"(?<=[\d)])[ \t]*[\r\n]+[ \t]*(?=[\d(+])")


_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>]+")


def outside_urls(text: str, findings: list[Finding]) -> list[Finding]:
    """Drop findings inside a link: digits in a URL path or query are ids, not PII."""
    if "http" not in text and "www." not in text:
        return findings
    urls = [m.span() for m in _URL.finditer(text)]
    return [f for f in findings if not any(s <= f.start and f.end <= e for s, e in urls)]
