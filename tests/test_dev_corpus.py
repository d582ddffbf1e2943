"""The development set (tests/data/dev_corpus, copied from ../shared/dev-corpus): its figures.

709 labelled messages over a 500-servant registry full of common surnames,
scanned exactly as `doxguard scan` does. The issue's targets are hide precision
>= 0.97, hide recall >= 0.95, every category >= 0.90 and the right servant on
>= 0.98 of hides; the test holds exactly those. `python tests/test_dev_corpus.py`
prints the table.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.config import load_config
from bot.models import Category
from bot.pipeline import Pipeline
from bot.registry import load_servants

DATA = Path(__file__).parent / "data" / "dev_corpus"

TARGETS = {"hide_precision": 0.97, "hide_recall": 0.95, "category": 0.90, "servant": 0.98}
# every target is met today: the floors are the targets
FLOORS = {k: v for k, v in TARGETS.items() if k != "category"}
CATEGORY_FLOORS = dict.fromkeys(Category, TARGETS["category"])


@dataclass
class Score:
    hide_tp: int = 0
    hide_fp: int = 0
    hide_fn: int = 0
    servant_right: int = 0
    expected: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.hide_tp / max(1, self.hide_tp + self.hide_fp)

    @property
    def recall(self) -> float:
        return self.hide_tp / max(1, self.hide_tp + self.hide_fn)

    @property
    def servant(self) -> float:
        return self.servant_right / max(1, self.hide_tp)

    def category(self, c: Category) -> float:
        return self.found[c.value] / max(1, self.expected[c.value])

    def table(self) -> str:
        rows = [
            f"hide precision {self.precision:.3f} (target {TARGETS['hide_precision']})",
            f"hide recall    {self.recall:.3f} (target {TARGETS['hide_recall']})",
            f"right servant  {self.servant:.3f} (target {TARGETS['servant']})",
        ]
        for c in Category:
            rows.append(
                f"{c.value:34} {self.found[c.value]:3}/{self.expected[c.value]:3} "
                f"= {self.category(c):.3f} (target {TARGETS['category']})"
            )
        return "\n".join(rows)


def score() -> Score:
    pipeline = Pipeline(load_config(None), load_servants(DATA / "servants.toml"))
    with (DATA / "messages.jsonl").open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    result = Score()
    for rec, verdict in zip(records, pipeline.scan_records(records), strict=True):
        expect = rec["expect"]
        if expect["action"] == "either":
            continue
        hidden = verdict["action"] == "hide"
        if expect["action"] == "hide":
            for c in expect["categories"]:
                result.expected[c] += 1
                if hidden and c in verdict["categories"]:
                    result.found[c] += 1
            if hidden:
                result.hide_tp += 1
                result.servant_right += set(expect["servants"]) <= set(verdict["servants"])
            else:
                result.hide_fn += 1
        elif hidden:
            result.hide_fp += 1
    return result


@pytest.fixture(scope="module")
def dev() -> Score:
    return score()


def test_hide_precision_and_recall(dev: Score) -> None:
    print(dev.table())
    assert dev.precision >= FLOORS["hide_precision"], dev.table()
    assert dev.recall >= FLOORS["hide_recall"], dev.table()


def test_the_right_servant_is_named(dev: Score) -> None:
    assert dev.servant >= FLOORS["servant"], dev.table()


@pytest.mark.parametrize("category", list(Category), ids=lambda c: c.value)
def test_category_recall(dev: Score, category: Category) -> None:
    assert dev.category(category) >= CATEGORY_FLOORS[category], dev.table()


if __name__ == "__main__":
    print(score().table())
