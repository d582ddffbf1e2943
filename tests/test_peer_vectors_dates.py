"""Presidio's recognizer test vectors against our date parser and health detector.

`tests/data/peer_vectors/presidio_recognizer_cases.jsonl` (copied from
../shared/peer-vectors; see its README) holds
the cases Presidio tests itself on. Its `birth_date` cases are generic dates
(DATE_TIME), so they run against `find_dates`, the parser the birth-date
detector relies on, not against the detector (a date with no birth cue is not a
birth date). The `health_or_insurance_information` cases are Medicare MBIs and
UK NHS numbers; they run against `HealthDetector`.

A case agrees when our spans pair one-to-one with the expected spans, each pair
overlapping by at least 80 % of the longer span; a negative case agrees when we
find nothing. Cases we disagree with on purpose are listed with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.detectors.dates import find_dates
from bot.detectors.health import HealthDetector

PEER_DIR = Path(__file__).resolve().parent / "data" / "peer_vectors"
CASES_FILE = PEER_DIR / "presidio_recognizer_cases.jsonl"

_NHS_REASON = (
    "UK NHS numbers are out of scope: the ordinance is Kansas City's, and the NHS "
    "3-3-4 digit layout is the US phone layout; its mod-11 check passes about one "
    "random 10-digit number in eleven, so detecting it would flag ~9% of US phone numbers"
)
# (presidio_entity, text) -> why we deliberately answer differently.
DELIBERATE_DISAGREEMENTS: dict[tuple[str, str], str] = {
    ("UK_NHS", "401-023-2137"): _NHS_REASON,
    ("UK_NHS", "221 395 1837"): _NHS_REASON,
    ("UK_NHS", "0032698674"): _NHS_REASON,
}


@dataclass(frozen=True)
class Case:
    entity: str
    text: str
    expected: list[tuple[int, int]]


def _load(category: str) -> list[Case]:
    if not CASES_FILE.is_file():
        pytest.fail(
            f"peer vectors not found at {CASES_FILE}: they are part of the repository "
            "(tests/data/peer_vectors); restore them from git"
        )
    cases = []
    with CASES_FILE.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["category"] == category:
                spans = [(int(a), int(b)) for a, b in row["expected_spans"]]
                cases.append(Case(row["presidio_entity"], row["text"], spans))
    if not cases:
        pytest.fail(f"{CASES_FILE} has no {category} cases")
    return cases


def _close(a: tuple[int, int], b: tuple[int, int]) -> bool:
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap > 0 and overlap >= 0.8 * max(a[1] - a[0], b[1] - b[0])


def agrees(ours: list[tuple[int, int]], expected: list[tuple[int, int]]) -> bool:
    if len(ours) != len(expected):
        return False
    remaining = list(ours)
    for exp in expected:
        match = next((o for o in remaining if _close(o, exp)), None)
        if match is None:
            return False
        remaining.remove(match)
    return True


def _table(title: str, rows: list[tuple[Case, list[tuple[int, int]], bool]]) -> str:
    lines = [f"\n{title}", f"{'entity':<10} {'cases':>5} {'agree':>5} {'deliberate':>10} {'%':>6}"]
    for entity in sorted({c.entity for c, _, _ in rows}):
        mine = [r for r in rows if r[0].entity == entity]
        ok = sum(1 for r in mine if r[2])
        deliberate = sum(1 for r in mine if (entity, r[0].text) in DELIBERATE_DISAGREEMENTS)
        lines.append(
            f"{entity:<10} {len(mine):>5} {ok:>5} {deliberate:>10} {100 * ok / len(mine):>5.1f}%"
        )
    for case, ours, ok in rows:
        if not ok:
            why = DELIBERATE_DISAGREEMENTS.get((case.entity, case.text), "UNEXPECTED")
            lines.append(f"  disagree {case.entity} {case.text!r}: expected {case.expected}, "
                         f"ours {ours} - {why}")
    return "\n".join(lines)


def _check_deliberate(rows: list[tuple[Case, list[tuple[int, int]], bool]]) -> None:
    """Every listed disagreement must still disagree, and every disagreement must be listed."""
    for case, _, ok in rows:
        listed = (case.entity, case.text) in DELIBERATE_DISAGREEMENTS
        assert ok != listed, (
            f"{case.entity} {case.text!r}: "
            + ("listed as a deliberate disagreement but now agrees" if ok
               else "disagrees and is not listed in DELIBERATE_DISAGREEMENTS")
        )


def test_date_parser_agrees_with_presidio_dates() -> None:
    rows = []
    for case in _load("birth_date"):
        ours = [(m.start, m.end) for m in find_dates(case.text)]
        rows.append((case, ours, agrees(ours, case.expected)))
    print(_table("find_dates vs Presidio DATE_TIME", rows))
    _check_deliberate(rows)
    agreement = sum(ok for _, _, ok in rows) / len(rows)
    assert len(rows) == 35
    assert agreement >= 0.95


def test_health_detector_agrees_with_presidio_mbi() -> None:
    detector = HealthDetector()
    rows = []
    for case in _load("health_or_insurance_information"):
        lowered = case.text.lower()
        triggered = any(t in lowered for t in detector.triggers)
        ours = [(f.start, f.end) for f in detector.detect(case.text)] if triggered else []
        rows.append((case, ours, agrees(ours, case.expected)))
    print(_table("HealthDetector vs Presidio US_MBI / UK_NHS", rows))
    _check_deliberate(rows)
    mbi = [ok for case, _, ok in rows if case.entity == "US_MBI"]
    assert len(mbi) == 17
    assert sum(mbi) / len(mbi) >= 0.95
