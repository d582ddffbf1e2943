"""Hardening of access and secrets: the engine re-checks every command and button itself,
whatever the platform let through; tokens come only from the environment and are never
printed, even with debug logging on.

Slack is driven for real (slack-bolt over signed HTTP, and a `doxguard run` subprocess in
Socket Mode) against the loopback fake Slack. Identifiers and tokens are fictional.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.commands import BUTTON_ACTIONS, COMMANDS
from bot.config import parse_config
from bot.engine import Moderator
from bot.models import Caller, CommandRequest, IncidentStatus
from tests.fake_platform import FakePlatform
from tests.fake_slack import FakeSlack
from tests.test_engine import DOX, make_config, msg
from tests.test_slack_e2e import AUTHOR, BYSTANDER, DOXX, GENERAL, MODS

REPO = Path(__file__).resolve().parents[1]
REFUSED = "Only doxguard moderators"

# one invocation of every command, with plausible arguments
INVOCATIONS = {
    "status": "status",
    "servant": 'servant add Ana Quist role=city_employee',
    "incidents": "incidents 5",
    "incident": "incident {id}",
    "reveal": "reveal {id}",
    "restore": "restore {id}",
    "confirm": "confirm {id}",
    "dismiss": "dismiss {id} allowlist",
    "timeout": "timeout {id}",
    "stats": "stats 7d",
    "check": "check Officer Whitaker's cell is 816-555-0142",
    "reload": "reload",
    "help": "help",
}


def test_every_command_is_covered_here() -> None:
    assert set(INVOCATIONS) == {c.name for c in COMMANDS}


async def test_the_engine_refuses_callers_the_config_does_not_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Platform, user and role must all match "platform:id" in the config."""
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", "fictional passphrase for the sealing key")
    config = make_config(
        tmp_path,
        '[moderators]\nuser_ids = ["slack:UMOD", "discord:111"]\n'
        'role_ids = ["discord:222"]\n',
    )
    platform = FakePlatform()
    moderator = await Moderator.create(config, platform, retry_delay=0.0, sweep=False)
    incident = await moderator.handle(msg(1, DOX, platform="slack", server="T1"))
    assert incident is not None
    impostors = [
        Caller("discord", "UMOD"),  # a Slack moderator's id, claimed on Discord
        Caller("slack", "111"),  # a Discord moderator's id, claimed on Slack
        Caller("slack", "U9", roles=("222",)),  # a Discord role id, on Slack
        Caller("discord", "333", roles=("UMOD",)),  # a user id passed off as a role
        Caller("slack", "mod"),  # the console moderator's name, on Slack
        Caller("discord", "444", display_name="mod"),  # a display name proves nothing
    ]
    for caller in impostors:
        for name, line in INVOCATIONS.items():
            args = tuple(line.format(id=incident.id).split()[1:])
            reply = await moderator.run_command(CommandRequest(caller, name, args))
            assert not reply.ok and REFUSED in reply.text, (caller, name)
        for action in BUTTON_ACTIONS:
            reply = await moderator.press(caller, action, incident.id)
            assert not reply.ok and REFUSED in reply.text, (caller, action)
    after = await moderator.store.get_incident(incident.id)
    assert after is not None and after.status is IncidentStatus.HIDDEN
    assert platform.reposts == [] and platform.timeouts == [] and len(platform.hidden) == 1
    assert await moderator.store.audit_log() == []  # nothing was done, nothing revealed
    assert len(moderator.registry) == 2
    # the real moderators are not refused
    assert (await moderator.run_command(CommandRequest(Caller("discord", "999", roles=("222",)),
                                                       "status", ()))).ok
    assert (await moderator.press(Caller("slack", "UMOD", server="T1"), "confirm",
                                  incident.id)).ok
    await moderator.close()


async def test_slack_non_moderator_is_refused_every_command_and_button(
    http_factory: Any,  # noqa: F811 - the fixture of test_slack_e2e
) -> None:
    """Slack lets anyone in the workspace run /doxguard and press a notice's buttons
    (a slash command has no per-user permissions): the engine refuses them."""
    http = await http_factory()
    await http.deliver(http.fake.post_as_user(GENERAL, AUTHOR, DOXX))
    [incident] = await http.incidents()
    for user in (BYSTANDER, AUTHOR):  # the author least of all
        for line in INVOCATIONS.values():
            reply = await http.command(user, line.format(id=incident.id))
            assert reply["response_type"] == "ephemeral"
            assert REFUSED in reply["text"], line
            assert "4410" not in reply["text"]
        for action in BUTTON_ACTIONS:
            reply = await http.press(user, action, incident.id)
            assert REFUSED in reply["text"], action
    [after] = await http.incidents()
    assert after.status is IncidentStatus.HIDDEN
    assert not [c for c in http.fake.calls_to("chat.postMessage")
                if c.params.get("channel") == GENERAL]  # nothing restored
    assert await http.bot.moderator.store.audit_log() == []


# --------------------------------------------------------------------------
# secrets


BOT_TOKEN = "xoxb-7777777777-8888888888-fictionalBotSecret"
APP_TOKEN = "xapp-1-A0DOXGUARD-9999999999-fictionalAppSecret"
ADMIN_TOKEN = "xoxp-7777777777-6666666666-fictionalAdminSecret"
SIGNING = "0123456789abcdef0123456789abcdef"
SEAL = "fictional-seal-passphrase-never-printed"


async def test_doxguard_run_never_prints_a_token_even_at_debug(tmp_path: Path) -> None:
    slack = FakeSlack(bot_token=BOT_TOKEN, admin_token=ADMIN_TOKEN, app_token=APP_TOKEN)
    await slack.start()
    slack.add_channel(GENERAL, "general")
    slack.add_channel(MODS, "mods", private=True)
    slack.add_user(AUTHOR, "poster")
    servants = REPO / "tests" / "data" / "slack_servants.toml"
    config = tmp_path / "doxguard.toml"
    config.write_text(
        f'servants_file = "{servants}"\n[storage]\npath = "{tmp_path / "dg.db"}"\n'
        f'[slack]\napi_base_url = "{slack.base_url}"\nmoderators_channel = "{MODS}"\n',
        encoding="utf-8",
    )
    parse_config(config.read_text(), config)  # a valid file: the tokens are only in the env
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "_SECRET"))}
    env.update(PYTHONPATH=str(REPO), SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN,
               SLACK_ADMIN_TOKEN=ADMIN_TOKEN, SLACK_SIGNING_SECRET=SIGNING,
               DOXGUARD_SEAL_KEY=SEAL)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "-v", "run", "--config", str(config),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=tmp_path, env=env,
    )
    try:
        async with asyncio.timeout(60):
            await slack.wait_connections(1)
        body = slack.post_as_user(GENERAL, AUTHOR, DOXX)
        await slack.push("events_api", body)
        await slack.wait_deleted(GENERAL, body["event"]["ts"])
        await slack.wait_for_call("chat.postMessage", 1)  # the notice
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(60):
            out, err = await proc.communicate()
        await slack.close()
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    printed = (out + err).decode(errors="replace")
    assert "DEBUG" in printed  # debug logging really was on
    # the tokens were used (so they were read), and never printed
    assert {c.token for c in slack.calls} >= {BOT_TOKEN, ADMIN_TOKEN}
    for value in (BOT_TOKEN, APP_TOKEN, ADMIN_TOKEN, SIGNING, SEAL):
        assert value not in printed
        assert value[-12:] not in printed  # not even a tail of it
    assert json.dumps(DOXX)[1:20] not in printed  # and no message text either


from tests.test_slack_e2e import _seal_key, fake, http_factory  # noqa: E402, F401 - fixtures
