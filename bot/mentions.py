"""Who a message is about: registry names plus relation phrases bound to a servant.

The registry finds names ("Whitaker", "Karen Whitaker"); this module adds the
family references people actually write — "his wife", "Whitaker's kid", "the
officer's daughter" — and binds each to the servant it refers to: the servant
named just before it, else the one the conversation links to.
"""

from __future__ import annotations

import re

from bot.models import Mention
from bot.registry import RELATIONS, Registry

_REL = "|".join(sorted((re.escape(w) for w in RELATIONS), key=len, reverse=True))
_ADJ = r"(?:(?:little|lil|older|younger|oldest|youngest|baby|teenage|teen|new|ex|two|2|3)\s+)?"
_PRONOUN_RELATION = re.compile(
    rf"\b(?:his|her|their|the (?:officer|cop|councilman|councilwoman|mayor|detective|sergeant|"
    rf"deputy|judge|commissioner)'?s)\s+{_ADJ}({_REL})\b"
)
_POSSESSIVE_RELATION = re.compile(rf"(?:'s|’s|s'|'|s)?\s+{_ADJ}({_REL})\b")


# Family phrases kept per message: a wall of "his wife" names the same person each time.
MAX_RELATIONS = 64


def _bind(registry: Registry, servant: str, word: str, start: int, end: int) -> Mention:
    relation = RELATIONS[word]
    s = registry.get(servant)
    person = f"{word} of {servant}"
    if s is not None:
        for member in s.family:
            if member.relation == relation or (relation == "family"):
                person = member.name
                break
    return Mention(servant, start, end, "relation", person, relation)


def find_mentions(
    registry: Registry,
    text: str,
    folded: str,
    linked: tuple[str, ...] = (),
    direct: list[Mention] | None = None,
) -> list[Mention]:
    """All mentions in the message, relation phrases included.

    `linked` are servants the context makes available (reply, author, channel),
    most relevant first; a pronoun relation with no servant named before it in
    the message binds to the first of them. `direct` passes the registry's matches
    when the caller already has them.
    """
    mentions = registry.find_mentions(text, folded) if direct is None else direct
    direct = sorted((m for m in mentions if m.kind != "family"), key=lambda m: m.end)
    possessive: list[Mention] = []
    for m in direct:
        after = _POSSESSIVE_RELATION.match(folded, m.end)
        if after:
            possessive.append(_bind(registry, m.servant, after.group(1), m.start, after.end()))
    possessive.sort(key=lambda m: m.start)
    extra = list(possessive)
    if "his " in folded or "her " in folded or "their " in folded or "'s " in folded:
        # one pass in text order: the servant named last before each phrase, and whether
        # a possessive relation already covers it, advance with it (linear, not quadratic)
        named_before = 0
        covering = 0
        for rel in _PRONOUN_RELATION.finditer(folded):
            if len(extra) >= MAX_RELATIONS:
                break
            at = rel.start()
            while named_before < len(direct) and direct[named_before].end <= at:
                named_before += 1
            if named_before:
                servant: str | None = direct[named_before - 1].servant
            else:
                servant = linked[0] if linked else None
            if servant is None:
                continue
            while covering < len(possessive) and possessive[covering].end <= at:
                covering += 1
            if covering < len(possessive) and possessive[covering].start <= at:
                continue
            extra.append(_bind(registry, servant, rel.group(1), at, rel.end()))
    if not extra:
        return mentions
    return sorted([*mentions, *extra], key=lambda m: m.start)
