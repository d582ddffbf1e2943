"""An in-process Platform that records every call and can be told to fail.

Engine tests drive the real Moderator, store and pipeline against this fake;
it stands in for a chat platform the way the loopback servers stand in for
Discord and Slack in the adapter tests.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from bot.models import ChatMessage, Incident, Notice
from bot.platform import HideOutcome, PlatformError

_REASONS = {403: "forbidden", 404: "not found", 429: "rate limited"}


def platform_error(status: int) -> PlatformError:
    """The PlatformError an adapter raises for an HTTP status (429 and 5xx are retryable)."""
    retryable = status == 429 or status >= 500
    return PlatformError(_REASONS.get(status, f"server error {status}"), retryable=retryable,
                         status=status)


class Crash(BaseException):
    """Raised by the fake to simulate the process dying mid-call (not caught as Exception)."""


@dataclass
class FakePlatform:
    name: str = "fake"
    hidden: list[ChatMessage] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    reposts: list[tuple[Incident, str]] = field(default_factory=list)
    author_notes: list[tuple[ChatMessage, str]] = field(default_factory=list)
    timeouts: list[tuple[ChatMessage, int, str]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    can_timeout: bool = True
    gate: asyncio.Event | None = None  # when set, hide() waits for it (work caught in flight)
    hide_started: asyncio.Event = field(default_factory=asyncio.Event)
    _failures: dict[str, deque[BaseException | HideOutcome]] = field(default_factory=dict)

    def fail_next(self, method: str, *failures: int | BaseException | HideOutcome) -> None:
        """Make the next calls of `method` fail: an HTTP status, an exception, or (for hide)
        a HideOutcome to return."""
        queue = self._failures.setdefault(method, deque())
        for f in failures:
            queue.append(platform_error(f) if isinstance(f, int) else f)

    def _maybe_fail(self, method: str) -> HideOutcome | None:
        self.calls.append(method)
        queue = self._failures.get(method)
        if queue:
            failure = queue.popleft()
            if isinstance(failure, HideOutcome):
                return failure
            raise failure
        return None

    async def hide(self, message: ChatMessage) -> HideOutcome:
        outcome = self._maybe_fail("hide")
        self.hide_started.set()
        if self.gate is not None:
            await self.gate.wait()
        if outcome is not None:
            return outcome
        self.hidden.append(message)
        return HideOutcome(True)

    async def notify_moderators(self, notice: Notice) -> None:
        self._maybe_fail("notify_moderators")
        self.notices.append(notice)

    async def repost(self, incident: Incident, original_text: str) -> None:
        self._maybe_fail("repost")
        self.reposts.append((incident, original_text))

    async def notify_author(self, message: ChatMessage, text: str) -> None:
        self._maybe_fail("notify_author")
        self.author_notes.append((message, text))

    async def timeout_author(self, message: ChatMessage, minutes: int, reason: str) -> bool:
        self._maybe_fail("timeout_author")
        if not self.can_timeout:
            return False
        self.timeouts.append((message, minutes, reason))
        return True
