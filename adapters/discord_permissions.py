"""The Discord permissions doxguard needs, the invite URL, and a memory of refusals.

One place says which permission each action needs, so the start-up check, the
invite URL and the docs agree; `Refusals` remembers a 403 per guild/channel so a
missing permission costs one failed request, not one per message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import discord

# permission attribute -> why doxguard needs it (docs/_readme/discord.md repeats this)
REQUIRED: dict[str, str] = {
    "view_channel": "see the channels it watches",
    "read_message_history": "backfill messages posted while it was offline",
    "send_messages": "post notices in the mod-log channel",
    "embed_links": "render notices as embeds",
    "manage_messages": "delete (hide) doxxing messages",
    "manage_webhooks": "repost restored messages under the author's name",
    "moderate_members": "time authors out when timeout_minutes is set",
}
AUTOMOD: dict[str, str] = {"manage_guild": "install the optional AutoMod rule"}
SCOPES: tuple[str, ...] = ("bot", "applications.commands")

# Discord's display names, for log lines moderators recognise
TITLES: dict[str, str] = {
    "view_channel": "View Channel",
    "read_message_history": "Read Message History",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "manage_messages": "Manage Messages",
    "manage_webhooks": "Manage Webhooks",
    "moderate_members": "Moderate Members",
    "manage_guild": "Manage Server",
}


def required_permissions(*, automod: bool = False) -> discord.Permissions:
    """Exactly the bits the bot asks for: the base set, plus Manage Server for AutoMod."""
    names = dict(REQUIRED)
    if automod:
        names.update(AUTOMOD)
    return discord.Permissions(**dict.fromkeys(names, True))


def invite_url(client_id: str, *, automod: bool = False) -> str:
    """The OAuth2 URL that adds the bot with exactly the scopes and permissions it needs."""
    return discord.utils.oauth_url(
        client_id, permissions=required_permissions(automod=automod), scopes=SCOPES
    )


def missing(have: discord.Permissions, *, automod: bool = False) -> list[str]:
    """Titles of the needed permissions `have` lacks (administrator implies all)."""
    if have.administrator:
        return []
    want = required_permissions(automod=automod)
    return [TITLES[name] for name, value in want if value and not getattr(have, name)]


@dataclass(slots=True)
class Refusals:
    """Remembers "Discord said 403 for <action> in <scope>" for a while.

    Permissions change rarely and every refused request still counts against the
    rate limit, so after one 403 the adapter answers from memory until `ttl`
    passes or the guild's roles/channels change (`forget_guild`).
    """

    ttl: float = 600.0
    _until: dict[tuple[str, str], float] = field(default_factory=dict, init=False)

    def remember(self, action: str, scope: str) -> None:
        self._until[(action, scope)] = time.monotonic() + self.ttl

    def refused(self, action: str, scope: str) -> bool:
        until = self._until.get((action, scope))
        if until is None:
            return False
        if until < time.monotonic():
            del self._until[(action, scope)]
            return False
        return True

    def forget_guild(self, guild_id: str) -> None:
        for key in [k for k in self._until if k[1].startswith(f"{guild_id}/") or k[1] == guild_id]:
            del self._until[key]
