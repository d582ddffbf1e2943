"""How a doxguard notice looks on Discord: an embed plus persistent buttons.

The buttons are `DynamicItem`s: their custom_id carries the action and the
incident id, and one template registered at start matches every notice ever
posted, so buttons keep working after a restart without remembering views.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.models import IncidentStatus, Notice

if TYPE_CHECKING:  # pragma: no cover - typing only
    from adapters.discord_adapter import DiscordAdapter

log = logging.getLogger("doxguard.discord")

LABELS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "restore": ("Restore", discord.ButtonStyle.secondary),
    "confirm": ("Confirm", discord.ButtonStyle.danger),
    "dismiss": ("Dismiss", discord.ButtonStyle.success),
    "timeout": ("Time out author", discord.ButtonStyle.secondary),
}
CUSTOM_ID = "doxguard:{action}:{incident}"
_TEMPLATE = (
    r"doxguard:(?P<action>restore|confirm|dismiss|timeout):(?P<incident>[A-Za-z0-9_-]{1,60})"
)

_COLOURS: dict[IncidentStatus, discord.Colour] = {
    IncidentStatus.HIDDEN: discord.Colour.red(),
    IncidentStatus.HIDE_FAILED: discord.Colour.orange(),
    IncidentStatus.REVIEW: discord.Colour.gold(),
    IncidentStatus.RESTORED: discord.Colour.green(),
    IncidentStatus.CONFIRMED: discord.Colour.dark_red(),
    IncidentStatus.DISMISSED: discord.Colour.light_grey(),
}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notice_embed(notice: Notice) -> discord.Embed:
    """The notice as an embed; every value in it is already masked by the engine."""
    embed = discord.Embed(
        title=_clip(f"{notice.headline} — {notice.incident_id}", 256),
        colour=_COLOURS.get(notice.status, discord.Colour.red()),
    )
    cats = "\n".join(f"**{c.title}** (`{c.id.value}`) — {c.wording}" for c in notice.categories)
    if cats:
        embed.add_field(name="Ordinance category", value=_clip(cats, 1024), inline=False)
    if notice.protected:
        who = "\n".join(s.describe() for s in notice.protected)
        embed.add_field(name="Protected", value=_clip(who, 1024), inline=False)
    author = notice.author_name or "unknown"
    if notice.reason:
        embed.add_field(name="Why", value=_clip(notice.reason, 1024), inline=False)
    embed.add_field(name="Author", value=_clip(f"{author} (<@{notice.author}>)", 1024))
    embed.add_field(name="Channel", value=f"<#{notice.channel}>")
    embed.add_field(name="Excerpt", value=_clip(notice.excerpt or "—", 1024), inline=False)
    if notice.intent:
        embed.add_field(name="Intent signals", value=_clip(", ".join(notice.intent), 1024))
    if notice.hide_error:
        embed.add_field(name="Not hidden", value=_clip(notice.hide_error, 1024), inline=False)
    embed.set_footer(text=f"doxguard · {notice.status.value}")
    return embed


def notice_view(notice: Notice) -> discord.ui.View:
    """Buttons for the actions the engine offers on this incident."""
    view = discord.ui.View(timeout=None)
    for action in notice.available_actions:
        if action in LABELS:
            view.add_item(IncidentButton(action, notice.incident_id))
    return view


class IncidentButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_TEMPLATE):
    """A notice button; the press goes to `Moderator.press`, which checks the caller."""

    def __init__(self, action: str, incident_id: str) -> None:
        label, style = LABELS[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=CUSTOM_ID.format(action=action, incident=incident_id),
            )
        )
        self.action = action
        self.incident_id = incident_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: Any,
        /,
    ) -> IncidentButton:
        return cls(match["action"], match["incident"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        adapter: DiscordAdapter = interaction.client.doxguard
        await adapter.on_button(interaction, self.action, self.incident_id)
