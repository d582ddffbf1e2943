"""The Moderator: the platform-neutral engine every adapter plugs into.

It receives `ChatMessage` events (new, edit, delete), scans them with the
channel's recent context, and carries out the verdict through a `Platform`, in
an order that loses nothing: the incident and its sealed original are
committed first, then the message is hidden, then moderators are told (with
retries). A crash anywhere in between is resumed by `Moderator.create`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from bot.models import Caller, ChatMessage, CommandReply, CommandRequest, Incident
from bot.platform import Platform

if TYPE_CHECKING:  # pragma: no cover - typing only
    from bot.config import Config
    from bot.registry import Registry

log = logging.getLogger("doxguard.engine")


class Moderator:
    """One running bot: config, store, pipeline and the platform it acts on."""

    @classmethod
    async def create(
        cls,
        config: Config,
        platform: Platform,
        *,
        db_path: str | Path | None = None,
        registry: Registry | None = None,
        retry_delay: float = 0.5,
    ) -> Moderator:
        """Open the store (":memory:" allowed; default `config.database_path`), migrate it,
        merge the file registry (or `registry`) with servants changed by commands,
        build the pipeline and resume unfinished work (PENDING incidents are hidden
        again, unsent notices are sent). `retry_delay` is the first backoff step.
        """
        raise NotImplementedError

    async def handle(self, message: ChatMessage) -> Incident | None:
        """Process one event; returns the message's incident, or None when it is allowed.

        Idempotent: a replayed event or an edit of an already-flagged message
        returns the existing incident and never makes a second one.
        """
        raise NotImplementedError

    def is_moderator(self, caller: Caller) -> bool:
        """True when config lists the caller ("platform:user_id") or one of their roles,
        or they are a console moderator. The adapter's view of permissions is not trusted.
        """
        raise NotImplementedError

    async def run_command(self, request: CommandRequest) -> CommandReply:
        """Run a moderator command after checking the caller (refused otherwise)."""
        raise NotImplementedError

    async def press(self, caller: Caller, action: str, incident_id: str) -> CommandReply:
        """A notice button: "restore" | "confirm" | "dismiss" | "timeout" (caller checked)."""
        raise NotImplementedError

    async def complete(self, kind: str, prefix: str) -> list[str]:
        """Autocomplete: kind "servant" (names) or "incident" (recent ids), at most 25."""
        raise NotImplementedError

    async def get_cursor(self, platform: str, channel: str) -> str | None:
        """Id of the newest message seen in the channel (for backfill after downtime)."""
        raise NotImplementedError

    async def purge_expired(self) -> int:
        """Delete sealed originals older than `storage.retention_days`; returns how many."""
        raise NotImplementedError

    async def close(self) -> None:
        """Stop background work and close the store."""
        raise NotImplementedError
