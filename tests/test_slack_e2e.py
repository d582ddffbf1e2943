"""End to end: the real slack-bolt app and slack-sdk clients against the loopback fake Slack.

Events, slash commands and button presses arrive as Slack sends them — signed
HTTP requests, or envelopes on the fake Socket Mode WebSocket — and the real
Moderator (in-memory store) decides. Assertions are on the Web API calls the
fake recorded: which token deleted what, which blocks were posted.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.slack_adapter import NO_ADMIN_TOKEN, SlackBot
from bot.config import Config, parse_config
from bot.engine import Moderator
from bot.models import IncidentStatus
from bot.platform import StartError
from tests import fake_slack as fs
from tests.fake_slack import FakeSlack

DATA = Path(__file__).parent / "data"
SEAL_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()

AUTHOR = "UAUTHOR"
MOD = "UMOD"  # listed in moderators.user_ids
GROUP_MOD = "UGRPMOD"  # moderator through the user group
BYSTANDER = "UBYSTANDER"
GENERAL, PRIVATE, MODS = "CGENERAL", "GPRIVATE", "CMODS"

DOXX = ("Officer Quenneville lives at 4410 Harrow St, Kansas City, MO 64111 — "
        "go tell him what you think")
DOXX_VALUES = ("4410 Harrow", "64111")
PHONE_DOXX = "Officer Quenneville's personal cell is 816-555-0142, call him"
CLEAN = "Officer Quenneville did a great job at the parade today"


def make_config(fake: FakeSlack, **slack: Any) -> Config:
    settings = {
        "api_base_url": fake.base_url,
        "moderators_channel": MODS,
        "moderator_usergroup": "SMODS",
        **slack,
    }
    lines = "\n".join(f"{k} = {json.dumps(v)}" for k, v in settings.items())
    text = (
        'servants_file = "slack_servants.toml"\n'
        "[moderators]\n"
        f'user_ids = ["slack:{MOD}"]\n'
        "[notices]\n"
        "retry_attempts = 2\n"
        "[slack]\n" + lines + "\n"
    )
    return parse_config(text, DATA / "slack-test.toml")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    server.add_channel(GENERAL, "general")
    server.add_channel(PRIVATE, "council-watch", private=True)
    server.add_channel(MODS, "mods", private=True)
    for user, name in ((AUTHOR, "poster"), (MOD, "mod-anna"), (GROUP_MOD, "mod-ben"),
                       (BYSTANDER, "bystander")):
        server.add_user(user, name)
    server.add_usergroup("SMODS", [GROUP_MOD])
    yield server
    await server.close()
    assert server.unknown_methods == []  # the fake answers every method the bot calls


@pytest.fixture(autouse=True)
def _seal_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", SEAL_KEY)


class Harness:
    """A started SlackBot with the real Moderator, and a way to send it what Slack sends."""

    def __init__(self, fake: FakeSlack, bot: SlackBot, url: str, session: aiohttp.ClientSession):
        self.fake, self.bot, self.url, self.session = fake, bot, url, session

    async def send_event(self, body: dict[str, Any], *, secret: str = fs.SIGNING_SECRET,
                         retry_num: int | None = None, timestamp: int | None = None) -> int:
        raw = json.dumps(body)
        headers = fs.signed_headers(secret, raw, timestamp=timestamp)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        async with self.session.post(self.url, data=raw, headers=headers) as resp:
            await resp.read()
            return resp.status

    async def deliver(self, body: dict[str, Any], **kw: Any) -> None:
        """Send an event and wait until the bot finished with it."""
        assert await self.send_event(body, **kw) == 200
        async with asyncio.timeout(fs.WAIT):
            await self.bot.wait_idle()

    async def send_form(self, form: str) -> int:
        headers = fs.signed_headers(fs.SIGNING_SECRET, form,
                                    content_type="application/x-www-form-urlencoded")
        async with self.session.post(self.url, data=form, headers=headers) as resp:
            await resp.read()
            return resp.status

    async def command(self, user: str, text: str) -> dict[str, Any]:
        count = len(self.fake.responses) + 1
        form = fs.form_encode(fs.slash_command(user, MODS, text, self.fake.response_url()))
        assert await self.send_form(form) == 200
        return await self.fake.wait_for_response(count)

    async def press(self, user: str, action: str, incident_id: str) -> dict[str, Any]:
        count = len(self.fake.responses) + 1
        payload = fs.block_action(user, MODS, f"doxguard_{action}", incident_id,
                                  self.fake.response_url())
        assert await self.send_form(fs.interactive_form(payload)) == 200
        return await self.fake.wait_for_response(count)

    async def incidents(self) -> list[Any]:
        return await self.bot.moderator.store.list_incidents(limit=100)

    def notices(self) -> list[dict[str, Any]]:
        return [c.params for c in self.fake.calls_to("chat.postMessage", ok_only=True)
                if c.params.get("channel") == MODS and c.params.get("blocks")]


async def start_bot(fake: FakeSlack, config: Config, *, admin: bool = True,
                    db_path: str = ":memory:") -> SlackBot:
    bot = SlackBot(
        config,
        bot_token=fs.BOT_TOKEN,
        app_token=fs.APP_TOKEN,
        admin_token=fs.ADMIN_TOKEN if admin else None,
        signing_secret=fs.SIGNING_SECRET,
    )
    moderator = await Moderator.create(bot.config, bot.platform, db_path=db_path,
                                       retry_delay=0.01, sweep=False)
    await bot.start(moderator=moderator)
    return bot


@pytest.fixture
async def http_factory(fake: FakeSlack) -> AsyncIterator[Any]:
    made: list[tuple[SlackBot, aiohttp.ClientSession]] = []

    async def make(*, admin: bool = True, **slack: Any) -> Harness:
        bot = await start_bot(fake, make_config(fake, mode="http", **slack), admin=admin)
        port = await bot.start_http("127.0.0.1", 0)
        session = aiohttp.ClientSession()
        made.append((bot, session))
        return Harness(fake, bot, f"http://127.0.0.1:{port}/slack/events", session)

    yield make
    for bot, session in made:
        await session.close()
        await bot.close()


@pytest.fixture
async def http(http_factory: Any) -> Harness:
    harness: Harness = await http_factory()
    return harness


# ---------------------------------------------------------------------------- HTTP Events API


async def test_doxxing_message_is_deleted_with_the_admin_token_and_notice_blocks_posted(
    http: Harness,
) -> None:
    body = http.fake.post_as_user(GENERAL, AUTHOR, DOXX)
    ts = body["event"]["ts"]
    await http.deliver(body)

    deletes = http.fake.calls_to("chat.delete", ok_only=True)
    assert [(c.token, c.params["channel"], c.params["ts"]) for c in deletes] == [
        (fs.ADMIN_TOKEN, GENERAL, ts)
    ]
    assert (GENERAL, ts) in http.fake.deleted
    [incident] = await http.incidents()
    assert incident.status is IncidentStatus.HIDDEN
    [notice] = http.notices()
    blocks = json.dumps(notice["blocks"])
    assert incident.id in blocks and "home_address" in blocks
    assert "Harold Quenneville" in blocks
    why = next(b["text"]["text"] for b in notice["blocks"]
               if b.get("text", {}).get("text", "").startswith("*Why*"))
    assert "personal information linked to a protected person" in why
    buttons = next(b for b in notice["blocks"] if b["type"] == "actions")["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("doxguard_restore", incident.id), ("doxguard_confirm", incident.id),
        ("doxguard_dismiss", incident.id),
    ]
    for value in DOXX_VALUES:  # the notice is masked
        assert value not in blocks and value not in notice["text"]
    # the author is named without an @-mention, so the notice does not ping them
    assert f"<@{AUTHOR}>" not in blocks


async def test_private_channel_message_is_watched(http: Harness) -> None:
    body = http.fake.post_as_user(PRIVATE, AUTHOR, PHONE_DOXX)
    assert body["event"]["channel_type"] == "group"
    await http.deliver(body)
    assert [c.params["channel"] for c in http.fake.calls_to("chat.delete", ok_only=True)] == [
        PRIVATE
    ]


async def test_clean_message_is_left_alone(http: Harness) -> None:
    body = http.fake.post_as_user(GENERAL, AUTHOR, CLEAN)
    await http.deliver(body)
    assert http.fake.calls_to("chat.delete") == []
    assert http.notices() == []
    assert (GENERAL, body["event"]["ts"]) in http.fake.messages
    assert await http.incidents() == []


async def test_an_edit_that_adds_pii_is_caught(http: Harness) -> None:
    body = http.fake.post_as_user(GENERAL, AUTHOR, CLEAN)
    ts = body["event"]["ts"]
    await http.deliver(body)
    assert http.fake.calls_to("chat.delete") == []

    await http.deliver(http.fake.edit_as_user(GENERAL, ts, CLEAN + ". " + PHONE_DOXX))
    deletes = http.fake.calls_to("chat.delete", ok_only=True)
    assert [(c.token, c.params["ts"]) for c in deletes] == [(fs.ADMIN_TOKEN, ts)]
    [incident] = await http.incidents()
    assert incident.message_id == ts and "phone_number" in incident.categories


async def test_thread_reply_is_linked_to_its_parent(http: Harness) -> None:
    parent = http.fake.post_as_user(GENERAL, AUTHOR, "Anyone know where Officer Quenneville lives?")
    await http.deliver(parent)
    reply = http.fake.post_as_user(GENERAL, BYSTANDER, "4410 Harrow St, Kansas City, MO 64111",
                                   thread_ts=parent["event"]["ts"])
    await http.deliver(reply)
    deletes = http.fake.calls_to("chat.delete", ok_only=True)
    assert [c.params["ts"] for c in deletes] == [reply["event"]["ts"]]


async def test_a_shared_text_file_is_scanned(http: Harness) -> None:
    snippet = http.fake.add_file("notes.txt", f"{PHONE_DOXX}\n".encode())
    body = http.fake.post_as_user(GENERAL, AUTHOR, "some notes", files=[snippet])
    await http.deliver(body)
    assert http.fake.calls_to("files.download")[0].token == fs.BOT_TOKEN
    assert [c.params["ts"] for c in http.fake.calls_to("chat.delete", ok_only=True)] == [
        body["event"]["ts"]
    ]


async def test_files_are_size_bounded_and_binaries_skipped(http_factory: Any) -> None:
    http: Harness = await http_factory(file_max_bytes=64)
    # the PII sits beyond the first 64 bytes: only the bounded prefix is read
    padded = http.fake.add_file("long.txt", b"x" * 200 + PHONE_DOXX.encode())
    binary = http.fake.add_file("photo.png", b"\x89PNG\r\n\0\0" + PHONE_DOXX.encode(),
                                mimetype="image/png", filetype="png")
    await http.deliver(http.fake.post_as_user(GENERAL, AUTHOR, "files", files=[padded, binary]))
    # the text file's prefix, and the image for OCR (issue 16); the image is not a readable
    # one, so it is noted and nothing of it is scanned as text
    assert len(http.fake.calls_to("files.download")) == 2
    assert http.fake.calls_to("chat.delete") == []


async def test_stub_file_is_looked_up_with_files_info(http: Harness) -> None:
    full = http.fake.add_file("dox.csv", PHONE_DOXX.encode(), mimetype="text/csv",
                              filetype="csv")
    stub = {"id": full["id"], "mode": "hidden_by_limit", "file_access": "check_file_info"}
    body = http.fake.post_as_user(GENERAL, AUTHOR, "", files=[stub])
    await http.deliver(body)
    assert [c.params["file"] for c in http.fake.calls_to("files.info")] == [full["id"]]
    assert len(http.fake.calls_to("chat.delete", ok_only=True)) == 1


async def test_bot_messages_and_our_own_are_ignored(http: Harness) -> None:
    other_bot = http.fake.post_as_user(GENERAL, "UOTHERBOT", PHONE_DOXX)
    other_bot["event"]["bot_id"] = "BOTHER"
    ours = http.fake.post_as_user(GENERAL, fs.BOT_USER_ID, PHONE_DOXX)
    ours["event"]["bot_id"] = fs.BOT_ID
    await http.deliver(other_bot)
    await http.deliver(ours)
    assert http.fake.calls_to("chat.delete") == []
    assert await http.incidents() == []


async def test_without_an_admin_token_the_incident_is_hide_failed_and_moderators_told(
    http_factory: Any,
) -> None:
    http: Harness = await http_factory(admin=False, reply_in_thread=True)
    # said at start, in the moderators channel
    startup = [c.params["text"] for c in http.fake.calls_to("chat.postMessage")
               if c.params.get("channel") == MODS and not c.params.get("blocks")]
    assert len(startup) == 1 and "cannot hide" in startup[0]

    body = http.fake.post_as_user(GENERAL, AUTHOR, DOXX)
    ts = body["event"]["ts"]
    await http.deliver(body)

    assert http.fake.calls_to("chat.delete") == []
    assert (GENERAL, ts) in http.fake.messages  # still there: a bot cannot delete it
    [incident] = await http.incidents()
    assert incident.status is IncidentStatus.HIDE_FAILED
    assert incident.hide_error == NO_ADMIN_TOKEN
    [notice] = http.notices()
    assert NO_ADMIN_TOKEN.split(":")[0] in json.dumps(notice["blocks"])
    # the author is asked in thread, without the PII being repeated
    [ask] = [c.params for c in http.fake.calls_to("chat.postMessage")
             if c.params.get("channel") == GENERAL]
    assert ask["thread_ts"] == ts and f"<@{AUTHOR}>" in ask["text"]
    assert not any(v in ask["text"] for v in DOXX_VALUES)


async def test_bad_signature_is_rejected(http: Harness) -> None:
    body = http.fake.post_as_user(GENERAL, AUTHOR, DOXX)
    assert await http.send_event(body, secret="not-the-secret") == 401
    stale = int(time.time()) - 3600
    assert await http.send_event(body, timestamp=stale) == 401
    unsigned = json.dumps(body)
    async with http.session.post(http.url, data=unsigned,
                                 headers={"Content-Type": "application/json"}) as resp:
        assert resp.status == 401
    assert http.bot.events_seen == 0
    assert http.fake.calls_to("chat.delete") == []


async def test_a_retried_event_makes_no_second_incident(http: Harness) -> None:
    body = http.fake.post_as_user(GENERAL, AUTHOR, DOXX)
    await http.deliver(body)
    await http.deliver(body, retry_num=1)
    await http.deliver(body, retry_num=2)
    assert len(http.fake.calls_to("chat.delete")) == 1
    assert len(http.notices()) == 1
    assert len(await http.incidents()) == 1


async def test_a_retry_whose_first_delivery_never_arrived_is_processed(http: Harness) -> None:
    body = http.fake.post_as_user(GENERAL, AUTHOR, DOXX)
    await http.deliver(body, retry_num=3)  # the bot was down for the first three tries
    assert len(http.fake.calls_to("chat.delete", ok_only=True)) == 1
    assert len(await http.incidents()) == 1


async def test_concurrent_duplicate_deliveries_are_handled_once(http: Harness) -> None:
    body = http.fake.post_as_user(GENERAL, AUTHOR, DOXX)
    statuses = await asyncio.gather(*(http.send_event(body, retry_num=i or None)
                                      for i in range(3)))
    assert statuses == [200, 200, 200]
    async with asyncio.timeout(fs.WAIT):
        await http.bot.wait_idle(seen=3)
    assert len(http.fake.calls_to("chat.delete")) == 1
    assert len(await http.incidents()) == 1


async def test_rate_limited_delete_is_retried_after_retry_after(http: Harness) -> None:
    http.fake.fail("chat.delete", "ratelimited", status=429, retry_after=0)
    body = http.fake.post_as_user(GENERAL, AUTHOR, DOXX)
    await http.deliver(body)
    assert [c.error for c in http.fake.calls_to("chat.delete")] == ["ratelimited", None]
    [incident] = await http.incidents()
    assert incident.status is IncidentStatus.HIDDEN


async def test_cant_delete_message_is_recorded_and_told(http: Harness) -> None:
    http.fake.fail("chat.delete", "cant_delete_message")
    await http.deliver(http.fake.post_as_user(GENERAL, AUTHOR, DOXX))
    [incident] = await http.incidents()
    assert incident.status is IncidentStatus.HIDE_FAILED
    assert "cant_delete_message" in (incident.hide_error or "")
    assert len(http.fake.calls_to("chat.delete")) == 1  # permanent: not retried
    [notice] = http.notices()
    assert "cant_delete_message" in json.dumps(notice["blocks"])


async def test_a_revoked_admin_token_is_recorded(http: Harness) -> None:
    http.fake.fail("chat.delete", "token_revoked")
    await http.deliver(http.fake.post_as_user(GENERAL, AUTHOR, DOXX))
    [incident] = await http.incidents()
    assert incident.status is IncidentStatus.HIDE_FAILED
    assert incident.hide_error == "the admin token was refused by Slack (token_revoked)"


async def test_server_errors_are_retried_then_recorded(http: Harness) -> None:
    http.fake.fail("chat.delete", "internal_error", status=503, times=10)
    await http.deliver(http.fake.post_as_user(GENERAL, AUTHOR, DOXX))
    [incident] = await http.incidents()
    assert incident.status is IncidentStatus.HIDE_FAILED
    assert "503" in (incident.hide_error or "")
    # the SDK retries a 503 once per call, the engine calls hide twice (retry_attempts = 2)
    assert len(http.fake.calls_to("chat.delete")) == 4


async def test_message_already_gone_counts_as_hidden(http: Harness) -> None:
    body = http.fake.post_as_user(GENERAL, AUTHOR, DOXX)
    del http.fake.messages[(GENERAL, body["event"]["ts"])]  # the author deleted it first
    await http.deliver(body)
    [incident] = await http.incidents()
    assert incident.status is IncidentStatus.HIDDEN


async def test_deletion_events_are_handled_quietly(http: Harness) -> None:
    body = http.fake.post_as_user(GENERAL, AUTHOR, CLEAN)
    await http.deliver(body)
    deleted = fs.event_body({
        "type": "message", "subtype": "message_deleted", "channel": GENERAL, "hidden": True,
        "deleted_ts": body["event"]["ts"], "ts": http.fake.next_ts(), "channel_type": "channel",
        "previous_message": {"type": "message", "user": AUTHOR, "text": CLEAN,
                             "ts": body["event"]["ts"]},
    })
    await http.deliver(deleted)
    assert http.bot.events_done == 2
    assert http.fake.calls_to("chat.delete") == []


async def test_slash_command_answers_ephemerally(http: Harness) -> None:
    reply = await http.command(MOD, "status")
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert "Only doxguard moderators" not in reply["text"]

    helped = await http.command(MOD, "")
    assert helped["response_type"] == "ephemeral"
    for name in ("status", "servant", "incidents", "reveal", "restore", "dismiss", "check"):
        assert name in helped["text"]

    refused = await http.command(BYSTANDER, "status")
    assert refused["response_type"] == "ephemeral"
    assert "Only doxguard moderators" in refused["text"]

    checked = await http.command(GROUP_MOD, f"check {PHONE_DOXX}")
    assert checked["response_type"] == "ephemeral"
    assert "816-555-0142" not in checked["text"]  # masked
    assert [c.params["usergroup"] for c in http.fake.calls_to("usergroups.users.list")] == [
        "SMODS"
    ]


async def test_moderator_button_restores_and_non_moderator_is_refused(http: Harness) -> None:
    body = http.fake.post_as_user(GENERAL, AUTHOR, DOXX)
    await http.deliver(body)
    [incident] = await http.incidents()

    refused = await http.press(BYSTANDER, "restore", incident.id)
    assert refused["response_type"] == "ephemeral"
    assert "Only doxguard moderators" in refused["text"]
    assert not [c for c in http.fake.calls_to("chat.postMessage")
                if c.params.get("channel") == GENERAL]

    done = await http.press(MOD, "restore", incident.id)
    assert done["response_type"] == "ephemeral" and "Restored" in done["text"]
    [repost] = [c for c in http.fake.calls_to("chat.postMessage", ok_only=True)
                if c.params.get("channel") == GENERAL]
    assert repost.token == fs.BOT_TOKEN
    assert "Restored by moderators" in repost.params["text"]
    assert f"originally posted by poster (`{AUTHOR}`)" in repost.params["text"]
    assert "<@" not in repost.params["text"]  # the author is named, not pinged
    assert repost.params["link_names"] in (False, "false", "0", 0)
    assert "4410 Harrow St" in repost.params["text"]
    [after] = await http.incidents()
    assert after.status is IncidentStatus.RESTORED


async def test_restore_keeps_the_authors_formatting_and_pings_nobody(http: Harness) -> None:
    markup = (f"*Heads up* <!channel>: <@{BYSTANDER}> says {DOXX} "
              "<https://evil.example|https://news.example>")
    await http.deliver(http.fake.post_as_user(GENERAL, AUTHOR, markup))
    [incident] = await http.incidents()
    done = await http.press(MOD, "restore", incident.id)
    assert "Restored" in done["text"]
    [repost] = [c for c in http.fake.calls_to("chat.postMessage", ok_only=True)
                if c.params.get("channel") == GENERAL]
    text = repost.params["text"]
    assert f"> *Heads up* @channel: @{BYSTANDER} says Officer Quenneville lives at" in text
    assert "https://news.example (<https://evil.example>)" in text
    assert "<@" not in text and "<!" not in text  # neither the author nor anyone is pinged


async def test_user_group_moderator_may_press_buttons(http: Harness) -> None:
    await http.deliver(http.fake.post_as_user(GENERAL, AUTHOR, DOXX))
    [incident] = await http.incidents()
    reply = await http.press(GROUP_MOD, "confirm", incident.id)
    assert "Only doxguard moderators" not in reply["text"]
    [after] = await http.incidents()
    assert after.status is IncidentStatus.CONFIRMED


# ---------------------------------------------------------------------------- Socket Mode


@pytest.fixture
async def socket_bot(fake: FakeSlack) -> AsyncIterator[SlackBot]:
    bot = await start_bot(fake, make_config(fake))
    await bot.connect_socket_mode()
    await fake.wait_connections(1)
    yield bot
    await bot.close()


async def push_and_wait(fake: FakeSlack, bot: SlackBot, kind: str, payload: dict[str, Any],
                        **kw: Any) -> fs.Envelope:
    envelope = await fake.push(kind, payload, **kw)
    async with asyncio.timeout(fs.WAIT):
        await envelope.acked.wait()
        if kind == "events_api":
            await bot.wait_idle()
    return envelope


async def test_socket_mode_hello_event_ack_and_delete(
    fake: FakeSlack, socket_bot: SlackBot
) -> None:
    assert fake.hello_sent == 1
    [opened] = fake.calls_to("apps.connections.open")
    assert opened.token == fs.APP_TOKEN

    body = fake.post_as_user(GENERAL, AUTHOR, DOXX)
    envelope = await push_and_wait(fake, socket_bot, "events_api", body)
    assert envelope.ack is not None and envelope.ack["envelope_id"] == envelope.envelope_id
    deletes = fake.calls_to("chat.delete", ok_only=True)
    assert [(c.token, c.params["ts"]) for c in deletes] == [(fs.ADMIN_TOKEN, body["event"]["ts"])]


async def test_socket_mode_reconnects_after_disconnect(
    fake: FakeSlack, socket_bot: SlackBot
) -> None:
    await fake.send_disconnect()
    await fake.wait_connections(2)
    assert len(fake.calls_to("apps.connections.open")) == 2
    body = fake.post_as_user(GENERAL, AUTHOR, PHONE_DOXX)
    envelope = await push_and_wait(fake, socket_bot, "events_api", body)
    assert envelope.ack is not None
    assert len(fake.calls_to("chat.delete", ok_only=True)) == 1


async def test_socket_mode_retry_envelope_makes_no_second_incident(
    fake: FakeSlack, socket_bot: SlackBot
) -> None:
    body = fake.post_as_user(GENERAL, AUTHOR, DOXX)
    await push_and_wait(fake, socket_bot, "events_api", body)
    retry = await push_and_wait(fake, socket_bot, "events_api", body, retry_attempt=1)
    assert retry.ack is not None  # acknowledged, so Slack stops retrying
    assert len(fake.calls_to("chat.delete")) == 1
    assert len(await socket_bot.moderator.store.list_incidents(limit=10)) == 1


async def test_socket_mode_slash_command_and_button(fake: FakeSlack, socket_bot: SlackBot) -> None:
    await push_and_wait(fake, socket_bot, "events_api", fake.post_as_user(GENERAL, AUTHOR, DOXX))
    [incident] = await socket_bot.moderator.store.list_incidents(limit=10)

    command = fs.slash_command(MOD, MODS, f"incident {incident.id}", fake.response_url())
    envelope = await push_and_wait(fake, socket_bot, "slash_commands", command)
    assert envelope.ack is not None
    reply = await fake.wait_for_response(1)
    assert reply["response_type"] == "ephemeral" and incident.id in reply["text"]

    press = fs.block_action(BYSTANDER, MODS, "doxguard_dismiss", incident.id, fake.response_url())
    await push_and_wait(fake, socket_bot, "interactive", press)
    refused = await fake.wait_for_response(2)
    assert "Only doxguard moderators" in refused["text"]

    press = fs.block_action(MOD, MODS, "doxguard_restore", incident.id, fake.response_url())
    await push_and_wait(fake, socket_bot, "interactive", press)
    restored = await fake.wait_for_response(3)
    assert "Restored" in restored["text"]
    assert any("Restored by moderators" in c.params.get("text", "")
               for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == GENERAL)


async def test_url_verification_challenge_is_answered(http: Harness) -> None:
    raw = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    async with http.session.post(http.url, data=raw,
                                 headers=fs.signed_headers(fs.SIGNING_SECRET, raw)) as resp:
        assert resp.status == 200
        assert "c-123" in await resp.text()


async def test_author_is_told_ephemerally_when_configured(fake: FakeSlack) -> None:
    config = parse_config(
        'servants_file = "slack_servants.toml"\n[notices]\nnotify_author = true\n'
        f'[slack]\napi_base_url = "{fake.base_url}"\nmoderators_channel = "{MODS}"\n',
        DATA / "slack-test.toml",
    )
    bot = await start_bot(fake, config)
    try:
        body = fake.post_as_user(GENERAL, AUTHOR, DOXX)
        await bot.on_message_event(body)
        [told] = fake.calls_to("chat.postEphemeral", ok_only=True)
        assert told.params["user"] == AUTHOR and told.params["channel"] == GENERAL
        assert not any(v in told.params["text"] for v in DOXX_VALUES)
    finally:
        await bot.close()


async def test_run_slack_serves_socket_mode_until_sigterm(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from adapters.slack_adapter import run_slack

    config = parse_config(
        f'servants_file = "{DATA / "slack_servants.toml"}"\n'
        f'[storage]\npath = "{tmp_path / "doxguard.db"}"\n'
        f'[slack]\napi_base_url = "{fake.base_url}"\nmoderators_channel = "{MODS}"\n',
        tmp_path / "doxguard.toml",
    )
    monkeypatch.setenv("SLACK_BOT_TOKEN", fs.BOT_TOKEN)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    with pytest.raises(StartError, match=r"\$SLACK_APP_TOKEN"):  # Socket Mode, no app token
        await run_slack(config)
    monkeypatch.setenv("SLACK_APP_TOKEN", fs.APP_TOKEN)
    monkeypatch.setenv("SLACK_ADMIN_TOKEN", fs.ADMIN_TOKEN)
    task = asyncio.create_task(run_slack(config))
    await fake.wait_connections(1)
    body = fake.post_as_user(GENERAL, AUTHOR, DOXX)
    await fake.push("events_api", body)
    await fake.wait_deleted(GENERAL, body["event"]["ts"])
    os.kill(os.getpid(), signal.SIGTERM)
    async with asyncio.timeout(fs.WAIT):
        assert await task == 0
    assert (tmp_path / "doxguard.db").exists()  # the incident went to the file store


# ---------------------------------------------------------------------------- hardening


async def test_malformed_payloads_are_skipped_and_the_bot_keeps_working(http: Harness) -> None:
    junk: list[dict[str, Any]] = [
        fs.event_body({"type": "message"}),  # no channel, no ts
        fs.event_body({"type": "message", "channel": GENERAL, "ts": 5, "text": ["x"]}),
        fs.event_body({"type": "message", "subtype": "message_changed", "channel": GENERAL,
                       "message": None}),
        fs.event_body({"type": "message", "channel": GENERAL, "ts": "1.1", "user": AUTHOR,
                       "text": "x", "files": [None, {"id": 7}, "F1"]}),
        fs.event_body({"type": "reaction_added", "user": AUTHOR}),
    ]
    for body in junk:
        assert await http.send_event(body) in (200, 404)
    async with asyncio.timeout(fs.WAIT):
        await http.bot.wait_idle()
    assert http.fake.calls_to("chat.delete") == []
    await http.deliver(http.fake.post_as_user(GENERAL, AUTHOR, DOXX))
    assert len(http.fake.calls_to("chat.delete", ok_only=True)) == 1


async def test_a_40000_character_message_is_scanned(http: Harness) -> None:
    filler = "lorem ipsum dolor sit amet " * 1500
    body = http.fake.post_as_user(GENERAL, AUTHOR, (filler + DOXX)[-40_000:])
    await http.deliver(body)
    assert len(http.fake.calls_to("chat.delete", ok_only=True)) == 1


async def test_a_dropped_connection_is_retried(http: Harness) -> None:
    http.fake.fail("chat.delete", "dropped", status=0)
    await http.deliver(http.fake.post_as_user(GENERAL, AUTHOR, DOXX))
    assert [c.error for c in http.fake.calls_to("chat.delete")] == ["dropped", None]
    [incident] = await http.incidents()
    assert incident.status is IncidentStatus.HIDDEN


async def test_no_pii_reaches_the_logs_even_at_debug(
    fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # before the app exists: libraries copy the root level
    bot = await start_bot(fake, make_config(fake, mode="http"))
    port = await bot.start_http("127.0.0.1", 0)
    async with aiohttp.ClientSession() as session:
        http = Harness(fake, bot, f"http://127.0.0.1:{port}/slack/events", session)
        try:
            snippet = fake.add_file("notes.txt", PHONE_DOXX.encode())
            await http.deliver(fake.post_as_user(GENERAL, AUTHOR, DOXX, files=[snippet]))
            await http.send_event(fake.post_as_user(GENERAL, AUTHOR, DOXX), secret="wrong")
            [incident] = await http.incidents()
            await http.command(MOD, f"check {PHONE_DOXX}")
            await http.press(MOD, "restore", incident.id)
            await bot.connect_socket_mode()
            await fake.wait_connections(1)
            envelope = await fake.push("events_api", fake.post_as_user(GENERAL, AUTHOR, DOXX))
            async with asyncio.timeout(fs.WAIT):
                await envelope.acked.wait()
                await bot.wait_idle()
        finally:
            await bot.close()
    assert len(fake.calls_to("chat.delete", ok_only=True)) == 2
    ours = [r for r in caplog.records if r.name != "aiohttp.access"]  # that one is the fake's
    assert ours, "expected the bot to log something"
    for record in ours:
        text = record.getMessage() + (record.exc_text or "")
        for value in (*DOXX_VALUES, "816-555-0142", "Harrow"):
            assert value not in text, f"{record.name} logged PII"


async def test_backfill_scans_what_was_posted_while_the_bot_was_down(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db = str(tmp_path / "doxguard.db")
    config = make_config(fake, mode="http")
    bot = await start_bot(fake, config, db_path=db)
    await bot.on_message_event(fake.post_as_user(GENERAL, AUTHOR, CLEAN))  # seen: a cursor
    await bot.close()

    missed = fake.post_as_user(GENERAL, AUTHOR, DOXX)
    fake.post_as_user(GENERAL, BYSTANDER, "see you all at the parade")
    fake.post_as_user(PRIVATE, AUTHOR, DOXX)  # a channel the bot never saw: not backfilled

    bot = await start_bot(fake, config, db_path=db)
    try:
        assert await bot.backfill() == 2  # the two missed, not the one seen before
        deletes = fake.calls_to("chat.delete", ok_only=True)
        assert [(c.params["channel"], c.params["ts"]) for c in deletes] == [
            (GENERAL, missed["event"]["ts"])
        ]
        assert len(await bot.moderator.store.list_incidents(limit=10)) == 1
    finally:
        await bot.close()

    bot = await start_bot(fake, config, db_path=db)
    try:
        await bot.backfill()  # nothing new: no second incident, no second delete
        assert len(fake.calls_to("chat.delete")) == 1
        assert len(await bot.moderator.store.list_incidents(limit=10)) == 1
    finally:
        await bot.close()


async def test_a_shared_screenshot_is_downloaded_read_and_hidden(http: Harness) -> None:
    """Issue 16: an image file is fetched from the fake's file host with the bot token, read
    with OCR and scanned with its message; the message is deleted."""
    from tests import screens

    screens.ensure_ocr_tools()
    picture = screens.encode(screens.chat([("anon", PHONE_DOXX)], theme="light"), "jpeg",
                             quality=75)
    shot = http.fake.add_file("screenshot.jpg", picture, mimetype="image/jpeg",
                              filetype="jpg")
    body = http.fake.post_as_user(GENERAL, AUTHOR, "", files=[shot])
    await http.deliver(body)
    [download] = http.fake.calls_to("files.download")
    assert download.token == fs.BOT_TOKEN and download.params["file"] == shot["id"]
    assert [c.params["ts"] for c in http.fake.calls_to("chat.delete", ok_only=True)] == [
        body["event"]["ts"]
    ]
    [incident] = await http.incidents()
    assert "phone_number" in incident.categories and "0142" not in incident.excerpt
