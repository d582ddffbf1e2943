"""The policy: the only place that decides hide, review or allow.

Detectors report what PII is in a message; mentions and context say whom it can
be about. The policy puts them together:

- `hide` when PII of an enforced category is linked to a registered servant or
  family member (per-category action configurable);
- `review` for weaker cases: low-confidence PII about a servant; PII next to a
  role word ("the cop who ...") with no registered servant; a call for others to
  find and post a servant's details with no PII yet;
- `allow` otherwise: including a servant's official (public) contact details,
  values moderators allowlisted, and details the author gives about themself.
"""

from __future__ import annotations

import hashlib
import hmac

from bot.config import DetectionSettings
from bot.context import Linked
from bot.models import Action, Category, Finding, Mention, Subject
from bot.registry import Registry
from bot.signals import (
    about_author,
    calls_to_find,
    has_third_person,
    intent_signals,
    refers_to_role,
)

_RANK = {Action.ALLOW: 0, Action.REVIEW: 1, Action.HIDE: 2}


def allowlist_key(
    servant: str, category: Category | str, value: str, secret: bytes | None = None
) -> str:
    """Key of an allowlisted value, so the allowlist itself holds no PII.

    With `secret` (the engine passes one derived from the sealing key) it is an
    HMAC-SHA256: a phone number or SSN has so few possible values that an
    unkeyed hash of it is reversed by hashing every candidate. Without a secret
    (the bare pipeline, no sealing key) it is a plain SHA-256.
    """
    raw = f"{servant.lower()}\x1f{Category(category).value}\x1f{value}".encode()
    if secret is not None:
        return hmac.new(secret, raw, hashlib.sha256).hexdigest()
    return hashlib.sha256(raw).hexdigest()


def subjects_for(
    registry: Registry, mentions: list[Mention], linked: Linked, folded: str
) -> list[Subject]:
    """The protected people a message can be about, most direct first."""
    subjects: list[Subject] = []
    seen: set[tuple[str, str]] = set()

    def add(servant: str, person: str, relation: str | None) -> None:
        key = (servant, person)
        if key not in seen:
            seen.add(key)
            subjects.append(Subject(servant, registry.role_of(servant), person, relation))

    for m in mentions:
        if m.relation is not None:
            add(m.servant, m.person, m.relation)
        else:
            add(m.servant, m.servant, None)
    if not subjects:
        for servant in (*linked.reply, *linked.author):
            add(servant, servant, None)
        if not subjects and linked.channel and has_third_person(folded):
            add(linked.channel[0], linked.channel[0], None)
    return subjects


class Policy:
    def __init__(self, settings: DetectionSettings, registry: Registry):
        self.settings = settings
        self.registry = registry
        self._public = frozenset().union(*(s.public.values for s in registry.servants))
        self._public_addresses: dict[str, list[str]] = {}
        for servant in registry.servants:
            for line in servant.public.addresses_norm:
                number, _, _ = line.partition(" ")
                self._public_addresses.setdefault(number, []).append(line)
        self.allowlist: set[str] = set()
        self.allowlist_secret: bytes | None = None  # set by the engine (see allowlist_key)

    def _is_public(self, f: Finding) -> bool:
        """A servant's official contact detail (an address also by its street line)."""
        if not f.value or not self._public:
            return False
        if f.value in self._public:
            return True
        if f.category is Category.HOME_ADDRESS:
            # normalized values start with their street line ("511 E 11TH ST KANSAS ..."):
            # compare prefixes among public addresses with the same house number, no parsing
            number, _, _ = f.value.partition(" ")
            for line in self._public_addresses.get(number, ()):
                if (
                    f.value == line
                    or f.value.startswith(line + " ")
                    or line.startswith(f.value + " ")
                ):
                    return True
        return False

    def _relevant(self, f: Finding, folded: str, servants: list[str]) -> bool:
        if f.confidence < self.settings.review_confidence:
            return False
        if self.settings.action_for(f.category) is Action.ALLOW:
            return False
        if self._is_public(f):
            return False
        if self.allowlist and any(
            allowlist_key(s, f.category, f.value, self.allowlist_secret) in self.allowlist
            for s in servants
        ):
            return False
        return not about_author(folded, f.start)

    def decide(
        self, folded: str, subjects: list[Subject], findings: list[Finding]
    ) -> tuple[Action, list[Subject], list[Finding], tuple[str, ...], tuple[str, ...]]:
        """Return (action, subjects, findings acted on, intent signals, reasons)."""
        servants = list(dict.fromkeys(s.servant for s in subjects))
        kept = [f for f in findings if self._relevant(f, folded, servants)]
        action = Action.ALLOW
        reasons: list[str] = []
        acted: list[Finding] = []
        if subjects and kept:
            for f in kept:
                a = self.settings.action_for(f.category)
                if f.confidence < self.settings.min_confidence:
                    a = Action.REVIEW if a is Action.HIDE else a
                if a is Action.ALLOW:
                    continue
                acted.append(f)
                if _RANK[a] > _RANK[action]:
                    action = a
            if acted:
                reasons.append("personal information linked to a protected person")
        elif kept and refers_to_role(folded):
            acted = [f for f in kept if f.confidence >= self.settings.min_confidence]
            if acted:
                action = Action.REVIEW
                reasons.append(
                    "personal information next to a public-servant role (not registered)"
                )
        shares_public = any(self._is_public(f) for f in findings)
        if (
            action is Action.ALLOW
            and not shares_public
            and calls_to_find(folded)
            and (subjects or refers_to_role(folded))
        ):
            action = Action.REVIEW
            reasons.append("asks others to find or post a public servant's details")
        if action is Action.ALLOW:
            return Action.ALLOW, [], [], (), ()
        return action, subjects, acted, intent_signals(folded), tuple(reasons)


__all__ = ["Policy", "allowlist_key", "subjects_for"]
