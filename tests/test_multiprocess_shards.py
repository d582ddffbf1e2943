"""Many processes, one truth: two `doxguard run` shard processes share one PostgreSQL.

The loopback fake Discord runs with two shards (IDENTIFY `shard: [i, 2]`, guilds split as
Discord splits them, `(guild_id >> 22) % 2`); each process runs one shard. A burst of
messages crosses four guilds; one process is killed with SIGKILL in the middle of it and
started again. Messages its shard missed while it was down are read back by the backfill.
In the end every doxxing message has exactly one incident, was deleted once and has one
notice in its guild's mod-log; no other message has any.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

import asyncpg

from tests.fake_discord import FakeDiscord, FakeGuild, bot_config_text
from tests.test_discord_e2e import CLEAN, DOXXING, SEAL_KEY

REPO = Path(__file__).resolve().parents[1]
TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GfAkeT.fictional-discord-token-for-shards"
SHARDS = 2
BURST = 24
WAIT = 90.0


def _shard(guild: FakeGuild) -> int:
    return (guild.id >> 22) % SHARDS


async def _guilds(fake: FakeDiscord) -> list[FakeGuild]:
    """Two guilds on each shard (snowflakes carry their millisecond: wait for the next)."""
    made: list[FakeGuild] = []
    while min(sum(1 for g in made if _shard(g) == s) for s in range(SHARDS)) < 2:
        guild = fake.add_guild(f"guild {len(made)}")
        if sum(1 for g in made if _shard(g) == _shard(guild)) >= 2:
            fake.guilds.pop(guild.id)
        else:
            made.append(guild)
        await asyncio.sleep(0.002)
    return made


def _config(fake: FakeDiscord, shard: int, tmp_path: Path) -> Path:
    path = tmp_path / f"shard{shard}.toml"
    discord = f"shard_count = {SHARDS}\nshard_ids = [{shard}]\nbackfill_max_age_hours = 1\n"
    path.write_text(
        bot_config_text(fake, discord=discord)
        + '[storage]\nbackend = "postgresql"\nurl_env = "DG_TEST_DATABASE_URL"\n',
        encoding="utf-8")
    return path


async def _start(config: Path, dsn: str, tmp_path: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "_SECRET"))}
    env.update(PYTHONPATH=str(REPO), DISCORD_TOKEN=TOKEN, DOXGUARD_SEAL_KEY=SEAL_KEY,
               DG_TEST_DATABASE_URL=dsn)
    with (tmp_path / f"{config.stem}.log").open("ab") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=log,
            cwd=tmp_path, env=env,
        )


async def _cursors(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        if await conn.fetchval("SELECT to_regclass('cursors')") is None:
            return 0
        return int(await conn.fetchval("SELECT count(*) FROM cursors"))
    finally:
        await conn.close()


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(30):
                await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def test_two_shard_processes_one_killed_mid_burst_lose_and_repeat_nothing(
    pg_dsn: str, tmp_path: Path,
) -> None:
    fake = FakeDiscord()
    fake.shard_count = SHARDS
    await fake.start()
    procs: list[asyncio.subprocess.Process] = []
    try:
        guilds = await _guilds(fake)
        people = {g.id: fake.new_user(g, "poster") for g in guilds}
        general = {g.id: int(fake.channel(g, "general")["id"]) for g in guilds}
        mod_log = {g.id: int(fake.channel(g, "mod-log")["id"]) for g in guilds}
        configs = [_config(fake, shard, tmp_path) for shard in range(SHARDS)]
        procs = [await _start(c, pg_dsn, tmp_path) for c in configs]
        await fake.wait_for_request("PUT", r"/guilds/\d+/commands$", count=len(guilds),
                                    wait=WAIT)

        posted: list[tuple[int, dict, bool]] = []  # (guild, message, doxxing)

        async def post(index: int) -> None:
            guild = guilds[index % len(guilds)]
            doxxing = index % 3 != 2  # two in three, spread over every guild
            msg = await fake.post_message(general[guild.id], people[guild.id],
                                          DOXXING if doxxing else CLEAN)
            posted.append((guild.id, msg, doxxing))

        # every channel has been seen (a backfill cursor) before the burst
        for index in range(len(guilds)):
            await post(index)
        for _poll in range(int(WAIT / 0.05)):
            if await _cursors(pg_dsn) >= len(guilds):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the shard processes did not see every channel")

        victim = 0
        for index in range(len(guilds), len(guilds) + BURST):
            await post(index)
            if index == len(guilds) + BURST // 2:
                procs[victim].send_signal(signal.SIGKILL)  # mid-burst, no goodbye
                await procs[victim].wait()
            await asyncio.sleep(0.01)
        restarts = len(fake.find("PUT", r"/guilds/\d+/commands$"))
        procs[victim] = await _start(configs[victim], pg_dsn, tmp_path)
        await fake.wait_for_request("PUT", r"/guilds/\d+/commands$", count=restarts + 2,
                                    wait=WAIT)

        doxxing = [(g, int(m["id"])) for g, m, bad in posted if bad]
        await fake.wait_until(lambda: len(fake.deleted) >= len(doxxing), wait=WAIT)

        def notice_count() -> int:
            return sum(1 for g in guilds for m in fake.messages.get(mod_log[g.id], {}).values()
                       if m.get("embeds"))

        await fake.wait_until(lambda: notice_count() >= len(doxxing), wait=WAIT)
        await asyncio.sleep(1.0)  # anything duplicated would arrive now
    finally:
        for proc in procs:
            await _stop(proc)
        await fake.stop()

    # exactly one delete of each doxxing message, none of anything else
    assert sorted(mid for _cid, mid in fake.deleted) == sorted(mid for _g, mid in doxxing)
    # one notice per doxxing message, in its own guild's mod-log
    titles = {g.id: [m["embeds"][0]["title"] for m in fake.messages[mod_log[g.id]].values()
                     if m.get("embeds")] for g in guilds}
    for guild in guilds:
        mine = sum(1 for g, _m in doxxing if g == guild.id)
        assert len(titles[guild.id]) == mine, (guild.id, titles[guild.id])
    all_titles = [t for ts in titles.values() for t in ts]
    assert len(set(all_titles)) == len(all_titles)
    # one incident per doxxing message, from one sequence, none for the clean ones
    conn = await asyncpg.connect(pg_dsn)
    try:
        rows = await conn.fetch("SELECT message_id, server, status, notice_sent FROM incidents")
    finally:
        await conn.close()
    assert sorted(int(r["message_id"]) for r in rows) == sorted(mid for _g, mid in doxxing)
    assert {(int(r["message_id"]), int(r["server"])) for r in rows} == {
        (mid, g) for g, mid in doxxing}
    assert {r["status"] for r in rows} == {"hidden"} and all(r["notice_sent"] for r in rows)
