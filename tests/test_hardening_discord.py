"""Hardening on Discord: the engine refuses non-moderators even when an admin loosened the
slash command's permissions, and `doxguard run` never prints the bot token.

The real discord.py client against the loopback fake Discord (tests/fake_discord.py);
every user, id, token and value is fictional.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.commands import BUTTON_ACTIONS
from tests.fake_discord import EVERYONE_PERMISSIONS, P_MANAGE_MESSAGES, FakeDiscord
from tests.test_discord_e2e import DOXXING, World, _custom_ids

REPO = Path(__file__).resolve().parents[1]
P_ADMINISTRATOR = 1 << 3

# /doxguard invocations as Discord sends them: the command path and its options
INVOCATIONS: list[tuple[list[str], dict[str, str]]] = [
    (["doxguard", "status"], {}),
    (["doxguard", "servant", "list"], {}),
    (["doxguard", "servant", "remove"], {"name": "Rosalind Quarrie"}),
    (["doxguard", "incidents"], {}),
    (["doxguard", "incident"], {"id": "{id}"}),
    (["doxguard", "reveal"], {"id": "{id}"}),
    (["doxguard", "restore"], {"id": "{id}"}),
    (["doxguard", "confirm"], {"id": "{id}"}),
    (["doxguard", "dismiss"], {"id": "{id}"}),
    (["doxguard", "timeout"], {"id": "{id}"}),
    (["doxguard", "check"], {"text": DOXXING}),
    (["doxguard", "reload"], {}),
]


async def _invoke_as(server: FakeDiscord, w: World, user: int, permissions: int,
                     path: list[str], options: dict[str, str]) -> dict[str, Any]:
    """Invoke a slash command as `user` holding `permissions` in the channel (what an
    admin's command-permission override lets through), and return the bot's reply."""
    original = server._interaction_base

    def with_permissions(*args: Any, **kwargs: Any) -> dict[str, Any]:
        payload = original(*args, **kwargs)
        payload["member"]["permissions"] = str(permissions)
        return payload

    server._interaction_base = with_permissions  # type: ignore[method-assign]
    try:
        iid = await server.slash(w.guild, w.general, user, path, options)
    finally:
        server._interaction_base = original  # type: ignore[method-assign]
    return await server.interaction_reply(iid)


@pytest.mark.parametrize(
    "permissions",
    [EVERYONE_PERMISSIONS, EVERYONE_PERMISSIONS | P_MANAGE_MESSAGES,
     EVERYONE_PERMISSIONS | P_ADMINISTRATOR],
    ids=["no-manage-messages", "manage-messages", "administrator"],
)
async def test_a_member_the_config_does_not_list_is_refused_whatever_discord_allowed(
    world: World, permissions: int  # noqa: F811 - the fixture of test_discord_e2e
) -> None:
    msg = await world.fake.post_message(world.general, world.member, DOXXING)
    await world.wait_deleted(world.general, msg)
    [notice] = await world.wait_notices(1)
    incident_id = notice["embeds"][0]["title"].split()[-1]
    for path, options in INVOCATIONS:
        opts = {k: v.format(id=incident_id) for k, v in options.items()}
        reply = await _invoke_as(world.fake, world, world.member, permissions, path, opts)
        content = reply["data"]["content"]
        assert reply["data"]["flags"] & 64, path  # ephemeral
        assert "moderator" in content.lower(), path
        assert "555-0142" not in content and "Rosalind Quarrie" not in content, path
    # and the notice's buttons
    posted = next(iter(world.fake.messages[world.mod_log].values()))
    for custom_id in _custom_ids(notice):
        assert custom_id.split(":")[1] in BUTTON_ACTIONS
        pressed = await world.fake.press(world.guild, posted, world.member, custom_id)
        reply = await world.fake.interaction_reply(pressed)
        assert "moderator" in reply["data"]["content"].lower()
    assert world.fake.find("POST", r"^/webhooks/") == []  # nothing restored
    assert world.fake.find("PATCH", rf"/members/{world.member}$") == []  # nobody timed out
    engine = await world.bot._engine()
    assert await engine.store.audit_log() == []
    assert len(engine.registry) >= 1 and engine.registry.get("Rosalind Quarrie") is not None


# --------------------------------------------------------------------------
# secrets

TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GfAkeT.fictional-discord-token-never-printed"


async def test_doxguard_run_never_prints_the_discord_token_even_at_debug(
    fake: FakeDiscord, tmp_path: Path  # noqa: F811 - the fixture of test_discord_e2e
) -> None:
    from tests.fake_discord import bot_config_text

    guild = next(iter(fake.guilds.values()))
    member = fake.new_user(guild, "poster")
    general = int(fake.channel(guild, "general")["id"])
    config = tmp_path / "doxguard.toml"
    config.write_text(bot_config_text(fake) + f'[storage]\npath = "{tmp_path / "dg.db"}"\n',
                      encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "_SECRET"))}
    env.update(PYTHONPATH=str(REPO), DISCORD_TOKEN=TOKEN,
               DOXGUARD_SEAL_KEY="fictional-seal-passphrase-never-printed")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "-v", "run", "--config", str(config),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=tmp_path, env=env,
    )
    try:
        await fake.wait_for_request("PUT", r"/guilds/\d+/commands$", wait=60)
        msg = await fake.post_message(general, member, DOXXING)
        await fake.wait_for_request("DELETE", rf"^/channels/{general}/messages/{msg['id']}$",
                                    wait=30)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(60):
            out, err = await proc.communicate()
    printed = (out + err).decode(errors="replace")
    assert proc.returncode == 0, printed[-2000:]  # SIGTERM drains and stops Discord cleanly
    assert "DEBUG" in printed  # debug logging really was on
    for value in (TOKEN, TOKEN.split(".")[-1], "fictional-seal-passphrase-never-printed"):
        assert value not in printed
    assert "555-0142" not in printed


from tests.test_discord_e2e import fake, world  # noqa: E402, F401 - fixtures
