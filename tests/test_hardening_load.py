"""Hardening under load: bursts with interleaved edits, through the engine and through the
real Slack app against the loopback fake Slack.

Correctness is asserted exactly (hidden once, clean untouched, incident count). The
event loop is watched by a ticker task: big messages and attachments must be scanned
in a worker thread (asserted by which thread ran the scan), and the worst loop lag is
printed and bounded loosely — it is a stall detector, not a speed test.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from bot.engine import SCAN_OFF_LOOP_CHARS, Moderator
from bot.models import Attachment, ChatMessage, EventKind
from bot.seal import generate_key
from tests.fake_platform import FakePlatform
from tests.test_engine import make_config

CHANNELS = 40
TOTAL = 10_000
STALL = 1.0  # seconds; a scan of a big message on the loop would block it for longer
WORDS = ("parade", "snacks", "budget", "meeting", "potluck", "library", "bus", "rain",
         "garden", "council", "agenda", "weekend", "concert", "soccer", "bridge")


def clean(n: int) -> str:
    return " ".join(WORDS[(n * k) % len(WORDS)] for k in range(1, 9)) + " sounds good to me"


def dox(n: int) -> str:
    return f"Officer Whitaker lives at {1000 + n} Holly St, Kansas City, MO 64111"


@dataclass
class Burst:
    events: list[ChatMessage] = field(default_factory=list)
    violating: set[tuple[str, str]] = field(default_factory=set)  # (channel, id) to hide
    clean: set[tuple[str, str]] = field(default_factory=set)


def make_burst(total: int, channels: int) -> Burst:
    """New messages, with edits that add PII, edits of hidden messages, harmless edits,
    big messages and big attachments, spread over many channels and authors."""
    burst = Burst()
    by_id: dict[str, ChatMessage] = {}
    for i in range(total):
        channel = f"c{i % channels:02d}"
        author = f"user{i % 97}"
        slot = i % 10
        mid = f"{i:06d}"
        if i % 1000 == 500:  # 40,000 characters, the PII at the very end
            m = ChatMessage(mid, channel, author, (clean(i) + " ") * 620 + dox(i))
            burst.violating.add((channel, mid))
        elif i % 1000 == 250:  # a big text attachment carrying the PII
            big = Attachment("notes.txt", (clean(i) + "\n") * 1500 + dox(i), 90_000)
            m = ChatMessage(mid, channel, author, "see attached", attachments=(big,))
            burst.violating.add((channel, mid))
        elif slot == 0:
            m = ChatMessage(mid, channel, author, dox(i))
            burst.violating.add((channel, mid))
        elif slot == 3 and f"{i - 2:06d}" in by_id:  # a clean message edited into doxxing
            target = by_id[f"{i - 2:06d}"]
            m = replace(target, text=target.text + ". " + dox(i), kind=EventKind.EDIT)
            burst.clean.discard((target.channel, target.id))
            burst.violating.add((target.channel, target.id))
        elif slot == 7 and f"{i - 7:06d}" in by_id:  # a hidden message edited again
            target = by_id[f"{i - 7:06d}"]
            m = replace(target, text=clean(i), kind=EventKind.EDIT)
        elif slot == 9 and f"{i - 1:06d}" in by_id:  # a harmless edit of a clean message
            target = by_id[f"{i - 1:06d}"]
            m = replace(target, text=clean(i + 1), kind=EventKind.EDIT)
        else:
            m = ChatMessage(mid, channel, author, clean(i))
            burst.clean.add((channel, mid))
        if m.kind is EventKind.NEW:
            by_id[mid] = m
        burst.events.append(m)
    return burst


class LoopWatch:
    """A ticker on the event loop: the longest it was kept waiting past its wake-up."""

    def __init__(self, period: float = 0.005) -> None:
        self.period = period
        self.max_lag = 0.0
        self.ticks = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.period)
            self.max_lag = max(self.max_lag, time.perf_counter() - before - self.period)
            self.ticks += 1

    def __enter__(self) -> LoopWatch:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def drive(handle: Any, events: list[ChatMessage]) -> None:
    """One worker per channel, in order within a channel, all channels at once (as the
    adapters do), so the engine's locks and the store see concurrent work."""
    queues: dict[str, list[ChatMessage]] = {}
    for m in events:
        queues.setdefault(m.channel, []).append(m)

    async def worker(items: list[ChatMessage]) -> None:
        for m in items:
            await handle(m)

    await asyncio.gather(*(worker(q) for q in queues.values()))


async def test_ten_thousand_messages_with_edits_are_each_handled_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", generate_key())
    burst = make_burst(TOTAL, CHANNELS)
    platform = FakePlatform()
    moderator = await Moderator.create(make_config(tmp_path), platform, retry_delay=0.0,
                                       sweep=False)
    scans: list[tuple[int, bool]] = []  # (size, ran on the event loop's thread)
    loop_thread = threading.get_ident()
    real_scan = moderator.pipeline.scan

    def watched_scan(message: ChatMessage, ctx: Any) -> Any:
        scans.append((len(message.full_text), threading.get_ident() == loop_thread))
        return real_scan(message, ctx)

    moderator.pipeline.scan = watched_scan  # type: ignore[method-assign]
    started = time.perf_counter()
    with LoopWatch() as watch:
        await drive(moderator.handle, burst.events)
    elapsed = time.perf_counter() - started

    hidden = Counter((m.channel, m.id) for m in platform.hidden)
    assert set(hidden) == burst.violating  # every violating message, no clean one
    assert all(n == 1 for n in hidden.values())  # each exactly once
    assert not set(hidden) & burst.clean
    incidents = await moderator.store.list_incidents(limit=TOTAL)
    assert len(incidents) == len(burst.violating)
    assert {(i.channel, i.message_id) for i in incidents} == burst.violating
    assert len(platform.notices) == len(burst.violating)
    big = [on_loop for size, on_loop in scans if size > SCAN_OFF_LOOP_CHARS]
    assert len(big) >= 18 and not any(big)  # every big scan ran in a worker thread
    print(f"\n{TOTAL} events ({len(burst.violating)} hidden) in {elapsed:.1f} s; "
          f"max event-loop lag {watch.max_lag * 1000:.0f} ms over {watch.ticks} ticks")
    assert watch.max_lag < STALL
    await moderator.close()


# ---------------------------------------------------------------------------- Slack


async def test_a_burst_through_the_real_slack_app_deletes_each_doxxing_message_once(
    fake: Any, http_factory: Any  # noqa: F811 - the fixtures of test_slack_e2e
) -> None:
    from tests import fake_slack as fs
    from tests.test_slack_e2e import AUTHOR, DOXX, GENERAL, PRIVATE

    http = await http_factory()
    channels = (GENERAL, PRIVATE)
    violating: set[tuple[str, str]] = set()
    clean_ts: set[tuple[str, str]] = set()
    bodies: list[dict[str, Any]] = []
    edits: list[dict[str, Any]] = []
    for i in range(240):
        channel = channels[i % 2]
        if i % 6 == 0:
            body = http.fake.post_as_user(channel, AUTHOR, DOXX)
            violating.add((channel, body["event"]["ts"]))
        else:
            body = http.fake.post_as_user(channel, AUTHOR, clean(i))
            if i % 6 == 3:  # later edited to add PII
                edits.append(http.fake.edit_as_user(channel, body["event"]["ts"],
                                                    clean(i) + ". " + DOXX))
                violating.add((channel, body["event"]["ts"]))
            else:
                clean_ts.add((channel, body["event"]["ts"]))
        bodies.append(body)
    # the edits arrive interleaved with new messages; Slack also re-sends some events
    stream = bodies[:120] + edits[:20] + bodies[120:] + edits[20:] + bodies[:30]
    with LoopWatch() as watch:
        statuses = await asyncio.gather(*(http.send_event(b) for b in stream))
        async with asyncio.timeout(fs.WAIT * 4):
            await http.bot.wait_idle()
    assert set(statuses) == {200}
    deleted = Counter((c.params["channel"], c.params["ts"])
                      for c in http.fake.calls_to("chat.delete", ok_only=True))
    assert set(deleted) == violating and all(n == 1 for n in deleted.values())
    assert not set(deleted) & clean_ts
    incidents = await http.incidents()
    assert len(incidents) == len(violating)
    assert len(http.notices()) == len(violating)
    print(f"\nslack burst: {len(stream)} events, max event-loop lag "
          f"{watch.max_lag * 1000:.0f} ms")
    assert watch.max_lag < STALL


from tests.test_slack_e2e import _seal_key, fake, http_factory  # noqa: E402, F401 - fixtures
