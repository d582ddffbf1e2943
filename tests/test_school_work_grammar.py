"""School and work by grammar: frames of working and attending around any place name.

Every place here is invented or from a city the detector was never shown (Tucson,
Duluth, Savannah, Spokane, Albany ...), so none can be on a list: each case passes
only through the grammar (a frame, a place phrase, head nouns, a schedule).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.detectors.school_work import SchoolWorkDetector
from bot.models import Category

DETECTOR = SchoolWorkDetector()


def _found(text: str) -> list[tuple[str, str, str]]:
    return [
        (text[f.start : f.end], f.kind, f.value)
        for f in DETECTOR.detect(text)
        if f.confidence >= 0.5
    ]


# (message, covered text, kind)
FRAMES = [
    # verbs of working, with a schedule between verb and preposition
    ("her husband works nights at the Pima Copper plant in Sahuarita",
     "Pima Copper plant in Sahuarita", "employment"),
    ("he cuts hair at Fade Theory Barbers in Lincoln Park, tue-sat",
     "Fade Theory Barbers in Lincoln Park", "employment"),
    ("his sister does nails at Polished Lotus on Division", "Polished Lotus on Division",
     "employment"),
    ("she waits tables at Ollie's Diner in Canal Street", "Ollie's Diner in Canal Street",
     "employment"),
    ("the lieutenant's wife consults for Harmon & Pryce, office on Calder Ave",
     "Harmon & Pryce", "employment"),
    ("his brother freelances for Bluegill Media", "Bluegill Media", "employment"),
    ("she's a paralegal with Okonkwo Reyes LLP", "Okonkwo Reyes LLP", "employment"),
    ("his wife does the books for Tallgrass Roofing", "Tallgrass Roofing", "employment"),
    # nouns of a post at a workplace
    ("she's on the front desk at Lakeshore Dental, mornings", "Lakeshore Dental",
     "employment"),
    ("night shift at Copperline Foundry in Superior", "Copperline Foundry in Superior",
     "employment"),
    # a job title after a copula
    ("his wife is a nurse at St. Brigid's Medical on Ridge Road",
     "St. Brigid's Medical on Ridge Road", "employment"),
    # family at a school
    ("the deputy has a daughter at St. Cecilia's on Wabasha", "St. Cecilia's on Wabasha",
     "school"),
    ("her boy's in 7th at Tamarack Academy", "Tamarack Academy", "school"),
    ("he's at Mesquite Ridge High, a senior", "Mesquite Ridge High", "school"),
    ("her son plays varsity soccer at Cholla Vista", "Cholla Vista", "school"),
    ("his kid is in the gifted program at Pinecrest", "Pinecrest", "school"),
    ("the sheriff's kid got suspended from Larkspur Middle", "Larkspur Middle", "school"),
    # school-style acronyms without any list of schools
    ("his daughter is a sophomore at UNLV", "UNLV", "school"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "covered", "kind"), FRAMES)
def test_frames_find_places_on_no_list(text: str, covered: str, kind: str) -> None:
    found = _found(text)
    assert [(c, k) for c, k, _ in found] == [(covered, kind)]
    assert all(f.category is Category.SCHOOL_OR_EMPLOYMENT_LOCATION for f in DETECTOR.detect(text))


# Lowercase names: a word rare in English, a possessive, or a head noun a qualifier places.
LOWERCASE = [
    ("she works at hallorans on the east side", "hallorans on the east side"),
    ("he's a cook at the marcello's downtown", "marcello's downtown"),
    ("his wife is the pharmacist at that quikmart on 9th", "quikmart on 9th"),
    ("her mom runs the flower shop on 4th and elm", "flower shop on 4th and elm"),
    ("works the register at the shoe outlet in riverbend mall",
     "shoe outlet in riverbend mall"),
]


@pytest.mark.parametrize(("text", "covered"), LOWERCASE)
def test_lowercase_place_names(text: str, covered: str) -> None:
    assert [c for c, k, _ in _found(text)] == [covered]


@pytest.mark.parametrize(
    "text",
    [
        "she works at night mostly",
        "he works for tips honestly",
        "works at a bank somewhere",
        "he runs the meetups on fridays",
        "she runs the numbers every quarter",
        "the kids are at Saguaro Elementary right now",
        "he works with kids at the rec",
        "she works with Priya on Tuesdays",
        "works hard at it on weekends",
        "he got kicked out of the bar",
        "she got suspended from work",
        "I'm on call for the weekend",
        "his wife at the rally",
        "she goes to tucson a lot",
    ],
)
def test_ordinary_sentences_name_no_workplace(text: str) -> None:
    assert _found(text) == []


def test_a_schedule_after_the_place_supports_it() -> None:
    plain = DETECTOR.detect("she works at Juniper Lanes")
    scheduled = DETECTOR.detect("she works at Juniper Lanes, wed-sun")
    assert [f.value for f in plain] == [f.value for f in scheduled] == ["juniper lanes"]
    assert scheduled[0].confidence > plain[0].confidence


def test_any_citys_police_initials_are_an_official_employer() -> None:
    (f,) = DETECTOR.detect("he works for SPDPD now")
    assert (f.kind, f.confidence) == ("official_employer", 0.15)
    (g,) = DETECTOR.detect("she works for the City of Duluth")
    assert g.kind == "official_employer"


def test_a_full_name_after_for_stays_weak_a_company_does_not() -> None:
    (titled,) = DETECTOR.detect("she works for Judge Okafor")
    assert titled.confidence < 0.5
    (person,) = DETECTOR.detect("she works for Marisol Ortega")
    (company,) = DETECTOR.detect("she works for Harrow Logistics")
    assert person.confidence < 0.5 <= company.confidence


def test_triggers_cover_every_frame() -> None:
    for text, *_ in FRAMES + LOWERCASE:
        assert any(t in text.lower() for t in DETECTOR.triggers), text


def test_limit_is_a_prefix() -> None:
    text = " ".join(t for t, *_ in FRAMES)
    full = DETECTOR.detect(text)
    assert len(full) >= 10
    for k in (1, 3, 7):
        assert DETECTOR.detect(text, limit=k) == full[:k]


_FRAME_WORDS = st.sampled_from(
    ["he", "she's", "Emily", " is", " are", " was", "'s", " at", " for", " with", " the",
     " a", " in", " 8th", " eleventh", " pre-k", " grade", " gifted", " program", " does",
     " nails", " cuts", " hair", " waits", " tables", " front", " desk", " night", " shift",
     " overnights", " on", " call", " has", " two", " kids", " varsity", " soccer", " jv",
     " got", " suspended", " from", " consults", " nurse", " Tamarack", " High", " Juniper"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_FRAME_WORDS, max_size=12).map("".join))
def test_triggers_cover_every_cue_match(text: str) -> None:
    """The pipeline skips the detector without a trigger: every cue match must hold one."""
    from bot.detectors import school_work

    folded = text.lower()
    if any(regex.search(text) for regex in school_work._CUE_RES.values()):
        assert any(t in folded for t in DETECTOR.triggers), text
