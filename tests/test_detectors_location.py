"""Location detectors: home addresses and school/employment locations.

Tables of fictional messages with the exact span each detector must report (given as
the substring it must cover), the kind, and the confidence band the policy relies on:
residence >= 0.8, bare address ~0.6, venue <= 0.3, official employer <= 0.2.
"""

from __future__ import annotations

import itertools
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.detectors.address import AddressDetector, normalize_address, same_address, street_line
from bot.detectors.school_work import SchoolWorkDetector
from bot.models import Category

ADDRESS = AddressDetector()
SCHOOL_WORK = SchoolWorkDetector()


def _span(text: str, sub: str) -> tuple[int, int]:
    start = text.index(sub)
    return start, start + len(sub)


def _run(detector: AddressDetector | SchoolWorkDetector, text: str) -> list:
    """Run as the pipeline does: only when a trigger occurs in the lowercased text."""
    lowered = text.lower()
    if detector.triggers and not any(t in lowered for t in detector.triggers):
        return []
    return detector.detect(text)


# --- home_address ------------------------------------------------------------------------

# (message, covered substring, kind, value)
ADDRESS_POSITIVES = [
    ("Daniel lives at 4471 Holly St, go say hi", "4471 Holly St", "residence", "4471 HOLLY ST"),
    ("the 4400 block of Holly", "4400 block of Holly", "address", "4400 BLOCK OF HOLLY"),
    (
        "4471 N Holly Street Apt 2, Kansas City, MO 64111",
        "4471 N Holly Street Apt 2, Kansas City, MO 64111",
        "address",
        "4471 N HOLLY ST APT 2 KANSAS CITY MO 64111",
    ),
    ("he lives on Holly, the 4400 block", "Holly, the 4400 block", "residence",
     "4400 BLOCK OF HOLLY"),
    ("Whitaker is at 1209 Wornall Rd most nights", "1209 Wornall Rd", "address",
     "1209 WORNALL RD"),
    ("his house is 4471 Holly St #12", "4471 Holly St #12", "residence", "4471 HOLLY ST # 12"),
    ("moved to 3319 E 75th Terrace last week", "3319 E 75th Terrace", "residence",
     "3319 E 75TH TER"),
    ("his wife's place, 812 W 39th St apt 3", "812 W 39th St apt 3", "residence",
     "812 W 39TH ST APT 3"),
    ("her address is 5520 Brookside Blvd, KCMO", "5520 Brookside Blvd, KCMO", "residence",
     "5520 BROOKSIDE BLVD KCMO"),
    ("he lives at 4471 holly", "4471 holly", "residence", "4471 HOLLY"),
    ("4471 Holly, Kansas City, MO 64111", "4471 Holly, Kansas City, MO 64111", "address",
     "4471 HOLLY KANSAS CITY MO 64111"),
    ("the 1200 block of east 75th street", "1200 block of east 75th street", "address",
     "1200 BLOCK OF E 75TH ST"),
    ("I live at 12 Oak Drive", "12 Oak Drive", "residence", "12 OAK DR"),
    ("4471 holly st", "4471 holly st", "address", "4471 HOLLY ST"),
    ("his crib: 907 NE Vivion Rd, Kansas City, Missouri 64118",
     "907 NE Vivion Rd, Kansas City, Missouri 64118", "residence",
     "907 NE VIVION RD KANSAS CITY MO 64118"),
    ("address is 2210 Swope Pkwy Apt. 4B", "2210 Swope Pkwy Apt. 4B", "residence",
     "2210 SWOPE PKWY APT 4B"),
    ("Whitaker stays at 6604 Rockhill Road with his girlfriend", "6604 Rockhill Road",
     "residence", "6604 ROCKHILL RD"),
    ("4471 Holly St\nKansas City, MO 64111", "4471 Holly St\nKansas City, MO 64111", "address",
     "4471 HOLLY ST KANSAS CITY MO 64111"),
    ("they live at 1515 Grand Blvd Unit 3", "1515 Grand Blvd Unit 3", "residence",
     "1515 GRAND BLVD UNIT 3"),
    ("his mom's house: 2718 Wabash Ave. Go knock.", "2718 Wabash Ave.", "residence",
     "2718 WABASH AVE"),
    ("1209 Wornall Rd is his house", "1209 Wornall Rd", "residence", "1209 WORNALL RD"),
    ("he lives at 4471B Holly St", "4471B Holly St", "residence", "4471B HOLLY ST"),
    ("pull up to 4471 Holly St tonight", "4471 Holly St", "address", "4471 HOLLY ST"),
    ("her place is 810 W 47th Terr, Apt 2B", "810 W 47th Terr, Apt 2B", "residence",
     "810 W 47TH TER APT 2B"),
    ("he lives on E 75th St, the 3300 block", "E 75th St, the 3300 block", "residence",
     "3300 BLOCK OF E 75TH ST"),
    ("she's at 4471 Martin Luther King Jr Blvd", "4471 Martin Luther King Jr Blvd", "address",
     "4471 MARTIN LUTHER KING JR BLVD"),
    ("their apartment is 3620 Broadway Blvd Apt 7", "3620 Broadway Blvd Apt 7", "residence",
     "3620 BROADWAY BLVD APT 7"),
    ("Ｗhitaker's home: 5 E 75th St", "5 E 75th St", "residence", "5 E 75TH ST"),
    ("Café ☕ — he lives at 4471 Holly St 🏠", "4471 Holly St", "residence", "4471 HOLLY ST"),
    ("his mom lives with them now at 4410 Holly, so grandma's there too", "4410 Holly",
     "residence", "4410 HOLLY"),
    ("addy: 3517 Charlotte St", "3517 Charlotte St", "residence", "3517 CHARLOTTE ST"),
]  # fmt: skip

# General address spellings: dotted and lowercase directions, house-number ranges and
# halves, highway addresses, the wider USPS suffix list, field labels, a unit said first.
ADDRESS_RULES = [
    ("he lives at 2250 s.e. 9th ter", "2250 s.e. 9th ter", "residence", "2250 SE 9TH TER"),
    ("she lives at 77 n. 3rd st.", "77 n. 3rd st.", "residence", "77 N 3RD ST"),
    ("they rent 6600-6602 Wyandotte St", "6600-6602 Wyandotte St", "address",
     "6600-6602 WYANDOTTE ST"),
    ("he lives at 45 1/2 Cherry St", "45 1/2 Cherry St", "residence", "45 1/2 CHERRY ST"),
    ("her house is 18020 State Route 291, Harrisonville", "18020 State Route 291", "residence",
     "18020 STATE RTE 291"),
    ("his place is 10400 Hwy 150, Lee's Summit", "10400 Hwy 150, Lee's Summit", "residence",
     "10400 HWY 150 LEE'S SUMMIT"),
    ("lives at 301 Hawthorn Knoll", "301 Hawthorn Knoll", "residence", "301 HAWTHORN KNL"),
    ("lives at 12 Creek Bend", "12 Creek Bend", "residence", "12 CREEK BND"),
    ("home is 8 Willow Crescent, Liberty", "8 Willow Crescent, Liberty", "residence",
     "8 WILLOW CRES LIBERTY"),
    ("residence: 1404 Jarboe St", "1404 Jarboe St", "residence", "1404 JARBOE ST"),
    ("house: 2912 Oak Hill", "2912 Oak Hill", "residence", "2912 OAK HILL"),
    ("she stays in unit 6 at 4420 Warwick", "4420 Warwick", "residence", "4420 WARWICK"),
    ("lives at 500 Sunny Acres Ln Lot 22, the mobile home park", "500 Sunny Acres Ln Lot 22",
     "residence", "500 SUNNY ACRES LN LOT 22"),
    ("Reyes's address: 4019 Benton Blvd", "4019 Benton Blvd", "residence",
     "4019 BENTON BLVD"),
    ("she lives on Belleview Ave, 6630 if you want it", "Belleview Ave, 6630", "residence",
     "6630 BELLEVIEW AVE"),
    ("his house on Swope Pkwy, #2104", "Swope Pkwy, #2104", "residence", "2104 SWOPE PKWY"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "sub", "kind", "value"), ADDRESS_RULES)
def test_address_general_rules(text: str, sub: str, kind: str, value: str) -> None:
    found = _run(ADDRESS, text)
    assert [(f.start, f.end, f.kind, f.value) for f in found] == [
        (*_span(text, sub), kind, value)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "take exit 12 Hwy 7 north",
        "the 2 Way St",
        "we walked 3 miles to Meadow View",
        "PO Box 4471, Kansas City MO 64141",
        "send it to P.O. Box 22, Raytown",
        "the 9 Green Hills fans",
        "she lives on Main St 2 blocks from me",
        "he lives on Troost Ave, 10 minutes from work",
        "crews responded to a fire at 2230 E 35th St",
        "the crash at 7800 Blue Ridge Blvd shut down traffic",
        "water main break at 3300 Paseo Blvd, avoid the area",
        "crews are repaving 4800 Main St through friday",
        "the inspector red-tagged the house at 2908 Park Ave",
    ],
)
def test_address_general_rule_negatives(text: str) -> None:
    assert [f for f in _run(ADDRESS, text) if f.confidence >= 0.5] == []


# (message, covered substring): event, business and official addresses
ADDRESS_VENUES = [
    ("protest at 1209 Wornall Rd tomorrow", "1209 Wornall Rd"),
    ("rally at City Hall, 414 E 12th St, Kansas City, MO 64106",
     "414 E 12th St, Kansas City, MO 64106"),
    ("meet at 1200 Main St Suite 300", "1200 Main St Suite 300"),
    ("the store at 3900 Main St opens at 9", "3900 Main St"),
    ("open house this Sunday at 4471 Holly St", "4471 Holly St"),
    ("hearing is at the courthouse, 415 E 12th St", "415 E 12th St"),
    ("KCPD HQ is at 1125 Locust St", "1125 Locust St"),
    ("the restaurant on 1815 Grand Blvd has great ribs", "1815 Grand Blvd"),
    ("Sgt. Reyes's unit is at Metro Patrol, 1200 E Linwood Blvd", "1200 E Linwood Blvd"),
]  # fmt: skip

ADDRESS_NEGATIVES = [
    "4 cops showed up",
    "see you at 5 pm",
    "200 people marched down Main St",
    "section 8 housing is a mess",
    "Highway 71 is closed",
    "stuck on I-70 again",
    "Room 12 at City Hall",
    "it cost $4471 and change",
    "score was 21 to 7",
    "the Chiefs won 31 to 17 on Sunday",
    "4 lane highway",
    "the 2 way street",
    "he drives 40 miles down Ward Pkwy",
    "3 cops on main st",
    "Kansas City, MO 64111",
    "it's 64111",
    "lives in Brookside",
    "lives in Kansas City, MO 64111",
    "call 816-555-0142",
    "order #4471 ships Tuesday",
    "he has 200 people drive",
    "I paid 45 dollars on Main St",
    "it was 3 am on Main St",
    "shots fired near 33rd and Prospect",
    "I-435 exit 63",
    "we had 12 people on Holly St",
    "lives at the 12 Oaks apartments",
    "page 12 of the ordinance",
    "at 5:30 Main St was empty",
    "the vote was 9 to 4 at council",
    "meeting March 12 at City Hall",
    "tickets are 25 bucks at the door",
    "rally starts at 10 30 pm",
    "tracking number 1Z 999 AA1 0123",
    "case no. 2023 CV 01234",
    "we won 3 games on Main St",
    "the 3 Bedroom house on Main St",
    "deal: 2 Large pizzas for 20",
    "Apartment 4B",
    "zip code 64106",
    "the hearing on Jan 12 2024 Court St",
    "I-70 and 435 Hwy",
    "he lives off 71 Highway",
]


@pytest.mark.parametrize(("text", "sub", "kind", "value"), ADDRESS_POSITIVES)
def test_address_positive(text: str, sub: str, kind: str, value: str) -> None:
    found = _run(ADDRESS, text)
    assert [(f.start, f.end) for f in found] == [_span(text, sub)]
    f = found[0]
    assert f.category is Category.HOME_ADDRESS
    assert (f.kind, f.value) == (kind, value)
    if kind == "residence":
        assert f.confidence >= 0.8
    else:
        assert 0.45 <= f.confidence <= 0.65


@pytest.mark.parametrize(("text", "sub"), ADDRESS_VENUES)
def test_address_venue_is_low_confidence(text: str, sub: str) -> None:
    found = _run(ADDRESS, text)
    assert [(f.start, f.end) for f in found] == [_span(text, sub)]
    assert found[0].kind == "venue"
    assert found[0].confidence <= 0.3


@pytest.mark.parametrize("text", ADDRESS_NEGATIVES)
def test_address_negative(text: str) -> None:
    assert ADDRESS.detect(text) == []


def test_address_list_without_spaces() -> None:
    text = "4471 Holly St,5520 Brookside Blvd"
    assert [(f.start, f.end) for f in ADDRESS.detect(text)] == [
        _span(text, "4471 Holly St"),
        _span(text, "5520 Brookside Blvd"),
    ]


def test_address_two_in_one_message_get_their_own_cues() -> None:
    text = "Whitaker lives at 4471 Holly St. The rally is at 1209 Wornall Rd."
    found = ADDRESS.detect(text)
    assert [(f.start, f.end, f.kind) for f in found] == [
        (*_span(text, "4471 Holly St."), "residence"),
        (*_span(text, "1209 Wornall Rd."), "venue"),
    ]


def test_normalize_address() -> None:
    assert (
        normalize_address("4471 North Holly Street, Apartment 2, Kansas City, Missouri 64111-1234")
        == "4471 N HOLLY ST APT 2 KANSAS CITY MO 64111"
    )
    assert normalize_address("1125 Locust St, Kansas City, MO 64106") == (
        "1125 LOCUST ST KANSAS CITY MO 64106"
    )
    assert normalize_address("City Hall, 414 E. 12th Street, Kansas City, MO 64106") == (
        "414 E 12TH ST KANSAS CITY MO 64106"
    )
    assert normalize_address("P.O. Box 1234, Kansas City, MO 64141") == (
        "PO BOX 1234 KANSAS CITY MO 64141"
    )
    assert normalize_address("Kansas City, MO") is None
    assert normalize_address("") is None
    assert normalize_address("x" * 1000) is None


def test_detected_value_matches_normalized_public_address() -> None:
    public = "1125 Locust Street, Kansas City, Missouri 64106"
    text = "press office is 1125 Locust St, Kansas City, MO 64106"
    (f,) = ADDRESS.detect(text)
    assert f.value == normalize_address(public)


def test_street_line_and_same_address() -> None:
    assert street_line("1125 Locust St, Kansas City, MO 64106") == "1125 LOCUST ST"
    assert street_line("Waldo") is None
    assert same_address("1125 Locust Street", "1125 LOCUST ST KANSAS CITY MO 64106")
    assert same_address(
        "4471 N Holly St Apt 2", "4471 North Holly Street, Apt. 2, Kansas City, Missouri 64111"
    )
    assert not same_address("4471 N Holly St Apt 3", "4471 N Holly St Apt 2")
    assert not same_address("1125 Locust Ave", "1125 Locust St")
    assert not same_address("4471 Holly St, Olathe, KS", "4471 Holly St, Raytown, MO")
    assert not same_address("Kansas City", "Kansas City")


# --- school_or_employment_location -------------------------------------------------------

# (message, covered substring, kind, value)
SCHOOL_WORK_POSITIVES = [
    ("he works at the Walgreens on Troost", "Walgreens on Troost", "employment",
     "walgreens on troost"),
    ("he's a cashier at Hy-Vee on 75th", "Hy-Vee on 75th", "employment", "hy-vee on 75th"),
    ("his kid goes to Lincoln Middle School", "Lincoln Middle School", "school",
     "lincoln middle school"),
    ("her daughter is in 3rd grade at Longfellow Elementary", "Longfellow Elementary", "school",
     "longfellow elementary"),
    ("she picks the kids up at Border Star Montessori at 3pm", "Border Star Montessori",
     "school", "border star montessori"),
    ("clocks in at the QuikTrip on Main every morning", "QuikTrip on Main", "employment",
     "quiktrip on main"),
    ("moonlights as security at the Costco in Lee's Summit", "Costco in Lee's Summit",
     "employment", "costco in lee's summit"),
    ("his son attends UMKC", "UMKC", "school", "umkc"),
    ("works nights at Truman Medical Center", "Truman Medical Center", "employment",
     "truman medical center"),
    ("I work at Target", "Target", "employment", "target"),
    ("works at walgreens on troost", "walgreens on troost", "employment",
     "walgreens on troost"),
    ("works at walgreens on weekends", "walgreens", "employment", "walgreens"),
    ("drops his daughter off at Little Sprouts Daycare on Wornall",
     "Little Sprouts Daycare on Wornall", "school", "little sprouts daycare on wornall"),
    ("his wife teaches at Lincoln College Prep", "Lincoln College Prep", "employment",
     "lincoln college prep"),
    ("his wife works at Saint Luke's Hospital Monday through Friday", "Saint Luke's Hospital",
     "employment", "saint luke's hospital"),
    ("her boy goes to lincoln middle school", "lincoln middle school", "school",
     "lincoln middle school"),
    ("his daughter is a sophomore at Park Hill South High School in Riverside",
     "Park Hill South High School in Riverside", "school",
     "park hill south high school in riverside"),
    ("she's a junior at KU", "KU", "school", "ku"),
    ("enrolled at Penn Valley", "Penn Valley", "school", "penn valley"),
    ("her shift at Hy-Vee starts at 6", "Hy-Vee", "employment", "hy-vee"),
    ("his new job at Garmin in Olathe", "Garmin in Olathe", "employment", "garmin in olathe"),
    ("employed by Cerner", "Cerner", "employment", "cerner"),
    ("Whitaker's wife is a nurse at Research Medical Center on Meyer Blvd",
     "Research Medical Center on Meyer Blvd", "employment",
     "research medical center on meyer blvd"),
    ("his kids go to school at Holy Cross", "Holy Cross", "school", "holy cross"),
    ("the kids go to Holy Cross Catholic School", "Holy Cross Catholic School", "school",
     "holy cross catholic school"),
    ("I work at Cerner. He said hi", "Cerner", "employment", "cerner"),
    ("picks up her son from Blue Valley Preschool", "Blue Valley Preschool", "school",
     "blue valley preschool"),
    ("he bartends? no he's a bartender at Jack Stack in the Crossroads",
     "Jack Stack in the Crossroads", "employment", "jack stack in the crossroads"),
    ("their son plays basketball at Raytown South", "Raytown South", "school", "raytown south"),
    ("Officer Lane's boyfriend is a host at Char Bar in Westport", "Char Bar in Westport",
     "employment", "char bar in westport"),
    ("her husband manages the Hy-Vee on Barry Rd", "Hy-Vee on Barry Rd", "employment",
     "hy-vee on barry rd"),
    ("he bartends at The Peanut on Main", "Peanut on Main", "employment", "peanut on main"),
    ("kid: Hale Cook Elementary", "Hale Cook Elementary", "school", "hale cook elementary"),
    ("work: Ford Claycomo plant", "Ford Claycomo plant", "employment", "ford claycomo plant"),
    ("wife @ the Walmart on 87th", "Walmart on 87th", "employment", "walmart on 87th"),
    ("his daughter's at Lakewood Academy", "Lakewood Academy", "school", "lakewood academy"),
    ("his stepdaughter goes to St. Teresa's", "St. Teresa's", "school", "st. teresa's"),
    ("she drives for Uber", "Uber", "employment", "uber"),
    ("gf works the front desk at the 24 Hour Fitness on Metcalf", "24 Hour Fitness on Metcalf",
     "employment", "24 hour fitness on metcalf"),
    ("Café ☕ — his kid 👧 goes to Lincoln Middle School", "Lincoln Middle School", "school",
     "lincoln middle school"),
    ("his wife is a teacher over at Hogan Prep", "Hogan Prep", "employment", "hogan prep"),
    ("son is in kindergarten at Trailwoods", "Trailwoods", "school", "trailwoods"),
    ("she's an RN at Saint Luke's", "Saint Luke's", "employment", "saint luke's"),
    ("works at the Amazon warehouse in Edgerton", "Amazon warehouse in Edgerton", "employment",
     "amazon warehouse in edgerton"),
    ("He works in the ER at Truman", "Truman", "employment", "truman"),
    ("works the overnight at the QT on 71 Hwy", "QT on 71 Hwy", "employment", "qt on 71 hwy"),
    ("the Whitaker kids are at Border Star", "Border Star", "school", "border star"),
]  # fmt: skip

SCHOOL_WORK_NEGATIVES = [
    "she works at improving the city",
    "that just goes to show",
    "we went to the protest at City Hall",
    "he goes to the meeting on Tuesday",
    "the school board meeting is tonight",
    "Lincoln Middle School announced a new principal",
    "goes to Costco every Sunday",
    "picks up groceries at Hy-Vee",
    "his kid goes to a private school",
    "he works hard for the money",
    "the nurse at the clinic said it's fine",
    "attends Chiefs games",
    "attends Mass at St. Mary's",
    "she's going to Lincoln's speech",
    "this ordinance works for everyone",
    "the school on Troost got a new roof",
    "news: Lincoln Elementary test scores rose",
    "going to the rally at 5",
    "there's a rally at Mill Creek Park",
    "he is a regular at Harry's",
    "saw his wife at Costco lol",
    "he runs the show",
    "Mahomes plays for the Chiefs",
    "kid: Jordan, 12",
    "clocks in at 6 AM",
    "his son plays at the park on Saturdays",
    "his wife at the rally",
    "the kids are at Grandma's",
    "the kids are at Costco right now",
]


@pytest.mark.parametrize(("text", "sub", "kind", "value"), SCHOOL_WORK_POSITIVES)
def test_school_work_positive(text: str, sub: str, kind: str, value: str) -> None:
    found = _run(SCHOOL_WORK, text)
    assert [(f.start, f.end) for f in found] == [_span(text, sub)]
    f = found[0]
    assert f.category is Category.SCHOOL_OR_EMPLOYMENT_LOCATION
    assert (f.kind, f.value) == (kind, value)
    assert f.confidence >= 0.6


@pytest.mark.parametrize("text", SCHOOL_WORK_NEGATIVES)
def test_school_work_negative(text: str) -> None:
    assert SCHOOL_WORK.detect(text) == []


# General grammar for saying where someone works or studies, beyond "works at".
SCHOOL_WORK_RULES = [
    # a relative named between the relation word and the copula
    ("the deputy's daughter Maya is at Rosedale Middle School", "Rosedale Middle School",
     "school", "rosedale middle school"),
    ("his son kai's at Liberty North High", "Liberty North High", "school",
     "liberty north high"),
    ("her twins are still at Meadowbrook Elementary", "Meadowbrook Elementary", "school",
     "meadowbrook elementary"),
    # a possessive institution noun with a copula
    ("his daughter's preschool is Sunny Days Learning Center", "Sunny Days Learning Center",
     "school", "sunny days learning center"),
    ("her job is at the Hallmark plant", "Hallmark plant", "employment", "hallmark plant"),
    ("the judge's husband's work is over at Garmin in Olathe", "Garmin in Olathe",
     "employment", "garmin in olathe"),
    # job titles after "the"; staff, payroll and faculty; "works out of"
    ("she's the head custodian at Oak Grove Elementary", "Oak Grove Elementary", "employment",
     "oak grove elementary"),
    ("she's the front office lady at Red Oak Montessori", "Red Oak Montessori", "school",
     "red oak montessori"),
    ("he's on the faculty at Avila", "Avila", "employment", "avila"),
    ("his wife is on payroll at Children's Mercy", "Children's Mercy", "employment",
     "children's mercy"),
    ("her brother works out of the UPS hub in Lenexa", "UPS hub in Lenexa", "employment",
     "ups hub in lenexa"),
    ("she mans the counter at the Sonic on Blue Ridge", "Sonic on Blue Ridge", "employment",
     "sonic on blue ridge"),
    ("her husband got hired at Cerner", "Cerner", "employment", "cerner"),
    ("his wife Tanya's at the Price Chopper on 95th every morning", "Price Chopper on 95th",
     "employment", "price chopper on 95th"),
    ("her brother drives for the KCATA", "KCATA", "employment", "kcata"),
    ("their toddler is in preschool at Little Acorns on Ward Pkwy",
     "Little Acorns on Ward Pkwy", "school", "little acorns on ward pkwy"),
    ("her son rides the bus to Ruskin High", "Ruskin High", "school", "ruskin high"),
    ("his wife clocks out of Honeywell at 4", "Honeywell", "employment", "honeywell"),
    ("her son is doing his clinicals at Research Medical Center",
     "Research Medical Center", "employment", "research medical center"),
    # starting, transferring, getting in
    ("their son transferred to Rockhurst High", "Rockhurst High", "school",
     "rockhurst high"),
    ("his girlfriend started at Burns & McDonnell", "Burns & McDonnell", "employment",
     "burns & mcdonnell"),
    ("her kid got into Pembroke Hill", "Pembroke Hill", "school", "pembroke hill"),
    # studies and majors with an object between verb and place
    ("his daughter is majoring in biology at Park University", "Park University", "school",
     "park university"),
    ("her son trains at Olathe Northwest", "Olathe Northwest", "school", "olathe northwest"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "sub", "kind", "value"), SCHOOL_WORK_RULES)
def test_school_work_general_rules(text: str, sub: str, kind: str, value: str) -> None:
    found = _run(SCHOOL_WORK, text)
    assert [(f.start, f.end, f.kind, f.value) for f in found] == [
        (*_span(text, sub), kind, value)
    ]
    assert found[0].confidence >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "his son is in Chicago this week",
        "she's the one at the front of the line",
        "the fire started at Westport Flea Market",
        "the show started at Knuckleheads",
        "he got to City Hall late",
        "her son got into trouble at school",
        "he walks to Costco every sunday",
        "she's seeing a therapist for Anxiety",
        "he saw a nurse at Truman",
        "she takes the bus to City Hall",
        "social security for Dana Reyes",
        "her office is a mess",
        "their job is to protect people",
        "she's the speaker at Union Station tonight",
    ],
)
def test_school_work_general_rule_negatives(text: str) -> None:
    found = [f for f in _run(SCHOOL_WORK, text) if f.confidence >= 0.3]
    assert found == []


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("he works for the city", "city"),
        ("Whitaker works for KCPD", "KCPD"),
        ("he is a detective at the Central Patrol Division", "Central Patrol Division"),
        ("works at the Kansas City Police Department", "Kansas City Police Department"),
        ("he works at City Hall", "City Hall"),
        ("she works for Jackson County", "Jackson County"),
        ("Capt. Reyes runs South Patrol", "South Patrol"),
        ("he works with the Fire Department", "Fire Department"),
        ("the fire captain works at Station 19", "Station"),
    ],
)
def test_official_employer_is_public_and_low_confidence(text: str, sub: str) -> None:
    (f,) = _run(SCHOOL_WORK, text)
    assert (f.start, f.end) == _span(text, sub)
    assert f.kind == "official_employer"
    assert f.confidence <= 0.2


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("she used to work at the Sonic on Prospect", "Sonic on Prospect"),
        ("he graduated from Rockhurst", "Rockhurst"),
        ("works for Daniel Whitaker", "Daniel Whitaker"),
        ("she cleans for the Hendersons", "Hendersons"),
    ],
)
def test_weaker_school_work_evidence_is_review_range(text: str, sub: str) -> None:
    (f,) = _run(SCHOOL_WORK, text)
    assert (f.start, f.end) == _span(text, sub)
    assert 0.3 <= f.confidence < 0.5


# --- robustness ----------------------------------------------------------------------------


def _street_soup(seed: int, size: int = 100_000) -> str:
    rng = random.Random(seed)
    words = ["St", "Ave", "Rd", "Blvd", "block of", "Holly", "the", "N", "Apt", "#", "works at"]
    parts: list[str] = []
    length = 0
    while length < size:
        token = rng.choice(words) if rng.random() < 0.5 else str(rng.randint(1, 99999))
        parts.append(token)
        length += len(token) + 1
    return " ".join(parts)[:size]


@pytest.mark.parametrize(
    "text",
    [
        _street_soup(1),
        _street_soup(2),
        ("4471 Holly St " * 8000)[:100_000],
        "on Holly, the 4400 block " * 4000,
        "1 " * 50_000,
        "works at " + "Aa " * 33_000,
        "picks " * 16_000 + "up at",
        ("lives at 12-14 1/2 N.E. Oak Hill Hwy 7 house: " * 2500)[:100_000],
        "his son " + "tyler " * 16_000 + "is at",
    ],
    ids=["soup1", "soup2", "repeated-address", "repeated-block", "digits", "caps", "picks",
         "new-address-forms", "child-name"],
)
def test_large_adversarial_message_is_linear(text: str) -> None:
    """A guard against catastrophic backtracking, not a benchmark: generous 2 s bound."""
    began = time.perf_counter()
    ADDRESS.detect(text)
    SCHOOL_WORK.detect(text)
    assert time.perf_counter() - began < 2.0


_PIECES = st.sampled_from(
    ["4471", "12", "4400", "block of", "Holly", "holly", "St", "Ave.", "N", "Apt", "#2",
     "Kansas City,", "MO", "64111", "lives at", "works at", "the", "Walgreens", "on",
     "Troost", "goes to", "Lincoln", "Middle School", "kid:", "\n", ",", "@", "é", "👧"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map(" ".join))
def test_findings_are_well_formed_on_any_mix(text: str) -> None:
    for detector in (ADDRESS, SCHOOL_WORK):
        found = detector.detect(text)
        for f in found:
            assert 0 <= f.start < f.end <= len(text)
            assert text[f.start : f.end].strip() == text[f.start : f.end]
            assert f.value and 0.0 < f.confidence <= 1.0 and f.kind
        assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_values_past_the_usaddress_budget_match_parsed_values() -> None:
    """Beyond the budget (8 tagger calls) the tables alone normalize; same result."""
    line = "4471 North Holly Street Apt 2, Kansas City, Missouri 64111. "
    found = ADDRESS.detect(line * 70)
    assert len(found) == 70
    assert {f.value for f in found} == {"4471 N HOLLY ST APT 2 KANSAS CITY MO 64111"}


@pytest.mark.parametrize(
    ("window", "parser"),
    [
        ("4410 Holly St Apt 2 Kansas City MO 64111", False),
        ("4410 E 43rd Ter, Kansas City, Missouri 64130-1234", False),
        ("11 Oak Street #4", False),
        ("2912 Oak Hill", True),  # "Hill" is a name as often as a type
        ("60708 Blue Ridge Ave Apt 2", True),  # two street-type words
        ("11 Mission Dr, Mission Hills KS", True),
        ("4410 Holly St East", True),  # a direction spelled out
        ("2250 s.e. 9th ter", True),  # a dotted direction
        ("4410 Holly, KCMO 64109", True),  # no street type: usaddress may call it a place
        ("City Hall, 414 E 12th St", True),  # no house number first
    ],
)
def test_the_tables_read_only_what_they_cannot_misread(window: str, parser: bool) -> None:
    from bot.detectors.address import _needs_parser, _tokens

    assert _needs_parser(_tokens(window)) is parser


def test_table_values_agree_with_usaddress_on_every_corpus_candidate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The detector normalizes a candidate from its tables unless they could misread it;
    on every candidate of the corpus (and the address tests) they say what usaddress says,
    and a public address in the registry normalizes exactly as the same text in chat."""
    import json
    from pathlib import Path

    from bot.detectors import address as A

    windows: list[str] = []
    original = A.AddressDetector._value

    def spy(window: str, budget: list[int]) -> str | None:
        windows.append(window)
        return original(window, budget)

    corpus = Path(__file__).parent / "corpus" / "messages.jsonl"
    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    texts += [text for text, *_ in ADDRESS_POSITIVES + ADDRESS_RULES]
    monkeypatch.setattr(A.AddressDetector, "_value", staticmethod(spy))
    for text in texts:
        ADDRESS.detect(text)
    monkeypatch.undo()
    decided = 0
    for window in set(windows):
        clean = A._WS_RE.sub(" ", window)
        tokens = A._tokens(clean)
        if A._needs_parser(tokens):
            continue
        decided += 1
        parts = A._parse(clean)
        assert parts is not None and A._table_value(tokens) == A._render(parts), window
        assert normalize_address(window) == A._table_value(tokens)
    assert decided >= 50  # the tables decide most candidates


def test_triggers_cover_every_positive() -> None:
    for text, *_ in ADDRESS_POSITIVES + ADDRESS_VENUES:
        assert any(t in text.lower() for t in ADDRESS.triggers), text
    for text, *_ in SCHOOL_WORK_POSITIVES:
        assert any(t in text.lower() for t in SCHOOL_WORK.triggers), text


# --- keyword gates before the block and "lives on X, number" scans ------------------------

_GATE_WORDS = st.sampled_from(
    ["4400", "5915", " ", ", ", "the", "block", "BLOCK", "bloc\u212a", "of", "on", "Holly",
     "Ward", "Parkway", "lives", "reſides", "LIVING", "house", "home", "place", "moved",
     "stays", "ſtaying", "his", "number", "#"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_GATE_WORDS, max_size=12).map("".join))
def test_block_gates_never_hide_a_match(text: str) -> None:
    """Wherever a block or "lives on" pattern matches, its keyword gate lets it run."""
    from bot.detectors import address

    folded = text.lower().replace("ſ", "s")
    if address._BLOCK_OF_RE.search(text) or address._ON_BLOCK_RE.search(text):
        assert "block" in folded
    if address._ON_NUMBER_RE.search(text):
        assert any(stem in folded for stem in address._ON_NUMBER_STEMS)


def test_block_gates_fold_what_re2_folds() -> None:
    """RE2's (?i) reads the Kelvin sign as 'k' and 'ſ' as 's'; so do the gates."""
    detect = AddressDetector().detect
    assert [f.value for f in detect("she lives in the 4400 bloc\u212a of Holly")] == [
        "4400 BLOCK OF HOLLY"
    ]
    assert [f.value for f in detect("he reſides on Ward Parkway, 5915 to be exact")] == [
        "5915 WARD PKWY"
    ]


_CUE_WORDS = st.sampled_from(
    ["his", "her", "'s", " ", " ", "at", "to", "is", "the", "a", "kid", "ſon", "daughters",
     "twins", "wife", "girlfriend", "fiancée", "ex", "mom", "school", "daycare", "day care",
     "job", "work", "office", "shift", "picks up", "drops off", "started", "transferred",
     "got into", "accepted", "plays", "runs track", "ſwims", "cheers", "manages", "owns",
     "ran", "Hogan Prep", "Garmin", "UMKC", ":", "-", "->", "→", "\n", "- ", "\u212aid"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_CUE_WORDS, max_size=10).map("".join))
def test_school_work_gates_never_hide_a_cue(text: str) -> None:
    """Wherever a gated cue family's pattern matches, its gate lets the scan run."""
    from bot.detectors import school_work

    folded = text.lower().replace("ſ", "s")
    for kind, gate in school_work._CUE_GATES.items():
        if school_work._CUE_RES[kind].search(text):
            assert any(stem in folded for stem in gate), kind
