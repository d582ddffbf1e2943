"""The port every adapter implements: what the core asks a chat platform to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.models import ChatMessage, Incident, Notice


@dataclass(frozen=True, slots=True)
class HideOutcome:
    """Whether hiding worked; `error` is a short, PII-free reason when it did not."""

    ok: bool
    error: str | None = None
    retryable: bool = False


@runtime_checkable
class Platform(Protocol):
    """Carries out the core's requests on one chat platform.

    Adapters translate; they never decide. Methods raise `PlatformError` for
    failures the engine should retry (rate limits, 5xx, dropped connections).
    """

    name: str

    async def hide(self, message: ChatMessage) -> HideOutcome:
        """Remove the message from the channel (delete it)."""
        ...

    async def notify_moderators(self, notice: Notice) -> None:
        """Post the notice where the server's moderators read it."""
        ...

    async def repost(self, incident: Incident, original_text: str) -> None:
        """Put a restored message back in its channel with clear attribution."""
        ...

    async def notify_author(self, message: ChatMessage, text: str) -> None:
        """Tell the author why their message was hidden (never repeats the PII)."""
        ...

    async def timeout_author(self, message: ChatMessage, minutes: int, reason: str) -> bool:
        """Time the author out; False when the platform cannot."""
        ...


class PlatformError(Exception):
    """A platform call failed; `retryable` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


class StartError(Exception):
    """A platform cannot start: one line for the operator (what failed, which setting or
    environment variable, what to do). `doxguard run` prints it and exits 2, with no
    traceback: a wrong token or an unreachable API is a setting to fix, not a crash."""


def connection_problem(exc: BaseException) -> str:
    """`host:port: reason` of a failed connection, without the library's wording."""
    host, port = getattr(exc, "host", None), getattr(exc, "port", None)
    cause = getattr(exc, "os_error", None) or exc.__cause__ or exc
    reason = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
    return f"{host}:{port}: {reason}" if host else reason


class DropLogNoise:
    """A logging filter that drops library messages an operator cannot act on
    (a voice library that is not installed, a token the framework will not use)."""

    def __init__(self, *fragments: str):
        self.fragments = fragments

    def filter(self, record: object) -> bool:
        message = getattr(record, "msg", "")
        return not any(f in str(message) for f in self.fragments)


class PlatformRouter:
    """One engine for several platforms: each request goes to the adapter of its platform.

    `Moderator` talks to this like to any `Platform`. A request for a platform this
    process does not run raises a non-retryable PlatformError (never another platform's
    adapter), and `serves` lets the engine leave such incidents to the process that runs it.
    """

    def __init__(self, platforms: dict[str, Platform]):
        self.platforms = dict(platforms)
        self.name = "+".join(self.platforms) or "none"

    def serves(self, platform: str) -> bool:
        return platform in self.platforms

    def serves_server(self, platform: str, server: str) -> bool:
        """Whether this process acts for `server` (a Discord shard process: its guilds only)."""
        owns = getattr(self.platforms.get(platform), "serves_server", None)
        return platform in self.platforms and (not callable(owns) or bool(owns(platform, server)))

    def _for(self, platform: str) -> Platform:
        adapter = self.platforms.get(platform)
        if adapter is None:
            raise PlatformError(f"no {platform or 'unknown'} adapter in this process")
        return adapter

    async def hide(self, message: ChatMessage) -> HideOutcome:
        return await self._for(message.platform).hide(message)

    async def notify_moderators(self, notice: Notice) -> None:
        await self._for(notice.platform).notify_moderators(notice)

    async def repost(self, incident: Incident, original_text: str) -> None:
        await self._for(incident.platform).repost(incident, original_text)

    async def notify_author(self, message: ChatMessage, text: str) -> None:
        await self._for(message.platform).notify_author(message, text)

    async def timeout_author(self, message: ChatMessage, minutes: int, reason: str) -> bool:
        return await self._for(message.platform).timeout_author(message, minutes, reason)
