"""Channels in parallel: a big message scanning in one channel (off the event loop) does not
hold up short messages in another; order within a channel is kept.

The bound is an ordering, not a time: the big scan is held in its worker thread until the
short message of the other channel is finished, which only works if nothing serializes them.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from bot.models import IncidentStatus
from tests.test_engine import DOX, make_config, msg, start

BIG = "word " * 30_000  # 150 KB: scanned in a worker thread


async def test_a_big_message_in_one_channel_does_not_stall_another(tmp_path: Path,
                                                                    key: str) -> None:
    moderator, _fake = await start(make_config(tmp_path))
    release = threading.Event()
    entered = threading.Event()
    real_scan = moderator.pipeline.scan

    def held_scan(message, context):  # type: ignore[no-untyped-def]
        if message.channel == "flood":
            entered.set()
            release.wait(30)  # held until the other channel is done
        return real_scan(message, context)

    moderator.pipeline.scan = held_scan  # type: ignore[method-assign]
    big = asyncio.create_task(moderator.handle(msg(1, BIG, channel="flood")))
    await asyncio.to_thread(entered.wait, 30)
    short = await moderator.handle(msg(2, DOX, channel="general"))
    assert short is not None and short.status is IncidentStatus.HIDDEN
    assert not big.done()  # the big one is still scanning: general did not wait for it
    release.set()
    assert await big is None
    await moderator.close()


async def test_order_is_kept_within_a_channel(tmp_path: Path, key: str) -> None:
    moderator, _fake = await start(make_config(tmp_path))
    finished: list[str] = []
    release = threading.Event()
    real_scan = moderator.pipeline.scan

    def held_scan(message, context):  # type: ignore[no-untyped-def]
        if message.id == "1":
            release.wait(30)
        return real_scan(message, context)

    moderator.pipeline.scan = held_scan  # type: ignore[method-assign]

    async def run(i: int, text: str) -> None:
        await moderator.handle(msg(i, text, channel="flood"))
        finished.append(str(i))

    first = asyncio.create_task(run(1, BIG))
    await asyncio.sleep(0)
    second = asyncio.create_task(run(2, "Officer Whitaker was rude to me today"))
    for _ in range(20):
        await asyncio.sleep(0)
    assert finished == []  # the second waits for the first of its channel
    release.set()
    await asyncio.gather(first, second)
    assert finished == ["1", "2"]
    await moderator.close()
