"""Home-address detector (`home_address`).

Street addresses are found in two steps so the hot path stays cheap and linear:
precompiled RE2 patterns (no backtracking, whatever the input) propose candidate
windows — a house number followed by street-ish words, or "the 4400 block of
Holly" — and `usaddress` confirms and labels each *window* (never the whole
message). Nearby words then say whose place it is: residence cues ("lives at",
"his house") raise confidence, business/event/official cues ("rally at", "City
Hall", "store") lower it, because only a *home* address is protected.

`normalize_address` and `same_address` are exported for the policy, which compares
findings with a servant's public (official) addresses.
"""

from __future__ import annotations

import re

import re2
import usaddress

from bot.models import Category, Finding
from bot.re2_subject import re2_subject

# --- vocabularies (uppercase keys) -------------------------------------------------------

# USPS street suffixes (publication 28, the common ones) -> standard abbreviation.
STREET_TYPES: dict[str, str] = {
    "ALLEY": "ALY", "ALY": "ALY", "AVENUE": "AVE", "AVE": "AVE", "AV": "AVE", "AVN": "AVE",
    "BOULEVARD": "BLVD", "BLVD": "BLVD", "BYPASS": "BYP", "BYP": "BYP",
    "CIRCLE": "CIR", "CIR": "CIR", "COURT": "CT", "CT": "CT", "COVE": "CV", "CV": "CV",
    "CROSSING": "XING", "XING": "XING", "DRIVE": "DR", "DR": "DR",
    "EXPRESSWAY": "EXPY", "EXPY": "EXPY", "FREEWAY": "FWY", "FWY": "FWY",
    "HIGHWAY": "HWY", "HWY": "HWY", "LANE": "LN", "LN": "LN", "LOOP": "LOOP",
    "PARKWAY": "PKWY", "PKWY": "PKWY", "PKY": "PKWY", "PIKE": "PIKE", "PATH": "PATH",
    "PLACE": "PL", "PL": "PL", "PLAZA": "PLZ", "PLZ": "PLZ", "POINT": "PT", "PT": "PT",
    "RIDGE": "RDG", "RDG": "RDG", "ROAD": "RD", "RD": "RD", "ROUTE": "RTE", "RTE": "RTE",
    "ROW": "ROW", "RUN": "RUN", "SQUARE": "SQ", "SQ": "SQ", "STREET": "ST", "ST": "ST",
    "STR": "ST", "TERRACE": "TER", "TER": "TER", "TERR": "TER", "TRAIL": "TRL", "TRL": "TRL",
    "TRAFFICWAY": "TRFY", "TRFY": "TRFY", "WAY": "WAY", "WY": "WAY",
    "BEND": "BND", "BND": "BND", "CRESCENT": "CRES", "CRES": "CRES", "CREEK": "CRK",
    "CRK": "CRK", "ESTATES": "ESTS", "ESTS": "ESTS", "GLEN": "GLN", "GLN": "GLN",
    "GREEN": "GRN", "GRN": "GRN", "HEIGHTS": "HTS", "HTS": "HTS", "HILL": "HL", "HL": "HL",
    "HILLS": "HLS", "HLS": "HLS", "HOLLOW": "HOLW", "HOLW": "HOLW", "LANDING": "LNDG",
    "LNDG": "LNDG", "MEADOW": "MDW", "MDW": "MDW", "MEADOWS": "MDWS", "MDWS": "MDWS",
    "PASS": "PASS", "TRACE": "TRCE", "TRCE": "TRCE", "VIEW": "VW", "VW": "VW",
    "VILLAGE": "VLG", "VLG": "VLG", "VISTA": "VIS", "VIS": "VIS", "WALK": "WALK",
    "COMMONS": "CMNS", "CMNS": "CMNS", "KNOLL": "KNL", "KNL": "KNL", "MANOR": "MNR",
    "MNR": "MNR", "ORCHARD": "ORCH", "ORCH": "ORCH", "OVAL": "OVAL", "SHORES": "SHRS",
    "SHRS": "SHRS", "SPRINGS": "SPGS", "SPGS": "SPGS", "CRT": "CT",
}  # fmt: skip

# Suffixes that are also everyday words ("200 people drive", "the fast lane"): they only
# count after a Capitalized street name or when written capitalized themselves.
_WEAK_TYPES = frozenset(
    "CIRCLE COURT COVE CROSSING DRIVE HIGHWAY LANE LOOP PATH PIKE PLACE PLAZA POINT "
    "RIDGE ROUTE ROW RUN SQUARE TRAIL WAY PL PT ROW BEND CRESCENT CREEK ESTATES GLEN GREEN "
    "HEIGHTS HILL HILLS HOLLOW LANDING MEADOW MEADOWS PASS TRACE VIEW VILLAGE VISTA WALK "
    "COMMONS KNOLL MANOR ORCHARD OVAL SHORES SPRINGS".split()
)

# Suffixes that are just as often the name itself ("Meadow View", "Creek Bend").
_ALSO_NAMES = frozenset(
    "BEND CRESCENT CREEK ESTATES GLEN GREEN HEIGHTS HILL HILLS HOLLOW LANDING MEADOW "
    "MEADOWS PASS TRACE VIEW VILLAGE VISTA WALK COMMONS KNOLL MANOR ORCHARD OVAL SHORES "
    "SPRINGS RIDGE POINT CROSSING".split()
)

DIRECTIONS: dict[str, str] = {
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W", "NORTHEAST": "NE",
    "NORTHWEST": "NW", "SOUTHEAST": "SE", "SOUTHWEST": "SW",
    "N": "N", "S": "S", "E": "E", "W": "W", "NE": "NE", "NW": "NW", "SE": "SE", "SW": "SW",
}  # fmt: skip

UNIT_TYPES: dict[str, str] = {
    "APARTMENT": "APT", "APT": "APT", "UNIT": "UNIT", "SUITE": "STE", "STE": "STE",
    "ROOM": "RM", "RM": "RM", "FLOOR": "FL", "FL": "FL", "BUILDING": "BLDG", "BLDG": "BLDG",
    "LOT": "LOT", "TRAILER": "TRLR", "TRLR": "TRLR", "#": "#",
}  # fmt: skip

STATES: dict[str, str] = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA",
    "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD",
    "MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS",
    "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV",
    "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY",
    "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK",
    "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC",
    "SOUTH DAKOTA": "SD", "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT",
    "VIRGINIA": "VA", "WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI",
    "WYOMING": "WY", "DISTRICT OF COLUMBIA": "DC",
    # AP style, common in local news and chat
    "MO.": "MO", "KAN.": "KS", "KANS.": "KS", "ILL.": "IL", "NEB.": "NE", "OKLA.": "OK",
    "ARK.": "AR",
}  # fmt: skip
_STATE_CODES = frozenset(v for v in STATES.values())

# Kansas City metro places accepted after a street without a state ("4471 Holly St,
# Raytown"); elsewhere a city only counts when a state follows it.
_KNOWN_CITIES = (
    "kansas city", "kcmo", "kck", "north kansas city", "independence", "overland park",
    "lee's summit", "olathe", "raytown", "grandview", "gladstone", "liberty",
    "blue springs", "belton", "lenexa", "shawnee", "leawood", "prairie village",
    "mission", "merriam", "parkville", "riverside", "sugar creek", "grain valley",
)  # fmt: skip

# Words that never belong to a street name: function words, time words and the nouns
# that follow a count ("4 cops", "200 people", "5 pm").
_STOPWORDS = frozenset(
    """a an and at by for from in into of off on or the to with near is are was were be
    been has have had it its he she they we you i me my his her their our your who that
    this these those there here then than when where while as if but so not no yes
    am pm a.m. p.m. min mins minutes hours hrs days weeks months years yrs times
    people persons cops officers police men women kids guys dudes folks votes points
    dollars bucks percent pct miles mi blocks block houses homes cars shots rounds
    calls units apartments floors rooms page pages chapter section sec item items
    o'clock oclock ago more less about around over under after before""".split()
)

# --- patterns -----------------------------------------------------------------------------


def _alt(words: list[str]) -> str:
    """A regex alternation, longest first, with RE2-safe escaping."""
    return "|".join(re2.escape(w) for w in sorted(set(words), key=len, reverse=True))


_TYPE = r"(?i:" + _alt([t.lower() for t in STREET_TYPES]) + r")\b\.?"
_DIR_WORDS = r"(?i:northeast|northwest|southeast|southwest|north|south|east|west)\b"
_DIR = (
    r"(?:" + _DIR_WORDS + r"|[NSns]\.[ \t]?[EWew]\.?|(?:NE|NW|SE|SW|[NSEW])\.?\b|"
    r"(?:ne|nw|se|sw|[nsew])\b\.?)"
)
_POSTDIR = r"(?:" + _DIR_WORDS + r"|(?:NE|NW|SE|SW|[NSEW])\b)"
_ORD = r"\d{1,3}(?i:st|nd|rd|th)\b"
# Latin letters only: small RE2 programs (a full Unicode class blows the DFA budget).
_UP = "A-ZÀ-ÖØ-Þ"
_LET = "A-Za-zÀ-ÖØ-öø-ÿ"
_WORD = r"(?:[" + _LET + r"][" + _LET + r"'’-]*\.?|" + _ORD + r")"
_CAPWORD = r"(?:[" + _UP + r"][" + _LET + r"'’-]*\.?|" + _ORD + r")"
# "4410", "4410B", a duplex's "3412-3414", a half lot's "123 1/2"
_NUM = r"\d{1,6}(?:[A-Za-z]\b|-\d{1,5}\b|[ \t]1/2\b)?"
_UNIT = (
    r"(?:,?[ \t]*(?:(?i:apartment|apt|unit|suite|ste|room|rm|floor|fl|building|bldg|lot|"
    r"trailer|trlr)\b\.?[ \t]*#?[ \t]*|#[ \t]*)"
    r"(?:\d[A-Za-z0-9-]{0,5}|[A-Za-z]{1,2}-?\d{0,4})\b)"
)
_STATE = (
    r"(?:(?:" + "|".join(sorted(_STATE_CODES)) + r")\b|(?i:"
    + _alt([s.lower() for s in STATES if not s.endswith(".")]) + r")\b|"
    + "|".join(re2.escape(s.title()) for s in STATES if s.endswith(".")) + r")"
)
_ZIP = r"\d{5}(?:-\d{4})?\b"
_CITY_WORD = r"[" + _UP + r"][" + _LET + r"'’.-]*"
_CITY = _CITY_WORD + r"(?:[ \t]+" + _CITY_WORD + r"){0,2}"
_TAIL = (
    r"(?:,?\s+" + _CITY + r",?[ \t]+" + _STATE + r"(?:[ \t]+" + _ZIP + r")?"
    r"|,?[ \t]+" + _STATE + r"[ \t]+" + _ZIP
    + r"|,?[ \t]+" + _ZIP
    + r"|,[ \t]*(?i:" + _alt(list(_KNOWN_CITIES)) + r")\b)"
)

# A house number, then either street words ending in a street type, or (bare) one or
# two words that only count with a unit, a city/state/ZIP tail or a tight residence cue.
_STREET_RE = re2.compile(
    r"\b(?P<num>" + _NUM + r")[ \t]+(?:(?P<pre>" + _DIR + r")[ \t]+)?"
    r"(?:(?P<hwy>(?i:highway|hwy|route|rte|state[ \t]+route|state[ \t]+highway|us|"
    r"county[ \t]+road|county[ \t]+rd|cr)\.?[ \t]*\d{1,4}[A-Za-z]?\b)"
    r"|(?P<name>" + _WORD + r"(?:[ \t]+" + _WORD + r"){0,3}?)[ \t]+(?P<type>" + _TYPE + r")"
    r"(?:[ \t]+(?P<post>" + _POSTDIR + r"))?"
    r"|(?P<bare>" + _WORD + r"(?:[ \t]+" + _CAPWORD + r")?))"
    r"(?P<unit>" + _UNIT + r")?(?P<tail>" + _TAIL + r")?"
)
# Group numbers, looked up once: the RE2 wrapper rebuilds its name table on every
# lookup by name, which dominated a flood of candidates.
_SG = _STREET_RE.groupindex
_BARE_GROUP = _SG["bare"]
_UNIT_G, _TAIL_G, _HWY_G, _TYPE_G, _NAME_G = (
    _SG["unit"], _SG["tail"], _SG["hwy"], _SG["type"], _SG["name"]
)
# "the 4400 block of Holly (St)"
_BLOCK_OF_RE = re2.compile(
    r"\b(?P<num>\d{1,3}00)[ \t]+(?i:block)[ \t]+(?i:of)[ \t]+(?:(?P<pre>" + _DIR + r")[ \t]+)?"
    r"(?P<name>" + _CAPWORD + r"(?:[ \t]+" + _CAPWORD + r"){0,2}|[a-zß-öø-ÿ][" + _LET + r"'’-]*)"
    r"(?:[ \t]+(?P<type>" + _TYPE + r"))?"
)
# "lives on Holly, the 4400 block"
_ON_BLOCK_RE = re2.compile(
    r"\b(?i:on)[ \t]+(?P<street>(?:" + _DIR + r"[ \t]+)?" + _WORD + r"(?:[ \t]+" + _WORD
    + r")?(?:[ \t]+" + _TYPE + r")?),?[ \t]+(?:(?i:the)[ \t]+)?(?P<num>\d{1,3}00)[ \t]+"
    r"(?i:block)\b"
)

_STREET_GROUP = _ON_BLOCK_RE.groupindex["street"]
# "lives on Ward Parkway, 5915 to be exact": the street first, the house number after
_ON_NUMBER_RE = re2.compile(
    r"(?i:\b(?:lives?|living|lived|resides?|house|home|place|moved|stays?|staying)"
    r"(?:[ \t]+[a-z']+){0,2}?[ \t]+on)[ \t]+(?P<street>(?:" + _DIR + r"[ \t]+)?" + _CAPWORD
    + r"(?:[ \t]+" + _CAPWORD + r")?[ \t]+" + _TYPE + r"),?[ \t]+(?:(?i:number|no\.?|#)[ \t]*)?"
    r"(?P<num>\d{1,6})(?P<after>[A-Za-z%]*[ \t]*[A-Za-z&.]*)"
)
_ON_NUMBER_GROUPS = _ON_NUMBER_RE.groupindex
# Lowercase substrings, one of which every verb `_ON_NUMBER_RE` starts from contains.
_ON_NUMBER_STEMS = ("liv", "resid", "house", "home", "place", "moved", "stay")
# What a number after "lives on X St," must not be followed by: it is not a house number.
_NOT_HOUSE_NUMBER = frozenset(
    "block blocks and & th st nd rd % am pm a.m. p.m. people times years yrs minutes mins "
    "hours hrs dollars bucks miles mi houses doors min".split()
)

# Chain stores named next to an address make it a business address.
_CHAIN_ALT = "|".join(
    re2.escape(c)
    for c in (
        "walgreens", "cvs", "walmart", "target", "costco", "hy-vee", "hyvee", "quiktrip",
        "price chopper", "sonic", "mcdonald's", "starbucks", "home depot", "lowe's",
        "kroger", "aldi", "dillons", "taco bell", "chipotle", "panera", "best buy",
        "dollar general", "autozone", "whole foods", "trader joe's", "burger king",
    )
)  # fmt: skip

_RESIDENCE_RE = re2.compile(
    r"(?i)\b(?:lives?|living|lived|resides?|residing|residence|home|house|crib|"
    r"moved|moving|stays?|staying|sleeps|trailer[ \t]+park|mobile[ \t]+home(?:[ \t]+park)?|"
    r"(?:\w['’]s|his|her|their)[ \t]+(?:home[ \t]+|house[ \t]+|real[ \t]+|personal[ \t]+)?"
    r"(?:address|addy|addr)|"
    r"(?:his|her|their|my|your|mom'?s|dad'?s|parents'?|wife'?s|husband'?s|family'?s)"
    r"[ \t]+(?:place|apartment|apt|condo|duplex|townhouse|pad|address))\b"
)
_VENUE_RE = re2.compile(
    r"(?i)\b(?:protests?|rally|rallies|march|marching|vigil|meetings?|hearings?|town[ \t]+hall|"
    r"city[ \t]+hall|headquarters|hq|station|precinct|courthouse|court|restaurant|store|shop|"
    r"office|offices|open[ \t]+house|events?|venue|church|library|museum|bar|cafe|café|gym|"
    r"clinic|hospital|school|campus|business|company|warehouse|plant|dealership|hotel|"
    r"theater|theatre|stadium|arena|park|located|showing|shelter|center|centre|bank|"
    r"salon|brewery|diner|market|mall|opening|concert|fundraiser|gathering|"
    r"press[ \t]+conference|presser|parking|open|hours|sale|meetup|conference|"
    r"division|department|dept|business[ \t]+address|patrol|substation|unit[ \t]+is|"
    r"party|bbq|barbecue|coffee|bakery|pizza|tacos?|grill|kitchen|pub|tavern|boutique|"
    r"studio|gallery|barbershop|pharmacy|dental|dentist|dmv|pantry|food[ \t]+drive|"
    r"donations?|drop-?off|dock|books|bookstore|memorial|recommend|in[ \t]+stock|"
    r"grand[ \t]+opening|tickets|admission|rsvp|menu|burnt[ \t]+ends|happy[ \t]+hour|"
    r"storefront|llc|inc|co-?op|ymca|fire|crash|accident|shooting|scene|incident|robbery|"
    r"burglary|break-in|stabbing|collision|wreck|arrest|raid|standoff|call[ \t]+to|"
    r"responded|crews?|working|construction|repairs?|repaving|condemned|inspected|"
    r"inspection|red-tagged|demolition|demolished|water[ \t]+main|main[ \t]+break|potholes?|"
    r"closure|closed|job[ \t]+site|worksite|" + _CHAIN_ALT + r")\b"
)
# A cue that sits right before the number: enough to accept "lives at 4471 Holly".
_TIGHT_CUE_RE = re2.compile(
    r"(?i)(?:\b(?:lives?|living|resides?|residing|moved|moving|staying|stays|"
    r"house[ \t]+is|home[ \t]+is|place[ \t]+is)(?:[ \t]+[a-z0-9']+){0,3}?[ \t]+"
    r"(?:at|on|to|in|into|@)|\b(?:address|addr)(?:[ \t]+is)?[ \t]*:?|"
    r"\b(?:home|addy|house|place|crib|residence|apartment|apt|condo)(?:[ \t]*[:=]|[ \t]+is))"
    r"[ \t]*$"
)
_NEXT_WORD_RE = re2.compile(r"[ \t]+([a-z][a-z'’]*)\b")
# Lowercase words that may follow an address ("... Creek Bend is his house").
_MAY_FOLLOW = _STOPWORDS | frozenset(
    "now lol lmao too also tho btw right just still yet anymore".split()
)
_ANY_HOUSE_RE = re2.compile(
    r"(?i)\b(?:the|a|an|that|this|every|each|one|vacant|abandoned|empty|old)[ \t]+$"
)
# Plain `re`: no classes or flags whose meaning differs from RE2's, and no backtracking.
_SENTENCE_END_RE = re.compile(r"[!?\n]|\.[ \t]")
# RE2's \s is exactly [\t\n\f\r ]; Python's `re` does this substitution without RE2's
# wrapper cost (a split and a re-encoding per call) and cannot backtrack on a class run.
_WS_RE = re.compile(r"[\t\n\f\r ]+")

# Past this many candidates in one message, usaddress (its CRF tagger, ~120 us a
# candidate) is no longer consulted: the regex structure alone decides and the tables
# normalize (`_fallback_value`). No chat message of the corpus, the held-out sets or the
# benchmark traffic has more than one candidate, and the two agree on 905 of 910 distinct
# candidates there (they differ on city words that are street types: "Mission Hills").
# Eight keeps a list of several addresses fully parsed and a 4,000-character wall cheap.
_MAX_PARSES = 8
_LOOKBACK = 80
_LOOKAHEAD = 60


# --- normalization -----------------------------------------------------------------------

_LABEL_ORDER = (
    "USPSBoxType", "USPSBoxID",
    "AddressNumberPrefix", "AddressNumber", "AddressNumberSuffix",
    "StreetNamePreModifier", "StreetNamePreDirectional", "StreetNamePreType",
    "StreetName", "StreetNamePostType", "StreetNamePostDirectional",
    "OccupancyType", "OccupancyIdentifier", "SubaddressType", "SubaddressIdentifier",
    "PlaceName", "StateName", "ZipCode",
)  # fmt: skip
_STREET_LABELS = frozenset(_LABEL_ORDER[2:13])


def _clean(token: str) -> str:
    return token.strip(" ,;:()").upper()


def _parse(text: str, allow_box: bool = False) -> dict[str, list[str]] | None:
    """usaddress labels for `text`, cleaned; None unless a number and street name exist.

    `allow_box` also accepts a PO box (public contact details may be one; a home is not).
    """
    parts: dict[str, list[str]] = {}
    for token, label in usaddress.parse(text):
        tok = _clean(token)
        if tok and label in _LABEL_ORDER:
            parts.setdefault(label, []).append(tok)
    if allow_box and "USPSBoxID" in parts:
        parts["USPSBoxType"] = ["PO", "BOX"]
        for label in _STREET_LABELS:
            parts.pop(label, None)
        return parts
    if "AddressNumber" not in parts or "StreetName" not in parts:
        return None
    parts.pop("USPSBoxType", None)
    parts.pop("USPSBoxID", None)
    return parts


def _standard(label: str, token: str) -> str:
    """USPS standard spelling of one labelled token."""
    bare = token.rstrip(".")
    if label in ("StreetNamePreDirectional", "StreetNamePostDirectional"):
        bare = bare.replace(".", "").replace(" ", "")  # "N.E." -> "NE"
        return DIRECTIONS.get(bare, bare)
    if label in ("StreetNamePostType", "StreetNamePreType"):
        return STREET_TYPES.get(bare, bare)
    if label in ("OccupancyType", "SubaddressType"):
        return UNIT_TYPES.get(bare, bare)
    if label in ("OccupancyIdentifier", "SubaddressIdentifier"):
        return token.lstrip("#").strip(".") or token
    if label == "ZipCode":
        return token[:5]
    return bare


def _render(parts: dict[str, list[str]]) -> str:
    out: list[str] = []
    for label in _LABEL_ORDER:
        tokens = parts.get(label)
        if not tokens:
            continue
        if label == "StateName":
            joined = " ".join(tokens)
            out.append(STATES.get(joined, STATES.get(joined.rstrip(".") + ".", joined)))
            continue
        if label == "OccupancyIdentifier" and "OccupancyType" not in parts:
            out.append("#")
        for tok in tokens:
            std = _standard(label, tok)
            if std and std != "#":
                out.append(std)
    return " ".join(out)


def normalize_address(text: str) -> str | None:
    """Canonical form of a street address, or None when `text` has no number + street.

    Uppercase, single spaces, USPS abbreviations (STREET -> ST, NORTH -> N, APARTMENT ->
    APT, Missouri -> MO), ZIP+4 cut to five digits: "4471 N HOLLY ST APT 2 KANSAS CITY MO
    64111"; a PO box becomes "PO BOX 1234 KANSAS CITY MO 64141". The registry uses it on a
    servant's public addresses to compare with findings.
    """
    if not text or len(text) > 300:
        return None
    clean = _WS_RE.sub(" ", text.strip())
    tokens = _tokens(clean)
    if not _needs_parser(tokens):
        return _table_value(tokens)  # as the detector reads the same text
    parts = _parse(clean, allow_box=True)
    return _render(parts) if parts else None


def street_line(text: str) -> str | None:
    """Just the street part of an address ("1125 LOCUST ST"), or None.

    Chat rarely repeats city, state and ZIP, so a finding's value may lack them while a
    servant's public address has them: compare street lines (or use `same_address`).
    """
    if not text or len(text) > 300:
        return None
    parts = _parse(_WS_RE.sub(" ", text.strip()))
    if parts is None:
        return None
    keep = {k: v for k, v in parts.items() if k in _STREET_LABELS and "Occupancy" not in k}
    return _render(keep)


def _street_line(parts: dict[str, list[str]]) -> tuple[str, ...]:
    return tuple(
        f"{label}={_standard(label, tok)}"
        for label in _LABEL_ORDER
        if label in _STREET_LABELS and not label.startswith(("Occupancy", "Subaddress"))
        for tok in parts.get(label, ())
    )


def same_address(a: str, b: str) -> bool:
    """True when two addresses (raw or normalized) name the same place.

    The street line (number, directions, name, type) must match; unit, city, state and
    ZIP are compared only where both sides give them, since chat rarely repeats them all.
    """
    pa = _parse(_WS_RE.sub(" ", a.strip().upper())) if a and len(a) <= 300 else None
    pb = _parse(_WS_RE.sub(" ", b.strip().upper())) if b and len(b) <= 300 else None
    if pa is None or pb is None or _street_line(pa) != _street_line(pb):
        return False
    for label in ("OccupancyIdentifier", "PlaceName", "StateName", "ZipCode"):
        if label in pa and label in pb:
            left = _render({label: pa[label]}) if label == "StateName" else None
            right = _render({label: pb[label]}) if label == "StateName" else None
            if left is not None:
                if left != right:
                    return False
            elif [_standard(label, t) for t in pa[label]] != [
                _standard(label, t) for t in pb[label]
            ]:
                return False
    return True


_UNIT_VALUES = frozenset(UNIT_TYPES.values())


# Street types that are never a street's name or a city's: the tables read them alone.
_PLAIN_TYPES = frozenset(
    "ST STREET AVE AVENUE AV RD ROAD BLVD BOULEVARD DR DRIVE LN LANE CT COURT TER TERRACE "
    "PKWY PARKWAY PL PLACE CIR CIRCLE".split()
)


def _needs_parser(tokens: list[str]) -> bool:
    """Whether the tables alone could misread these cleaned tokens of a candidate.

    They read one plain street type after the number, abbreviations and ZIPs the same
    as usaddress; a street-type word that is also a name ("Blue Ridge Pkwy", "Oak
    Hill", "... Mission Hills"), no type at all ("4410 Holly, KCMO 64109": usaddress may
    call it a place), a direction spelled out ("Holly St East") or dotted ("S.E.")
    needs its tagger.
    """
    if not tokens or not tokens[0][:1].isdigit():
        return True  # a house number first, or the tables do not read it
    plain = 0
    for tok in tokens[1:]:
        if "." in tok or (len(tok) > 2 and tok in DIRECTIONS):
            return True  # "S.E.", "East": the tagger knows when it is a direction
        if tok in STREET_TYPES and tok not in UNIT_TYPES:
            if tok not in _PLAIN_TYPES:
                return True  # "Oak Hill", "Blue Ridge": a name as often as a type
            plain += 1
    return plain != 1


def _tokens(window: str) -> list[str]:
    return [t for t in (_clean(raw).rstrip(".") for raw in window.split()) if t]


def _fallback_value(window: str) -> str:
    """Table-only normalization: unambiguous candidates, and any past the usaddress budget."""
    return _table_value(_tokens(window))


def _table_value(tokens: list[str]) -> str:
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if tok[0] == "#" and len(tok) > 1:  # "#2" as usaddress renders it: "# 2", "APT 2"
            if not (out and out[-1] in _UNIT_VALUES):
                out.append("#")
            out.append(tok[1:])
            continue
        std = STREET_TYPES.get(tok) or UNIT_TYPES.get(tok)
        at_end = i == len(tokens) - 1 or tokens[i + 1][:5].isdigit()
        if std is None and at_end and i > 0:
            std = STATES.get(tok)  # "Kansas City" is a city, "..., Kansas 66101" a state
        if std is None and len(tok) > 2:
            std = DIRECTIONS.get(tok)
        if std is None and len(tok) == 10 and tok[5] == "-" and tok[:5].isdigit():
            std = tok[:5]
        out.append(std or tok)
    return " ".join(out)


# --- detector ------------------------------------------------------------------------------


def _is_cap(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


def _context_kind(text: str, start: int, end: int) -> tuple[str, int]:
    """('residence' | 'venue' | '', distance) from the nearest cue in the same sentence."""
    lo = max(0, start - _LOOKBACK)
    before = text[lo:start]
    cut = 0
    for m in _SENTENCE_END_RE.finditer(before):
        cut = m.end()
    before_lo = lo + cut
    after = text[end : end + _LOOKAHEAD]
    stop = _SENTENCE_END_RE.search(after)
    after_hi = end + (stop.start() if stop else len(after))

    # Slices, not pos/endpos: the RE2 wrapper encodes its whole argument on every call.
    before_text, after_text = text[before_lo:start], text[end:after_hi]
    before_subject, after_subject = re2_subject(before_text), re2_subject(after_text)
    best = ("", 1 << 30)
    for regex, kind in ((_VENUE_RE, "venue"), (_RESIDENCE_RE, "residence")):
        for m in regex.finditer(before_subject):
            word = before_text[m.start() : m.end()].lower()
            if kind == "residence" and word in ("house", "home", "houses", "homes"):
                cue_window = before_text[max(0, m.start() - 12) : m.start()]
                if _ANY_HOUSE_RE.search(re2_subject(cue_window)):
                    continue  # "condemned the house at ...": a property, not somebody's home
            dist = len(before_text) - m.end()
            if dist < best[1] or (dist == best[1] and kind == "venue"):
                best = (kind, dist)
        m = regex.search(after_subject)
        if m is not None and m.start() < best[1]:
            best = (kind, m.start())
    return best


def _tight_cue(text: str, start: int) -> bool:
    """A residence cue right before the house number ("lives at", "address:")."""
    return _TIGHT_CUE_RE.search(re2_subject(text[max(0, start - 40) : start])) is not None


class _StrMatch:
    """A street match read through its spans, so groups come from the str text even when
    RE2 matched its ASCII bytes."""

    __slots__ = ("_match", "_text")

    def __init__(self, match: re2._Match, text: str) -> None:
        self._match, self._text = match, text

    def start(self, group: int = 0) -> int:
        return self._match.start(group)

    def end(self, group: int = 0) -> int:
        return self._match.end(group)

    def group(self, group: int = 0) -> str | None:
        start, end = self._match.span(group)
        return None if start < 0 else self._text[start:end]


def _first(candidates: list[Finding], limit: int | None) -> list[Finding]:
    """Earliest, then longest, wins an overlap; the first `limit` winners (all if None)."""
    candidates = sorted(candidates, key=lambda f: (f.start, f.start - f.end))
    found: list[Finding] = []
    for finding in candidates:
        if limit is not None and len(found) >= limit:
            break
        if not found or finding.start >= found[-1].end:
            found.append(finding)
    return found


def _confidence(kind: str, base: float) -> tuple[float, str]:
    if kind == "residence":
        return min(0.95, base + 0.3), "residence"
    if kind == "venue":
        return min(0.3, base - 0.35), "venue"
    return base, "address"


class AddressDetector:
    """Finds street addresses; confidence says how likely it is somebody's home."""

    category = Category.HOME_ADDRESS
    name = "address"
    # Every candidate starts from a house or block number.
    triggers: tuple[str, ...] = tuple("0123456789")

    def detect(self, text: str, limit: int | None = None) -> list[Finding]:
        """Street addresses in `text`, in order; spans index `text`, never overlap.

        With `limit`, the first `limit` of them: exactly `detect(text)[:limit]`, but the
        street scan stops once they are certain, so a wall of addresses costs what its
        first few cost (usaddress is ~60 us a candidate).
        """
        budget = [_MAX_PARSES]
        blocks = self._blocks(text, budget)
        return _first(blocks + self._streets(text, budget, blocks, limit), limit)

    # -- street addresses ---------------------------------------------------------------

    def _streets(self, text: str, budget: list[int], blocks: list[Finding],
                 limit: int | None) -> list[Finding]:
        # One finditer pass: the RE2 wrapper re-encodes the whole text on every search()
        # call, so repeated searches from an offset would be quadratic.
        out: list[Finding] = []
        check = limit
        # ASCII text goes in as bytes (bot.re2_subject): half the cost of a flood of candidates.
        for raw in _STREET_RE.finditer(re2_subject(text)):
            m = _StrMatch(raw, text)
            finding = self._street(text, m, budget)
            if finding is None:
                continue
            out.append(finding)
            if check is not None and len(blocks) + len(out) >= check:
                # later street candidates start after this one: up to here all is known
                settled = [f for f in blocks if f.start <= finding.start] + out
                if len(_first(settled, limit)) >= limit:
                    break
                check = 2 * (len(blocks) + len(out))  # geometric: no rescan per candidate
        return out

    def _street(self, text: str, m: _StrMatch, budget: list[int]) -> Finding | None:
        start, end = m.start(), m.end()
        if start > 0 and text[start - 1] in "$€£#:/.-+*^@":
            return None
        unit, tail = m.group(_UNIT_G), m.group(_TAIL_G)
        if m.group(_HWY_G) is not None:
            tight = _tight_cue(text, start)
            if not (unit or tail or tight):
                return None  # "exit 12 Hwy 7" is a direction, "lives at 10400 Hwy 150" a home
            base = 0.55
        elif m.group(_TYPE_G) is not None:
            words = m.group(_NAME_G).split()
            typ = m.group(_TYPE_G).rstrip(".")
            if not self._plausible_name(words, typ):
                return None
            tight = _tight_cue(text, start)
            if typ.upper() in _WEAK_TYPES and not (unit or tail or tight):
                after = _NEXT_WORD_RE.match(text, end)
                if after is not None and after.group(1) not in _MAY_FOLLOW:
                    return None  # "the 9 Green Hills fans": a name, not a street
            base = 0.6
        else:
            words = m.group(_BARE_GROUP).split()
            lowered = [w.lower() for w in words]
            if any(w in _STOPWORDS or w.upper() in STREET_TYPES for w in lowered):
                return None
            tight = _tight_cue(text, start)  # after the cheap word checks: most pairs stop there
            if not (unit or tail or tight):
                return None
            if not tight and not all(_is_cap(w) for w in words):
                return None
            if tight and not all(_is_cap(w) for w in words):
                # lowercase chat ("lives at 4471 holly"): keep the first word only
                end = m.start(_BARE_GROUP) + len(words[0])
                unit = tail = None
            base = 0.55
        window = text[start:end]
        value = self._value(window, budget)
        if value is None:
            return None
        kind, _ = _context_kind(text, start, end)
        if not kind and tight:
            kind = "residence"  # "address: ...", "lives at ..." right before the number
        if unit and unit.lstrip(" ,\t").lower().startswith(("suite", "ste")):
            kind = "venue"  # suites are offices
        confidence, label = _confidence(kind, base)
        return Finding(self.category, start, end, value, round(confidence, 2), label)

    @staticmethod
    def _plausible_name(words: list[str], typ: str) -> bool:
        """Reject counted nouns and sentences posing as street names ("4 cops on Main St")."""
        lowered = [w.lower().rstrip(".") for w in words]
        if any(w in _STOPWORDS for w in lowered):
            return False
        if all(
            (w.upper() in STREET_TYPES and w.upper() not in _ALSO_NAMES)
            or w.upper() in DIRECTIONS
            for w in lowered
        ):
            return False
        capped = all(_is_cap(w) for w in words)
        if not capped:
            if any(_is_cap(w) for w in words) or len(words) > 2:
                return False
            if typ.upper() in _WEAK_TYPES and not _is_cap(typ):
                return False
        return True

    @staticmethod
    def _value(window: str, budget: list[int]) -> str | None:
        """Normalized value: from the tables when they cannot misread the candidate (they
        agree with usaddress on every such candidate of the corpus and the held-out sets),
        else from usaddress (~120 us) while the per-message budget lasts."""
        clean = _WS_RE.sub(" ", window)
        tokens = _tokens(clean)
        if not _needs_parser(tokens):
            return _table_value(tokens)
        if budget[0] > 0:
            budget[0] -= 1
            parts = _parse(clean)
            return _render(parts) if parts else None
        return _fallback_value(clean)

    # -- block references ---------------------------------------------------------------

    def _blocks(self, text: str, budget: list[int]) -> list[Finding]:
        out: list[Finding] = []
        # Each pattern needs its keyword ("block", "lives ... on"): skip the scans that
        # cannot match. Lowercasing maps the Kelvin sign to "k" and 'ſ' is folded by hand,
        # the two non-ASCII letters RE2's (?i) matches for these ASCII ones.
        folded = text.lower()
        if "ſ" in folded:
            folded = folded.replace("ſ", "s")
        block = "block" in folded
        for m in _BLOCK_OF_RE.finditer(text) if block else ():
            name = m.group("name")
            if name.lower() in _STOPWORDS:
                continue
            street = " ".join(p for p in (m.group("pre"), name, m.group("type")) if p)
            out.append(self._block(text, m.start(), m.end(), m.group("num"), street, budget))
        for m in _ON_BLOCK_RE.finditer(text) if block else ():
            street = m.group("street")
            if any(w.lower() in _STOPWORDS for w in street.split()):
                continue
            start = m.start(_STREET_GROUP)
            out.append(self._block(text, start, m.end(), m.group("num"), street, budget))
        residence = any(stem in folded for stem in _ON_NUMBER_STEMS)
        for m in _ON_NUMBER_RE.finditer(text) if residence else ():
            after = m.group("after").strip().lower()
            if after and (after in _NOT_HOUSE_NUMBER or after[:2] in ("th", "st", "nd", "rd")
                          or after.split()[0] in _NOT_HOUSE_NUMBER or after[0] in "%&"):
                continue
            street = _WS_RE.sub(" ", m.group("street"))
            value = self._value(f"{m.group('num')} {street}", budget)
            if value is not None:
                start = m.start(_ON_NUMBER_GROUPS["street"])
                end = m.end(_ON_NUMBER_GROUPS["num"])
                out.append(Finding(self.category, start, end, value, 0.85, "residence"))
        return out

    def _block(
        self, text: str, start: int, end: int, num: str, street: str, budget: list[int]
    ) -> Finding:
        value = self._value(f"{num} {street}", budget)
        if value is None:
            value = f"{num} {_WS_RE.sub(' ', street).upper()}"
        number, _, rest = value.partition(" ")
        kind, _ = _context_kind(text, start, end)
        confidence, label = _confidence(kind, 0.5)
        return Finding(
            self.category, start, end, f"{number} BLOCK OF {rest}", round(confidence, 2), label
        )


__all__ = ["AddressDetector", "normalize_address", "same_address", "street_line"]
