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

from tests import fake_slack as fs
from tests.fake_discord import FakeDiscord, bot_config_text
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


async def test_one_run_process_serves_both_platforms_and_stops_cleanly(tmp_path: Path) -> None:
    discord = FakeDiscord()
    guild = discord.add_guild()
    await discord.start()
    slack = FakeSlack()
    await slack.start()
    slack.add_channel(GENERAL, "general")
    slack.add_channel(MODS, "mods", private=True)
    slack.add_user(AUTHOR, "poster")
    (tmp_path / "fresh").mkdir()
    config = _config(tmp_path, discord, slack)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DISCORD", "SLACK", "DOXGUARD"))}
    env.update(PYTHONPATH=str(REPO), DISCORD_TOKEN=DISCORD_TOKEN, SLACK_BOT_TOKEN=fs.BOT_TOKEN,
               SLACK_APP_TOKEN=fs.APP_TOKEN, SLACK_ADMIN_TOKEN=fs.ADMIN_TOKEN,
               DOXGUARD_SEAL_KEY=SEAL_KEY)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=tmp_path, env=env,
    )
    stopped_in = None
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
        mod_log = int(discord.channel(guild, "mod-log")["id"])
        await discord.wait_for_request("POST", rf"^/channels/{mod_log}/messages$", wait=30)
        [notice] = await slack.wait_for_call("chat.postMessage")
        assert notice.params.get("channel") == MODS and notice.error is None
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            _out, err = await proc.communicate()
        stopped_in = time.monotonic() - started
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await slack.close()
        await discord.stop()
    stderr = err.decode(errors="replace")
    assert proc.returncode == 0, stderr
    assert stopped_in is not None and stopped_in < 10, stopped_in
    assert "Traceback" not in stderr and "Unclosed" not in stderr, stderr
    with sqlite3.connect(tmp_path / "fresh" / "doxguard.db") as db:
        rows = sorted(db.execute("SELECT platform, status, notice_sent FROM incidents"))
    assert rows == [("discord", "hidden", 1), ("slack", "hidden", 1)]
    # each notice went to its own platform only
    assert not any(c.params.get("channel") == MODS and "Quarrie" in str(c.params)
                   for c in slack.calls)
