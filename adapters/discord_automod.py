"""Optional pre-emptive blocking with a Discord AutoMod keyword rule.

AutoMod runs before a message is posted, but only understands a few regexes
(Rust syntax, at most 10 patterns of 260 characters per rule), so the rule only
covers the highest-precision shapes: SSNs, and a registered servant's name
right next to a phone-like digit run. Everything else stays with the engine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord

log = logging.getLogger("doxguard.discord")

RULE_NAME = "doxguard: personal information of public servants"
MAX_PATTERNS = 10
MAX_PATTERN_LENGTH = 260

# 123-45-6789 / 123 45 6789, not starting 000/666/9xx, group and serial not zero
SSN_PATTERN = r"\b(?:00[1-9]|0[1-9]\d|[1-578]\d\d|6[0-57-9]\d|66[0-57-9])[- ](?:0[1-9]|[1-9]\d)[- ](?:000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d\d\d)\b"  # noqa: E501
# a name, then up to 30 non-digit characters, then a 10-digit phone shape
_NAME_PREFIX = "(?i)\\b(?:"
_NAME_SUFFIX = ")\\b\\D{0,30}\\(?\\d{3}\\)?[\\s.-]?\\d{3}[\\s.-]?\\d{4}\\b"
_META = set("\\.+*?()|[]{}^$#&-~")


def rust_escape(text: str) -> str:
    """Escape a literal for Rust's regex crate; runs of spaces match any whitespace."""
    out: list[str] = []
    for word in text.split():
        out.append("".join(f"\\{ch}" if ch in _META else ch for ch in word))
    return r"\s+".join(out)


def build_patterns(names: Iterable[str]) -> tuple[list[str], int]:
    """The rule's regexes, and how many names did not fit within AutoMod's limits."""
    patterns = [SSN_PATTERN]
    budget = MAX_PATTERN_LENGTH - len(_NAME_PREFIX) - len(_NAME_SUFFIX)
    current: list[str] = []
    left_out = 0
    unique = sorted({n.strip() for n in names if n and n.strip()}, key=str.casefold)
    for name in unique:
        escaped = rust_escape(name)
        if len(escaped) > budget:
            left_out += 1
            continue
        if current and len("|".join([*current, escaped])) > budget:
            if len(patterns) >= MAX_PATTERNS:
                left_out += 1
                continue
            patterns.append(_NAME_PREFIX + "|".join(current) + _NAME_SUFFIX)
            current = []
        current.append(escaped)
    if current:
        if len(patterns) < MAX_PATTERNS:
            patterns.append(_NAME_PREFIX + "|".join(current) + _NAME_SUFFIX)
        else:
            left_out += len(current)
    return patterns, left_out


async def install_rule(
    guild: discord.Guild, names: Iterable[str], alert_channel: int | None
) -> None:
    """Create or update doxguard's keyword rule in `guild` (needs Manage Server)."""
    patterns, left_out = build_patterns(names)
    if left_out:
        log.warning(
            "AutoMod: %d servant names did not fit in the rule's limits; the engine still "
            "covers them after posting", left_out,
        )
    trigger = discord.AutoModTrigger(
        type=discord.AutoModRuleTriggerType.keyword, regex_patterns=patterns
    )
    actions = [
        discord.AutoModRuleAction(
            custom_message="Blocked: this looks like personal information of a public servant."
        )
    ]
    if alert_channel is not None:
        actions.append(discord.AutoModRuleAction(channel_id=alert_channel))
    rules = await guild.fetch_automod_rules()
    existing = next((r for r in rules if r.name == RULE_NAME), None)
    reason = "doxguard: pre-emptive blocking enabled in config"
    if existing is None:
        await guild.create_automod_rule(
            name=RULE_NAME,
            event_type=discord.AutoModRuleEventType.message_send,
            trigger=trigger,
            actions=actions,
            enabled=True,
            reason=reason,
        )
        log.info("AutoMod: rule created in guild %s (%d patterns)", guild.id, len(patterns))
    else:
        await existing.edit(trigger=trigger, actions=actions, enabled=True, reason=reason)
        log.info("AutoMod: rule updated in guild %s (%d patterns)", guild.id, len(patterns))
