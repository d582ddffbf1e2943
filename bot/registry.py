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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import ahocorasick
import phonenumbers

from bot.config import ConfigError, looks_like_secret
from bot.models import Mention, Role

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

ROLE_WORDS = (
    "officer",
    "ofc",
    "cop",
    "detective",
    "det",
    "sergeant",
    "sgt",
    "lieutenant",
    "lt",
    "captain",
    "capt",
    "deputy",
    "trooper",
    "chief",
    "patrolman",
    "police",
    "councilman",
    "councilwoman",
    "councilmember",
    "councilor",
    "council member",
    "mayor",
    "alderman",
    "commissioner",
    "judge",
    "senator",
    "rep",
    "representative",
    "inspector",
    "director",
    "clerk",
)
_ROLE_BEFORE = re.compile(
    r"(?:\b(?:" + "|".join(re.escape(w) for w in ROLE_WORDS) + r")\.?\s+)$", re.IGNORECASE
)
_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|this|that|these|those|my|your|our|its|some|any|no|every|each|what|which|"
    r"of|in|on|at|for|to|by|with|from|into|than|very|so|too|more|most|less|how)\s+$",
    re.IGNORECASE,
)
_PERSON_VERBS = (
    r"lives?|lived|living|stays?|stayed|works?|worked|goes|went|takes?|took|uses?|used|drives?|"
    r"got|gets|has|had|owes?|owed|picks?|answers?|moved|rents?|owns?|parks?|said|says|told|"
    r"is on|is in|was|did|does|didn't|doesn't|voted|votes|runs|ran|knows|wants|needs|thinks|"
    r"can|can't|will|won't|should|would|could|might|born|just|still|and (?:his|her)|who|"
    r"resides?|resided|coach(?:es|ed)?|teach(?:es)?|taught|spent|spends|celebrat(?:es|ed)|"
    r"married|divorced|filed|pays|paid|visits|visited|attends|attended|left|bought|sold|"
    r"lost|keeps|kept|moved|drove|sent|posted|"
    r"(?:is|was|has been) (?:\d+ )?(?:months?|weeks?|years?|behind|in|on)"
)
_PII_CUES = (
    r"home|house|address|addy|addr|phone|cell|number|#|digits|email|e-mail|ssn|ss#|social|dob|"
    r"birthday|bday|born|kid|kids|son|daughter|wife|husband|family|card|bank|account|"
    r"medicare|medicaid|insurance|member|policy|lives|school|job"
)
_TRADES = (
    r"auto|autos|motors|pizza|pizzeria|bar|grill|tavern|pub|diner|deli|cafe|café|bakery|"
    r"barbecue|bbq|kitchen|shop|store|market|garage|salon|barber|pharmacy|hardware|repair|"
    r"plumbing|roofing|landscaping|cleaners|liquor|tire|tires|body|inn|hotel|farm|farms"
)
_NAME_AFTER = re.compile(
    # a possessive reads as a name unless a business name follows: two Capitalized words
    # ("Young's Auto Body") or one trade word ("Price's Pizza"); "Price's BlueKC ID" is a name
    r"(?:'s|’s)\b(?!(?-i:\s+[A-Z][\w&]*\s+[A-Z][a-z]))(?!\s+(?:" + _TRADES + r")\b)"
    r"|\s*(?::(?!\s*[$€£])|—|–| - )"  # "Bell: ...", but not "Price: $40"
    r"|,\s+\w+\s+(?:—|–|-|/)"  # "Bell, Thomas — ..."
    rf"|\s+(?:{_PERSON_VERBS}|{_PII_CUES})\b",
    re.IGNORECASE,
)
log = logging.getLogger("doxguard.registry")
COMMON_WORD_ZIPF = 4.3  # wordfreq Zipf frequency above which a surname is also a common word
MAX_SHARED_SURNAME = 3  # more servants than this share a surname: it alone names nobody


def _fold(text: str) -> str:
    """Case- and space-folding for names (confusables are folded by the normalizer)."""
    return " ".join(text.lower().split())


@cache
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


_COMMON_FREQ = 10 ** (COMMON_WORD_ZIPF - 9)  # Zipf = log10(frequency per word) + 9


def _is_common_word(word: str) -> bool:
    """True for surnames like Bell or Price that also read as ordinary English words."""
    return _frequencies().get(word.lower(), 0.0) >= _COMMON_FREQ


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


class Registry:
    """Immutable set of servants plus the automaton that finds them in text.

    Patterns are kept as flat arrays (servant index, kind, family member,
    needs-capital flag) sliced per automaton key, not as objects: a
    million-name registry then pickles and loads in seconds.
    """

    def __init__(self, servants: Iterable[Servant] = ()):
        self._servants: dict[str, Servant] = {}
        for s in servants:
            self._servants[s.name] = s
        self._list: list[Servant] = list(self._servants.values())
        self._by_folded: dict[str, Servant] | None = None
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
            else:
                table[i].append(pattern)

        # A surname shared by many servants names none of them in particular: at a
        # million names "May" would be 256 officers. Those match by full name or alias only.
        shared: dict[str, int] = {}
        for s in self._list:
            if s.surname:
                key = _fold(s.surname)
                shared[key] = shared.get(key, 0) + 1
        for si, s in enumerate(self._list):
            add(s.name, (si, _NAME, 0, 0))
            for alias in s.aliases:
                add(alias, (si, _ALIAS, 0, 0))
            surname = s.surname
            if len(surname) >= 3 and shared[_fold(surname)] <= MAX_SHARED_SURNAME:
                add(surname, (si, _SURNAME, 0, int(_is_common_word(surname))))
            for mi, member in enumerate(s.family):
                add(member.name, (si, _FAMILY, mi, 0))
        self._lengths = array("H", (min(len(k), 65535) for k in index))
        self._starts = array("I", [0])
        servant_ix, kinds, members, capital = array("I"), bytearray(), array("H"), bytearray()
        for patterns in table:
            for si, kind, mi, cap in patterns:
                servant_ix.append(si)
                kinds.append(kind)
                members.append(mi)
                capital.append(cap)
            self._starts.append(len(servant_ix))
        self._servant_ix, self._kinds, self._members = servant_ix, bytes(kinds), members
        self._capital = bytes(capital)
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

    def __len__(self) -> int:
        return len(self._servants)

    def __contains__(self, name: object) -> bool:
        return name in self._servants

    def get(self, name: str) -> Servant | None:
        servant = self._servants.get(name)
        if servant is None:
            if self._by_folded is None:
                self._by_folded = {_fold(s.name): s for s in self._list}
            servant = self._by_folded.get(_fold(name))
        return servant

    def with_servant(self, servant: Servant) -> Registry:
        return Registry([*(s for s in self._list if s.name != servant.name), servant])

    def without(self, name: str) -> Registry:
        return Registry(s for s in self._list if s.name != name)

    def role_of(self, name: str) -> str:
        s = self._servants.get(name)
        return s.role if s else Role.PUBLIC_SERVANT.value

    def find_mentions(self, text: str, folded: str) -> list[Mention]:
        """Mentions in `text`; `folded` is its same-length lowercase form.

        Matches must sit on word boundaries; overlapping matches keep the
        longest (a full name beats the surname inside it).
        """
        if self._automaton is None:
            return []
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
        if not raw:
            return []
        raw.sort(key=lambda r: (r[0], -(r[1] - r[0])))
        mentions: list[Mention] = []
        last_end = -1
        for start, end, i in raw:
            if start < last_end:
                continue
            kept = False
            as_name: bool | None = None  # decided once per match, not once per servant
            for j in range(self._starts[i], self._starts[i + 1]):
                if self._capital[j]:
                    if as_name is None:
                        as_name = self._reads_as_name(text, start, end)
                    if not as_name:
                        continue
                s = self._list[self._servant_ix[j]]
                kind = self._kinds[j]
                if kind == _FAMILY:
                    member = s.family[self._members[j]]
                    mentions.append(
                        Mention(s.name, start, end, "family", member.name, member.relation)
                    )
                else:
                    mentions.append(Mention(s.name, start, end, _KINDS[kind], s.name, None))
                kept = True
            if kept:
                last_end = end
        return mentions

    @staticmethod
    def _reads_as_name(text: str, start: int, end: int) -> bool:
        """Whether a common-word surname ("bell", "price") is used as a name here.

        Words used as words follow determiners ("the price", "a bell") or run into
        ordinary nouns ("young people"); names take a role word, a possessive, a
        person verb ("price lives ...", "young was born"), a PII cue ("banks home
        phone") or a "Name:" label. Capitalized mid-sentence also reads as a name.
        """
        before = text[max(0, start - 25) : start]
        if _ROLE_BEFORE.search(before):
            return True
        if _DETERMINER_BEFORE.search(before):
            return False
        if _NAME_AFTER.match(text, end):
            return True
        if not text[start : start + 1].isupper():
            return False
        # capitalized because it starts a sentence is not enough on its own
        stripped = text[:start].rstrip()
        return bool(stripped) and stripped[-1] not in ".!?\n"


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
    except Exception as exc:  # rtoml raises its own error types
        raise _toml_error(path, text, exc) from None


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


def _parse_servants(text: str, path: Path, region: str) -> Registry:
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


CACHE_VERSION = "1"


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
        text = raw.decode("utf-8")
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
