"""`doxguard run` with Discord and Slack tokens: one process, one engine, one store.

A real `doxguard run` subprocess with the real discord.py and slack-bolt, against the
loopback fake Discord (gateway and REST) and fake Slack (Web API and Socket Mode), on
a database file that does not exist yet. Both platforms hide their doxxing message and
notify their own moderators; SIGTERM drains and exits 0 well within 10 s.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

from bot.engine import _message_meta
from bot.models import Action, Category, ChatMessage, Incident, IncidentStatus
from bot.store import SQLiteStore
from tests import fake_slack as fs
from tests.fake_discord import FakeDiscord, FakeGuild, bot_config_text
from tests.fake_slack import FakeSlack
from tests.test_discord_e2e import DOXXING
from tests.test_slack_e2e import AUTHOR, DOXX, GENERAL, MODS, SEAL_KEY

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
DISCORD_TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GfAkeT.fictional-discord-token-one-process"


def _config(tmp_path: Path, discord: FakeDiscord, slack: FakeSlack) -> Path:
    servants = tmp_path / "servants.toml"  # both platforms' fictional servants in one registry
    servants.write_text((DATA / "discord_servants.toml").read_text(encoding="utf-8") + "\n"
                        + (DATA / "slack_servants.toml").read_text(encoding="utf-8"),
                        encoding="utf-8")
    text = bot_config_text(discord).replace(
        f'servants_file = "{DATA / "discord_servants.toml"}"', f'servants_file = "{servants}"')
    assert f'servants_file = "{servants}"' in text
    text += (f'[storage]\npath = "{tmp_path / "fresh" / "doxguard.db"}"\n'
             f'[slack]\napi_base_url = "{slack.base_url}"\nmoderators_channel = "{MODS}"\n')
    path = tmp_path / "doxguard.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def _fakes(tmp_path: Path) -> tuple[FakeDiscord, FakeGuild, FakeSlack]:
    discord = FakeDiscord()
    guild = discord.add_guild()
    await discord.start()
    slack = FakeSlack()
    await slack.start()
    slack.add_channel(GENERAL, "general")
    slack.add_channel(MODS, "mods", private=True)
    slack.add_user(AUTHOR, "poster")
    (tmp_path / "fresh").mkdir()
    return discord, guild, slack


async def _run(tmp_path: Path, config: Path) -> asyncio.subprocess.Process:
    """`doxguard run` with both platforms' tokens (and nothing of the caller's environment)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DISCORD", "SLACK", "DOXGUARD"))}
    env.update(PYTHONPATH=str(REPO), DISCORD_TOKEN=DISCORD_TOKEN, SLACK_BOT_TOKEN=fs.BOT_TOKEN,
               SLACK_APP_TOKEN=fs.APP_TOKEN, SLACK_ADMIN_TOKEN=fs.ADMIN_TOKEN,
               DOXGUARD_SEAL_KEY=SEAL_KEY)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=tmp_path, env=env,
    )


async def _stop(proc: asyncio.subprocess.Process, sig: int) -> tuple[float, str]:
    """Send `sig`; how long the process took to exit, and its stderr."""
    started = time.monotonic()
    proc.send_signal(sig)
    async with asyncio.timeout(30):
        _out, err = await proc.communicate()
    return time.monotonic() - started, err.decode(errors="replace")


async def _notified_then_stop(proc: asyncio.subprocess.Process, discord: FakeDiscord,
                              guild: FakeGuild, slack: FakeSlack, sig: int) -> tuple[float, str]:
    """Once each platform's moderators have their notice (each in its own place), `sig`."""
    mod_log = int(discord.channel(guild, "mod-log")["id"])
    await discord.wait_for_request("POST", rf"^/channels/{mod_log}/messages$", wait=30)
    [notice] = await slack.wait_for_call("chat.postMessage")
    assert notice.params.get("channel") == MODS and notice.error is None
    return await _stop(proc, sig)


async def _kill(proc: asyncio.subprocess.Process, discord: FakeDiscord, slack: FakeSlack) -> None:
    if proc.returncode is None:
        proc.kill()
        await proc.wait()
    await slack.close()
    await discord.stop()


def _assert_clean_exit(proc: asyncio.subprocess.Process, stopped_in: float | None,
                       stderr: str) -> None:
    assert proc.returncode == 0, stderr
    assert stopped_in is not None and stopped_in < 10, stopped_in
    assert "Traceback" not in stderr and "Unclosed" not in stderr, stderr


async def test_one_run_process_serves_both_platforms_and_stops_cleanly(tmp_path: Path) -> None:
    discord, guild, slack = await _fakes(tmp_path)
    config = _config(tmp_path, discord, slack)
    proc = await _run(tmp_path, config)
    stopped_in, stderr = None, ""
    try:
        await discord.wait_for_request("PUT", r"/guilds/\d+/commands$", wait=60)
        await slack.wait_connections(1)
        general = int(discord.channel(guild, "general")["id"])
        member = discord.new_user(guild, "poster")
        posted = await discord.post_message(general, member, DOXXING)
        body = slack.post_as_user(GENERAL, AUTHOR, DOXX)
        await slack.push("events_api", body)
        await discord.wait_for_request(
            "DELETE", rf"^/channels/{general}/messages/{posted['id']}$", wait=30)
        await slack.wait_deleted(GENERAL, body["event"]["ts"])
        stopped_in, stderr = await _notified_then_stop(proc, discord, guild, slack,
                                                       signal.SIGTERM)
    finally:
        await _kill(proc, discord, slack)
    _assert_clean_exit(proc, stopped_in, stderr)
    with sqlite3.connect(tmp_path / "fresh" / "doxguard.db") as db:
        rows = sorted(db.execute("SELECT platform, status, notice_sent FROM incidents"))
    assert rows == [("discord", "hidden", 1), ("slack", "hidden", 1)]
    # each notice went to its own platform only
    assert not any(c.params.get("channel") == MODS and "Quarrie" in str(c.params)
                   for c in slack.calls)


async def _seed_pending(path: Path, messages: list[ChatMessage]) -> list[str]:
    """Incidents a crash left between storing and hiding (status pending), as the engine
    stores them: the message's ids, no text, no sealed original."""
    store = await SQLiteStore.open(path)
    ids = []
    try:
        for message in messages:
            now = time.time()
            draft = Incident(
                id="", platform=message.platform, server=message.server,
                channel=message.channel, message_id=message.id, author=message.author,
                action=Action.HIDE, status=IncidentStatus.PENDING,
                categories=(Category.HOME_ADDRESS,), servants=(), excerpt="••••",
                created_at=now, updated_at=now)
            incident, created = await store.add_incident(
                draft, message=_message_meta(message), sealed=None, expires_at=None)
            assert created
            ids.append(incident.id)
    finally:
        await store.close()
    return ids


async def test_a_restart_finishes_each_platforms_incidents_on_that_platform_and_sigint_stops_it(
        tmp_path: Path) -> None:
    """Resume in a two-platform process: a Slack incident handed to the Discord adapter
    (or the other way) would fail and stay unhidden; each must reach its own platform once."""
    discord, guild, slack = await _fakes(tmp_path)
    general = int(discord.channel(guild, "general")["id"])
    member = discord.new_user(guild, "poster")
    on_discord = discord.make_message(general, member, DOXXING)  # posted while doxguard was down
    slack_ts = slack.post_as_user(GENERAL, AUTHOR, DOXX)["event"]["ts"]
    database = tmp_path / "fresh" / "doxguard.db"
    ids = await _seed_pending(database, [
        ChatMessage(id=on_discord["id"], channel=str(general), author=str(member), text="",
                    platform="discord", server=str(guild.id)),
        ChatMessage(id=slack_ts, channel=GENERAL, author=AUTHOR, text="", platform="slack",
                    server=fs.TEAM_ID),
    ])
    config = _config(tmp_path, discord, slack)
    proc = await _run(tmp_path, config)
    stopped_in, stderr = None, ""
    try:
        await discord.wait_for_request(
            "DELETE", rf"^/channels/{general}/messages/{on_discord['id']}$", wait=60)
        await slack.wait_deleted(GENERAL, slack_ts)
        stopped_in, stderr = await _notified_then_stop(proc, discord, guild, slack,
                                                       signal.SIGINT)
    finally:
        await _kill(proc, discord, slack)
    _assert_clean_exit(proc, stopped_in, stderr)
    assert all(f"resuming incident {i}: hiding" in stderr for i in ids), stderr
    # Discord was asked about its own message only, Slack about its own: nothing crossed
    assert len(discord.find("DELETE", r"^/channels/")) == 1
    assert not any(GENERAL in r.path or slack_ts in r.path for r in discord.requests)
    assert [c.params.get("channel") for c in slack.calls_to("chat.delete")] == [GENERAL]
    assert not any(str(general) in str(c.params) for c in slack.calls)
    with sqlite3.connect(database) as db:
        rows = sorted(db.execute("SELECT platform, status, notice_sent FROM incidents"))
    assert rows == [("discord", "hidden", 1), ("slack", "hidden", 1)]
