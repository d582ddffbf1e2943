"""Normalized view of a message, with an offset map back to the original.

(Interface fixed; implementation in progress.)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """`text` is what detectors see; `starts[i]`/`ends[i]` give the original span of text[i]."""

    text: str
    original: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of `text` to the span of `original` it came from."""
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def normalize(text: str) -> NormalizedText:
    """Identity placeholder until the real normalizer lands."""
    n = len(text)
    return NormalizedText(text, text, tuple(range(n)), tuple(range(1, n + 1)))
