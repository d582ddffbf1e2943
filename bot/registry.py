"""The registry of protected public servants and how their names are found in text.

Names are matched with one Aho-Corasick automaton (pyahocorasick) built once per
registry, so a message costs one pass over its text whatever the registry size.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick
import phonenumbers

from bot.config import ConfigError
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
_RELATION_ALIASES = {"son": "child", "daughter": "child", "wife": "spouse", "husband": "spouse"}

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
    r"(?:is|was|has been) (?:\d+ )?(?:months?|weeks?|years?|behind|in|on)"
)
_PII_CUES = (
    r"home|house|address|addy|addr|phone|cell|number|#|digits|email|e-mail|ssn|ss#|social|dob|"
    r"birthday|bday|born|kid|kids|son|daughter|wife|husband|family|card|bank|account|"
    r"medicare|medicaid|insurance|member|policy|lives|school|job"
)
_NAME_AFTER = re.compile(
    # a possessive reads as a name unless a Capitalized word follows ("Young's Auto Body")
    r"(?:'s|’s)\b(?!(?-i:\s+[A-Z][a-z]))"
    r"|\s*(?::(?!\s*[$€£])|—|–| - )"  # "Bell: ...", but not "Price: $40"
    r"|,\s+\w+\s+(?:—|–|-|/)"  # "Bell, Thomas — ..."
    rf"|\s+(?:{_PERSON_VERBS}|{_PII_CUES})\b",
    re.IGNORECASE,
)
COMMON_WORD_ZIPF = 4.3  # wordfreq Zipf frequency above which a surname is also a common word


def _fold(text: str) -> str:
    """Case- and space-folding for names (confusables are folded by the normalizer)."""
    return " ".join(text.lower().split())


@cache
def _is_common_word(word: str) -> bool:
    """True for surnames like Bell or Price that also read as ordinary English words."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en") >= COMMON_WORD_ZIPF


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


@dataclass(frozen=True, slots=True)
class _Pattern:
    servant: str
    kind: str  # name | alias | surname | family
    person: str
    relation: str | None
    needs_capital: bool  # common-word surname: only where it reads as a name


class Registry:
    """Immutable set of servants plus the automaton that finds them in text."""

    def __init__(self, servants: Iterable[Servant] = ()):
        self._servants: dict[str, Servant] = {}
        for s in servants:
            self._servants[s.name] = s
        self._automaton = self._build()

    # -- construction ------------------------------------------------------
    def _build(self) -> ahocorasick.Automaton | None:
        table: dict[str, list[_Pattern]] = {}

        def add(text: str, pattern: _Pattern) -> None:
            key = _fold(text)
            if len(key) >= 2:
                table.setdefault(key, []).append(pattern)

        for s in self._servants.values():
            add(s.name, _Pattern(s.name, "name", s.name, None, False))
            for alias in s.aliases:
                add(alias, _Pattern(s.name, "alias", s.name, None, False))
            if s.surname and len(s.surname) >= 3:
                common = _is_common_word(s.surname)
                add(s.surname, _Pattern(s.name, "surname", s.name, None, common))
            for member in s.family:
                add(member.name, _Pattern(s.name, "family", member.name, member.relation, False))
        if not table:
            return None
        automaton = ahocorasick.Automaton()
        for key, patterns in table.items():
            automaton.add_word(key, (len(key), tuple(patterns)))
        automaton.make_automaton()
        return automaton

    # -- queries -----------------------------------------------------------
    @property
    def servants(self) -> list[Servant]:
        return list(self._servants.values())

    def __len__(self) -> int:
        return len(self._servants)

    def __contains__(self, name: object) -> bool:
        return name in self._servants

    def get(self, name: str) -> Servant | None:
        servant = self._servants.get(name)
        if servant is None:
            folded = _fold(name)
            for s in self._servants.values():
                if _fold(s.name) == folded:
                    return s
        return servant

    def with_servant(self, servant: Servant) -> Registry:
        return Registry([*(s for s in self.servants if s.name != servant.name), servant])

    def without(self, name: str) -> Registry:
        return Registry(s for s in self.servants if s.name != name)

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
        raw: list[tuple[int, int, tuple[_Pattern, ...]]] = []
        n = len(folded)
        for end_idx, (length, patterns) in self._automaton.iter(folded):
            start = end_idx - length + 1
            end = end_idx + 1
            if start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
                continue
            if end < n and (folded[end].isalnum() or folded[end] == "_"):
                # allow possessive "whitaker's" and plural-ish "whitakers"
                if not (folded[end] == "s" and (end + 1 == n or not folded[end + 1].isalnum())):
                    continue
            raw.append((start, end, patterns))
        if not raw:
            return []
        raw.sort(key=lambda r: (r[0], -(r[1] - r[0])))
        mentions: list[Mention] = []
        last_end = -1
        for start, end, patterns in raw:
            if start < last_end:
                continue
            kept = False
            for p in patterns:
                if p.needs_capital and not self._reads_as_name(text, start, end):
                    continue
                mentions.append(Mention(p.servant, start, end, p.kind, p.person, p.relation))
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


def _want_str(file: Path, key: str, value: Any, line: int | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(file, key, "must be a non-empty string", line)
    if "\n" in value:
        raise ConfigError(file, key, "must be on one line", line)
    return " ".join(value.split())


def _want_list(file: Path, key: str, value: Any, line: int | None) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(file, key, f"must be a list, not {type(value).__name__}", line)
    return value


_SERVANT_KEYS = {"name", "aliases", "role", "family", "public"}
_PUBLIC_KEYS = {"addresses", "emails", "phones"}


def servant_from_dict(
    data: dict[str, Any],
    *,
    file: Path = Path("<servant>"),
    index: int = 0,
    line: int | None = None,
    region: str = "US",
) -> Servant:
    """Validate one servant table; errors name the file, entry and key."""
    where = f"servants[{index}]"
    if not isinstance(data, dict):
        raise ConfigError(file, where, "each [[servants]] entry must be a table", line)
    for key in data:
        if key not in _SERVANT_KEYS:
            known = ", ".join(sorted(_SERVANT_KEYS))
            raise ConfigError(file, f"{where}.{key}", f"unknown key (known: {known})", line)
    if "name" not in data:
        raise ConfigError(file, f"{where}.name", "every servant needs a name", line)
    name = _want_str(file, f"{where}.name", data["name"], line)
    role = data.get("role", Role.PUBLIC_SERVANT.value)
    if role not in {r.value for r in Role}:
        roles = " | ".join(r.value for r in Role)
        raise ConfigError(file, f"{where}.role", f"unknown role '{role}' (one of: {roles})", line)
    aliases = tuple(
        _want_str(file, f"{where}.aliases[{i}]", a, line)
        for i, a in enumerate(_want_list(file, f"{where}.aliases", data.get("aliases", []), line))
    )
    family = []
    for i, member in enumerate(_want_list(file, f"{where}.family", data.get("family", []), line)):
        key = f"{where}.family[{i}]"
        if not isinstance(member, dict) or set(member) - {"name", "relation"}:
            raise ConfigError(file, key, 'must be { name = "...", relation = "spouse" }', line)
        fname = _want_str(file, f"{key}.name", member.get("name"), line)
        relation = _want_str(file, f"{key}.relation", member.get("relation", "family"), line)
        relation = _RELATION_ALIASES.get(relation.lower(), relation.lower())
        family.append(FamilyMember(fname, relation))
    public_data = data.get("public", {})
    if not isinstance(public_data, dict):
        raise ConfigError(file, f"{where}.public", "must be a table ([servants.public])", line)
    for key in public_data:
        if key not in _PUBLIC_KEYS:
            known = ", ".join(sorted(_PUBLIC_KEYS))
            raise ConfigError(file, f"{where}.public.{key}", f"unknown key (known: {known})", line)
    lists = {
        k: [
            _want_str(file, f"{where}.public.{k}[{i}]", v, line)
            for i, v in enumerate(
                _want_list(file, f"{where}.public.{k}", public_data.get(k, []), line)
            )
        ]
        for k in _PUBLIC_KEYS
    }
    try:
        public = make_public(lists["addresses"], lists["emails"], lists["phones"], region)
    except ValueError as exc:
        raise ConfigError(file, f"{where}.public", f"{exc}; fix or remove it", line) from None
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


def parse_servants(text: str, file: str | Path = "<servants>", region: str = "US") -> Registry:
    path = Path(file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(
            path, "", f"not valid TOML: {exc}", int(m.group(1)) if m else None
        ) from None
    unknown = set(data) - {"servants"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(path, key, "unknown top-level key; servants are listed as [[servants]]")
    entries = data.get("servants", [])
    if not isinstance(entries, list):
        raise ConfigError(path, "servants", "must be written as [[servants]] tables")
    lines = _servant_lines(text)
    servants: list[Servant] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        line = lines[i] if i < len(lines) else None
        servant = servant_from_dict(entry, file=path, index=i, line=line, region=region)
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
    return Registry(servants)


def load_servants(path: str | Path, region: str = "US") -> Registry:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(p, "", "servants file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(p, "", f"cannot read: {exc}") from None
    return parse_servants(text, p, region)
