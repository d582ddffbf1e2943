"""`detect(text, limit=k)` is exactly `detect(text)[:k]`, however early it stops.

The pipeline keeps the first MAX_FINDINGS_PER_DETECTOR findings of each detector, so
the address and phone detectors stop scanning once those are certain (a wall of
addresses costs what its first few cost). Stopping early must never change which
findings come first: these tests hold the limited call to the full one on walls of
candidates, numbers in every shape next to each other, overlapping readings, and the
whole corpus.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench import traffic
from bot.detectors import build_detectors
from bot.normalize import normalize
from bot.pipeline import MAX_FINDINGS_PER_DETECTOR

CORPUS = Path(__file__).parent / "corpus" / "messages.jsonl"
DETECTORS = {d.name: d for d in build_detectors("US")}
LIMITS = (0, 1, 2, 3, 5, 8, MAX_FINDINGS_PER_DETECTOR)


def hostile_texts() -> list[str]:
    texts = [t for length in (600, 4_000) for t in traffic.adversarial(length, seed=9).values()]
    texts += [traffic.adversarial(6_000, seed=seed)["street-words"] for seed in (10, 11)]
    r = random.Random(5)
    pieces = (
        "816-555-0142", "(913) 555-0117", "+44 20 7946 0958", "816 555 0143", "011 44 20 7946 0958",
        "8165550199", "64110 73247", "4410 Holly St", "4471 N Holly St Apt 2 Kansas City MO 64111",
        "the 4400 block of Holly", "lives at 12 oak", "order #8165550142", "123-45-6789",
        "https://x.test/816-555-0101", "310-1234", "1 800 555 0100", "  ", "\n", ", ", " and ",
        "Main St", "Suite 200", "12/03/1990", "(", ")", "ext. 12", "x",
    )  # fmt: skip
    for _ in range(60):
        texts.append("".join(r.choice(pieces) + r.choice(" ,;\n") for _ in range(r.randint(5, 90))))
    return texts


HOSTILE = hostile_texts()


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_limited_detect_is_the_prefix_of_the_full_one_on_hostile_walls(name: str) -> None:
    detector = DETECTORS[name]
    stopped_early = 0
    for text in HOSTILE:
        norm = normalize(text).text
        full = detector.detect(norm)
        for k in LIMITS:
            assert detector.detect(norm, limit=k) == full[:k], (name, k, text[:120])
        stopped_early += len(full) > MAX_FINDINGS_PER_DETECTOR
    if name in ("address", "phone"):  # the two that stop early: walls longer than the limit
        assert stopped_early >= 3


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_limited_detect_on_the_corpus(name: str) -> None:
    detector = DETECTORS[name]
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        norm = normalize(json.loads(line)["text"]).text
        full = detector.detect(norm)
        for k in (0, 1, 2):
            assert detector.detect(norm, limit=k) == full[:k]


PIECE = st.sampled_from(
    ["816-555-0142", "(816) 555-0143", "+1 816 555 0144", "913.555.0117", "555-0145", "4410",
     "64110", "Holly St", "Apt 3", "Kansas City MO", "+44 20 7946 0958", "12", "0", "-", " ",
     "  ", "(", ")", "/", "\n", "order #", "tel", "https://t.test/", "2"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECE, max_size=60), st.integers(min_value=0, max_value=6))
def test_limited_phone_and_address_agree_on_generated_text(parts: list[str], k: int) -> None:
    norm = normalize("".join(parts)).text
    for name in ("address", "phone"):
        detector = DETECTORS[name]
        assert detector.detect(norm, limit=k) == detector.detect(norm)[:k]


def test_a_phone_shape_crossing_the_stop_point_holds_the_result_back() -> None:
    """The matcher's windows never leave a shape across the point where the scan may
    stop, but `_shapes` must not count on it: a valid shape crossing that point may yet
    lose to a later window, so nothing from its start on is final."""
    phone = DETECTORS["phone"]
    view = "call 816 555 0142 or 913 555 0117"
    start = view.index("913")
    for frontier in (start + 1, start + 6, len(view) - 1):
        spans: list = []
        settled = phone._shapes(view, spans, bytearray(len(view)), [], frontier)
        assert settled == start
        assert [view[a:b] for a, b, _ in spans] == ["816 555 0142"]
    spans = []
    assert phone._shapes(view, spans, bytearray(len(view)), [], len(view)) == len(view)
    assert [view[a:b] for a, b, _ in spans] == ["816 555 0142", "913 555 0117"]
    # an invalid number crossing the point cannot win, so it holds nothing back
    view = "call 816 555 0142 or 111 111 1111"
    assert phone._shapes(view, [], bytearray(len(view)), [], len(view) - 3) == len(view) - 3


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789()+-./,$ \tab٣８\n", max_size=300))
@example("call 816 555 0142 " + "1234 5678 (91) 2.3-4/5 ٣８ " * 4 + "x 12 34")  # one dump
@example("8" * 19 + " " * 30 + "b" + "9" * 45)  # too few digits, then a run of digits
def test_dense_number_runs_match_the_reference_pattern(text: str) -> None:
    """The phone detector finds dumps of numbers with RE2 (linear); `re` with the same
    class (its \\d is Unicode's Nd) is the reference."""
    import re

    from bot.detectors.phone import _dense_runs

    reference = [
        m.span() for m in re.finditer(r"[\d()+\-./,$ \t]{40,}", text)
        if sum(c.isdigit() for c in m.group()) >= 20
    ]
    assert _dense_runs(text) == reference
