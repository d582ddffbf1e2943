"""Readers for chat exports: DiscordChatExporter JSON and Slack workspace exports.

Both turn an export on disk into `ChatMessage`s in conversation order, the way
the live adapters would have delivered them, so replay links context (replies,
threads) exactly as it does live. A broken file or record is reported (file and
position) through `problems` and skipped; the rest is still read.

Formats, as their tools write them:
- DiscordChatExporter (JSON): one file per channel, `{"guild": {id, name},
  "channel": {id, type, categoryId, category, name, topic}, "messages": [{id,
  type, timestamp, timestampEdited, content, author: {id, name, nickname,
  isBot, ...}, attachments, embeds, reference: {messageId, channelId, guildId},
  ...}], "messageCount": N}`.
- Slack export: a folder with `users.json`, `channels.json` (and `groups.json`,
  `mpims.json`, `dms.json` when present) and one folder per channel holding
  daily `YYYY-MM-DD.json` arrays of messages `{type, subtype?, user, text, ts,
  thread_ts?, bot_id?, files?}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.models import ChatMessage

Problem = Callable[[str], None]


class ExportError(Exception):
    """The path is not an export doxguard can read (the message says why)."""


@dataclass(slots=True)
class ExportReader:
    """Detects the format of `path` and yields its messages in order."""

    path: Path
    problems: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return detect_format(self.path)

    def messages(self) -> Iterator[ChatMessage]:
        kind = self.kind
        if kind == "slack":
            yield from read_slack_export(self.path, self.problems.append)
        else:
            yield from read_discord_exports(self.path, self.problems.append)


def detect_format(path: Path) -> str:
    """'discord' or 'slack'; raises ExportError when neither fits."""
    if not path.exists():
        raise ExportError(f"{path}: no such file or folder")
    if path.is_dir():
        if (path / "channels.json").is_file() or (path / "users.json").is_file():
            return "slack"
        if any(path.rglob("*.json")):
            return "discord"
        raise ExportError(f"{path}: folder holds no .json export files")
    if path.suffix.lower() == ".json":
        return "discord"
    raise ExportError(f"{path}: not a .json export file or an export folder")


def _load_json(path: Path, problem: Problem) -> Any | None:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        problem(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); file skipped")
    except UnicodeDecodeError as exc:
        problem(f"{path}: byte {exc.start}: not UTF-8 text; file skipped")
    except OSError as exc:
        problem(f"{path}: cannot read ({exc.strerror}); file skipped")
    return None


def _timestamp(value: Any) -> float:
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return 0.0
    return 0.0


# --------------------------------------------------------------------------
# DiscordChatExporter


def read_discord_exports(path: Path, problem: Problem) -> Iterator[ChatMessage]:
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    for file in files:
        yield from read_discord_export(file, problem)


def read_discord_export(file: Path, problem: Problem) -> Iterator[ChatMessage]:
    data = _load_json(file, problem)
    if data is None:
        return
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        problem(f'{file}: not a DiscordChatExporter JSON export (no "messages" list); skipped')
        return
    guild = data.get("guild") if isinstance(data.get("guild"), dict) else {}
    channel = data.get("channel") if isinstance(data.get("channel"), dict) else {}
    channel_id = str(channel.get("id") or file.stem)
    channel_name = str(channel.get("name") or channel_id)
    # threads and forum posts: the parent channel is written as "category"
    is_thread = "Thread" in str(channel.get("type", ""))
    for index, raw in enumerate(data["messages"]):
        where = f"{file}: messages[{index}]"
        if not isinstance(raw, dict):
            problem(f"{where}: not an object; skipped")
            continue
        mid, content = raw.get("id"), raw.get("content", "")
        author = raw.get("author") if isinstance(raw.get("author"), dict) else None
        if mid is None or author is None or not isinstance(content, str):
            problem(f"{where}: missing id, author or content; skipped")
            continue
        ref = raw.get("reference") if isinstance(raw.get("reference"), dict) else {}
        reply_to = ref.get("messageId") if ref.get("channelId") in (None, channel_id) else None
        yield ChatMessage(
            id=str(mid),
            channel=channel_id,
            channel_name=channel_name,
            author=str(author.get("id", "")),
            author_name=str(author.get("nickname") or author.get("name") or ""),
            author_is_bot=bool(author.get("isBot", False)),
            text=content,
            platform="discord",
            server=str(guild.get("id", "")),
            reply_to=str(reply_to) if reply_to else None,
            thread=channel_id if is_thread else None,
            timestamp=_timestamp(raw.get("timestamp")),
        )


# --------------------------------------------------------------------------
# Slack workspace export

_SKIPPED_SUBTYPES = frozenset(
    {
        "channel_join",
        "channel_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "bot_message",
        "pinned_item",
        "bot_add",
        "bot_remove",
        "group_join",
        "group_leave",
    }
)


def _slack_channels(root: Path, problem: Problem) -> dict[str, dict[str, Any]]:
    """Folder name -> channel record, from channels.json and its private siblings."""
    found: dict[str, dict[str, Any]] = {}
    for name in ("channels.json", "groups.json", "mpims.json", "dms.json"):
        file = root / name
        if not file.is_file():
            continue
        data = _load_json(file, problem)
        if data is None:
            continue
        if not isinstance(data, list):
            problem(f"{file}: expected a list of channels; skipped")
            continue
        for i, ch in enumerate(data):
            if not isinstance(ch, dict) or "id" not in ch:
                problem(f"{file}: [{i}]: channel without an id; skipped")
                continue
            folder = str(ch.get("name") or ch["id"])
            found[folder] = ch
    return found


def _slack_users(root: Path, problem: Problem) -> dict[str, str]:
    file = root / "users.json"
    if not file.is_file():
        return {}
    data = _load_json(file, problem)
    names: dict[str, str] = {}
    if isinstance(data, list):
        for user in data:
            if isinstance(user, dict) and "id" in user:
                profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
                names[str(user["id"])] = str(
                    profile.get("display_name") or user.get("real_name") or user.get("name") or ""
                )
    return names


def read_slack_export(root: Path, problem: Problem) -> Iterator[ChatMessage]:
    channels = _slack_channels(root, problem)
    users = _slack_users(root, problem)
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    team = ""
    for folder in folders:
        ch = channels.get(folder.name, {"id": folder.name, "name": folder.name})
        channel_id = str(ch.get("id", folder.name))
        channel_name = str(ch.get("name") or folder.name)
        for day in sorted(folder.glob("*.json")):
            data = _load_json(day, problem)
            if data is None:
                continue
            if not isinstance(data, list):
                problem(f"{day}: expected a list of messages; skipped")
                continue
            records = []
            for index, raw in enumerate(data):
                where = f"{day}: [{index}]"
                if not isinstance(raw, dict):
                    problem(f"{where}: not an object; skipped")
                    continue
                if raw.get("type", "message") != "message":
                    continue
                if raw.get("subtype") in _SKIPPED_SUBTYPES or raw.get("bot_id"):
                    continue
                ts, text = raw.get("ts"), raw.get("text", "")
                if not isinstance(ts, str) or not isinstance(text, str):
                    problem(f"{where}: missing ts or text; skipped")
                    continue
                records.append(raw)
            records.sort(key=lambda r: float(r["ts"]) if _is_number(r["ts"]) else 0.0)
            for raw in records:
                ts = raw["ts"]
                thread_ts = raw.get("thread_ts")
                reply_to = str(thread_ts) if thread_ts and thread_ts != ts else None
                user = str(raw.get("user", ""))
                team = str(raw.get("team") or raw.get("user_team") or team)
                yield ChatMessage(
                    id=ts,
                    channel=channel_id,
                    channel_name=channel_name,
                    author=user,
                    author_name=users.get(user, ""),
                    text=raw["text"],
                    platform="slack",
                    server=team,
                    reply_to=reply_to,
                    thread=str(thread_ts) if thread_ts else None,
                    timestamp=float(ts) if _is_number(ts) else 0.0,
                )


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
