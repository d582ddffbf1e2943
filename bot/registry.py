"""The registry of protected public servants and how their names are found in text.

Names are matched with one Aho-Corasick automaton (pyahocorasick) built once per
registry, so a message costs one pass over its text whatever the registry size.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import pickle
import re
import threading
import tomllib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

import ahocorasick
import phonenumbers

from bot.config import ConfigError, looks_like_secret, secret_in_comment
from bot.models import Mention, Role
from bot.names import Reading, is_common_word, read_surname, role_fits, same_given_name
from bot.servant_table import ServantTable

RELATIONS: dict[str, str] = {
    # word people write -> relation as the registry lists it
    "wife": "spouse",
    "husband": "spouse",
    "spouse": "spouse",
    "hubby": "spouse",
    "partner": "partner",
    "girlfriend": "partner",
    "boyfriend": "partner",
    "gf": "partner",
    "bf": "partner",
    "fiance": "partner",
    "fiancee": "partner",
    "fiancé": "partner",
    "fiancée": "partner",
    "kid": "child",
    "kids": "child",
    "son": "child",
    "sons": "child",
    "daughter": "child",
    "daughters": "child",
    "child": "child",
    "children": "child",
    "boy": "child",
    "girl": "child",
    "mom": "parent",
    "mother": "parent",
    "dad": "parent",
    "father": "parent",
    "brother": "sibling",
    "sister": "sibling",
    "family": "family",
}
# relations a registry entry may name (free text is allowed too, these map the words)

log = logging.getLogger("doxguard.registry")


def _fold(text: str) -> str:
    """Case- and space-folding for names (confusables are folded by the normalizer)."""
    return " ".join(text.lower().split())


@dataclass(frozen=True, slots=True)
class FamilyMember:
    name: str
    relation: str


@dataclass(frozen=True, slots=True)
class PublicContacts:
    """Official contact details: sharing them is not doxxing.

    `*_norm` hold the normalized forms findings are compared against.
    """

    addresses: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses_norm: frozenset[str] = frozenset()
    emails_norm: frozenset[str] = frozenset()
    phones_norm: frozenset[str] = frozenset()

    @property
    def values(self) -> frozenset[str]:
        return self.addresses_norm | self.emails_norm | self.phones_norm


@dataclass(frozen=True, slots=True)
class Servant:
    name: str
    role: str = Role.PUBLIC_SERVANT.value
    aliases: tuple[str, ...] = ()
    family: tuple[FamilyMember, ...] = ()
    public: PublicContacts = field(default_factory=PublicContacts)

    @property
    def surname(self) -> str:
        parts = self.name.split()
        return parts[-1] if len(parts) > 1 else ""


# --------------------------------------------------------------------------
# normalization of public values (shared with the detectors' value forms)


def normalize_phone(raw: str, region: str = "US") -> str | None:
    try:
        num = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str | None:
    value = raw.strip().lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", value):
        return None
    return value


def normalize_address(raw: str) -> str | None:
    from bot.detectors.address import normalize_address as _normalize

    return _normalize(raw)


def street_line(raw: str) -> str | None:
    """Number and street only ("1125 LOCUST ST"), to match addresses given without city."""
    from bot.detectors.address import street_line as _street_line

    return _street_line(raw)


def make_public(
    addresses: Iterable[str] = (),
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    region: str = "US",
) -> PublicContacts:
    """Build PublicContacts; raises ValueError naming the value that does not parse."""
    addresses, emails, phones = tuple(addresses), tuple(emails), tuple(phones)
    a_norm, e_norm, p_norm = set(), set(), set()
    for a in addresses:
        n = normalize_address(a)
        if not n:
            raise ValueError(f"public address '{a}' is not a street address (number + street)")
        a_norm.add(n)
        line = street_line(a)
        if line:
            a_norm.add(line)  # chat rarely repeats the city, state and ZIP
    for e in emails:
        n = normalize_email(e)
        if not n:
            raise ValueError(f"public email '{e}' is not an email address")
        e_norm.add(n)
    for p in phones:
        n = normalize_phone(p, region)
        if not n:
            raise ValueError(f"public phone '{p}' is not a phone number")
        p_norm.add(n)
    return PublicContacts(
        addresses, emails, phones, frozenset(a_norm), frozenset(e_norm), frozenset(p_norm)
    )


# --------------------------------------------------------------------------
# the registry


_KINDS = ("name", "alias", "surname", "family")
_NAME, _ALIAS, _SURNAME, _FAMILY = range(4)
# Candidates a surname hit carries by name; the count is always exact.
MAX_LISTED_CANDIDATES = 64


@dataclass(frozen=True, slots=True)
class NameHit:
    """One place in a message where registered letters occur, read in context.

    `kind` is how it matched: a servant's full name, an alias, a family member's
    name, or a surname alone. For a surname, `reading` says how it is used and
    `candidates` are the servants it can be (narrowed by a given name or a title
    written before it); `count` is how many there are in all.
    """

    start: int
    end: int
    kind: str
    candidates: tuple[str, ...]
    count: int
    reading: Reading | None = None
    word: str = ""  # the given name or title that decided the reading, as written
    person: str = ""  # for a family member's name: that member
    relation: str | None = None
    written: str = ""  # how it reads when the text spells it out letter by letter

    @property
    def names_a_servant(self) -> bool:
        """A person-reading hit that points at one servant, no doubt left."""
        return self.count == 1 and self.is_person

    @property
    def is_person(self) -> bool:
        return self.reading in (None, Reading.NAME, Reading.TITLED, Reading.GIVEN)

    @property
    def is_namesake(self) -> bool:
        """Somebody else with a registered surname: "Carole King", "Judge Young" (no such)."""
        return self.count == 0 and self.reading in (Reading.GIVEN, Reading.TITLED)

    @property
    def is_ambiguous(self) -> bool:
        return self.count > 1 and self.is_person


# Digits and symbols typed for letters inside a word ("0ff1cer Bl4ck", "K1ng"). One for
# one, so a view has the same length and offsets as the text.
_LEET_TOKEN = re.compile(r"[\w@$]{2,40}")
_LEET_INSIDE = re.compile(r"[A-Za-z][0134579@$]+[A-Za-z]")  # one C scan, no alternation
_LEET_I = str.maketrans("0134579@$", "oieastgas")
_LEET_L = str.maketrans("0134579@$", "oleastgas")


def _leet_views(text: str, folded: str) -> list[tuple[str, str]]:
    """The text with leetspeak words spelled out (1 read as i, and again as l).

    Only words with a digit or symbol *between* letters ("Bl4ck", "K1ng", "0ff1cer")
    count: "10am", "2nd" and prices stay as they are, and ordinary chat pays one
    regex scan.
    """
    if _LEET_INSIDE.search(text) is None:
        return []
    words = [m for m in _LEET_TOKEN.finditer(text) if _LEET_INSIDE.search(m.group(0))][:64]
    views = []
    for table in (_LEET_I, _LEET_L) if "1" in text else (_LEET_I,):
        chars = list(text)
        for m in words:
            chars[m.start() : m.end()] = m.group(0).translate(table)
        view = "".join(chars)
        lower = view.lower()
        views.append((view, lower if len(lower) == len(view) else _fold_same_length(view)))
    return views


# letters typed one by one with spaces between: one space inside a word, more between words
_SPACED = re.compile(r"(?<!\w)(?:[A-Za-z] {1,3}){2,}[A-Za-z](?!\w)")


def _spaced_view(text: str) -> tuple[str, list[int]] | None:
    """The text with spaced-out letters joined into words, and each character's origin."""
    if "  " not in text and not re.search(r"\b\w \w \w\b", text):
        return None
    runs = list(_SPACED.finditer(text))
    if not runs:
        return None
    out: list[str] = []
    index: list[int] = []
    pos = 0
    for run in runs:
        for i in range(pos, run.start()):
            out.append(text[i])
            index.append(i)
        i = run.start()
        while i < run.end():
            if text[i] == " ":
                j = i
                while j < run.end() and text[j] == " ":
                    j += 1
                if j - i > 1:  # a word break
                    out.append(" ")
                    index.append(i)
                i = j
                continue
            out.append(text[i])
            index.append(i)
            i += 1
        pos = run.end()
    for i in range(pos, len(text)):
        out.append(text[i])
        index.append(i)
    return "".join(out), index


def _fold_same_length(text: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _has_title(servant: Servant, title: str) -> bool:
    word = title.lower().rstrip(".")
    return any(word in alias.lower().replace(".", " ").split() for alias in servant.aliases)


def _given(name: str) -> str:
    parts = name.split()
    return parts[0] if len(parts) > 1 else ""


def _public_index(servants: Iterable[Servant]) -> tuple[frozenset[str], dict[str, list[str]]]:
    """Every official contact value, and public street lines by house number.

    Built once with the registry (and kept in its cache), so a policy over a
    million names need not walk every servant at start.
    """
    values: set[str] = set()
    addresses: dict[str, list[str]] = {}
    for servant in servants:
        public = servant.public
        if not (public.addresses_norm or public.emails_norm or public.phones_norm):
            continue
        values |= public.values
        for line in public.addresses_norm:
            number, _, _ = line.partition(" ")
            addresses.setdefault(number, []).append(line)
    return frozenset(values), addresses


class Registry:
    """Immutable set of servants plus the automaton that finds them in text.

    Patterns are kept as flat arrays (servant index, kind, family member,
    common-word flag) sliced per automaton key, not as objects: a
    million-name registry then pickles and loads in seconds. Every surname is a
    pattern, however many servants share it: which of them (if any) a message
    means is read from the words around it (bot/names.py), not guessed from
    how common the surname is.
    """

    def __init__(self, servants: Iterable[Servant] = ()):
        unique: dict[str, Servant] = {}
        for s in servants:
            unique[s.name] = s
        self._list = ServantTable(list(unique.values()))
        self._by_folded: dict[str, str] | None = None
        self.public_values, self.public_addresses = _public_index(self._list)
        self.cache_writer: threading.Thread | None = None
        self._automaton = self._build()

    # -- construction ------------------------------------------------------
    def _build(self) -> ahocorasick.Automaton | None:
        """One automaton over every folded name; its int values index the pattern arrays."""
        index: dict[str, int] = {}
        table: list[list[tuple[int, int, int, int]]] = []

        def add(text: str, pattern: tuple[int, int, int, int]) -> None:
            key = _fold(text)
            if len(key) < 2:
                return
            i = index.get(key)
            if i is None:
                index[key] = len(table)
                table.append([pattern])
            elif pattern not in table[i]:
                table[i].append(pattern)

        common: dict[str, int] = {}
        for si, s in enumerate(self._list):
            add(s.name, (si, _NAME, 0, 0))
            for alias in s.aliases:
                add(alias, (si, _ALIAS, 0, 0))
                if "." in alias:  # "Sgt. Lee" is typed "Sgt Lee" as often
                    add(alias.replace(".", ""), (si, _ALIAS, 0, 0))
            surname = s.surname
            if len(surname) >= 2:
                key = _fold(surname)
                if key not in common:
                    common[key] = int(is_common_word(surname))
                add(surname, (si, _SURNAME, 0, common[key]))
            for mi, member in enumerate(s.family):
                add(member.name, (si, _FAMILY, mi, 0))
        self._lengths = array("H", (min(len(k), 65535) for k in index))
        self._starts = array("I", [0])
        servant_ix, kinds, members, flags = array("I"), bytearray(), array("H"), bytearray()
        for patterns in table:
            for si, kind, mi, flag in patterns:
                servant_ix.append(si)
                kinds.append(kind)
                members.append(mi)
                flags.append(flag)
            self._starts.append(len(servant_ix))
        self._servant_ix, self._kinds, self._members = servant_ix, bytes(kinds), members
        self._common = bytes(flags)
        if not index:
            return None
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for key, i in index.items():
            automaton.add_word(key, i)
        automaton.make_automaton()
        return automaton

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["cache_writer"] = None
        return state

    # -- queries -----------------------------------------------------------
    @property
    def servants(self) -> list[Servant]:
        return list(self._list)

    def names(self) -> list[str]:
        """Every servant's name, in registry order (cheaper than `servants` on a cache)."""
        return self._list.names()

    def __len__(self) -> int:
        return len(self._list)

    def __contains__(self, name: object) -> bool:
        return name in self._list

    def get(self, name: str) -> Servant | None:
        servant = self._list.named(name)
        if servant is None:
            if self._by_folded is None:
                self._by_folded = {_fold(n): n for n in self._list.names()}
            exact = self._by_folded.get(_fold(name))
            servant = self._list.named(exact) if exact is not None else None
        return servant

    def with_servant(self, servant: Servant) -> Registry:
        return Registry([*(s for s in self._list if s.name != servant.name), servant])

    def without(self, name: str) -> Registry:
        return Registry(s for s in self._list if s.name != name)

    def role_of(self, name: str) -> str:
        s = self._list.named(name)
        return s.role if s else Role.PUBLIC_SERVANT.value

    def _spans(self, folded: str) -> list[tuple[int, int, int]]:
        """Automaton matches on word boundaries, longest first where they overlap."""
        raw: list[tuple[int, int, int]] = []
        n = len(folded)
        lengths = self._lengths
        for end_idx, i in self._automaton.iter(folded):
            start = end_idx - lengths[i] + 1
            end = end_idx + 1
            if start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
                continue
            if end < n and (folded[end].isalnum() or folded[end] == "_"):
                # allow possessive "whitaker's" and plural-ish "whitakers"
                if not (folded[end] == "s" and (end + 1 == n or not folded[end + 1].isalnum())):
                    continue
            raw.append((start, end, i))
        raw.sort(key=lambda r: (r[0], -(r[1] - r[0])))
        kept: list[tuple[int, int, int]] = []
        last_end = -1
        for span in raw:
            if span[0] >= last_end:
                kept.append(span)
                last_end = span[1]
        return kept

    def find_names(self, text: str, folded: str) -> list[NameHit]:
        """Every registered name, alias, family name or surname in `text`, read in context.

        `folded` is `text`'s same-length lowercase form. A surname written after
        a given name is the servant with that given name (or nicknames of it)
        and nobody else; after a title, the servants whose role fits the title.
        """
        if self._automaton is None:
            return []
        hits = self._find_names(text, folded)
        spaced = _spaced_view(text)
        if spaced is not None:  # "O f f i c e r   K e l l y"
            view, index = spaced
            taken = [(h.start, h.end) for h in hits]
            for hit in self._find_names(view, view.lower()):
                start, end = index[hit.start], index[hit.end - 1] + 1
                if not any(a < end and start < b for a, b in taken):
                    written = view[hit.start : hit.end]
                    hits.append(replace(hit, start=start, end=end, written=written))
        for view_text, view_folded in _leet_views(text, folded):
            taken = [(h.start, h.end) for h in hits]
            for hit in self._find_names(view_text, view_folded):
                if not any(a < hit.end and hit.start < b for a, b in taken):
                    hits.append(hit)
            hits.sort(key=lambda h: h.start)
        return hits

    def _find_names(self, text: str, folded: str) -> list[NameHit]:
        hits: list[NameHit] = []
        for start, end, i in self._spans(folded):
            first, last = self._starts[i], self._starts[i + 1]
            direct = [j for j in range(first, last) if self._kinds[j] != _SURNAME]
            if direct:
                hits.extend(self._direct_hits(start, end, direct))
                continue
            hit = self._surname_hit(text, start, end, first, last)
            if hit is not None:
                hits.append(hit)
        return hits

    def _direct_hits(self, start: int, end: int, patterns: list[int]) -> list[NameHit]:
        by_kind: dict[int, list[int]] = {}
        for j in patterns:
            by_kind.setdefault(self._kinds[j], []).append(j)
        hits = []
        for kind in (_NAME, _ALIAS):
            if kind in by_kind:
                servants = (self._list[self._servant_ix[j]].name for j in by_kind[kind])
                names = tuple(dict.fromkeys(servants))
                hits.append(NameHit(start, end, _KINDS[kind], names, len(names)))
                return hits  # a servant's own name beats a family member's
        for j in by_kind.get(_FAMILY, ()):
            s = self._list[self._servant_ix[j]]
            member = s.family[self._members[j]]
            hits.append(
                NameHit(start, end, "family", (s.name,), 1, None, "", member.name, member.relation)
            )
        return hits

    def _surname_hit(
        self, text: str, start: int, end: int, first: int, last: int
    ) -> NameHit | None:
        written = read_surname(text, start, end, bool(self._common[first]))
        if written.reading in (Reading.WORD, Reading.BUSINESS, Reading.PLACE):
            return NameHit(start, end, "surname", (), 0, written.reading)
        candidates: list[str] = []
        count = 0
        for j in range(first, last):
            s = self._list[self._servant_ix[j]]
            if written.reading is Reading.GIVEN and not any(
                same_given_name(written.word, _given(n)) for n in (s.name, *s.aliases)
            ):
                continue
            if written.reading is Reading.TITLED and not role_fits(written.word, s.role):
                continue
            count += 1
            if len(candidates) < MAX_LISTED_CANDIDATES:
                candidates.append(s.name)
        if written.reading is Reading.TITLED and count > 1:
            # "Judge Brown" among 13 Browns: the ones registered with that title, if any
            titled = [n for n in candidates if _has_title(self._list.named(n), written.word)]
            if titled and count <= MAX_LISTED_CANDIDATES:
                candidates, count = titled, len(titled)
        return NameHit(
            start, end, "surname", tuple(candidates), count, written.reading, written.word
        )

    def find_mentions(self, text: str, folded: str) -> list[Mention]:
        """Mentions of servants no word around them leaves in doubt (one candidate each)."""
        mentions: list[Mention] = []
        for hit in self.find_names(text, folded):
            if not hit.names_a_servant:
                continue
            servant = hit.candidates[0]
            if hit.kind == "family":
                mentions.append(
                    Mention(servant, hit.start, hit.end, "family", hit.person, hit.relation)
                )
            else:
                mentions.append(Mention(servant, hit.start, hit.end, hit.kind, servant, None))
        return mentions

    def surname_of(self, name: str) -> str:
        s = self._list.named(name)
        return _fold(s.surname) if s else ""


# --------------------------------------------------------------------------
# loading servants.toml


def _servant_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), 1) if line.strip() == "[[servants]]"]


class _Entry:
    """Validation context for one [[servants]] entry: error keys are built only on failure."""

    __slots__ = ("file", "index", "line", "source")

    def __init__(self, file: Path, index: int, line: int | None, source: list[str] | None = None):
        self.file, self.index, self.line, self.source = file, index, line, source

    def line_of(self, value: str) -> int | None:
        """The line holding `value` (searched from the entry's header), else the header's."""
        if self.source is not None and self.line is not None:
            for number in range(self.line, len(self.source) + 1):
                if value in self.source[number - 1]:
                    return number
        return self.line

    def fail(self, key: str, problem: str) -> NoReturn:
        raise ConfigError(self.file, f"servants[{self.index}]{key}", problem, self.line)

    def text(self, value: Any, key: str) -> str:
        if type(value) is not str or not value.strip():
            self.fail(key, "must be a non-empty string")
        if "\n" in value:
            self.fail(key, "must be on one line")
        if len(value) >= 20 and " " not in value and looks_like_secret(value):
            raise ConfigError(
                self.file,
                f"servants[{self.index}]{key}",
                "looks like a secret token pasted into the registry; remove it (secrets go in "
                "environment variables named in doxguard.toml)",
                self.line_of(value),
            )
        return " ".join(value.split()) if "  " in value or value != value.strip() else value

    def texts(self, value: Any, key: str) -> tuple[str, ...]:
        if type(value) is not list:
            self.fail(key, f"must be a list, not {type(value).__name__}")
        if all(
            type(v) is str and v and "\n" not in v and v == v.strip() and (len(v) < 20 or " " in v)
            for v in value
        ):
            return tuple(value)  # the common case: nothing to fix, no key strings to build
        return tuple(self.text(v, f"{key}[{i}]") for i, v in enumerate(value))


_SERVANT_KEYS = frozenset({"name", "aliases", "role", "family", "public"})
_PUBLIC_KEYS = frozenset({"addresses", "emails", "phones"})
_ROLES = frozenset(r.value for r in Role)
_NO_PUBLIC = PublicContacts()  # shared by every servant without official details


def servant_from_dict(
    data: dict[str, Any],
    *,
    file: Path = Path("<servant>"),
    index: int = 0,
    line: int | None = None,
    region: str = "US",
    source: list[str] | None = None,
) -> Servant:
    """Validate one servant table; errors name the file, entry and key."""
    entry = _Entry(file, index, line, source)
    if type(data) is not dict:
        entry.fail("", "each [[servants]] entry must be a table")
    if not data.keys() <= _SERVANT_KEYS:
        key = sorted(data.keys() - _SERVANT_KEYS)[0]
        entry.fail(f".{key}", f"unknown key (known: {', '.join(sorted(_SERVANT_KEYS))})")
    if "name" not in data:
        entry.fail(".name", "every servant needs a name")
    name = entry.text(data["name"], ".name")
    role = data.get("role", Role.PUBLIC_SERVANT.value)
    if type(role) is not str:
        entry.fail(".role", f"must be one role as a string (one of: {' | '.join(sorted(_ROLES))})")
    if role not in _ROLES:
        entry.text(role, ".role")  # a pasted token is refused there, never echoed
        entry.fail(".role", f"unknown role '{role}' (one of: {' | '.join(sorted(_ROLES))})")
    aliases = entry.texts(data["aliases"], ".aliases") if "aliases" in data else ()
    family: list[FamilyMember] = []
    raw_family = data.get("family", [])
    if type(raw_family) is not list:
        entry.fail(".family", f"must be a list, not {type(raw_family).__name__}")
    for i, member in enumerate(raw_family):
        if type(member) is not dict or not member.keys() <= {"name", "relation"}:
            entry.fail(f".family[{i}]", 'must be { name = "...", relation = "spouse" }')
        fname = entry.text(member.get("name"), f".family[{i}].name")
        relation = entry.text(member.get("relation", "family"), f".family[{i}].relation").lower()
        family.append(FamilyMember(fname, RELATIONS.get(relation, relation)))
    public = _NO_PUBLIC
    if "public" in data:
        raw = data["public"]
        if type(raw) is not dict:
            entry.fail(".public", "must be a table ([servants.public])")
        if not raw.keys() <= _PUBLIC_KEYS:
            key = sorted(raw.keys() - _PUBLIC_KEYS)[0]
            entry.fail(f".public.{key}", f"unknown key (known: {', '.join(sorted(_PUBLIC_KEYS))})")
        lists = {k: entry.texts(raw.get(k, []), f".public.{k}") for k in _PUBLIC_KEYS}
        try:
            public = make_public(lists["addresses"], lists["emails"], lists["phones"], region)
        except ValueError as exc:
            entry.fail(".public", f"{exc}; fix or remove it")
    return Servant(name, role, aliases, tuple(family), public)


def servant_to_dict(servant: Servant) -> dict[str, Any]:
    """The TOML/JSON form of a servant (for storage and `servant show`)."""
    return {
        "name": servant.name,
        "role": servant.role,
        "aliases": list(servant.aliases),
        "family": [{"name": m.name, "relation": m.relation} for m in servant.family],
        "public": {
            "addresses": list(servant.public.addresses),
            "emails": list(servant.public.emails),
            "phones": list(servant.public.phones),
        },
    }


def _toml_error(path: Path, text: str, fallback: Exception | None) -> ConfigError:
    """Word a TOML syntax error with tomllib, which reports the line."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        return ConfigError(path, "", f"not valid TOML: {exc}", int(m.group(1)) if m else None)
    return ConfigError(path, "", f"not valid TOML: {fallback}")


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    """Parse with the native rtoml (registries can be huge); word errors with tomllib."""
    try:
        import rtoml
    except ImportError:  # pragma: no cover - rtoml is a dependency; stay usable without it
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _toml_error(path, text, exc) from None
    try:
        return rtoml.loads(text)
    except RecursionError:
        raise ConfigError(path, "", "not valid TOML: nested too deeply") from None
    except Exception as exc:  # rtoml raises its own error types
        try:
            raise _toml_error(path, text, exc) from None
        except RecursionError:
            raise ConfigError(path, "", "not valid TOML: nested too deeply") from None


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic GC while building millions of acyclic objects (2-3x faster)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_servants(text: str, file: str | Path = "<servants>", region: str = "US") -> Registry:
    with _no_gc():
        return _parse_servants(text, Path(file), region)


def _secret_in_comment(text: str) -> int | None:
    """`secret_in_comment` read on the lines with a '#' only (a registry can be 1M lines)."""
    at = text.find("#")
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end == -1 else end
        if secret_in_comment(text[start:end]) is not None:
            return text.count("\n", 0, start) + 1
        at = text.find("#", end)
    return None


def _parse_servants(text: str, path: Path, region: str) -> Registry:
    line = _secret_in_comment(text)
    if line is not None:  # a pasted secret is refused wherever it is, comments included
        raise ConfigError(path, "", "a comment holds what looks like a secret token (not "
                          "shown); remove it (secrets go in environment variables)", line)
    data = _parse_toml(text, path)
    unknown = set(data) - {"servants"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(path, key, "unknown top-level key; servants are listed as [[servants]]")
    entries = data.pop("servants", [])
    if not isinstance(entries, list):
        raise ConfigError(path, "servants", "must be written as [[servants]] tables")
    lines = _servant_lines(text)
    source = text.splitlines()
    servants: list[Servant] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        line = lines[i] if i < len(lines) else None
        servant = servant_from_dict(
            entry, file=path, index=i, line=line, region=region, source=source
        )
        folded = _fold(servant.name)
        if folded in seen:
            raise ConfigError(
                path,
                f"servants[{i}].name",
                f"duplicate servant '{servant.name}' (also entry {seen[folded]}); merge the two",
                line,
            )
        seen[folded] = i
        servants.append(servant)
    entries.clear()  # free the parsed tables before the automaton is built
    return Registry(servants)


CACHE_VERSION = "3"  # 2: every surname is a pattern; 3: servants unpickled one by one


def load_servants(
    path: str | Path, region: str = "US", cache_dir: str | Path | None = None
) -> Registry:
    """Load the registry file; with `cache_dir`, reuse a built registry for the same file.

    The cache is keyed by the file's SHA-256 (with the region and cache format),
    so any edit of the file rebuilds it. It is a pickle: keep `cache_dir` in the
    bot's own data folder, never somewhere others can write.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark some editors add
    except FileNotFoundError:
        raise ConfigError(p, "", "servants file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(p, "", f"cannot read: {exc}") from None
    if cache_dir is None:
        return parse_servants(text, p, region)
    digest = hashlib.sha256(raw + f"\0{region}\0{CACHE_VERSION}".encode()).hexdigest()[:32]
    cache = Path(cache_dir) / f"registry-{digest}.pickle"
    try:
        with cache.open("rb") as fh, _no_gc():
            registry = pickle.load(fh)
        if isinstance(registry, Registry):
            return registry
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass  # no cache yet, or an unusable one: rebuild it
    registry = parse_servants(text, p, region)
    # the registry is ready now; writing the cache must not delay the start
    writer = threading.Thread(
        target=_write_cache, args=(registry, cache), name="registry-cache", daemon=True
    )
    writer.start()
    registry.cache_writer = writer
    return registry


def _write_cache(registry: Registry, cache: Path) -> None:
    """Write atomically (temp file, then rename): a cut-off write leaves no cache, not a bad one."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob("registry-*.pickle"):
            old.unlink(missing_ok=True)
        tmp = cache.with_suffix(f".{threading.get_ident()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(registry, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache)
    except OSError as exc:
        log.warning("could not write the registry cache %s: %s", cache, exc)
