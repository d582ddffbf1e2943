"""Per-server settings (`[servers."platform:id"]`): moderators, a registry of its own.

Two Discord guilds (100 and 200) and one Slack workspace (T1) share one engine. Guild
100 names its own moderators and protects a servant of its own; the others do not.
The people, numbers and ids are fictional.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, parse_config
from bot.engine import Moderator
from bot.models import Caller, CommandRequest, IncidentStatus
from bot.platform import PlatformRouter
from tests.fake_platform import FakePlatform
from tests.test_engine import DOX, SERVANTS, msg

OWN_SERVANT = """
[[servants]]
name = "Orla Vantongeren"
role = "city_employee"
"""
OWN_DOX = "Orla Vantongeren's cell is 816-555-0163, call her at home tonight"


def servers_config(tmp_path: Path, own_file: str = "servants-100.toml") -> str:
    (tmp_path / "servants-100.toml").write_text(OWN_SERVANT, encoding="utf-8")
    return (
        f'servants_file = "{SERVANTS}"\n'
        f'[storage]\npath = "{tmp_path / "dg.db"}"\n'
        '[moderators]\nuser_ids = ["discord:1"]\n'  # a moderator everywhere
        '[servers."discord:100"]\n'
        'moderators = ["discord:7", "discord:555"]\n'  # a user and a role
        f'servants_file = "{own_file}"\n'
        '[servers."slack:T1"]\n'
        'moderators = ["slack:U9"]\n'
    )


async def engine(tmp_path: Path) -> tuple[Moderator, FakePlatform, FakePlatform]:
    config = parse_config(servers_config(tmp_path), tmp_path / "doxguard.toml")
    discord, slack = FakePlatform(name="discord"), FakePlatform(name="slack")
    moderator = await Moderator.create(
        config, PlatformRouter({"discord": discord, "slack": slack}), retry_delay=0.0,
        sweep=False)
    return moderator, discord, slack


async def run(moderator: Moderator, caller: Caller, name: str, *args: str) -> bool:
    return (await moderator.run_command(CommandRequest(caller, name, args))).ok


async def test_a_server_moderator_moderates_there_and_nowhere_else(tmp_path: Path,
                                                                   key: str) -> None:
    moderator, _, _ = await engine(tmp_path)
    try:
        assert await run(moderator, Caller("discord", "7", server="100"), "incidents")
        assert await run(moderator, Caller("discord", "8", server="100", roles=("555",)),
                         "incidents")
        assert not await run(moderator, Caller("discord", "7", server="200"), "incidents")
        assert not await run(moderator, Caller("discord", "8", server="200", roles=("555",)),
                             "incidents")
        assert not await run(moderator, Caller("slack", "7", server="T1"), "incidents")
        assert await run(moderator, Caller("slack", "U9", server="T1"), "incidents")
        assert not await run(moderator, Caller("slack", "U9", server="T2"), "incidents")
        # the global list still counts in every server
        assert await run(moderator, Caller("discord", "1", server="200"), "incidents")
        # a server moderator's buttons act only on that server's incidents
        there = await moderator.handle(msg(1, DOX, platform="discord", server="200"))
        assert there is not None
        dismissed = await moderator.run_command(
            CommandRequest(Caller("discord", "7", server="100"), "dismiss", (there.id,)))
        assert not dismissed.ok
        assert (await moderator.store.get_incident(there.id)).status is IncidentStatus.HIDDEN
    finally:
        await moderator.close()


async def test_a_servers_own_registry_protects_its_servants_there_only(tmp_path: Path,
                                                                       key: str) -> None:
    moderator, discord, slack = await engine(tmp_path)
    try:
        own = await moderator.handle(msg(1, OWN_DOX, platform="discord", server="100"))
        assert own is not None and own.status is IncidentStatus.HIDDEN
        assert own.servants == ("Orla Vantongeren",)
        assert await moderator.handle(msg(2, OWN_DOX, platform="discord", server="200")) is None
        assert await moderator.handle(msg("3.1", OWN_DOX, platform="slack", server="T1")) is None
        # the global registry still applies in the server with its own
        assert await moderator.handle(msg(4, DOX, platform="discord", server="100")) is not None
        assert [m.id for m in discord.hidden] == ["1", "4"] and slack.hidden == []
        # `check` reads with the caller's server's registry
        here = await moderator.run_command(CommandRequest(
            Caller("discord", "7", server="100"), "check", (OWN_DOX,)))
        elsewhere = await moderator.run_command(CommandRequest(
            Caller("discord", "1", server="200"), "check", (OWN_DOX,)))
        assert "would hide" in here.text and "allowed" in elsewhere.text
    finally:
        await moderator.close()


async def test_a_missing_server_registry_stops_the_start(tmp_path: Path, key: str) -> None:
    config = parse_config(servers_config(tmp_path, own_file="nowhere.toml"),
                          tmp_path / "doxguard.toml")
    with pytest.raises(ConfigError) as refused:
        await Moderator.create(config, FakePlatform(name="discord"), sweep=False)
    assert 'servers."discord:100".servants_file' in str(refused.value)
    assert "nowhere.toml" in str(refused.value)


@pytest.mark.parametrize(("text", "needle"), [
    ('[servers."123"]\n', 'servers."123"'),  # no platform
    ('[servers."discord:1"]\nmoderators = ["slack:U1"]\n', "must read 'discord:id'"),
    ('[servers."discord:1"]\nmoderators = ["discord:"]\n', "must read 'discord:id'"),
    ('[servers."discord:1"]\nmods = ["discord:2"]\n', "unknown setting 'mods'"),
    ('[servers."slack:T1"]\nmod_log_channel = 5\n', "must be a string"),
])
def test_server_settings_are_checked_with_the_line(text: str, needle: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config("# servers\n" + text, "doxguard.toml")
    assert needle in str(refused.value)
    assert refused.value.line is not None and refused.value.line >= 2


# ------------------------------------------------- the real adapters, loopback fakes


async def test_discord_guilds_each_with_their_moderators_and_mod_log(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two guilds on the fake Discord; the second has its own moderator and notice channel."""
    from adapters.discord_adapter import DiscordAdapter
    from tests.fake_discord import FakeDiscord, bot_config_text
    from tests.test_discord_e2e import DOXXING, SEAL_KEY

    monkeypatch.setenv("DOXGUARD_SEAL_KEY", SEAL_KEY)
    fake = FakeDiscord()
    one, two = fake.add_guild("One"), fake.add_guild("Two")
    fake.add_channel(two, "mods-two")
    await fake.start()
    local_mod = fake.new_user(two, "local-mod")
    fake.add_member(one, fake.user(local_mod, "local-mod"), [])  # a member of both guilds
    posters = {g.id: fake.new_user(g, "poster") for g in (one, two)}
    text = bot_config_text(fake) + (
        f'[servers."discord:{two.id}"]\nmoderators = ["discord:{local_mod}"]\n'
        'mod_log_channel = "mods-two"\n')
    bot = DiscordAdapter(parse_config(text, "/tmp/doxguard-servers-test.toml"))
    try:
        await bot.start("fake-token", db_path=":memory:", retry_delay=0.01, sweep=False)
        await bot.wait_ready(10)
        for guild in (one, two):
            general = int(fake.channel(guild, "general")["id"])
            posted = await fake.post_message(general, posters[guild.id], DOXXING)
            await fake.wait_for_request(
                "DELETE", rf"^/channels/{general}/messages/{posted['id']}$", wait=10)
        notice_paths = {g.id: rf"^/channels/{int(fake.channel(g, name)['id'])}/messages$"
                        for g, name in ((one, "mod-log"), (two, "mods-two"))}
        for path in notice_paths.values():
            await fake.wait_for_request("POST", path, wait=10)
        two_mod_log = int(fake.channel(two, "mod-log")["id"])
        assert fake.find("POST", rf"^/channels/{two_mod_log}/messages$") == []
        # the local moderator moderates guild Two, and is an ordinary member in One
        replies = {}
        for guild in (one, two):
            general = int(fake.channel(guild, "general")["id"])
            iid = await fake.slash(guild, general, local_mod, ["doxguard", "servant", "list"])
            replies[guild.id] = (await fake.interaction_reply(iid))["data"]["content"]
        assert "Rosalind Quarrie" in replies[two.id]
        assert "Rosalind Quarrie" not in replies[one.id]
        assert "moderator" in replies[one.id].lower()
    finally:
        await bot.close()
        await fake.stop()


async def test_a_slack_workspace_with_its_own_moderator_and_notice_channel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.fake_slack import TEAM_ID, FakeSlack
    from tests.test_slack_e2e import (
        AUTHOR,
        BYSTANDER,
        DOXX,
        GENERAL,
        MODS,
        SEAL_KEY,
        make_config,
        start_bot,
    )

    monkeypatch.setenv("DOXGUARD_SEAL_KEY", SEAL_KEY)
    fake = FakeSlack()
    await fake.start()
    for channel, name in ((GENERAL, "general"), (MODS, "mods"), ("CLOCALMODS", "local-mods")):
        fake.add_channel(channel, name, private=channel != GENERAL)
    for user in (AUTHOR, BYSTANDER):
        fake.add_user(user, user.lower())
    from dataclasses import replace

    from bot.config import ServerSettings

    config = replace(make_config(fake), servers={f"slack:{TEAM_ID}": ServerSettings(
        moderators=(f"slack:{BYSTANDER}",), mod_log_channel="CLOCALMODS")})
    bot = await start_bot(fake, config)
    try:
        body = fake.post_as_user(GENERAL, AUTHOR, DOXX)
        await bot.on_message_event(body)
        await fake.wait_deleted(GENERAL, body["event"]["ts"])
        [notice] = [c for c in fake.calls_to("chat.postMessage", ok_only=True)
                    if c.params.get("blocks")]
        assert notice.params["channel"] == "CLOCALMODS"
        caller = await bot._caller(BYSTANDER, TEAM_ID, GENERAL)
        assert bot.moderator.is_moderator(caller)
        elsewhere = await bot._caller(BYSTANDER, "T0OTHER", GENERAL)
        assert not bot.moderator.is_moderator(elsewhere)
    finally:
        await bot.close()
        await fake.close()
