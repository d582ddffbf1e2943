"""How a registered surname is being used where it occurs in a message.

"King" in a message can be Judge King, Carole King (somebody else), King's
Pizza (a business), King St (a street) or "king size" (a word). The registry
finds the letters; this module reads the words around them, using maintained
data rather than lists typed from examples:

- given names: the US Census given-name lists shipped with the `names`
  package, plus every nickname the `nicknames` package knows ("Bill" is
  William), so "Carole King" reads as a different person than Judge Dana King;
- how common a word is (`wordfreq`), to tell "will smith" (a verb) from
  "dave smith" (a name) when people type in lowercase;
- titles and role words, which say the word is a person's name and which kind
  of servant can carry it ("Officer" fits a police officer, not a judge);
- trade and place words after the surname ("Repair", "Plumbing", "St", "Ave"),
  which make it a business or a street.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from bot.models import Role

# A lowercase given name counts only when it is rarer than this (Zipf scale): "dave"
# (4.4) and "sharon" (3.9) are names, "will" (6.5) and "mark" (5.1) mostly words.
GIVEN_NAME_MAX_ZIPF = 5.0
# A surname more common than this as an English word ("price", "long", "may") is read
# as a name only with a cue: a capital mid-sentence, a title, a possessive, a verb.
COMMON_WORD_ZIPF = 4.3
# Below this a word is hardly English at all (most invented or rare given names).
RARE_WORD_ZIPF = 2.0


class Reading(StrEnum):
    """What a surname occurrence is, read from its neighbours."""

    NAME = "name"  # a person's surname, nothing more specific ("Young lives at ...")
    TITLED = "titled"  # after a title or role word ("Officer Young", "Mr. Young")
    GIVEN = "given"  # after a given name ("Carole King"): the given name decides who
    BUSINESS = "business"  # "Young Plumbing", "Cook's Appliance Repair"
    PLACE = "place"  # "Baker St", "on Baker Ave"
    WORD = "word"  # an ordinary word ("the price", "long day")


# Title or role word -> the registry roles it fits (empty: any role, a courtesy title).
TITLES: dict[str, frozenset[str]] = {}
_POLICE = frozenset({Role.POLICE_OFFICER.value})
_ELECTED = frozenset({Role.ELECTED_OFFICIAL.value})
_CITY = frozenset({Role.CITY_EMPLOYEE.value, Role.PUBLIC_SERVANT.value})
_ANY: frozenset[str] = frozenset()
for _words, _roles in (
    (
        "officer ofc cop detective det sergeant sgt lieutenant lt captain capt cpt deputy "
        "trooper chief patrolman patrolwoman corporal cpl sheriff major",
        _POLICE,
    ),
    (
        "councilman councilwoman councilmember councilor councillor alderman alderwoman "
        "mayor senator rep representative legislator commissioner judge prosecutor "
        "trustee",
        _ELECTED,
    ),
    ("inspector director clerk manager supervisor superintendent", _CITY),
    ("mr mrs ms miss mx dr", _ANY),
):
    for _word in _words.split():
        TITLES[_word] = _roles
# Judges, prosecutors and commissioners are listed under several roles in real
# registries (elected, appointed, employed): the title says "a public servant".
for _word in ("judge", "prosecutor", "commissioner", "director", "chief"):
    TITLES[_word] = _ANY
COURTESY_TITLES = frozenset(w for w, roles in TITLES.items() if not roles)

# Words that, right after a name, make it a business: trades and company words.
TRADE_WORDS = frozenset(
    """
    auto autos automotive motors pizza pizzeria bar grill tavern pub diner deli cafe bakery
    barbecue bbq kitchen shop store market garage salon barber barbershop pharmacy hardware
    repair repairs plumbing roofing landscaping lawn cleaners liquor tire tires body inn
    hotel farm farms appliance appliances electric heating cooling hvac construction
    contracting insurance realty properties law firm dental clinic funeral towing moving
    storage supply supplies company co inc llc corp group brothers bros sons services
    agency studio studios gym fitness books records music cleaning painting flooring
    nursery jewelers jewelry optical florist flowers catering bakeshop donuts tacos
    burgers chicken wings steakhouse creamery brewery winery distillery coffee
    """.split()
)
# Street types (USPS suffix names and abbreviations) that make it a street name.
STREET_WORDS = frozenset(
    """
    st street ave avenue av rd road blvd boulevard dr drive ln lane ct court pl place
    pkwy parkway way ter terrace cir circle hwy highway trl trail sq square plz plaza
    """.split()
)

_DATA = Path(__file__).parent / "data"
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.-]*")


@cache
def _given_names() -> frozenset[str]:
    """Census given names (all of them) plus every nickname of one."""
    import names as census  # the package's data files: dist.male.first, dist.female.first
    from nicknames import NickNamer

    folder = Path(census.__file__).parent
    given: set[str] = set()
    for file in ("dist.male.first", "dist.female.first"):
        with (folder / file).open(encoding="utf-8") as fh:
            given.update(line.split(None, 1)[0].lower() for line in fh if line.strip())
    namer = NickNamer()
    for name in list(given):
        given.update(namer.nicknames_of(name))
    return frozenset(given)


# A capitalized word after a given name is a surname when the Census counts it among
# this many most common surnames (rank 20,000 is about 60 people in 100,000).
SURNAME_MAX_RANK = 20_000


@cache
def _census_given() -> frozenset[str]:
    """Census given names only (no nicknames): stricter, for spotting strangers' full names."""
    import names as census

    folder = Path(census.__file__).parent
    given: set[str] = set()
    for file in ("dist.male.first", "dist.female.first"):
        with (folder / file).open(encoding="utf-8") as fh:
            given.update(line.split(None, 1)[0].lower() for line in fh if line.strip())
    return frozenset(given)


@cache
def _census_surnames() -> frozenset[str]:
    import names as census

    path = Path(census.__file__).parent / "dist.all.last"
    found: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 4 and int(parts[3]) <= SURNAME_MAX_RANK:
                found.add(parts[0].lower())
    return frozenset(found)


def looks_like_full_name(given: str, surname: str) -> bool:
    """"Dave Jenkins", "Martin King": a Census given name, then a Census surname.

    Both as written with capitals; the surname must not be a street or trade
    word ("Forest Ave", "Lincoln Prep" are places) nor a common English word.
    """
    g, s = given.lower(), surname.lower()
    if g not in _census_given() or s not in _census_surnames():
        return False
    if s in STREET_WORDS or s in TRADE_WORDS or s in TITLES:
        return False
    return zipf(s) < 5.0


@cache
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


@cache
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def is_given_name(word: str, capitalized: bool) -> bool:
    """A given name as written: capitalized, or lowercase and rare as a plain word."""
    w = word.lower().strip(".")
    if len(w) < 2 or w in TITLES or w not in _given_names():
        return False
    return capitalized or zipf(w) < GIVEN_NAME_MAX_ZIPF


def same_given_name(written: str, registered: str) -> bool:
    """ "Bill" is "William", "Mike" is "Michael"; initials match their name."""
    a, b = written.lower().strip("."), registered.lower().strip(".")
    if not a or not b:
        return False
    if a == b or (len(a) == 1 and b.startswith(a)):
        return True
    namer = _nicknamer()
    if a in namer.nicknames_of(b) or b in namer.nicknames_of(a):
        return True
    return bool(namer.canonicals_of(a) & (namer.canonicals_of(b) | {b}))


def is_common_word(word: str) -> bool:
    """Surnames like Bell or Price that are also ordinary English words."""
    return zipf(word.lower()) >= COMMON_WORD_ZIPF


def role_fits(title: str, role: str) -> bool:
    """Whether a servant of `role` can be called `title` ("Officer" is not a judge)."""
    roles = TITLES.get(title.lower().strip("."))
    return roles is None or not roles or role in roles


@dataclass(frozen=True, slots=True)
class SurnameReading:
    reading: Reading
    word: str = ""  # the given name or title that decided it, as written


_DETERMINERS = frozenset(
    """
    the a an this that these those my your our its some any no every each what which of
    in on at for to by with from into than very so too more most less how
    """.split()
)
_PERSON_VERBS = frozenset(
    """
    lives live lived living stays stayed works worked goes went takes took drives got gets
    uses used
    has had owes owed picks answers moved rents owns parks said says told was did does
    didnt doesnt voted votes runs ran knows wants needs thinks can cant will wont should
    would could might born just still who resides coaches coached teaches taught spent
    married divorced filed pays paid visits visited attends attended left bought sold lost
    keeps kept drove sent posted lied lies pulled stopped arrested wrote ticketed
    """.split()
)
_PII_CUES = frozenset(
    """
    home house address addy addr phone cell number digits email ssn social dob birthday
    bday kid kids son daughter wife husband family card bank account medicare medicaid
    insurance member policy school job
    """.split()
)


# "Bell: 913-...", "Bell — SS# ...": a name as the label of what follows (not "Price: $40")
_LABEL = re.compile(r"\s*(?::|—|–| - )(?!\s*[$€£])")
_LINKING_VERBS = frozenset("is was has had".split())
_THIRD_PERSON = re.compile(r"\b(?:he|she|him|his|her|hers)\b", re.IGNORECASE)
# "Bell, Thomas": surname first, as in lists and records
_INVERTED = re.compile(r",\s*([A-Z][a-z]+)\b")


def _word_before(text: str, start: int) -> tuple[str, int]:
    """The word just before `start` (and its start), skipping spaces only."""
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    j = i
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] in ".'’-"):
        j -= 1
    return text[j:i], j


def _words_after(text: str, end: int, count: int = 2) -> list[str]:
    return _TOKEN.findall(text, end, min(len(text), end + 40))[:count]


def _starts_sentence(text: str, at: int) -> bool:
    head = text[:at].rstrip()
    return not head or head[-1] in ".!?\n:\"“("


def read_surname(text: str, start: int, end: int, common: bool) -> SurnameReading:
    """Read the surname occurrence `text[start:end]` (original casing).

    `common`: the surname is also an ordinary word, so it needs a cue to be a name.
    """
    before, at = _word_before(text, start)
    if not before:  # "the judge, Brown, ...": a title set off by a comma
        head = text[max(0, start - 30) : start].rstrip()
        if head.endswith(","):
            word, _ = _word_before(head[:-1], len(head) - 1)
            if word.rstrip(".").lower() in TITLES:
                before = word
    bare = before.rstrip(".").lower()
    rest = text[end:]
    possessive = rest[:2] in ("'s", "’s") or rest[:1] in ("'", "’")
    after = _words_after(text, end + (2 if possessive else 0))
    first_after = after[0].lower().rstrip(".") if after else ""
    # business or street: "Young Plumbing", "Cook's Appliance Repair", "Baker St"
    if first_after in TRADE_WORDS:
        return SurnameReading(Reading.BUSINESS)
    if (
        not possessive
        and first_after in STREET_WORDS
        and ((rest[:1] == " " and after and after[0][:1].isupper()) or first_after in {"st", "ave"})
    ):
        return SurnameReading(Reading.PLACE)
    if possessive and len(after) == 2 and all(w[:1].isupper() for w in after):
        second = after[1].lower().rstrip(".")
        if second in TRADE_WORDS or second in STREET_WORDS:
            return SurnameReading(Reading.BUSINESS)
    if bare in TITLES:
        return SurnameReading(Reading.TITLED, bare)
    inverted = _INVERTED.match(text, end)
    if inverted and is_given_name(inverted.group(1), True) and text[start : start + 1].isupper():
        return SurnameReading(Reading.GIVEN, inverted.group(1))
    if before and is_given_name(before, before[:1].isupper()):
        return SurnameReading(Reading.GIVEN, before.rstrip("."))
    if before.isalpha() and len(before) >= 3 and zipf(before.lower()) < RARE_WORD_ZIPF:
        # a word English hardly uses, right before a surname: a given name the Census
        # lists of 1990 do not have ("Tyreek", "Jaxon")
        return SurnameReading(Reading.GIVEN, before)
    if before[:1].isupper() and before.isalpha() and not _starts_sentence(text, at):
        return SurnameReading(Reading.PLACE)  # a proper-noun compound: "Valley Hope"
    if not common:
        return SurnameReading(Reading.NAME)
    # a common word: a name only with a cue
    if bare in _DETERMINERS:
        return SurnameReading(Reading.WORD)
    if possessive or _LABEL.match(text, end):
        return SurnameReading(Reading.NAME)
    if first_after in _PERSON_VERBS or first_after in _PII_CUES:
        return SurnameReading(Reading.NAME)
    capital = text[start : start + 1].isupper()
    if capital and not _starts_sentence(text, start):
        return SurnameReading(Reading.NAME)
    if capital and first_after in _LINKING_VERBS and _THIRD_PERSON.search(text, end):
        return SurnameReading(Reading.NAME)  # "Stone is underwater on his house"
    return SurnameReading(Reading.WORD)


__all__ = [
    "COURTESY_TITLES",
    "TITLES",
    "Reading",
    "SurnameReading",
    "is_common_word",
    "is_given_name",
    "read_surname",
    "role_fits",
    "same_given_name",
]
