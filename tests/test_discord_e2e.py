"""End to end: the real discord.py client and the real Moderator against the fake Discord.

Every assertion is about what Discord would have received (the fake's request
log) or what it sent back to the bot; nothing of discord.py or of doxguard is
mocked. People, addresses and numbers are fictional (555-01xx phones).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.discord_adapter import DiscordAdapter, run_discord
from bot.config import parse_config
from bot.models import ChatMessage, EventKind
from tests.fake_discord import FakeDiscord, FakeGuild, bot_config_text

DOXXING = "Rosalind Quarrie's cell is 816-555-0142, call her all night"
ADDRESS = "Officer Quarrie lives at 4410 Harrison St, Kansas City, MO 64110 — go visit her"
CLEAN = "the council meets tuesday at city hall"
SEAL_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


@dataclass
class World:
    fake: FakeDiscord
    guild: FakeGuild
    bot: DiscordAdapter
    general: int
    mod_log: int
    thread: int
    member: int
    moderator: int

    def notices(self) -> list[dict[str, Any]]:
        return [r.body for r in self.fake.find("POST", rf"^/channels/{self.mod_log}/messages$")]

    async def wait_notices(self, count: int) -> list[dict[str, Any]]:
        await self.fake.wait_for_request(
            "POST", rf"^/channels/{self.mod_log}/messages$", count=count
        )
        return self.notices()

    async def wait_deleted(
        self, channel: int, message: dict[str, Any], wait: float = 5.0
    ) -> None:
        path = rf"^/channels/{channel}/messages/{message['id']}$"
        await self.fake.wait_for_request("DELETE", path, wait=wait)


async def _start_world(
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeDiscord,
    *,
    discord: str = "",
    notices: str = "",
    db_path: str = ":memory:",
) -> World:
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", SEAL_KEY)
    guild = next(iter(fake.guilds.values()))
    moderator = fake.new_user(guild, "mod", roles=[fake.role(guild, "Moderators")["id"]])
    member = fake.new_user(guild, "poster")
    text = bot_config_text(fake, moderators=(moderator,), discord=discord, notices=notices)
    config = parse_config(text, "/tmp/doxguard-discord-test.toml")
    bot = DiscordAdapter(config)
    await bot.start("fake-token", db_path=db_path, retry_delay=0.01, sweep=False)
    await bot.wait_ready(10)
    return World(
        fake=fake,
        guild=guild,
        bot=bot,
        general=int(fake.channel(guild, "general")["id"]),
        mod_log=int(fake.channel(guild, "mod-log")["id"]),
        thread=int(fake.channel(guild, "a thread")["id"]),
        member=member,
        moderator=moderator,
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    server.add_guild()
    await server.start()
    yield server
    await server.stop()
    assert not server.unhandled, f"the client called routes the fake lacks: {server.unhandled}"


@pytest.fixture
async def world(monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord) -> AsyncIterator[World]:
    w = await _start_world(monkeypatch, fake)
    yield w
    await w.bot.close()


def _custom_ids(notice: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in notice.get("components", []) for c in row["components"]]


async def test_doxxing_message_is_deleted_and_notice_has_buttons(world: World) -> None:
    msg = await world.fake.post_message(world.general, world.member, DOXXING)
    await world.wait_deleted(world.general, msg)
    [delete] = world.fake.find("DELETE", rf"/messages/{msg['id']}$")
    assert delete.reason is not None and "816" not in delete.reason
    [notice] = await world.wait_notices(1)
    embed = notice["embeds"][0]
    assert "DG-" in embed["title"]
    text = str(embed)
    assert "phone_number" in text
    shown = re.sub(r"\d{17,20}", "<id>", text)  # a snowflake may hold "0142" by chance
    assert "555-0142" not in shown and "0142" not in shown  # masked
    why = next(f for f in embed["fields"] if f["name"] == "Why")["value"]
    assert why.startswith("personal information linked to a protected person; ")
    ids = _custom_ids(notice)
    assert [i.split(":")[1] for i in ids] == ["restore", "confirm", "dismiss", "timeout"]
    assert all(i.startswith("doxguard:") and i.endswith(embed["title"].split()[-1]) for i in ids)
    assert notice["allowed_mentions"]["parse"] == []


async def test_clean_message_is_left_alone(world: World) -> None:
    clean = await world.fake.post_message(world.general, world.member, CLEAN)
    dox = await world.fake.post_message(world.general, world.member, ADDRESS)
    await world.wait_deleted(world.general, dox)  # same channel: processed in order
    assert world.fake.find("DELETE", rf"/messages/{clean['id']}$") == []
    assert int(clean["id"]) in world.fake.messages[world.general]
    assert len(await world.wait_notices(1)) == 1


async def test_edit_that_adds_pii_is_caught(world: World) -> None:
    msg = await world.fake.post_message(world.general, world.member, "Rosalind Quarrie's cell is")
    marker = await world.fake.post_message(world.general, world.member, CLEAN)
    await world.fake.edit_message(world.general, int(msg["id"]), DOXXING)
    await world.wait_deleted(world.general, msg)
    assert world.fake.find("DELETE", rf"/messages/{marker['id']}$") == []


async def test_uncached_edit_is_rescanned(world: World) -> None:
    # posted while nobody listened, so the client has no copy in its cache
    msg = world.fake.make_message(world.general, world.member, "see you tuesday")
    await world.fake.edit_message(world.general, int(msg["id"]), ADDRESS)
    await world.wait_deleted(world.general, msg)


async def test_link_unfurl_is_not_rescanned(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, EventKind]] = []
    engine = world.bot.moderator
    assert engine is not None
    real = engine.handle

    async def recording(message: ChatMessage) -> Any:
        seen.append((message.id, message.kind))
        return await real(message)

    monkeypatch.setattr(engine, "handle", recording)
    msg = await world.fake.post_message(world.general, world.member, "https://example.org/agenda")
    await world.fake.edit_message(
        world.general, int(msg["id"]),
        embeds=[{"type": "link", "url": "https://example.org/agenda", "title": "Agenda"}],
        user_edit=False,
    )
    marker = await world.fake.post_message(world.general, world.member, ADDRESS)
    await world.wait_deleted(world.general, marker)
    assert (msg["id"], EventKind.EDIT) not in seen
    assert (msg["id"], EventKind.NEW) in seen


async def test_text_attachment_is_scanned(world: World) -> None:
    msg = await world.fake.post_message(
        world.general, world.member, "notes attached",
        attachments=[("notes.txt", DOXXING.encode()), ("photo.png", b"\x89PNG not text")],
    )
    await world.wait_deleted(world.general, msg)
    fetched = [key.rsplit("/", 1)[-1] for key in world.fake.attachment_fetches]
    assert sorted(fetched) == ["notes.txt", "photo.png"]  # the image for OCR (issue 16)


async def test_thread_message_is_deleted_in_the_thread(world: World) -> None:
    msg = await world.fake.post_message(world.thread, world.member, ADDRESS)
    await world.wait_deleted(world.thread, msg)


async def test_bot_and_webhook_messages_are_ignored(world: World) -> None:
    other_bot = world.fake.snowflake()
    world.fake.add_member(world.guild, world.fake.user(other_bot, "otherbot", bot=True), [])
    from_bot = await world.fake.post_message(world.general, other_bot, DOXXING)
    from_hook = await world.fake.post_message(world.general, 4242, DOXXING, webhook_id=4242)
    marker = await world.fake.post_message(world.general, world.member, ADDRESS)
    await world.wait_deleted(world.general, marker)
    assert world.fake.find("DELETE", rf"/messages/({from_bot['id']}|{from_hook['id']})$") == []


async def test_slash_command_round_trips_ephemerally(world: World) -> None:
    [cmd] = world.fake.commands[world.guild.id]
    assert cmd["name"] == "doxguard"
    assert int(cmd["default_member_permissions"]) == 1 << 13  # Manage Messages
    names = {o["name"] for o in cmd["options"]}
    assert {"status", "servant", "incident", "reveal", "restore", "check", "help"} <= names
    iid = await world.fake.slash(world.guild, world.general, world.moderator,
                                 ["doxguard", "servant", "list"])
    reply = await world.fake.interaction_reply(iid)
    assert reply["type"] == 4
    assert reply["data"]["flags"] & 64  # ephemeral
    assert "Rosalind Quarrie" in reply["data"]["content"]


async def test_slash_command_by_non_moderator_is_refused(world: World) -> None:
    iid = await world.fake.slash(world.guild, world.general, world.member,
                                 ["doxguard", "servant", "list"])
    reply = await world.fake.interaction_reply(iid)
    assert reply["data"]["flags"] & 64
    assert "Rosalind Quarrie" not in reply["data"]["content"]
    assert "moderator" in reply["data"]["content"].lower()


async def test_autocomplete_suggests_servant_names(world: World) -> None:
    iid = await world.fake.slash(world.guild, world.general, world.moderator,
                                 ["doxguard", "servant", "show"], {"name": "ros"}, focused="name")
    reply = await world.fake.interaction_reply(iid)
    assert reply["type"] == 8
    assert [c["value"] for c in reply["data"]["choices"]] == ["Rosalind Quarrie"]


async def test_restore_by_moderator_reposts_through_webhook(world: World) -> None:
    msg = await world.fake.post_message(world.general, world.member, DOXXING)
    await world.wait_deleted(world.general, msg)
    [notice_req] = await world.wait_notices(1)
    notice = next(iter(world.fake.messages[world.mod_log].values()))
    restore = next(i for i in _custom_ids(notice_req) if ":restore:" in i)

    refused = await world.fake.press(world.guild, notice, world.member, restore)
    reply = await world.fake.interaction_reply(refused)
    assert reply["data"]["flags"] & 64
    assert "moderator" in reply["data"]["content"].lower()
    assert world.fake.find("POST", r"^/webhooks/") == []

    pressed = await world.fake.press(world.guild, notice, world.moderator, restore)
    reply = await world.fake.interaction_reply(pressed)
    assert reply["data"]["flags"] & 64
    assert "Restored" in reply["data"]["content"]
    [create] = world.fake.find("POST", rf"^/channels/{world.general}/webhooks$")
    [execute] = world.fake.find("POST", r"^/webhooks/\d+/wtoken")
    assert DOXXING in execute.body["content"]
    assert "restored by moderators" in execute.body["username"]
    assert execute.body["username"].startswith("Poster")
    assert execute.body["avatar_url"]
    assert execute.body["allowed_mentions"]["parse"] == []
    assert create.body["name"]
    # the notice is redrawn in its new state; the refused press changed nothing
    [redraw] = await world.fake.wait_for_request(
        "PATCH", rf"^/channels/{world.mod_log}/messages/{notice['id']}$"
    )
    assert "restored" in str(redraw.body["embeds"][0]).lower()
    # the restored repost comes back through the gateway and is not hidden again
    repost = world.fake.messages[world.general]
    restored = next(m for m in repost.values() if m.get("webhook_id"))
    await world.fake.dispatch("MESSAGE_CREATE", restored, guild_id=world.guild.id)
    marker = await world.fake.post_message(world.general, world.member, ADDRESS)
    await world.wait_deleted(world.general, marker)
    assert world.fake.find("DELETE", rf"/messages/{restored['id']}$") == []


async def test_backfill_after_reconnect(world: World) -> None:
    seen = await world.fake.post_message(world.general, world.member, CLEAN)
    marker = await world.fake.post_message(world.general, world.member, ADDRESS)
    await world.wait_deleted(world.general, marker)
    # posted while the bot is disconnected: stored by Discord, never dispatched
    missed = world.fake.make_message(world.general, world.member, DOXXING)
    missed_clean = world.fake.make_message(world.general, world.member, CLEAN)
    await world.fake.drop_gateway()
    await world.wait_deleted(world.general, missed)
    [history] = world.fake.find("GET", rf"^/channels/{world.general}/messages$")
    # the engine's cursor: a message seen before the disconnect, not the missed one
    assert int(seen["id"]) <= int(history.query["after"]) < int(missed["id"])
    assert world.fake.find("DELETE", rf"/messages/{missed_clean['id']}$") == []
    assert any(f.get("op") == 6 for f in world.fake.gateway_frames)  # it resumed


async def test_backfill_after_invalid_session(world: World) -> None:
    marker = await world.fake.post_message(world.general, world.member, ADDRESS)
    await world.wait_deleted(world.general, marker)
    missed = world.fake.make_message(world.general, world.member, DOXXING)
    world.fake.resume_ok = False
    await world.fake.drop_gateway()
    # discord.py waits 5 s before identifying again, as Discord asks clients to
    await world.wait_deleted(world.general, missed, wait=20.0)
    assert sum(1 for f in world.fake.gateway_frames if f.get("op") == 2) == 2  # re-identified


async def test_delete_403_is_reported_and_not_retried_per_message(world: World) -> None:
    world.fake.fail("DELETE", r"^/channels/\d+/messages/\d+$", 403, times=None)
    first = await world.fake.post_message(world.general, world.member, DOXXING)
    second = await world.fake.post_message(world.general, world.member, ADDRESS)
    notices = await world.wait_notices(2)
    assert len(world.fake.find("DELETE", r"/messages/")) == 1
    assert "Manage Messages" in str(notices[0]["embeds"][0])
    for notice in notices:  # the engine may word the repeat as "same problem as ..."
        assert notice["embeds"][0]["title"].startswith("Could not hide")
    assert int(first["id"]) in world.fake.messages[world.general]
    assert int(second["id"]) in world.fake.messages[world.general]


async def test_delete_rate_limit_is_waited_out(world: World) -> None:
    world.fake.fail("DELETE", r"^/channels/\d+/messages/\d+$", 429, times=1, retry_after=0.05)
    msg = await world.fake.post_message(world.general, world.member, DOXXING)
    await world.fake.wait_for_request("DELETE", rf"/messages/{msg['id']}$", count=2)
    await world.wait_notices(1)
    assert int(msg["id"]) not in world.fake.messages[world.general]


async def test_delete_server_error_is_retried(world: World) -> None:
    world.fake.fail("DELETE", r"^/channels/\d+/messages/\d+$", 503, times=1)
    msg = await world.fake.post_message(world.general, world.member, DOXXING)
    await world.fake.wait_for_request("DELETE", rf"/messages/{msg['id']}$", count=2)
    [notice] = await world.wait_notices(1)
    assert "Not hidden" not in str(notice["embeds"][0])
    assert int(msg["id"]) not in world.fake.messages[world.general]


async def test_missing_permissions_are_logged_at_start_and_not_attempted(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    guild = next(iter(fake.guilds.values()))
    fake.set_bot_permissions(guild, (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16))
    caplog.set_level(logging.WARNING, logger="doxguard.discord")
    w = await _start_world(monkeypatch, fake)
    try:
        warning = next(r.getMessage() for r in caplog.records if "missing permissions" in
                       r.getMessage())
        assert "Manage Messages" in warning and "Moderate Members" in warning
        assert "Manage Webhooks" in warning
        msg = await fake.post_message(w.general, w.member, DOXXING)
        [notice] = await w.wait_notices(1)
        assert "Manage Messages" in str(notice["embeds"][0])
        assert fake.find("DELETE", r"/messages/") == []
        assert int(msg["id"]) in fake.messages[w.general]
    finally:
        await w.bot.close()


async def test_timeout_reason_has_no_pii(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord
) -> None:
    w = await _start_world(monkeypatch, fake, notices="timeout_minutes = 10")
    try:
        msg = await fake.post_message(w.general, w.member, DOXXING)
        path = rf"^/guilds/{w.guild.id}/members/{w.member}$"
        [patch] = await fake.wait_for_request("PATCH", path)
        assert patch.body["communication_disabled_until"]
        assert patch.reason is not None and patch.reason.startswith("doxguard: DG-")
        assert "0142" not in patch.reason and "Quarrie" not in patch.reason
        assert int(msg["id"]) not in fake.messages[w.general]
    finally:
        await w.bot.close()


async def test_sharded_client_moderates(monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord) -> None:
    w = await _start_world(monkeypatch, fake, discord="shard_count = 2\nshard_ids = [0, 1]")
    try:
        identifies = [f["d"]["shard"] for f in fake.gateway_frames if f.get("op") == 2]
        assert sorted(identifies) == [[0, 2], [1, 2]]
        msg = await fake.post_message(w.general, w.member, DOXXING)
        await w.wait_deleted(w.general, msg)
    finally:
        await w.bot.close()


async def test_automod_rule_installed_and_executions_recorded(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord
) -> None:
    w = await _start_world(monkeypatch, fake, discord="automod = true")
    try:
        [create] = fake.find("POST", rf"^/guilds/{w.guild.id}/auto-moderation/rules$")
        patterns = create.body["trigger_metadata"]["regex_patterns"]
        assert 1 < len(patterns) <= 10 and all(len(p) <= 260 for p in patterns)
        assert any("Quarrie" in p for p in patterns)
        assert create.body["actions"][0]["type"] == 1  # block the message
        intents = next(f["d"]["intents"] for f in fake.gateway_frames if f.get("op") == 2)
        assert intents & (1 << 21)  # AUTO_MODERATION_EXECUTION
        rule_id = next(iter(fake.automod_rules[w.guild.id]))
        await fake.dispatch(
            "AUTO_MODERATION_ACTION_EXECUTION",
            {
                "guild_id": str(w.guild.id), "action": {"type": 1, "metadata": {}},
                "rule_id": str(rule_id), "rule_trigger_type": 1, "user_id": str(w.member),
                "channel_id": str(w.general), "content": DOXXING,
                "matched_keyword": patterns[1], "matched_content": "Quarrie's cell is 816",
            },
            guild_id=w.guild.id,
        )
        [notice] = await w.wait_notices(1)
        assert "phone_number" in str(notice["embeds"][0])
        assert fake.find("DELETE", r"/messages/") == []  # it was never posted
    finally:
        await w.bot.close()


async def test_buttons_work_after_restart(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord, tmp_path: Any
) -> None:
    db = str(tmp_path / "doxguard.db")
    first = await _start_world(monkeypatch, fake, db_path=db)
    msg = await fake.post_message(first.general, first.member, DOXXING)
    await first.wait_deleted(first.general, msg)
    [notice_req] = await first.wait_notices(1)
    await first.bot.close()

    config = first.bot.config
    again = DiscordAdapter(config)
    await again.start("fake-token", db_path=db, retry_delay=0.01, sweep=False)
    try:
        await again.wait_ready(10)
        notice = next(iter(fake.messages[first.mod_log].values()))
        dismiss = next(i for i in _custom_ids(notice_req) if ":dismiss:" in i)
        iid = await fake.press(first.guild, notice, first.moderator, dismiss)
        reply = await fake.interaction_reply(iid)
        assert reply["data"]["flags"] & 64
        assert "dismiss" in reply["data"]["content"].lower()
    finally:
        await again.close()


async def test_no_pii_in_logs_at_debug_level(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    w = await _start_world(monkeypatch, fake, notices="timeout_minutes = 5")
    try:
        msg = await fake.post_message(
            w.general, w.member, ADDRESS, attachments=[("notes.md", DOXXING.encode())]
        )
        await w.wait_deleted(w.general, msg)
        await w.wait_notices(1)
        await fake.wait_for_request("PATCH", rf"/members/{w.member}$")
    finally:
        await w.bot.close()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "incident DG-000001" in logged  # debug logging was really on
    for value in ("4410 Harrison", "555-0142", "8165550142", "Harrison St"):
        assert value not in logged


async def test_malformed_and_unknown_events_are_skipped(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="doxguard.discord")
    broken = {"id": "12", "channel_id": str(world.general), "content": DOXXING}  # no author
    await world.fake.dispatch("MESSAGE_CREATE", broken, guild_id=world.guild.id)
    await world.fake.dispatch("SOMETHING_DISCORD_ADDS_LATER", {"x": 1})
    msg = await world.fake.post_message(world.general, world.member, ADDRESS)
    await world.wait_deleted(world.general, msg)
    assert any("malformed MESSAGE_CREATE" in r.getMessage() for r in caplog.records)
    assert world.fake.connections == 1  # the gateway connection survived


async def test_oversized_and_binary_attachments_are_not_downloaded(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord
) -> None:
    w = await _start_world(monkeypatch, fake, discord="attachment_max_bytes = 16")
    try:
        big = await fake.post_message(
            w.general, w.member, "minutes", attachments=[("minutes.txt", DOXXING.encode())]
        )
        marker = await fake.post_message(w.general, w.member, ADDRESS)
        await w.wait_deleted(w.general, marker)
        assert fake.attachment_fetches == []
        assert fake.find("DELETE", rf"/messages/{big['id']}$") == []
    finally:
        await w.bot.close()


async def test_mod_log_channel_by_id(monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord) -> None:
    guild = next(iter(fake.guilds.values()))
    private = fake.add_channel(guild, "moderators-only")
    w = await _start_world(monkeypatch, fake, discord=f'mod_log_channel = "{private["id"]}"')
    try:
        await fake.post_message(w.general, w.member, DOXXING)
        await fake.wait_for_request("POST", rf"^/channels/{private['id']}/messages$")
        assert w.notices() == []
    finally:
        await w.bot.close()


async def test_restore_command_reposts_into_the_thread(world: World) -> None:
    msg = await world.fake.post_message(world.thread, world.member, DOXXING)
    await world.wait_deleted(world.thread, msg)
    [notice] = await world.wait_notices(1)
    incident = notice["embeds"][0]["title"].split()[-1]
    iid = await world.fake.slash(world.guild, world.general, world.moderator,
                                 ["doxguard", "restore"], {"id": incident})
    reply = await world.fake.interaction_reply(iid)
    assert "Restored" in reply["data"]["content"]
    [execute] = world.fake.find("POST", r"^/webhooks/\d+/wtoken")
    assert execute.query["thread_id"] == str(world.thread)
    assert world.fake.find("POST", rf"^/channels/{world.general}/webhooks$")  # on the parent


async def test_mod_log_403_is_tried_once(world: World) -> None:
    world.fake.fail("POST", rf"^/channels/{world.mod_log}/messages$", 403, times=None)
    first = await world.fake.post_message(world.general, world.member, DOXXING)
    second = await world.fake.post_message(world.general, world.member, ADDRESS)
    await world.wait_deleted(world.general, first)
    await world.wait_deleted(world.general, second)
    assert len(world.notices()) == 1


async def test_run_discord_needs_the_token_variable(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord
) -> None:
    monkeypatch.delenv("DOXGUARD_TEST_DISCORD_TOKEN", raising=False)
    text = bot_config_text(fake, discord='token_env = "DOXGUARD_TEST_DISCORD_TOKEN"')
    assert await run_discord(parse_config(text, "/tmp/doxguard-discord-test.toml")) == 2
    assert fake.requests == []


async def test_run_discord_runs_until_cancelled(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord, tmp_path: Any
) -> None:
    monkeypatch.setenv("DOXGUARD_TEST_DISCORD_TOKEN", "not-a-real-token")
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", SEAL_KEY)
    guild = next(iter(fake.guilds.values()))
    member = fake.new_user(guild, "poster")
    general = int(fake.channel(guild, "general")["id"])
    text = bot_config_text(fake, discord='token_env = "DOXGUARD_TEST_DISCORD_TOKEN"')
    text += f'[storage]\npath = "{tmp_path / "run.db"}"\n'
    task = asyncio.create_task(run_discord(parse_config(text, tmp_path / "doxguard.toml")))
    await fake.wait_for_request("PUT", r"/guilds/\d+/commands$")  # ready and synced
    msg = await fake.post_message(general, member, DOXXING)
    await fake.wait_for_request("DELETE", rf"/messages/{msg['id']}$")
    assert fake.requests[0].headers["Authorization"] == "Bot not-a-real-token"
    task.cancel()
    assert await task == 0
    assert (tmp_path / "run.db").exists()


async def test_backfill_is_bounded_by_count(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord
) -> None:
    w = await _start_world(monkeypatch, fake, discord="backfill_max_messages = 2")
    try:
        marker = await fake.post_message(w.general, w.member, ADDRESS)
        await w.wait_deleted(w.general, marker)
        missed = [fake.make_message(w.general, w.member, DOXXING) for _ in range(4)]
        await fake.drop_gateway()
        await w.wait_deleted(w.general, missed[1])
        [history] = fake.find("GET", rf"^/channels/{w.general}/messages$")
        assert history.query["limit"] == "2"
        assert fake.find("DELETE", rf"/messages/({missed[2]['id']}|{missed[3]['id']})$") == []
    finally:
        await w.bot.close()


async def test_slow_command_is_deferred_and_long_reply_split(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = world.bot.moderator
    assert engine is not None
    real = engine.run_command

    async def slow(request: Any) -> Any:
        reply = await real(request)
        await asyncio.sleep(2.2)  # longer than the adapter waits before deferring
        return type(reply)("\n".join([reply.text] * 300), reply.ok, reply.ephemeral)

    monkeypatch.setattr(engine, "run_command", slow)
    iid = await world.fake.slash(world.guild, world.general, world.moderator,
                                 ["doxguard", "servant", "list"])
    await world.fake.wait_until(lambda: len(world.fake.interaction_replies.get(iid, [])) >= 3, 10)
    replies = world.fake.interaction_replies[iid]
    assert replies[0]["type"] == 5 and replies[0]["data"]["flags"] & 64  # deferred, ephemeral
    followups = [r["data"] for r in replies[1:]]
    assert all(r["flags"] & 64 and len(r["content"]) <= 2000 for r in followups)
    assert "Rosalind Quarrie" in followups[0]["content"]


async def test_unsent_notice_is_posted_after_restart(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord, tmp_path: Any
) -> None:
    db = str(tmp_path / "doxguard.db")
    first = await _start_world(monkeypatch, fake, db_path=db)
    fake.fail("POST", rf"^/channels/{first.mod_log}/messages$", 403, times=None)
    msg = await fake.post_message(first.general, first.member, DOXXING)
    await first.wait_deleted(first.general, msg)
    await fake.wait_for_request("POST", rf"^/channels/{first.mod_log}/messages$")
    await first.bot.close()
    fake.clear_failures()
    before = len(first.notices())

    config = parse_config(
        bot_config_text(fake, moderators=(first.moderator,), discord="automod = true"),
        "/tmp/doxguard-discord-test.toml",
    )
    again = DiscordAdapter(config)  # AutoMod setup waits for the engine, which is resuming
    await again.start("fake-token", db_path=db, retry_delay=0.01, sweep=False)
    try:
        await again.wait_ready(10)
        notices = await first.wait_notices(before + 1)
        assert "DG-000001" in notices[-1]["embeds"][0]["title"]
        assert fake.find("POST", rf"^/guilds/{first.guild.id}/auto-moderation/rules$")
    finally:
        await again.close()


async def test_mentions_and_snowflakes_are_not_pii_digits(world: World) -> None:
    texts = [
        f"Rosalind Quarrie <@{world.member}> said hi in <#{world.general}> to "
        f"<@&{world.guild.id}>, cc <@!{world.moderator}>",
        f"Rosalind Quarrie, see message {world.general} and https://discord.com/channels/"
        f"{world.guild.id}/{world.general}/{world.member}",
    ]
    posted = [await world.fake.post_message(world.general, world.member, t) for t in texts]
    marker = await world.fake.post_message(world.general, world.member, ADDRESS)
    await world.wait_deleted(world.general, marker)
    for msg in posted:
        assert world.fake.find("DELETE", rf"/messages/{msg['id']}$") == []


async def test_author_is_told_by_direct_message_without_the_pii(
    monkeypatch: pytest.MonkeyPatch, fake: FakeDiscord
) -> None:
    w = await _start_world(monkeypatch, fake, notices="notify_author = true")
    try:
        msg = await fake.post_message(w.general, w.member, DOXXING)
        await w.wait_deleted(w.general, msg)
        [dm] = await fake.wait_for_request("POST", r"^/users/@me/channels$")
        assert int(dm.body["recipient_id"]) == w.member
        await fake.wait_until(lambda: len(fake.find("POST", r"^/channels/\d+/messages$")) >= 2)
        [sent] = [r for r in fake.find("POST", r"^/channels/\d+/messages$")
                  if str(w.mod_log) not in r.path]
        assert sent.body["content"] and "0142" not in sent.body["content"]
    finally:
        await w.bot.close()


async def test_a_screenshot_attachment_is_downloaded_read_and_hidden(world: World) -> None:
    """Issue 16: an image from Discord's CDN (the fake's) is read with OCR and scanned with
    its caption; the message is hidden and the incident points at the attachment."""
    from tests import screens

    screens.ensure_ocr_tools()
    picture = screens.encode(screens.chat([("anon", "found it"), ("anon", ADDRESS)]), "png")
    msg = await world.fake.post_message(
        world.general, world.member, "look", attachments=[("screenshot.png", picture)]
    )
    await world.wait_deleted(world.general, msg, wait=30.0)
    assert [k.rsplit("/", 1)[-1] for k in world.fake.attachment_fetches] == ["screenshot.png"]
    [incident] = await world.bot.moderator.store.list_incidents(limit=5)
    assert incident.message_id == msg["id"] and "home_address" in incident.categories
    assert "4410" not in incident.excerpt


async def test_an_unfurled_image_link_is_read_through_discords_media_proxy(world: World) -> None:
    """Issue 16: a posted image link that Discord embeds (MESSAGE_UPDATE without an edit) is
    fetched from the embed's proxy URL on Discord's media host and read."""
    from tests import screens

    screens.ensure_ocr_tools()
    picture = screens.encode(screens.chat([("anon", ADDRESS)], theme="light"), "png")
    msg = await world.fake.post_message(world.general, world.member,
                                        "lol https://pics.example.org/dox.png")
    key = f"{world.general}/proxy/dox.png"
    world.fake.attachments[key] = picture
    proxy = f"http://127.0.0.1:{world.fake.port}/attachments/{key}"
    await world.fake.edit_message(world.general, int(msg["id"]), embeds=[{
        "type": "image", "url": "https://pics.example.org/dox.png",
        "thumbnail": {"url": "https://pics.example.org/dox.png", "proxy_url": proxy,
                      "width": 560, "height": 120},
    }], user_edit=False)
    await world.wait_deleted(world.general, msg, wait=30.0)
    assert world.fake.attachment_fetches == [key]  # the proxy copy, not the linked site
