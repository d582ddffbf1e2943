"""Health by grammar: conditions, treatments, leave and facilities without a facility list.

The places are invented or from cities the detector was never shown, so a case passes
only through the words around it: a treatment before "at", a "for <treatment>" after,
a head word of the place's own name (Hospital, Recovery, Behavioral, ...).
"""

from __future__ import annotations

import pytest

from bot.detectors.health import HealthDetector

DETECTOR = HealthDetector()


def _found(text: str) -> list[tuple[str, str]]:
    return [
        (text[f.start : f.end], f.kind) for f in DETECTOR.detect(text) if f.confidence >= 0.5
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a treatment right before the place names it a facility, whatever it is called
        ("his wife is in rehab at Juniper Ridge in Flagstaff",
         [("rehab", "treatment"), ("Juniper Ridge", "facility")]),
        ("the sergeant's son did chemo at St. Agatha's",
         [("chemo", "treatment"), ("St. Agatha's", "facility")]),
        ("her daughter is in treatment for anorexia at Willowbend Lodge",
         [("treatment", "treatment"), ("anorexia", "condition"),
          ("Willowbend Lodge", "facility")]),
        # a treatment right after "for"
        ("Officer Vance is at Sagebrush House for the 30 day program",
         [("Sagebrush House", "facility"), ("30 day program", "treatment")]),
        # the place's own head word
        ("the judge was admitted to Tamarack Behavioral last week",
         [("Tamarack Behavioral", "facility")]),
        ("she got out of Bayou Pines Recovery Center in May",
         [("Bayou Pines Recovery Center", "facility")]),
        ("the councilman was hospitalized at Mercy Ridge",
         [("hospitalized", "event"), ("Mercy Ridge", "facility")]),
        # time off and benefits for a condition
        ("his wife is on disability for lupus", [("disability", "treatment"),
                                                  ("lupus", "condition")]),
        ("the deputy was out on FMLA for PTSD", [("FMLA", "treatment"), ("PTSD", "condition")]),
        ("Captain Ruiz is out on workers comp for a torn ACL",
         [("workers comp", "treatment"), ("torn ACL", "condition")]),
    ],
)  # fmt: skip
def test_health_grammar_without_a_facility_list(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert _found(text) == expected


# Medications the vocabulary does not list: prescribed, dosed, or taken for a health term.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the lieutenant was prescribed Veltarin in March", [("Veltarin", "medication")]),
        ("his wife takes Quorvexa 40 mg every morning", [("Quorvexa", "medication")]),
        ("the judge takes 20 mg of Dalquera", [("Dalquera", "medication")]),
        ("her son takes Zimtrexo for his ADHD", [("Zimtrexo", "medication"),
                                                  ("ADHD", "condition")]),
        ("the chief takes 50mg of sertraline", [("sertraline", "medication")]),
    ],
)  # fmt: skip
def test_unlisted_medications_by_grammar(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    ["he takes Uber for work", "the bill takes 20 mg of effort", "I was prescribed Veltarin",
     "she's on Instagram for hours"],
)
def test_taking_ordinary_things_is_no_medication(text: str) -> None:
    assert _found(text) == []


def test_being_at_a_general_place_is_no_stay() -> None:
    """A named hospital is also visited and reported from: review strength at most."""
    (f,) = DETECTOR.detect("Officer Vance was at Lakeside Medical Center to take a report")
    assert f.kind == "facility" and 0.3 <= f.confidence < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "she works at Lakeside Medical Center",
        "the fundraiser is at Juniper Ridge on Friday",
        "he checked into the Grand Marlowe downtown",
        "we met at Sagebrush House for dinner",
        "the council voted on disability access ramps",
        "I'm on disability for my back",
    ],
)
def test_places_and_benefits_without_a_person_or_treatment(text: str) -> None:
    assert _found(text) == []


def test_an_insurer_and_member_word_label_an_id() -> None:
    (f,) = DETECTOR.detect("her plan is Aetna member 48210377 if that helps")
    assert (f.kind, f.value) == ("insurance_id", "48210377")


def test_triggers_cover_named_facilities() -> None:
    for text in ("was admitted to Tamarack Behavioral", "hospitalized at Mercy Ridge",
                 "was prescribed Veltarin", "Quorvexa 40 mg"):
        assert any(t in text.lower() for t in DETECTOR.triggers), text
