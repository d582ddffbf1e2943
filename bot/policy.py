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
from dataclasses import dataclass

from bot.attribution import Attribution
from bot.config import DetectionSettings
from bot.models import Action, Category, Finding, Subject
from bot.registry import Registry
from bot.signals import (
    about_author,
    calls_to_find,
    intent_signals,
    organization_line,
    refers_to_role,
)

_RANK = {Action.ALLOW: 0, Action.REVIEW: 1, Action.HIDE: 2}


def allowlist_entry(platform: str, server: str, key: str) -> str:
    """An allowlist key as the policy holds it: good only in the server it was added in.

    A value a moderator of one community allowlisted must not stop another
    community's moderators from seeing it (keys are stored with their server).
    """
    return f"{platform}\x1f{server}\x1f{key}"


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


class Policy:
    def __init__(self, settings: DetectionSettings, registry: Registry):
        self.settings = settings
        self.registry = registry
        self._public = registry.public_values
        self._public_addresses = registry.public_addresses
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

    def _relevant(self, f: Finding, folded: str, servants: list[str], spans,
                  scope: tuple[str, str]) -> bool:
        if f.confidence < self.settings.review_confidence:
            return False
        if self.settings.action_for(f.category) is Action.ALLOW:
            return False
        if self._is_public(f):
            return False
        if self.allowlist and any(
            allowlist_entry(*scope, allowlist_key(s, f.category, f.value, self.allowlist_secret))
            in self.allowlist
            for s in servants
        ):
            return False
        return not about_author(folded, f.start, spans)

    def decide(self, folded: str, about: Attribution, findings: list[Finding],
               scope: tuple[str, str] = ("", "")) -> Decision:
        """The action for one message, the findings it rests on, and the rule that gave it.

        `scope` is the message's (platform, server): allowlisted values count only there.
        """
        subjects = list(about.subjects)
        servants = list(dict.fromkeys(s.servant for s in subjects))
        kept = [f for f in findings if self._relevant(f, folded, servants, about.spans, scope)]
        action = Action.ALLOW
        rule = ""
        acted: list[Finding] = []
        if subjects and kept:
            weak = False
            blocks = [(f.start, f.end) for f in kept if f.kind == "block"]
            for f in kept:
                a = self.settings.action_for(f.category)
                in_block = f.category is Category.HOME_ADDRESS and any(
                    s <= f.start < e or f.start <= s < f.end for s, e in blocks
                )  # "the 4300 block of Holly" reads like a house number but is not one
                if f.confidence < self.settings.min_confidence or is_partial(f) or in_block:
                    weak = weak or a is Action.HIDE
                    a = Action.REVIEW if a is Action.HIDE else a
                if a is Action.ALLOW:
                    continue
                acted.append(f)
                if _RANK[a] > _RANK[action]:
                    action = a
            if action is Action.HIDE:
                rule = "personal information linked to a protected person"
            elif acted:
                rule = (
                    "weak or partial personal information about a protected person"
                    if weak
                    else "personal information about a protected person (category set to review)"
                )
        elif kept and about.ambiguous:
            acted = kept  # weak findings too: moderators are asked either way
            if acted:
                action = Action.REVIEW
                rule = (
                    "personal information next to a surname several registered servants "
                    "share, and nothing says which (moderators decide)"
                )
        elif kept and (
            about.role_person
            or refers_to_role(folded)
        ):
            acted = [f for f in kept if not organization_line(folded, f.start)]
            if acted:
                action = Action.REVIEW
                rule = "personal information next to a public-servant role (nobody registered)"
        shares_public = any(self._is_public(f) for f in findings)
        if (
            action is Action.ALLOW
            and not shares_public
            and calls_to_find(folded)
            and (subjects or about.ambiguous or about.role_person or refers_to_role(folded))
        ):
            action = Action.REVIEW
            rule = "asks others to find or post a public servant's details"
        if action is Action.ALLOW:
            return Decision(Action.ALLOW, (), (), (), _allow_rule(subjects, findings, kept))
        return Decision(action, tuple(subjects), tuple(acted), intent_signals(folded), rule)


def _allow_rule(subjects: list[Subject], findings: list[Finding], kept: list[Finding]) -> str:
    if not findings:
        return "no personal information found"
    if not subjects:
        return "personal information about nobody in the registry"
    if not kept:
        return "only official contacts, allowlisted values or the author's own details"
    return "nothing to act on"


def is_partial(f: Finding) -> bool:
    """Part of a value only (last four SSN digits, a block but no house): review, not hide."""
    return f.kind in _PARTIAL_KINDS


_PARTIAL_KINDS = frozenset({"ssn_last4", "last4", "block"})


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    subjects: tuple[Subject, ...]
    acted: tuple[Finding, ...]
    intent: tuple[str, ...]
    rule: str


__all__ = ["Decision", "Policy", "allowlist_entry", "allowlist_key", "is_partial"]
