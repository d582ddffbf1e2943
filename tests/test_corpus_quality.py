"""Quality bars of issue 2, measured on the labelled corpus in tests/corpus/.

The corpus is scanned exactly as `doxguard scan` would (file order, conversation
context), and the verdicts are scored against what a careful moderator decided
under the ordinance. The same scan runs over a held-out corpus that is not in the
repository, so these figures only mean something if nobody tunes the detectors
to these particular messages or relabels messages to make them pass.
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.models import Category

CORPUS = Path(__file__).parent / "corpus"
MESSAGES = CORPUS / "messages.jsonl"
SERVANTS = CORPUS / "servants.toml"
ACTIONS = ("hide", "review", "allow")
CATEGORIES = tuple(c.value for c in Category)

MIN_HIDE_PRECISION = 0.97
MIN_HIDE_RECALL = 0.95
MIN_CATEGORY_RECALL = 0.90


def load_corpus() -> list[dict[str, Any]]:
    with MESSAGES.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def servant_names() -> set[str]:
    with SERVANTS.open("rb") as fh:
        return {s["name"] for s in tomllib.load(fh)["servants"]}


# ----------------------------------------------------------------- corpus sanity
def test_corpus_is_well_formed_and_meets_the_required_mix() -> None:
    corpus = load_corpus()
    names = servant_names()
    seen: set[str] = set()
    hide_per_category: Counter[str] = Counter()
    negatives = 0
    for rec in corpus:
        assert {"id", "channel", "author", "text", "reply_to", "expect", "tags"} <= rec.keys()
        assert rec["id"] not in seen, f"duplicate id {rec['id']}"
        if rec["reply_to"] is not None:
            assert rec["reply_to"] in seen, f"{rec['id']} replies to a later or unknown id"
        seen.add(rec["id"])
        expect = rec["expect"]
        assert expect["action"] in ACTIONS, rec["id"]
        assert set(expect["categories"]) <= set(CATEGORIES), rec["id"]
        assert set(expect["servants"]) <= names, rec["id"]
        if expect["action"] == "allow":
            assert expect["categories"] == [] and expect["servants"] == [], rec["id"]
        if expect["action"] == "hide":
            assert expect["categories"] and expect["servants"], rec["id"]
            hide_per_category.update(expect["categories"])
        if any(t.startswith("negative:") for t in rec["tags"]):
            assert expect["action"] == "allow", rec["id"]
            negatives += 1
    assert len(corpus) >= 400
    assert negatives >= 200
    for category in CATEGORIES:
        assert hide_per_category[category] >= 20, category


def test_corpus_covers_context_family_evasion_and_review_cases() -> None:
    corpus = load_corpus()
    tags = Counter(t for rec in corpus for t in rec["tags"])
    for kind in ("context:reply", "context:same_author", "context:channel"):
        assert tags[kind] >= 5, kind
    assert tags["family"] >= 20
    assert tags["evasion"] >= 20
    assert sum(rec["expect"]["action"] == "review" for rec in corpus) >= 15


# ----------------------------------------------------------------- scoring
@dataclass
class Score:
    """Verdicts scored against the labels, with a printable report."""

    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    category_expected: Counter[str] = field(default_factory=Counter)
    category_found: Counter[str] = field(default_factory=Counter)
    servant_hits: int = 0
    servant_total: int = 0
    misses: list[str] = field(default_factory=list)

    def ratio(self, num: int, den: int) -> float:
        return num / den if den else 1.0

    @property
    def hide_precision(self) -> float:
        predicted = sum(n for (_, got), n in self.confusion.items() if got == "hide")
        return self.ratio(self.confusion["hide", "hide"], predicted)

    @property
    def hide_recall(self) -> float:
        expected = sum(n for (exp, _), n in self.confusion.items() if exp == "hide")
        return self.ratio(self.confusion["hide", "hide"], expected)

    def category_recall(self, category: str) -> float:
        return self.ratio(self.category_found[category], self.category_expected[category])

    def report(self) -> str:
        lines = [f"{'category':<34}{'expected':>9}{'found':>7}{'recall':>8}"]
        for c in CATEGORIES:
            lines.append(
                f"{c:<34}{self.category_expected[c]:>9}{self.category_found[c]:>7}"
                f"{self.category_recall(c):>8.3f}"
            )
        lines.append(f"hide precision {self.hide_precision:.3f}   "
                     f"hide recall {self.hide_recall:.3f}   "
                     f"servant attribution {self.servant_hits}/{self.servant_total}")
        lines.append("confusion (rows expected, columns predicted):")
        lines.append(f"{'':>8}" + "".join(f"{a:>8}" for a in ACTIONS))
        for exp in ACTIONS:
            lines.append(f"{exp:>8}" + "".join(f"{self.confusion[exp, got]:>8}" for got in ACTIONS))
        if self.misses:
            lines.append(f"misclassified ({len(self.misses)}):")
            lines.extend(self.misses)
        return "\n".join(lines)


def score(corpus: list[dict[str, Any]], verdicts: list[dict[str, Any]]) -> Score:
    result = Score()
    for rec, got in zip(corpus, verdicts, strict=True):
        assert got["id"] == rec["id"], "scan output out of order"
        expect = rec["expect"]
        exp_action, got_action = expect["action"], got["action"]
        result.confusion[exp_action, got_action] += 1
        found_any_missing = False
        if exp_action != "allow":
            for c in expect["categories"]:
                result.category_expected[c] += 1
                if got_action != "allow" and c in got["categories"]:
                    result.category_found[c] += 1
                else:
                    found_any_missing = True
        if exp_action == "hide" and got_action == "hide":
            result.servant_total += 1
            result.servant_hits += set(expect["servants"]) <= set(got["servants"])
        if exp_action != got_action or found_any_missing:
            result.misses.append(
                f"  {rec['id']} expected {exp_action} {expect['categories']} got {got_action} "
                f"{got['categories']} {got['servants']} tags={rec['tags']} "
                f"text={rec['text'][:90]!r}"
            )
    return result


@pytest.fixture(scope="module")
def corpus_score() -> Score:
    from bot.pipeline import Pipeline

    corpus = load_corpus()
    pipeline = Pipeline.from_files(servants=SERVANTS)
    records = (
        {k: rec[k] for k in ("id", "channel", "author", "text", "reply_to")} for rec in corpus
    )
    result = score(corpus, list(pipeline.scan_records(records)))
    print("\n" + result.report())
    return result


def test_hide_precision(corpus_score: Score) -> None:
    assert corpus_score.hide_precision >= MIN_HIDE_PRECISION, corpus_score.report()


def test_hide_recall(corpus_score: Score) -> None:
    assert corpus_score.hide_recall >= MIN_HIDE_RECALL, corpus_score.report()


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_recall(corpus_score: Score, category: str) -> None:
    assert corpus_score.category_recall(category) >= MIN_CATEGORY_RECALL, corpus_score.report()


def test_scoring_counts_what_it_should() -> None:
    """The scorer itself: a wrong verdict must lower the figures it touches."""
    corpus = [
        {"id": "a", "text": "x", "tags": [],
         "expect": {"action": "hide", "categories": ["phone_number"], "servants": ["S"]}},
        {"id": "b", "text": "y", "tags": [],
         "expect": {"action": "allow", "categories": [], "servants": []}},
        {"id": "c", "text": "z", "tags": [],
         "expect": {"action": "review", "categories": ["home_address"], "servants": []}},
    ]
    verdicts = [
        {"id": "a", "action": "hide", "categories": ["email_address"], "servants": ["S"]},
        {"id": "b", "action": "hide", "categories": ["phone_number"], "servants": []},
        {"id": "c", "action": "review", "categories": ["home_address"], "servants": []},
    ]
    result = score(corpus, verdicts)
    assert result.hide_precision == 0.5
    assert result.hide_recall == 1.0
    assert result.category_recall("phone_number") == 0.0
    assert result.category_recall("home_address") == 1.0
    assert len(result.misses) == 2
