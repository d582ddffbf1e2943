"""Slack event payloads → the fields of a `ChatMessage`, with no I/O.

Kept apart from the bolt wiring so the translation rules (which subtypes count,
what is a bot, how Slack's markup becomes scannable text, which files are text)
can be read and tested on their own.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from bot.models import EventKind

# Message subtypes that carry a person's words; everything else (joins, topic
# changes, pins, ...) is ignored.
_NEW_SUBTYPES = frozenset({"", "thread_broadcast", "file_share", "me_message"})
# Channel types the bot watches: public ("channel") and private ("group") channels.
_WATCHED_CHANNEL_TYPES = frozenset({"channel", "group", ""})

LINK_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")  # Slack's <target|label>
_LINK = LINK_MARKUP

# Files whose bytes are text we can scan. Slack snippets report their language
# as `filetype`; uploads report a MIME type.
_TEXT_MIME_PREFIXES = ("text/",)
_TEXT_MIMES = frozenset({
    "application/json", "application/xml", "application/x-yaml", "application/yaml",
    "application/csv", "application/x-sh", "application/javascript", "application/x-python",
    "application/sql", "application/x-ndjson",
})
_TEXT_FILETYPES = frozenset({
    "text", "post", "markdown", "csv", "tsv", "json", "xml", "yaml", "html", "python",
    "javascript", "shell", "sql", "plain", "diff", "log", "ini", "toml",
})


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file shared with a message, as much as the event said about it."""

    id: str
    name: str
    size: int
    mimetype: str
    filetype: str
    url: str
    needs_info: bool  # Slack sent only a stub ("file_access": "check_file_info")
    is_text: bool


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """The platform-neutral fields of one watched message event, before files are fetched."""

    kind: EventKind
    id: str
    channel: str
    author: str
    text: str
    raw_text: str
    server: str
    thread: str | None
    reply_to: str | None
    timestamp: float
    event_id: str | None
    author_is_bot: bool
    files: tuple[FileRef, ...] = field(default=())

    def dedup_key(self) -> str:
        """Same message, same content: one key, whichever event id delivered it."""
        digest = hashlib.sha256()
        digest.update(self.raw_text.encode("utf-8", "surrogatepass"))
        for f in self.files:
            digest.update(b"\0" + f.id.encode())
        return f"{self.channel}:{self.id}:{self.kind.value}:{digest.hexdigest()[:24]}"


def slack_to_plain(text: str) -> str:
    """Slack's markup as a person reads it: `<mailto:a@b|a@b>` → `a@b`, `&lt;` → `<`.

    Detectors see what readers see, so a phone number or address is not split by
    link markup, and HTML entities do not hide digits or `@`.
    """

    def link(m: re.Match[str]) -> str:
        target, label = m.group(1), m.group(2)
        if target.startswith(("@", "#")):
            return target[0] + (label or target[1:])
        if target.startswith("!"):
            special = target[1:].split("^", 1)[0]
            if special in ("here", "channel", "everyone"):
                return "@" + special
            return label or special
        if target.startswith(("mailto:", "tel:", "sms:")):
            return label or target.split(":", 1)[1]
        if label and label not in target:
            return f"{label} {target}"
        return label or target

    plain = _LINK.sub(link, text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")


def command_text(text: str) -> str:
    """Slash-command text as arguments: `<@U123|bob>` → `U123` (authors are stored by id)."""
    return slack_to_plain(_USER_MENTION.sub(r"\1", text))


def escape_mrkdwn(text: str) -> str:
    """Escape text for Slack so it cannot ping (`<!channel>`) or fake links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _is_text_file(mimetype: str, filetype: str) -> bool:
    mime = mimetype.split(";", 1)[0].strip().lower()
    if mime.startswith(_TEXT_MIME_PREFIXES) or mime in _TEXT_MIMES:
        return True
    return filetype.lower() in _TEXT_FILETYPES


def file_ref(obj: dict[str, Any]) -> FileRef | None:
    """A FileRef from a Slack file object; None when it has no id."""
    file_id = str(obj.get("id") or "")
    if not file_id:
        return None
    mimetype = str(obj.get("mimetype") or "")
    filetype = str(obj.get("filetype") or "")
    url = str(obj.get("url_private_download") or obj.get("url_private") or "")
    size = obj.get("size")
    return FileRef(
        id=file_id,
        name=str(obj.get("name") or obj.get("title") or file_id),
        size=size if isinstance(size, int) and size >= 0 else -1,
        mimetype=mimetype,
        filetype=filetype,
        url=url,
        needs_info=obj.get("file_access") == "check_file_info" or not url,
        is_text=_is_text_file(mimetype, filetype),
    )


def _is_bot(msg: dict[str, Any], bot_user_id: str) -> bool:
    return bool(
        msg.get("bot_id")
        or msg.get("subtype") == "bot_message"
        or msg.get("bot_profile")
        or (bot_user_id and msg.get("user") == bot_user_id)
    )


def _same_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def file_ids(m: dict[str, Any]) -> list[Any]:
        files = m.get("files")
        if not isinstance(files, list):
            return []
        return [f.get("id") for f in files if isinstance(f, dict)]

    return a.get("text") == b.get("text") and file_ids(a) == file_ids(b)


def _ts_float(ts: str) -> float:
    try:
        return float(ts)
    except ValueError:
        return 0.0


def translate(body: dict[str, Any], *, bot_user_id: str, ignore_bots: bool) -> SlackMessage | None:
    """The watched message in an Events API body, or None when it is not one to scan.

    Ignored: the app's own messages always, other bots' when `ignore_bots`,
    direct messages, and non-message subtypes (joins, topics, ...).
    Raises nothing on malformed payloads: they come back as None.
    """
    event = body.get("event")
    if not isinstance(event, dict) or event.get("type") != "message":
        return None
    if str(event.get("channel_type") or "") not in _WATCHED_CHANNEL_TYPES:
        return None
    channel = event.get("channel")
    if not isinstance(channel, str) or not channel:
        return None
    subtype = str(event.get("subtype") or "")
    server = str(body.get("team_id") or event.get("team") or "")
    event_id = body.get("event_id") if isinstance(body.get("event_id"), str) else None

    if subtype == "message_deleted":
        ts = event.get("deleted_ts")
        if not isinstance(ts, str):
            return None
        prev = event.get("previous_message")
        prev = prev if isinstance(prev, dict) else {}
        return SlackMessage(
            kind=EventKind.DELETE, id=ts, channel=channel, author=str(prev.get("user") or ""),
            text="", raw_text="", server=server, thread=None, reply_to=None,
            timestamp=_ts_float(ts), event_id=event_id, author_is_bot=_is_bot(prev, bot_user_id),
        )

    if subtype == "message_changed":
        msg = event.get("message")
        if not isinstance(msg, dict):
            return None
        prev = event.get("previous_message")
        if isinstance(prev, dict) and _same_content(prev, msg):
            return None  # link unfurls and thread bookkeeping, not an edit of the words
        kind = EventKind.EDIT
    elif subtype in _NEW_SUBTYPES:
        msg = event
        kind = EventKind.NEW
    else:
        return None

    ts = msg.get("ts")
    raw = msg.get("text")
    if not isinstance(ts, str) or not ts:
        return None
    raw_text = raw if isinstance(raw, str) else ""
    is_bot = _is_bot(msg, bot_user_id)
    if bot_user_id and msg.get("user") == bot_user_id:
        return None  # our own notices and reposts: never scanned
    if is_bot and ignore_bots:
        return None
    if msg.get("subtype") == "tombstone":
        return None
    author = str(msg.get("user") or msg.get("bot_id") or "")
    thread_ts = msg.get("thread_ts") if isinstance(msg.get("thread_ts"), str) else None
    files_raw = msg.get("files") if isinstance(msg.get("files"), list) else []
    files = tuple(f for f in (file_ref(o) for o in files_raw if isinstance(o, dict)) if f)
    return SlackMessage(
        kind=kind,
        id=ts,
        channel=channel,
        author=author,
        text=slack_to_plain(raw_text),
        raw_text=raw_text,
        server=server,
        thread=thread_ts,
        reply_to=thread_ts if thread_ts and thread_ts != ts else None,
        timestamp=_ts_float(ts),
        event_id=event_id,
        author_is_bot=is_bot,
        files=files,
    )
