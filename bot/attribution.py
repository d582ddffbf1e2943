"""Whom a message is about, and why: the link from PII to a registered person.

The registry finds registered letters and reads each occurrence in context
(bot/registry.py, bot/names.py); the conversation remembers which servants
recent messages *named* (bot/context.py). This module puts the two together
for one message, in this order:

1. what the message names: full names, aliases, family members' names, and
   surnames that point at one servant (the only one with that surname, the one
   whose given name or title fits, the one the conversation just named, the one
   whose family member is named after it: "murphy's wife colleen");
2. family references bound to a servant ("Whitaker's wife", "his kid");
3. only when it names nobody: the message it replies to, the same author's
   last naming message, or, when it says "he"/"she"/"his wife", the channel's
   last naming message. A message that names somebody else (a namesake,
   "Officer Wojcik" when no Wojcik is registered) is about them instead.

A surname that could be several servants and that nothing narrows is an
`Ambiguity`: the policy asks moderators (review) and lists the candidates.
Every subject carries a sentence saying how it was decided.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import re2

from bot.context import NO_LINKS, Linked
from bot.mentions import find_mentions
from bot.models import Mention, Subject
from bot.names import (
    COURTESY_TITLES,
    TITLES,
    Reading,
    is_given_name,
    looks_like_full_name,
    same_given_name,
    zipf,
)
from bot.re2_subject import re2_subject
from bot.registry import MAX_LISTED_CANDIDATES, RELATIONS, NameHit, Registry
from bot.signals import points_at_role_person

# How many candidates of an ambiguous surname a notice lists.
LISTED_CANDIDATES = 10


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """A surname that could be any of several servants; nothing in the message narrowed it."""

    surname: str
    candidates: tuple[str, ...]  # at most LISTED_CANDIDATES
    count: int

    def describe(self) -> str:
        listed = ", ".join(self.candidates)
        more = (
            f" and {self.count - len(self.candidates)} more"
            if self.count > len(self.candidates)
            else ""
        )
        return (
            f"'{self.surname}' alone could be any of {self.count} registered servants "
            f"({listed}{more})"
        )


@dataclass(frozen=True, slots=True)
class Attribution:
    """Whom one message is about, with the reason for each subject."""

    subjects: tuple[Subject, ...] = ()
    reasons: tuple[str, ...] = ()  # one per subject, same order
    ambiguous: tuple[Ambiguity, ...] = ()
    named: tuple[str, ...] = ()  # servants the message names (what context remembers)
    others: bool = False  # it names somebody who is not registered
    role_person: bool = False  # a title with a name nobody registered has ("Officer Wojcik")
    notes: tuple[str, ...] = ()  # readings that ruled a registered name out
    spans: tuple[tuple[int, int], ...] = ()  # where the message names its subjects
    namesakes: tuple[str, ...] = ()  # registered surnames it uses for somebody else
    subject_spans: tuple[tuple[int, int] | None, ...] = ()  # where each subject is named

    @property
    def servants(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.servant for s in self.subjects))


NOBODY = Attribution()

_REL_WORDS = "|".join(sorted((re.escape(w) for w in RELATIONS), key=len, reverse=True))
# "murphy's wife colleen", "lee's son, tommy": a relation and a given name after a surname
_RELATION_AND_NAME = re.compile(
    rf"(?:'s|’s|s'|')?\s+(?:(?:little|lil|older|younger|oldest|youngest)\s+)?({_REL_WORDS})"
    r",?\s+([a-z][a-z'-]+)"
)
_TITLE_WORDS = "|".join(
    sorted((re.escape(w) for w in TITLES if w not in COURTESY_TITLES), key=len, reverse=True)
)
# a role title and a name: "Officer Wojcik", "det. ramirez"
_TITLED_NAME = re.compile(rf"\b({_TITLE_WORDS})\.?\s+([A-Za-z][a-z'-]+)\b", re.IGNORECASE)
# a given name and a capitalized surname: "my coworker Dave Jenkins"
_FULL_NAME = re.compile(
    r"\b([A-Z][a-z]+|[A-Z]\.)\s+(?:[A-Z]\.\s+)?([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b"
)
# "my neighbor", "her coworker", "our landlord": somebody else enters the conversation
_PERSON_NOUNS = (
    "friend|buddy|neighbou?r|coworker|co-worker|boss|manager|landlord|landlady|roommate|"
    "cousin|aunt|uncle|grandma|grandpa|grandmother|grandfather|nephew|niece|teacher|"
    "dentist|doctor|lawyer|attorney|client|customer|student|tenant|ex|bestie|classmate|"
    "stepdad|stepmom|in-law|fiance|fiancee|twin|" + "|".join(re.escape(w) for w in RELATIONS)
)
_MY_PERSON = re.compile(rf"\b(?:my|our|ur|your)\s+(?:(?:\w+)\s+)?(?:{_PERSON_NOUNS})s?\b")
# what somebody said or heard: the person who says it is not whom "he" is about
_REPORTS = re.compile(r"(?:'s)?\s+(?:says?|said|told me|tells me|thinks|heard|swears|claims)\b")
# "our organizer dave": a possessive, a noun, a given name
_OWN_NAMED = re.compile(r"\b(?:my|our)\s+[a-z]+\s+([a-z]{3,})\b")
_NOT_SURNAMES = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december i im the and or but
    """.split()
)


def _written(text: str, hit: NameHit) -> str:
    written = hit.written or " ".join(text[hit.start : hit.end].split())
    return f"{hit.word} {written}" if hit.word else written


def _role(registry: Registry, servant: str) -> str:
    return registry.role_of(servant).replace("_", " ")


def _how_named(registry: Registry, text: str, hit: NameHit, servant: str) -> str:
    written = _written(text, hit)
    if hit.kind == "name":
        return f"names {servant} ({_role(registry, servant)})"
    if hit.kind == "alias":
        return f"names {servant} by the registered alias '{written}'"
    if hit.kind == "family":
        return f"names {hit.person}, {hit.relation} of {servant}"
    if hit.reading is Reading.TITLED:
        return (
            f"'{written}' is {servant}: the only registered {hit_surname(text, hit)} the title fits"
        )
    if hit.reading is Reading.GIVEN:
        return f"'{written}' is {servant} (given name and surname)"
    return f"'{written}' is {servant}: the only registered servant with that surname"


# Python's `re` tries these patterns at every position (about 20 µs a chat message for
# the two functions below, 40 ms on 100,000 characters); RE2 scans linearly. On ASCII
# text the two read a pattern alike once Python's \s is spelled out (RE2's \s lacks \v
# and \x1c-\x1f): a message with no match anywhere skips the `re` scans, which could
# find nothing either, and `_TITLED_NAME` is matched by RE2 itself
# (tests/test_attribution_gates.py holds both to the plain `re` path).
_PY_SPACE = r"[\t\n\x0b\f\r \x1c-\x1f]"


def _ascii_gate(*patterns: tuple[re.Pattern[str], bool]) -> re2._Regexp:
    """One RE2 alternation of `patterns` (each: pattern, case-insensitive)."""
    return re2.compile("|".join(
        f"(?{'i' if fold else ''}:{p.pattern.replace(chr(92) + 's', _PY_SPACE)})"
        for p, fold in patterns
    ))


# _MY_PERSON and _OWN_NAMED run on the lowercased text: case-insensitive on ASCII
_OTHERS_GATE = _ascii_gate((_FULL_NAME, False), (_MY_PERSON, True), (_OWN_NAMED, True))
# `_TITLED_NAME`'s twin: on ASCII text the same matches and groups, in linear time
_TITLED_TWIN = _ascii_gate((_TITLED_NAME, True))


def hit_surname(text: str, hit: NameHit) -> str:
    """The surname part of a surname hit, as written."""
    words = (hit.written or text[hit.start : hit.end]).split()
    return words[-1].rstrip("'’s") if words else ""


def others_named(text: str, hits: list[NameHit]) -> bool:
    """Whether the message brings in a person the registry does not know.

    A namesake ("Carole King" when no registered King is a Carole), a given
    name and a Census surname ("Dave Jenkins", "R. Diaz"), or "my neighbor",
    "our landlord". Except for namesakes, only before the message's first
    pronoun: in "she lives two doors from my mom", "she" is not the mom.
    """
    if any(h.is_namesake or h.reading is Reading.BUSINESS for h in hits):
        return True  # somebody else, or a business ("Bennett's Bakery ... call them")
    if text.isascii() and _OTHERS_GATE.search(re2_subject(text)) is None:
        return False
    pronoun = _ANY_PRONOUN.search(text.lower())
    limit = pronoun.start() if pronoun else len(text)
    covered = [(h.start, h.end) for h in hits]
    for m in _FULL_NAME.finditer(text, 0, limit + 40):
        if m.start() > limit:
            break
        if any(a < m.end() and m.start() < b for a, b in covered):
            continue
        given, surname = m.group(1), m.group(2)
        if given.endswith("."):  # an initial: "R. Diaz"
            given = "john"
        if looks_like_full_name(given, surname):
            return True
    lowered = text.lower()
    for person in _MY_PERSON.finditer(lowered, 0, limit + 40):
        if person.start() >= limit:
            break
        if not _REPORTS.match(lowered, person.end()):  # "my cousin says he's ...": a source
            return True
    for m in _OWN_NAMED.finditer(lowered, 0, limit + 40):
        if m.start() < limit and is_given_name(m.group(1), False):
            return True  # "our organizer dave", "my buddy tomas"
    return False


def titled_stranger(text: str, hits: list[NameHit]) -> bool:
    """A role title with a name that is not registered: "Officer Wojcik" (no such servant)."""
    covered = [(h.start, h.end) for h in hits if h.is_person and h.count]
    titled = _TITLED_TWIN.finditer(text) if text.isascii() else _TITLED_NAME.finditer(text)
    for m in titled:
        if any(a <= m.start(2) < b for a, b in covered):
            continue
        name = m.group(2)
        if name[:1].isupper() or zipf(name.lower()) < 3.5:
            if name.lower() in TITLES or name.lower() in _NOT_SURNAMES:
                continue
            if zipf(name.lower()) >= 5.0 and not name[:1].isupper():
                continue
            return True
    return any(h.reading is Reading.TITLED and h.count == 0 for h in hits)


class _Narrower:
    """Picks one servant among a surname's candidates, from the message and the conversation."""

    def __init__(self, registry: Registry, folded: str, linked: Linked, named: list[str]):
        self.registry = registry
        self.folded = folded
        self.linked = linked
        self.named = named

    def pick(self, hit: NameHit, surname: str) -> tuple[str, str] | None:
        fits = self._fits(hit, surname)
        # 1. a family member named right after it: "murphy's wife colleen"
        after = _RELATION_AND_NAME.match(self.folded, hit.end)
        if after:
            relation = RELATIONS[after.group(1)]
            given = after.group(2)
            chosen = [
                s
                for s in hit.candidates
                if any(
                    (m.relation == relation or relation == "family")
                    and same_given_name(given, m.name.split()[0])
                    for m in (self.registry.get(s).family if self.registry.get(s) else ())
                )
            ]
            if len(chosen) == 1:
                return chosen[0], (
                    f"'{surname}' is {chosen[0]}: the only one whose listed {after.group(1)} "
                    "has that name"
                )
        if surname.lower() in self.linked.namesakes:
            return None  # somebody else with this surname was just mentioned too
        # 2. the one this message or the conversation already named
        for servants, how in (
            (self.named, "named earlier in this message"),
            (self.linked.reply, "named in the message this replies to"),
            (self.linked.author, "named by the same author just before"),
            (self.linked.channel, "named in this channel just before"),
        ):
            chosen = [s for s in dict.fromkeys(servants) if fits(s)]
            if len(chosen) == 1:
                return chosen[0], f"'{surname}' is {chosen[0]}, {how}"
        return None

    def _fits(self, hit: NameHit, surname: str) -> Callable[[str], bool]:
        """Whether a servant is among the hit's candidates (also past the listed ones)."""
        listed = set(hit.candidates)
        truncated = hit.count > MAX_LISTED_CANDIDATES
        folded_surname = surname.lower()

        def fits(servant: str) -> bool:
            if servant in listed:
                return True
            return truncated and self.registry.surname_of(servant) == folded_surname

        return fits


def attribute(
    registry: Registry,
    text: str,
    folded: str,
    hits: list[NameHit],
    linked: Linked = NO_LINKS,
) -> Attribution:
    """Whom the message is about; `hits` are `registry.find_names(text, folded)`."""
    named: list[str] = []
    mentions: list[Mention] = []
    ambiguous: list[Ambiguity] = []
    notes: list[str] = []
    how: dict[tuple[str, str], str] = {}
    narrower = _Narrower(registry, folded, linked, named)
    for hit in hits:
        if hit.reading in (Reading.WORD, Reading.BUSINESS, Reading.PLACE):
            if hit.reading is not Reading.WORD:
                notes.append(f"'{_written(text, hit)}' reads as a {hit.reading.value} name")
            continue
        if hit.is_namesake:
            notes.append(
                f"'{hit_surname(text, hit)}' here is somebody else: no registered servant "
                f"with that surname has the {_decided_by(hit)} written with it"
            )
            continue
        if hit.count == 1:
            servant, reason = hit.candidates[0], _how_named(registry, text, hit, hit.candidates[0])
        else:
            surname = hit_surname(text, hit)
            picked = narrower.pick(hit, surname)
            if picked is None:
                ambiguous.append(Ambiguity(surname, hit.candidates[:LISTED_CANDIDATES], hit.count))
                continue
            servant, reason = picked
        if hit.kind == "family":
            mention = Mention(servant, hit.start, hit.end, "family", hit.person, hit.relation)
        else:
            mention = Mention(servant, hit.start, hit.end, hit.kind, servant, None)
        mentions.append(mention)
        named.append(servant)
        how.setdefault((servant, mention.person), reason)
    others = others_named(text, hits)
    role_person = titled_stranger(text, hits)
    anaphora = None if mentions else role_anaphora(registry, folded, linked)
    if not mentions and anaphora is None and points_at_role_person(folded):
        role_person = True  # "the cop who ...", "some water dept guy": nobody registered
    others = others or role_person
    spans = [(m.start, m.end) for m in mentions]
    # family references: bound to a servant named before them, else to the linked one
    context_for_relations = () if (others and not mentions) else linked.servants()
    all_mentions = find_mentions(registry, text, folded, context_for_relations, direct=mentions)
    subjects: list[Subject] = []
    reasons: list[str] = []
    seen: set[tuple[str, str]] = set()

    subject_spans: list[tuple[int, int] | None] = []

    def add(
        servant: str,
        person: str,
        relation: str | None,
        reason: str,
        span: tuple[int, int] | None = None,
    ) -> None:
        if (servant, person) in seen:
            return
        seen.add((servant, person))
        subjects.append(Subject(servant, registry.role_of(servant), person, relation))
        reasons.append(reason)
        subject_spans.append(span)

    for m in all_mentions:
        if m.kind == "relation":
            spans.append((m.start, m.end))
            written = " ".join(text[m.start : m.end].split())
            source = (
                f"{m.servant} named before it"
                if m.servant in named
                else _link_source(linked, m.servant)
            )
            add(
                m.servant,
                m.person,
                m.relation,
                f"'{written}': {m.person}, {m.relation} of {m.servant} ({source})",
                (m.start, m.end),
            )
        else:
            reason = how.get((m.servant, m.person), "named")
            add(m.servant, m.person, m.relation, reason, (m.start, m.end))
    if anaphora is not None and not subjects:
        servant, written = anaphora
        add(
            servant,
            servant,
            None,
            f"'{written}' after {servant} was {_link_source(linked, servant)}",
        )
    if not subjects and not ambiguous and not others and linked.any:
        for servant in linked.reply:
            add(
                servant,
                servant,
                None,
                f"replies to message {linked.reply_to}, which named {servant}",
            )
        # the author going on about the servant: "lives at 5859 Bales Ave", "he's at ..."; not
        # the author giving their own details ("call me", "i'm in midtown, call ...")
        continues = _SINGULAR_PRONOUN.search(folded) or not _FIRST_PERSON.search(folded)
        if not subjects and continues:
            for servant in linked.author:
                add(
                    servant,
                    servant,
                    None,
                    (
                        f"the same author goes on about {servant} (named "
                        f"{_ago(linked.author_ago)} before)"
                        if linked.continued
                        else f"the same author named {servant} {_ago(linked.author_ago)} before"
                    ),
                )
        if not subjects and linked.channel and _SINGULAR_PRONOUN.search(folded):
            pronoun = _first_pronoun(folded)
            for servant in linked.channel[:1]:
                add(
                    servant,
                    servant,
                    None,
                    f"'{pronoun}' after {servant} was named "
                    f"{_ago(linked.channel_ago)} before in this channel",
                )
    if not (subjects or ambiguous or notes or others or named):
        return NOBODY
    return Attribution(
        tuple(subjects),
        tuple(reasons),
        tuple(ambiguous),
        tuple(dict.fromkeys(named)),
        others,
        role_person,
        tuple(notes),
        tuple(spans),
        tuple(dict.fromkeys(hit_surname(text, h).lower() for h in hits if h.is_namesake)),
        tuple(subject_spans),
    )


_ROLE_TITLE = re.compile(
    rf"\b(?:the|that|this|our|ur|your)\s+({_TITLE_WORDS})\b(?!\s+(?:who|that|which|whose)\b)"
    r"(?!'?s?\s+(?:office|department|dept|court|staff|team|unit|division))"
)


def role_anaphora(registry: Registry, folded: str, linked: Linked) -> tuple[str, str] | None:
    """ "the mayor's personal stuff" right after Mayor Cole: the title points back at them.

    Only to a servant the context links, whose registered aliases carry that
    title (or whose role it fits); "the cop who ..." introduces somebody new.
    """
    if not linked.any:
        return None
    for m in _ROLE_TITLE.finditer(folded):
        title = m.group(1)
        for servant in linked.servants():
            s = registry.get(servant)
            if s is None:
                continue
            titled = any(title in alias.lower().replace(".", "").split() for alias in s.aliases)
            if titled or (TITLES.get(title) and s.role in TITLES[title]):
                return servant, m.group(0)
    return None


def _decided_by(hit: NameHit) -> str:
    return "title" if hit.reading is Reading.TITLED else "given name"


def _ago(n: int) -> str:
    return "1 message" if n == 1 else f"{n} messages"


def _link_source(linked: Linked, servant: str) -> str:
    if servant in linked.reply:
        return f"named in the message {linked.reply_to} this replies to"
    if servant in linked.author:
        return f"named by the same author {_ago(linked.author_ago)} before"
    return f"named {_ago(linked.channel_ago)} before in this channel"


_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|i'll|me|my|mine|we|we're|us|our|ours)\b")
_ANY_PRONOUN = re.compile(r"\b(?:he|she|him|his|her|hers|they|them|their|he's|she's)\b")
# "they"/"them" point at groups and companies as often as at one person ("call them at"),
# so only he/she forms link a message to the channel's last named servant on their own
_SINGULAR_PRONOUN = re.compile(r"\b(he|she|him|his|her|hers|he's|she's|hes|shes|he'?ll|she'?ll)\b")


def _first_pronoun(folded: str) -> str:
    m = _SINGULAR_PRONOUN.search(folded)
    return m.group(1) if m else "they"


__all__ = ["NOBODY", "Ambiguity", "Attribution", "attribute", "others_named"]
