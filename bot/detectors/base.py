"""What a detector is: a small object that finds one category family in text."""

from __future__ import annotations

from typing import Protocol

from bot.models import Category, Finding


class Detector(Protocol):
    """Finds and validates candidates of one category.

    `detect` receives the *normalized* text (see `bot.normalize`) and returns
    spans indexing that text; the pipeline maps them back to the original.
    Detectors only find: they never decide whether a finding is a violation.

    `triggers` is a cheap pre-check: the pipeline skips the detector when none
    of these substrings occurs in the lowercased normalized text (an empty
    tuple means "always run"). Keep it honest: a missed trigger is a missed
    finding.

    `limit` asks for the first `limit` findings only: exactly `detect(text)[:limit]`,
    which a detector may get by stopping early (the address and phone detectors do,
    so a wall of candidates costs what its first few cost).
    """

    category: Category
    name: str
    triggers: tuple[str, ...]

    def detect(self, text: str, limit: int | None = None) -> list[Finding]: ...
