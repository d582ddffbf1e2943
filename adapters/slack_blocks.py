"""Block Kit and text renderings of what doxguard posts in Slack.

Everything user-supplied is escaped (`escape_mrkdwn`), so a notice or a
restored message can never ping `@channel` or carry a disguised link, and
every field is trimmed to Slack's limits so a long excerpt cannot make
`chat.postMessage` fail with `invalid_blocks`.
"""

from __future__ import annotations

import re
from typing import Any

from adapters.slack_events import LINK_MARKUP, escape_mrkdwn
from bot.models import Incident, Notice

ACTION_PREFIX = "doxguard_"
BUTTONS: dict[str, tuple[str, str | None]] = {
    # action → (label, Block Kit style)
    "restore": ("Restore", None),
    "confirm": ("Confirm", "danger"),
    "dismiss": ("Dismiss", "primary"),
}
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
HEADER_LIMIT = 150
MESSAGE_LIMIT = 39_000


def _trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _user_quiet(user_id: str, name: str) -> str:
    """Name and id without a mention, so a notice does not ping the author."""
    if name and user_id:
        return f"{escape_mrkdwn(name)} (`{escape_mrkdwn(user_id)}`)"
    return f"`{escape_mrkdwn(user_id or name or 'unknown')}`"


def _channel(platform: str, channel_id: str, name: str) -> str:
    if platform == "slack" and channel_id:
        return f"<#{channel_id}>"
    return "#" + escape_mrkdwn(name or channel_id)


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in (text.splitlines() or [""]))


def notice_blocks(notice: Notice) -> list[dict[str, Any]]:
    """The moderators-channel notice: what was caught, about whom, and the buttons."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _trim(f"doxguard: {notice.headline}",
                                                         HEADER_LIMIT)},
        },
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Incident*\n`{escape_mrkdwn(notice.incident_id)}`"},
                {"type": "mrkdwn", "text": f"*Status*\n{escape_mrkdwn(notice.status.value)}"},
                {"type": "mrkdwn",
                 "text": f"*Author*\n{_user_quiet(notice.author, notice.author_name)}"},
                {"type": "mrkdwn",
                 "text": "*Channel*\n"
                 + _channel(notice.platform, notice.channel, notice.channel_name)},
            ],
        },
    ]
    if notice.categories:
        lines = [
            f"• *{escape_mrkdwn(c.title)}* (`{c.id.value}`) — ordinance: {escape_mrkdwn(c.wording)}"
            for c in notice.categories
        ]
        blocks.append({
            "type": "section",
            "text": {"type": "mrkdwn",
                     "text": _trim("*Ordinance categories*\n" + "\n".join(lines), SECTION_LIMIT)},
        })
    if notice.protected:
        lines = [f"• {escape_mrkdwn(s.describe())}" for s in notice.protected]
        blocks.append({
            "type": "section",
            "text": {"type": "mrkdwn",
                     "text": _trim("*Protected*\n" + "\n".join(lines), SECTION_LIMIT)},
        })
    if notice.reason:
        blocks.append({
            "type": "section",
            "text": {"type": "mrkdwn",
                     "text": _trim("*Why*\n" + escape_mrkdwn(notice.reason), SECTION_LIMIT)},
        })
    blocks.append({
        "type": "section",
        "text": {"type": "mrkdwn",
                 "text": _trim("*Excerpt (masked)*\n" + _quote(escape_mrkdwn(notice.excerpt)),
                               SECTION_LIMIT)},
    })
    context: list[str] = []
    if notice.intent:
        context.append("Intent signals: " + escape_mrkdwn(", ".join(notice.intent)))
    if notice.hide_error:
        context.append(":warning: Not hidden: " + escape_mrkdwn(notice.hide_error))
    if context:
        blocks.append({
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": _trim(c, FIELD_LIMIT)} for c in context],
        })
    buttons = []
    for action in notice.available_actions:
        if action not in BUTTONS:
            continue  # Slack has no member timeouts
        label, style = BUTTONS[action]
        button: dict[str, Any] = {
            "type": "button",
            "action_id": ACTION_PREFIX + action,
            "text": {"type": "plain_text", "text": label},
            "value": notice.incident_id,
        }
        if style:
            button["style"] = style
        buttons.append(button)
    if buttons:
        blocks.append({"type": "actions", "block_id": "doxguard_actions", "elements": buttons})
    return blocks


def notice_fallback(notice: Notice) -> str:
    """Notification/fallback text for the notice (shown in pushes and old clients)."""
    where = _channel(notice.platform, notice.channel, notice.channel_name)
    return _trim(
        f"doxguard: {escape_mrkdwn(notice.headline)} — incident {notice.incident_id} in {where}",
        SECTION_LIMIT,
    )


def neutralise_mentions(markup: str) -> str:
    """Slack markup as posted, except that nothing in it can notify anyone.

    Formatting (`*bold*`, `_italics_`, code, quotes, lists, entities) and channel links
    stay; `<@U…>` becomes `@name` (or `@U…`), `<!channel>`/`<!here>`/`<!everyone>` and
    user groups become plain `@…` text (posted with link_names off), a link whose label
    differs from its target shows both, and any other `<…>` is escaped.
    """

    def one(m: re.Match[str]) -> str:
        target, label = m.group(1), m.group(2)
        if target.startswith("@"):
            return "@" + escape_mrkdwn(label.lstrip("@") if label else target[1:])
        if target.startswith("!"):
            special = target[1:].split("^", 1)[0]
            if special in ("here", "channel", "everyone"):
                return "@" + special
            return escape_mrkdwn(label or special)  # user groups (`@mods`), dates
        if target.startswith("#"):
            return m.group(0)  # a channel link notifies nobody
        if target.startswith(("http://", "https://", "mailto:", "tel:")):
            if label and label != target and label != target.split(":", 1)[1]:
                return f"{escape_mrkdwn(label)} (<{target}>)"  # never a disguised link
            return f"<{target}>"
        return escape_mrkdwn(m.group(0))

    return LINK_MARKUP.sub(one, markup)


def restored_text(incident: Incident, original_markup: str) -> str:
    """A restored message, quoted and attributed to its author without pinging them, in
    the author's own formatting with every mention neutralised."""
    author = _user_quiet(incident.author, incident.author_name)
    head = f":leftwards_arrow_with_hook: *Restored by moderators* — originally posted by {author}:"
    return _trim(head + "\n" + _quote(neutralise_mentions(original_markup)), MESSAGE_LIMIT)


def command_reply_text(text: str) -> str:
    """A command reply: escaped, multi-line replies in a code block to keep their layout."""
    safe = escape_mrkdwn(text)
    if "\n" in safe and "```" not in safe:
        safe = f"```{safe}```"
    return _trim(safe, MESSAGE_LIMIT)


def please_remove_text(author: str) -> str:
    """The in-thread request to the author when the bot cannot delete (no PII repeated)."""
    who = f"<@{author}> " if author else ""
    return (
        f"{who}this message appears to share personal information about a protected public "
        "servant or their family, which is not allowed here. Please delete it. "
        "The moderators have been notified."
    )
