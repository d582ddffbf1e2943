"""`doxguard replay`: run the engine over a chat export, touching no platform.

The export's messages go through the real `Moderator` (in-memory store, a
platform that only records), so what replay reports is what the live bot would
have done: one JSON line per incident, and a human summary on stderr. On a
terminal a progress line (tqdm) shows how far it got; the engine's per-incident
log lines only appear with `-v`. Exit status: 0, 2 when the path is not an export,
3 when parts of it were skipped (the summary lists them).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from bot.config import Config
from bot.models import ChatMessage, Incident, Notice
from bot.platform import HideOutcome
from bot.registry import load_servants


class ReplayPlatform:
    """A platform that acts on nothing: replay only reports what would happen."""

    name = "replay"

    async def hide(self, message: ChatMessage) -> HideOutcome:
        return HideOutcome(ok=True)

    async def notify_moderators(self, notice: Notice) -> None:
        return None

    async def repost(self, incident: Incident, original_text: str) -> None:
        return None

    async def notify_author(self, message: ChatMessage, text: str) -> None:
        return None

    async def timeout_author(self, message: ChatMessage, minutes: int, reason: str) -> bool:
        return False


def incident_record(incident: Incident) -> dict[str, Any]:
    return {
        "incident": incident.id,
        "platform": incident.platform,
        "server": incident.server,
        "channel": incident.channel_name or incident.channel,
        "channel_id": incident.channel,
        "message_id": incident.message_id,
        "author": incident.author_name or incident.author,
        "author_id": incident.author,
        "action": incident.action.value,
        "categories": [c.value for c in incident.categories],
        "servants": list(incident.servants),
        "excerpt": incident.excerpt,
    }


def summary(incidents: list[Incident], messages: int, problems: list[str]) -> str:
    lines = [f"replay: {messages} messages read, {len(incidents)} incidents"]
    actions = Counter(i.action.value for i in incidents)
    if actions:
        lines.append("  by action: " + ", ".join(f"{k} {v}" for k, v in actions.most_common()))
    tables = (
        ("category", Counter(c.value for i in incidents for c in i.categories)),
        ("servant", Counter(s for i in incidents for s in i.servants)),
        ("channel", Counter(f"#{i.channel_name or i.channel}" for i in incidents)),
    )
    for title, counts in tables:
        if counts:
            lines.append(f"  by {title}:")
            lines.extend(f"    {n:5d}  {key}" for key, n in counts.most_common())
    if problems:
        lines.append(f"  {len(problems)} problem(s) in the export (those parts were skipped; "
                     f"exit status {EXIT_SKIPPED}):")
        lines.extend(f"    {p}" for p in problems)
    return "\n".join(lines)


EXIT_SKIPPED = 3  # the replay finished, but parts of the export could not be read


@contextlib.contextmanager
def _engine_logs(verbose: bool) -> Iterator[None]:
    """Keep the engine's info lines (one per incident) out of the way unless -v."""
    logger = logging.getLogger("doxguard")
    before = logger.level
    if not verbose:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(before)


def _progress(err: TextIO) -> tqdm[Any]:
    """A progress line on a terminal; nothing at all when stderr is a file or a pipe."""
    interactive = bool(getattr(err, "isatty", lambda: False)())
    return tqdm(desc="replay", unit=" messages", file=err, disable=not interactive,
                mininterval=0.5, leave=False, dynamic_ncols=True)


async def replay_into(config: Config, servants: Path, path: Path, out: TextIO, err: TextIO,
                      *, verbose: bool = False) -> int:
    with _engine_logs(verbose):
        return await _replay(config, servants, path, out, err)


async def _replay(config: Config, servants: Path, path: Path, out: TextIO, err: TextIO) -> int:
    from adapters.exports import ExportError, ExportReader
    from bot.engine import Moderator

    reader = ExportReader(path)
    try:
        kind = reader.kind
    except ExportError as exc:
        print(f"doxguard: {exc}", file=err)
        return 2
    registry = load_servants(servants, config.detection.default_region)
    # replay never writes the operator's database: an in-memory store, no sealing
    storage = dataclasses.replace(config.storage, encryption_key_env="")
    config = dataclasses.replace(config, storage=storage)
    moderator = await Moderator.create(
        config, ReplayPlatform(), db_path=":memory:", registry=registry, sweep=False
    )
    incidents: list[Incident] = []
    seen: set[str] = set()
    count = 0
    progress = _progress(err)
    try:
        for message in reader.messages():
            count += 1
            progress.update()
            if message.author_is_bot:
                continue
            incident = await moderator.handle(message)
            if incident is not None and incident.id not in seen:
                seen.add(incident.id)
                incidents.append(incident)
                out.write(json.dumps(incident_record(incident), ensure_ascii=False) + "\n")
    finally:
        progress.close()
        await moderator.close()
    out.flush()
    print(f"replay: {kind} export at {path}", file=err)
    print(summary(incidents, count, reader.problems), file=err)
    return EXIT_SKIPPED if reader.problems else 0


def replay(config: Config, servants: Path, path: Path, out: str | None,
           verbose: bool = False) -> int:
    """CLI entry: incidents to `out` (stdout when None), summary to stderr."""
    if out is None:
        return asyncio.run(replay_into(config, servants, path, sys.stdout, sys.stderr,
                                       verbose=verbose))
    with open(out, "w", encoding="utf-8") as fh:
        return asyncio.run(replay_into(config, servants, path, fh, sys.stderr, verbose=verbose))
