"""Birth-date and health detectors: exact spans, values and kinds on fictional chat lines.

Every detector call goes through `run`, which applies the pipeline's trigger
pre-check first, so a positive here also proves the triggers are honest.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.detectors.dates as dates_module
import bot.detectors.health as health_module
from bot.detectors.base import Detector
from bot.detectors.birth_date import BirthDateDetector
from bot.detectors.dates import find_dates
from bot.detectors.health import HealthDetector, is_mbi
from bot.detectors.health_terms import KINDS, STRICT_FORMS
from bot.models import Category, Finding

TODAY = date(2026, 11, 21)
BIRTH = BirthDateDetector(today=TODAY)
HEALTH = HealthDetector()


def run(detector: Detector, text: str) -> list[Finding]:
    """What the pipeline does: skip the detector unless a trigger occurs in the lowercased text."""
    lowered = text.lower()
    if detector.triggers and not any(t in lowered for t in detector.triggers):
        return []
    return detector.detect(text)


def spans(text: str, findings: list[Finding]) -> list[tuple[str, str, str]]:
    return [(text[f.start : f.end], f.value, f.kind) for f in findings]


# --- the date parser -----------------------------------------------------------------

DATE_CASES: list[tuple[str, list[tuple[str, str]]]] = [
    ("DOB 03/14/1979", [("03/14/1979", "1979-03-14")]),
    ("bday 3/14/79", [("3/14/79", "1979-03-14")]),
    ("dob 14.03.1979", [("14.03.1979", "1979-03-14")]),
    ("b. 1979-03-14", [("1979-03-14", "1979-03-14")]),
    ("born March 14, 1979", [("March 14, 1979", "1979-03-14")]),
    ("Mar 14th 1979", [("Mar 14th 1979", "1979-03-14")]),
    ("Sept. 3rd, 1985", [("Sept. 3rd, 1985", "1985-09-03")]),
    ("14 March 1979", [("14 March 1979", "1979-03-14")]),
    ("the 14th of March, 1979", [("14th of March, 1979", "1979-03-14")]),
    ("on March 14 we meet", [("March 14", "--03-14")]),
    ("class of '79", [("'79", "1979")]),
    ("Mar. 14 '79", [("Mar. 14 '79", "1979-03-14")]),
    ("14-Mar-1979", [("14-Mar-1979", "1979-03-14")]),
    ("March 1979", [("March 1979", "1979-03")]),
    ("29 Feb 1980", [("29 Feb 1980", "1980-02-29")]),
    ("3/14/05", [("3/14/05", "2005-03-14")]),
    ("2024-03-15T14:30:00Z", [("2024-03-15T14:30:00Z", "2024-03-15")]),
    # days as ordinal words, "of"/"in" before the year, a year said before its day
    ("April third, 1966", [("April third, 1966", "1966-04-03")]),
    ("Nov the twenty-ninth '88", [("Nov the twenty-ninth '88", "1988-11-29")]),
    ("the thirty first of December 1999", [("thirty first of December 1999", "1999-12-31")]),
    ("August 9th of 1983", [("August 9th of 1983", "1983-08-09")]),
    ("August 9 in 1983", [("August 9 in 1983", "1983-08-09")]),
    ("June of 1990", [("June of 1990", "1990-06")]),
    ("in 1983 on August 9", [("1983 on August 9", "1983-08-09")]),
    ("1983, on the 9th of Aug", [("1983, on the 9th of Aug", "1983-08-09")]),
    ("1983 on 8/9", [("1983 on 8/9", "1983-08-09")]),
    ("the fourth of July fireworks", [("fourth of July", "--07-04")]),
    ("June 2nd of '85", [("June 2nd of '85", "1985-06-02")]),
    ("April thirty-first, 1966", []),
    # not dates
    ("meet at 3:14 pm", []),
    ("version 2.10.21 is out", []),
    ("it costs $3/14 pack", []),
    ("call 816-555-0142", []),
    ("ping 192.168.1.1", []),
    ("29 Feb 1981", []),
    ("13/45/1979", []),
    ("the 31st of February", []),
    ("v1.2.21", []),
    ("Today is5/21", []),
]


@pytest.mark.parametrize(("text", "expected"), DATE_CASES)
def test_find_dates(text: str, expected: list[tuple[str, str]]) -> None:
    got = [(text[m.start : m.end], m.value) for m in find_dates(text, TODAY)]
    assert got == expected


def test_bare_month_day_is_weak() -> None:
    (m,) = find_dates("hearing is 8/14", TODAY)
    assert (m.month, m.day, m.weak, m.kind) == (8, 14, True, "md")
    (full,) = find_dates("3/14/1979", TODAY)
    assert not full.weak


# --- birth dates -----------------------------------------------------------------------

BIRTH_POSITIVES: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("DOB 03/14/1979", [("03/14/1979", "1979-03-14", "date_of_birth")]),
    ("born March 14, 1979", [("March 14, 1979", "1979-03-14", "date_of_birth")]),
    ("b. 1979-03-14", [("1979-03-14", "1979-03-14", "date_of_birth")]),
    ("his birthday is March 14th 1979", [("March 14th 1979", "1979-03-14", "birthday")]),
    ("bday 3/14/79", [("3/14/79", "1979-03-14", "birthday")]),
    ("DOB: 3-14-79", [("3-14-79", "1979-03-14", "date_of_birth")]),
    ("date of birth: 14 March 1979", [("14 March 1979", "1979-03-14", "date_of_birth")]),
    ("Whitaker's DOB is 07/04/1975 lol", [("07/04/1975", "1975-07-04", "date_of_birth")]),
    ("d.o.b. 1975-07-04", [("1975-07-04", "1975-07-04", "date_of_birth")]),
    ("born on Tuesday, March 14, 1979", [("March 14, 1979", "1979-03-14", "date_of_birth")]),
    ("Karen (b. Jul 4 '75) lives there", [("Jul 4 '75", "1975-07-04", "date_of_birth")]),
    ("bday is the 4th of July, 1975", [("4th of July, 1975", "1975-07-04", "birthday")]),
    ("7/4/1975 is her birthday", [("7/4/1975", "1975-07-04", "birthday")]),
    ("b-day: 7-4-75", [("7-4-75", "1975-07-04", "birthday")]),
    ("DOB=04.07.1975", [("04.07.1975", "1975-07-04", "date_of_birth")]),
    ("Birthdate: 1975/07/04", [("1975/07/04", "1975-07-04", "date_of_birth")]),
    # "turns N on" gives the year: next March 14 after 2026-11-21 is in 2027.
    ("he turns 50 on March 14", [("March 14", "1977-03-14", "birthday_age")]),
    ("she turned 40 on July 4", [("July 4", "1986-07-04", "birthday_age")]),
    (
        "his birthday is march 14 and he was born in 1979",
        [("march 14", "1979-03-14", "birthday_split"), ("1979", "1979-03-14", "birth_year")],
    ),
    ("born in March 1979", [("March 1979", "1979-03", "birth_month_year")]),
    ("he was born in 1979", [("1979", "1979", "birth_year")]),
    ("his birthday is March 14", [("March 14", "--03-14", "birthday_no_year")]),
    ("DOB 3/14", [("3/14", "--03-14", "birthday_no_year")]),
    ("DOB for Karen Whitaker: 5/2/1980", [("5/2/1980", "1980-05-02", "date_of_birth")]),
    ("his bday's march 14 1979", [("march 14 1979", "1979-03-14", "birthday")]),
    ("dob is like 3/14/79", [("3/14/79", "1979-03-14", "date_of_birth")]),
    ("born 03.14.1979", [("03.14.1979", "1979-03-14", "date_of_birth")]),
    ("his birthday? 12/25/80", [("12/25/80", "1980-12-25", "birthday")]),
    ("Birthday: April 11 (1981)", [("April 11 (1981)", "1981-04-11", "birthday")]),
    ("born in the summer of 1979", [("1979", "1979", "birth_year")]),
    ("| name | Grace Okafor |\n| dob | 10/02/1971 |", [("10/02/1971", "1971-10-02",
                                                      "date_of_birth")]),
    ("Price (DOB 01/09/1968) lives in Waldo", [("01/09/1968", "1968-01-09", "date_of_birth")]),
    # split and spelled-out birth dates
    ("she was born in 1983 on august 9", [("1983 on august 9", "1983-08-09",
                                          "date_of_birth")]),
    ("he was born 1983, aug 9th", [("1983, aug 9th", "1983-08-09", "date_of_birth")]),
    ("born on August 9 in 1983", [("August 9 in 1983", "1983-08-09", "date_of_birth")]),
    ("her birthday is August ninth, 1983", [("August ninth, 1983", "1983-08-09",
                                            "birthday")]),
    ("born the ninth of August '83", [("ninth of August '83", "1983-08-09",
                                       "date_of_birth")]),
    ("born in August of 1983", [("August of 1983", "1983-08", "birth_month_year")]),
    ("her birthday's the first of May, born 1985", [
        ("first of May", "1985-05-01", "birthday_split"), ("1985", "1985-05-01", "birth_year")]),
    # an ordinal birthday gives the year like "turns 50 on"
    ("his 50th birthday is March 14", [("March 14", "1977-03-14", "birthday_age")]),
    ("her 40th bday was on 2/3", [("2/3", "1986-02-03", "birthday_age")]),
    ("DOB listed as 5/6/1981", [("5/6/1981", "1981-05-06", "date_of_birth")]),
]


@pytest.mark.parametrize(("text", "expected"), BIRTH_POSITIVES)
def test_birth_date_positives(text: str, expected: list[tuple[str, str, str]]) -> None:
    found = run(BIRTH, text)
    assert spans(text, found) == expected
    assert all(f.category is Category.BIRTH_DATE for f in found)


BIRTH_NEGATIVES = [
    "the ordinance was introduced on July 23, 2020",
    "hearing is 8/14",
    "born and raised in KC since 1979",
    "council vote on 03/14/2024 at 3:14 pm",
    "protest at city hall March 14th 2021",
    "he was arrested 3/14/79",
    "his birthday party is on June 3, 2021",
    "newborn photos from 3/14/2020",
    "the Chiefs won 31-17 on 2/12",
    "turn left on Main on 3/14",
    "born to run 3/4 time",
    "birthday sale ends 12/1/2026",
    "DOB 13/45/1979",
    "born on March 14, 2031",  # nobody is born in the future
    "Born in KC, the ordinance passed July 23, 2020",
    "Happy birthday Whitaker! see you at the hearing 3/14",
    "the bill was born out of the July 2020 protests",
    "the road turns 2 lanes on 3/14",
    "the ordinance was born on July 23, 2020 after protests",
    "the band was born in 1979",
    "turns out the hearing is on 5/5/2025",
    "he turned in his badge on 3/3/2021",
    "our firstborn arrived 5/5/2021",
    "the department was founded in 1874 on March 3",
    "born on the fourth of july is on tcm tonight",
    "the 50th anniversary is March 14",
    "his 50th birthday party at the lodge, 2/3",
]


@pytest.mark.parametrize("text", BIRTH_NEGATIVES)
def test_birth_date_negatives(text: str) -> None:
    assert run(BIRTH, text) == []


def test_birth_confidence_order() -> None:
    """Full DOB > birthday with year > implied year > month-year > year alone > no year."""
    conf = {
        text: run(BIRTH, text)[0].confidence
        for text in ("DOB 03/14/1979", "bday 3/14/79", "he turns 50 on March 14",
                     "born in March 1979", "he was born in 1979", "his birthday is March 14")
    }  # fmt: skip
    values = list(conf.values())
    assert values == sorted(values, reverse=True)
    assert conf["his birthday is March 14"] <= 0.4
    assert conf["DOB 03/14/1979"] >= 0.9


# --- health and insurance ------------------------------------------------------------

HEALTH_POSITIVES: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("he has stage 3 colon cancer", [("stage 3 colon cancer", "colon cancer", "condition")]),
    (
        "she's on lithium for bipolar",
        [("lithium", "lithium", "medication"), ("bipolar", "bipolar", "condition")],
    ),
    (
        "was in rehab at Valley Hope for oxy",
        [("rehab", "rehab", "treatment"), ("Valley Hope", "valley hope", "facility"),
         ("oxy", "oxy", "medication")],
    ),
    (
        "just got out of the psych ward at Research Medical",
        [("psych ward", "psych ward", "facility"),
         ("Research Medical", "research medical", "facility")],
    ),
    ("diagnosed with MS", [("MS", "ms", "condition")]),
    ("her son is on insulin", [("insulin", "insulin", "medication")]),
    ("he's HIV positive", [("HIV positive", "hiv positive", "condition")]),
    ("in chemo", [("chemo", "chemo", "treatment")]),
    ("takes Xanax", [("Xanax", "xanax", "medication")]),
    ("Whitaker has been in and out of rehab", [("rehab", "rehab", "treatment")]),
    ("she was in the hospital for a week", [("hospital", "hospital", "facility")]),
    (
        "the mayor's wife has early onset Alzheimer's",
        [("early onset Alzheimer's", "early onset alzheimer's", "condition")],
    ),
    ("he overdosed last year", [("overdosed", "overdosed", "event")]),
    (
        "Officer Whitaker takes adderall and xanax",
        [("adderall", "adderall", "medication"), ("xanax", "xanax", "medication")],
    ),
    ("his chemo starts monday", [("chemo", "chemo", "treatment")]),
    ("the councilman was admitted to the ER", [("ER", "er", "facility")]),
    ("Blue KC member ID XJH123456789", [("XJH123456789", "XJH123456789", "insurance_id")]),
    ("policy # 00123-4567", [("00123-4567", "001234567", "insurance_id")]),
    ("Medicare ID: 3CD5-FG7-HJ89", [("3CD5-FG7-HJ89", "3CD5FG7HJ89", "medicare_mbi")]),
    ("his mbi is 1eg4te5mk73", [("1eg4te5mk73", "1EG4TE5MK73", "medicare_mbi")]),
    ("his Medicaid number is 12345678", [("12345678", "12345678", "medicaid_id")]),
    ("MO HealthNet DCN 98765432", [("98765432", "98765432", "medicaid_id")]),
    ("Aetna ID W123456789", [("W123456789", "W123456789", "insurance_id")]),
    ("Whitaker's kid has leukemia", [("leukemia", "leukemia", "condition")]),
    ("Daniel Whitaker is bipolar", [("bipolar", "bipolar", "condition")]),
    ("heard whitaker is in rehab again", [("rehab", "rehab", "treatment")]),
    ("whitaker has cancer", [("cancer", "cancer", "condition")]),
    ("whitaker's on xanax", [("xanax", "xanax", "medication")]),
    ("his wife had a miscarriage", [("miscarriage", "miscarriage", "condition")]),
    ("det. bell is a recovering alcoholic", [("alcoholic", "alcoholic", "condition")]),
    ("officer bell tested positive for meth", [("meth", "meth", "medication")]),
    (
        "bell was hospitalized for a suicide attempt",
        [("hospitalized", "hospitalized", "event"),
         ("suicide attempt", "suicide attempt", "condition")],
    ),
    ("She's been in and out of psych wards", [("psych wards", "psych ward", "facility")]),
    ("alvarez's son died of an overdose", [("overdose", "overdose", "condition")]),
    ("Whitaker was diagnosed w/ cancer", [("cancer", "cancer", "condition")]),
    ("whitaker has ms", [("ms", "ms", "condition")]),
    ("young was on a 72 hour psych hold", [("psych hold", "psych hold", "treatment")]),
    ("his medicare # is 123456789A", [("123456789A", "123456789A", "medicare_id")]),
    (
        "Member ID: YRK 4471 0923 88, his united healthcare card",
        [("YRK 4471 0923 88", "YRK4471092388", "insurance_id")],
    ),
    ("State Farm policy # 48-B221-903", [("48-B221-903", "48B221903", "insurance_id")]),
]


@pytest.mark.parametrize(("text", "expected"), HEALTH_POSITIVES)
def test_health_positives(text: str, expected: list[tuple[str, str, str]]) -> None:
    found = run(HEALTH, text)
    assert spans(text, found) == expected
    assert all(f.category is Category.HEALTH_OR_INSURANCE_INFORMATION for f in found)


HEALTH_NEGATIVES = [
    "cancer research funding",
    "the flu is going around",
    "mental health crisis teams",
    "the city's health department",
    "rehab of the building",
    "the rehab project on Troost",
    "the ordinance on health information",
    "I'm on my way to the hospital to visit",
    "Ask your doctor if Xanax is right for you",
    "I'm on lithium",
    "my husband has MS",
    "Ms. Jones has a meeting",
    "advances in chemo",
    "he works at the hospital",
    "he votes against insulin caps",
    "the council has a diabetes prevention program",
    "Insurance is expensive, check your policy",
    "member ID 123456789012345678",  # a chat platform snowflake, no insurance word
    "he's fighting cancer research cuts",
    "AIDS walk downtown",
    "she adds meds to the budget",
    "Medicaid expansion passed in 2020",
    "1SG4-TE5-MK73",  # S is not an MBI letter
    "the report has cancer",
    "support for those in rehab",
    "nobody takes xanax",
    "the budget has insulin money",
    "everyone has the flu lol",
    "whitaker voted to fund advances in chemo",
    "the city has covid cases rising",
    "the hospital is hiring nurses",
    "we need more rehab beds in KC",
    "vote yes on the medicaid expansion",
    "my mom has cancer",
    "the ER wait times are insane",
    "he's sick of this ordinance",
    "the chief has a plan for ms word docs",
    "it aids the investigation",
    "he had a stroke of genius",
    "Whitaker says the economy is in recovery",
]


@pytest.mark.parametrize("text", HEALTH_NEGATIVES)
def test_health_negatives(text: str) -> None:
    assert run(HEALTH, text) == []


# General rules that grow with the vocabulary rather than with examples: word endings,
# qualified head nouns, reflexives and durations, dossier fields, strangers.
HEALTH_RULE_POSITIVES: list[tuple[str, tuple[str, str, str]]] = [
    # procedures, inflammations and drug stems recognised by their ending
    ("the chief's wife had a tonsillectomy", ("tonsillectomy", "tonsillectomy", "treatment")),
    ("he had rhinoplasty in june", ("rhinoplasty", "rhinoplasty", "treatment")),
    ("her kid got a colonoscopy", ("colonoscopy", "colonoscopy", "treatment")),
    ("the sergeant has tendinitis", ("tendinitis", "tendinitis", "condition")),
    ("she's been prescribed lisinopril", ("lisinopril", "lisinopril", "medication")),
    ("he takes atorvastatin", ("atorvastatin", "atorvastatin", "medication")),
    ("his son is on adalimumab", ("adalimumab", "adalimumab", "medication")),
    # a free qualifier before a head noun is part of it
    ("he has a rare blood disorder", ("blood disorder", "blood disorder", "condition")),
    ("the captain had shoulder surgery", ("shoulder surgery", "shoulder surgery", "treatment")),
    ("she has a shopping addiction", ("shopping addiction", "shopping addiction",
                                     "condition")),
    ("her husband has Lyme disease", ("Lyme disease", "lyme disease", "condition")),
    # qualifier x head vocabularies
    ("the detective had hip replacement surgery", ("hip replacement surgery",
                                                   "hip replacement surgery", "treatment")),
    ("he got court ordered drug counseling", ("drug counseling", "drug counseling",
                                              "treatment")),
    ("she has a herniated disc", ("herniated disc", "herniated disc", "condition")),
    ("her son was sent to a crisis stabilization unit",
     ("crisis stabilization unit", "crisis stabilization unit", "facility")),
    # reflexives and durations between the verb and the place
    ("he checked himself into detox", ("detox", "detox", "treatment")),
    ("she spent three nights in a psych unit", ("psych unit", "psych unit", "facility")),
    ("the judge spent a couple of weeks at Pinebrook Recovery",
     ("Pinebrook Recovery", "pinebrook recovery", "facility")),
    # more linking verbs
    ("the councilman came down with pneumonia", ("pneumonia", "pneumonia", "condition")),
    ("his wife was put on seroquel", ("seroquel", "seroquel", "medication")),
    ("he wears an insulin pump", ("insulin pump", "insulin pump", "treatment")),
    ("she's on the spectrum", ("on the spectrum", "on the spectrum", "condition")),
    ("her daughter has type two diabetes", ("type two diabetes", "diabetes", "condition")),
    # cosmetic procedures, organs taken out, fractures, more word endings
    ("the lieutenant's wife got a facelift", ("facelift", "facelift", "treatment")),
    ("he had his appendix taken out", ("appendix taken out", "appendix taken out",
                                       "treatment")),
    ("her son fractured his wrist at practice", ("fractured his wrist", "fractured his wrist",
                                                 "event")),
    ("she has scoliosis", ("scoliosis", "scoliosis", "condition")),
    ("he has toxoplasmosis", ("toxoplasmosis", "toxoplasmosis", "condition")),
    ("the sergeant is a former meth addict", ("meth addict", "meth addict", "condition")),
    # transplant lists, "been to", insurer and label separated by a comma
    ("he's on the waiting list for a donor kidney", ("donor kidney", "donor kidney",
                                                     "treatment")),
    ("she's been to rehab twice", ("rehab", "rehab", "treatment")),
    ("his Humana, member ID H5521908", ("H5521908", "H5521908", "insurance_id")),
    # singular forms, slang, leave taken for a condition
    ("the deputy had a panic attack on camera", ("panic attack", "panic attack",
                                                 "condition")),
    ("his wife gets botox", ("botox", "botox", "treatment")),
    ("the alderman was a heavy drinker", ("heavy drinker", "heavy drinker", "condition")),
    ("she's on medical leave", ("medical leave", "medical leave", "treatment")),
    ("he took time off for depression", ("depression", "depression", "condition")),
    # a field of a posted dossier needs no subject
    ("Stone / 64 / on dialysis", ("dialysis", "dialysis", "treatment")),
    ("- in rehab since march", ("rehab", "rehab", "treatment")),
]


def test_a_conjunction_carries_the_clause_subject() -> None:
    text = "the judge was diagnosed with nodules and had a biopsy"
    assert [(text[f.start : f.end], f.kind) for f in run(HEALTH, text)] == [
        ("nodules", "condition"), ("biopsy", "treatment")]
    assert run(HEALTH, "Reyes cut a ribbon and had a biopsy")[0].confidence == 0.7
    assert run(HEALTH, "I went home and had a biopsy") == []


@pytest.mark.parametrize(("text", "expected"), HEALTH_RULE_POSITIVES)
def test_health_general_rules(text: str, expected: tuple[str, str, str]) -> None:
    found = run(HEALTH, text)
    assert spans(text, found) == [expected]


HEALTH_RULE_NEGATIVES = [
    "Director Young had the 71 bypass repaved",
    "Councilwoman Price offered a false dichotomy",
    "Young gave a breakdown of costs",
    "Sgt. Bell arrested a man who overdosed on fentanyl",
    "the officer helped a woman who has diabetes",
    "the deputy helped a man having a seizure",
    "Sgt. Reyes found a woman on fentanyl in the car",
    "Raman has a plan for insulin pricing",
    "agenda:\n- on insulin pricing",
    "he got paid in April",
    "Price has delusions of grandeur",
    "the council had a breakdown in talks",
    "his diagnosis of the budget was wrong",
    "Reyes has a water quality disorder on her hands",
    "the chief's plan is a cancer on this city",
    "the commissioner has the flu shot data",
    "the sergeant's campaign is on life support",
    "she has a job in academia",
]


@pytest.mark.parametrize("text", HEALTH_RULE_NEGATIVES)
def test_health_general_rule_negatives(text: str) -> None:
    assert run(HEALTH, text) == []


def test_being_at_a_hospital_is_review_strength_only() -> None:
    """A visit, a call or a shift reads the same as a stay: below the default hide bar (0.5)."""
    (found,) = run(HEALTH, "Officer Bell was at the hospital to take a report")
    assert found.kind == "facility" and 0.3 <= found.confidence < 0.5


def test_being_at_a_treatment_facility_is_a_stay() -> None:
    text = "Bell was at Rainbow Center for the 28 day program"
    assert [(text[f.start : f.end], f.confidence) for f in run(HEALTH, text)] == [
        ("Rainbow Center", 0.85), ("28 day program", 0.85)]


def test_confidence_reflects_attribution() -> None:
    named = run(HEALTH, "he takes Xanax")[0].confidence
    possessive = run(HEALTH, "his xanax")[0].confidence
    subjectless = run(HEALTH, "takes Xanax")[0].confidence
    assert named > possessive > subjectless > 0.0
    assert run(HEALTH, "Medicare 1EG4-TE5-MK73")[0].confidence > run(
        HEALTH, "1EG4-TE5-MK73")[0].confidence


_LINK_FOR_KIND = {
    "condition": "he has {}",
    "medication": "he takes {}",
    "treatment": "he is in {}",
    "facility": "he was admitted to {}",
    "event": "he {}",
}


@pytest.mark.parametrize("term", sorted(KINDS))
def test_every_vocabulary_term_is_found_and_triggered(term: str) -> None:
    """Each term, in its expected case, is found after a linking phrase (and passes triggers)."""
    spelled = sorted(STRICT_FORMS[term])[0] if term in STRICT_FORMS else term
    text = _LINK_FOR_KIND[KINDS[term]].format(spelled)
    found = run(HEALTH, text)
    assert [(text[f.start : f.end], f.kind) for f in found] == [(spelled, KINDS[term])]


@pytest.mark.parametrize(
    ("candidate", "valid"),
    [
        ("1EG4-TE5-MK73", True), ("1EG4TE5MK73", True), ("9XX9-XX9-XX99", True),
        ("1eg4-te5-mk73", True), ("1SG4-TE5-MK73", False), ("1EG4-LE5-MK73", False),
        ("1EG4-TE5-OK73", False), ("1EG4-TE5-MI73", False), ("1BG4-TE5-MK73", False),
        ("0EG4-TE5-MK73", False), ("1EG4TE5MK7", False), ("1EG4TE5MK734", False),
    ],
)  # fmt: skip
def test_mbi_format_rules(candidate: str, valid: bool) -> None:
    assert is_mbi(candidate) is valid


# --- guard against catastrophic backtracking -----------------------------------------


def test_large_adversarial_message_stays_fast() -> None:
    """100 KB of digits, slashes, dots, cues and medical words: a guard, not a benchmark."""
    pieces = ["3/14/79", "1/2/3/4/5", "12.05.2021.", "0000", "//..", "born", "DOB", "he has",
              "cancer", "on", "insulin", "rehab", "MS", "his", "diagnosed with", "member ID",
              "1EG4-TE5-MK73", "medicaid", "123456789", "birthday is", "March 14", "b.", "'79"]
    newer = ["born in", "1979 on", "October second,", "twenty-first of", "50th birthday is",
             "ectomy", "xyzitis", "a gambling", "addiction", "himself", "two weeks", "/", "who",
             "surgery", "May"]
    text = (" ".join(pieces[(i * 7) % len(pieces)] for i in range(6000))[:50_000] + " "
            + " ".join(newer[(i * 4) % len(newer)] for i in range(12000)))[:100_000]
    for detector in (BIRTH, HEALTH):
        started = time.perf_counter()
        found = detector.detect(text)
        assert time.perf_counter() - started < 2.0
        assert found, "the guard text should exercise the matching paths"


# --- substring gates (dates, health identifiers) ----------------------------------------

# Pieces that make dates, labels and IDs, plus the letters re.IGNORECASE folds onto ASCII.
_GATE_PIECES = st.sampled_from(
    ["3", "14", "1979", "/", "-", ".", " ", "'", "@", "of", "the", "sept", "ſept", "March",
     "mar", "twenty", "-", "fİrst", "fırst", "first", "ninth", "born", "member", "ID",
     "medıcaid", "ſubscriber", "policy", "#", "4471", "0923", "88", "1EG4-TE5-MK73", "٣"]
)
_GATE_TEXTS = st.lists(_GATE_PIECES, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(_GATE_TEXTS)
def test_date_gate_never_hides_a_date(text: str) -> None:
    """The pattern gates skip only patterns that cannot match: same dates as with none."""
    gated = find_dates(text, date(2026, 1, 1))
    original = dates_module._present
    dates_module._present = lambda _text: (True, True, True)
    try:
        ungated = find_dates(text, date(2026, 1, 1))
    finally:
        dates_module._present = original
    assert gated == ungated


@settings(max_examples=300, deadline=None)
@given(_GATE_TEXTS)
def test_health_identifier_gate_never_hides_an_id(text: str) -> None:
    """The label gates skip only scans that cannot report: same IDs as with none."""
    detector = HealthDetector()
    gated = detector.detect(text)
    original = health_module._has_any
    health_module._has_any = lambda _folded, _stems: True
    try:
        ungated = detector.detect(text)
    finally:
        health_module._has_any = original
    assert gated == ungated


def test_gates_fold_what_ignorecase_folds() -> None:
    """'ſ' and dotless 'ı' spell a month or a label for the patterns, so for the gates too."""
    assert [d.month for d in find_dates("ſept 14, 1979")] == [9]
    # the day-word lookup folds them too (it raised KeyError on "fİrst", which NFKC keeps)
    assert [d.value for d in find_dates("March fİrst, 1979")] == ["1979-03-01"]
    assert [d.value for d in find_dates("the fırst of March")] == ["--03-01"]
    assert [f.kind for f in HealthDetector().detect("medıcaid 123456789")] == ["medicaid_id"]
