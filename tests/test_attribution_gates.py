"""The RE2 readings in bot/attribution.py change no answer.

On ASCII text `others_named` skips its `re` scans when an RE2 reading of the same
patterns finds nothing, and `titled_stranger` matches with an RE2 twin of its pattern.
These tests run both functions that way and the plain way (a gate that always lets the
scans run, the `re` pattern in place of its twin) over the test corpus, the benchmark's
generated traffic and hostile whitespace, and compare.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import re2

from bench import traffic
from bot import attribution
from bot.normalize import normalize
from bot.registry import load_servants

CORPUS = Path(__file__).parent / "corpus"
REGISTRY = load_servants(CORPUS / "servants.toml")


def texts() -> list[str]:
    out = [json.loads(line)["text"] for line in
           (CORPUS / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
    out += [m.full_text for m in traffic.clean_mix(3_000, seed=21)]
    out += [m.full_text for m in traffic.pii_mix(1_000, seed=22)]
    out += list(traffic.adversarial(600, seed=23).values())
    for space in ("\x0b", "\x1c", "\x1f", "\f", "\t", "\u00a0", "\u2003"):
        out += [f"Officer{space}Wojcik was there", f"ask Dave{space}Jenkins about it",
                f"my{space}neighbor said so", f"my{space}neighbor lives there",
                f"our organizer{space}dave knows",
                f"det.{space}ramirez", f"R.{space}Diaz called"]
    out += ["Ofﬁcer Wojcik", "ofﬁcer wojcik", "Officer Wójcik", "my neıghbor", "Kelvin \u212aing"]
    return out


TEXTS = texts()


def _answers() -> list[tuple[bool, bool]]:
    found = []
    for text in TEXTS:
        norm = normalize(text)
        hits = REGISTRY.find_names(norm.text, norm.folded)
        found.append((attribution.others_named(norm.text, hits),
                      attribution.titled_stranger(norm.text, hits)))
    return found


def test_gated_answers_equal_the_plain_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    gated = _answers()
    always = re2.compile("")  # matches every text: the `re` scans always run
    monkeypatch.setattr(attribution, "_OTHERS_GATE", always)
    monkeypatch.setattr(attribution, "_TITLED_TWIN", attribution._TITLED_NAME)
    plain = _answers()
    assert gated == plain
    # the comparison covers both answers both ways
    assert {g[0] for g in plain} == {True, False} and {g[1] for g in plain} == {True, False}


def test_python_whitespace_re2_lacks_still_opens_the_gates() -> None:
    assert attribution.titled_stranger("Officer\x0bWojcik was there", [])
    assert attribution.others_named("ask Dave\x1cJenkins about it", [])
    assert attribution.others_named("my\x1fneighbor lives there", [])


def test_the_twin_finds_the_same_matches_and_groups_on_ascii_text() -> None:
    compared = 0
    for text in TEXTS:
        for t in (text, normalize(text).text):
            if not t.isascii():
                continue
            twin = [(m.span(), m.groups()) for m in attribution._TITLED_TWIN.finditer(t)]
            plain = [(m.span(), m.groups()) for m in attribution._TITLED_NAME.finditer(t)]
            assert twin == plain, t[:120]
            compared += bool(plain)
    assert compared > 50
