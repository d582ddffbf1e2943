"""Hardening of the Slack adapter under a fault the engine turns fatal: a full disk stops
the running Slack bot by itself (exit status 1), with nothing hidden that was not recorded.
The real `run_slack` in Socket Mode against the loopback fake Slack; fictional data.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.engine import Moderator


async def test_a_full_disk_stops_the_slack_bot(
    fake: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811 - fixture
) -> None:
    from adapters.slack_adapter import run_slack
    from bot.config import parse_config
    from tests import fake_slack as fs
    from tests.test_slack_e2e import AUTHOR, DATA, GENERAL, MODS

    db = tmp_path / "doxguard.db"
    config = parse_config(
        f'servants_file = "{DATA / "slack_servants.toml"}"\n[storage]\npath = "{db}"\n'
        f'[slack]\napi_base_url = "{fake.base_url}"\nmoderators_channel = "{MODS}"\n',
        tmp_path / "doxguard.toml",
    )
    for name, value in (("SLACK_BOT_TOKEN", fs.BOT_TOKEN), ("SLACK_APP_TOKEN", fs.APP_TOKEN),
                        ("SLACK_ADMIN_TOKEN", fs.ADMIN_TOKEN)):
        monkeypatch.setenv(name, value)
    real_create = Moderator.create

    async def capped_create(*args: Any, **kwargs: Any) -> Moderator:
        moderator = await real_create(*args, **kwargs)
        conn = moderator.store._db  # the cap is per connection: the bot's own
        async with conn.execute("PRAGMA page_count") as cur:
            row = await cur.fetchone()
        await conn.execute(f"PRAGMA max_page_count = {int(row[0])}")
        return moderator

    monkeypatch.setattr(Moderator, "create", capped_create)
    task = asyncio.create_task(run_slack(config))
    await fake.wait_connections(1)
    for n in range(300):  # doxxing messages until the capped database is full
        text = (f"Officer Quenneville lives at {4000 + n} Harrow St, Kansas City, MO 64111 "
                + "and more " * 60)
        await fake.push("events_api", fake.post_as_user(GENERAL, AUTHOR, text))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(0.2):
                await asyncio.shield(task)
        if task.done():
            break
    async with asyncio.timeout(fs.WAIT):
        assert await task == 1  # it stopped by itself: no signal was sent
    deleted = {c.params["ts"] for c in fake.calls_to("chat.delete", ok_only=True)}
    assert deleted  # it did work until the disk filled up
    with sqlite3.connect(db) as raw:  # nothing hidden that was not recorded first
        recorded = {m for (m,) in raw.execute("SELECT message_id FROM incidents")}
    assert deleted <= recorded


from tests.test_slack_e2e import _seal_key, fake  # noqa: E402, F401 - fixtures
