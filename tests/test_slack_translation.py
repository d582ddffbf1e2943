"""The Slack adapter's pure parts: payload translation, markup, Block Kit limits, de-duplication."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from adapters.slack_adapter import _Dedup, _with_usergroup_moderators
from adapters.slack_blocks import (
    FIELD_LIMIT,
    SECTION_LIMIT,
    command_reply_text,
    neutralise_mentions,
    notice_blocks,
    restored_text,
)
from adapters.slack_events import command_text, escape_mrkdwn, slack_to_plain, translate
from bot.config import SlackSettings, parse_config
from bot.models import (
    Action,
    Category,
    EventKind,
    Incident,
    IncidentStatus,
    Notice,
    NoticeCategory,
    Subject,
)
from tests.fake_slack import BOT_USER_ID, event_body


def msg(**event: object) -> dict[str, object]:
    base: dict[str, object] = {"type": "message", "channel": "C1", "user": "U1", "text": "hi",
                               "ts": "1700000000.000100", "channel_type": "channel"}
    base.update(event)
    return event_body(base, event_id="Ev1")


def tr(body: dict[str, object], ignore_bots: bool = True):  # type: ignore[no-untyped-def]
    return translate(body, bot_user_id=BOT_USER_ID, ignore_bots=ignore_bots)


def test_slack_markup_becomes_what_readers_see() -> None:
    assert slack_to_plain("mail <mailto:k.doe@example.com|k.doe@example.com> now") == (
        "mail k.doe@example.com now")
    assert slack_to_plain("<tel:+18165550142|816-555-0142>") == "816-555-0142"
    assert slack_to_plain("hey <@U123> in <#C9|general> <!here>") == "hey @U123 in #general @here"
    assert slack_to_plain("Smith &amp; Sons &lt;3 &gt;") == "Smith & Sons <3 >"
    assert slack_to_plain("<https://example.com/a|example.com/a>") == "example.com/a"
    assert slack_to_plain("<https://example.org/x|click>") == "click https://example.org/x"
    assert slack_to_plain("<!subteam^S1|@mods>") == "@mods"


def test_escape_defangs_broadcasts_and_links() -> None:
    assert escape_mrkdwn("<!channel> & <http://x|y>") == "&lt;!channel&gt; &amp; &lt;http://x|y&gt;"


def test_new_message_fields() -> None:
    item = tr(msg(text="call <tel:8165550142|816-555-0142>"))
    assert item is not None
    assert item.kind is EventKind.NEW and item.id == "1700000000.000100"
    assert item.text == "call 816-555-0142" and item.channel == "C1" and item.author == "U1"
    assert item.event_id == "Ev1" and item.server == "T0FAKE"
    assert item.thread is None and item.reply_to is None


def test_thread_reply_and_thread_parent() -> None:
    reply = tr(msg(thread_ts="1700000000.000001"))
    assert reply is not None
    assert reply.thread == "1700000000.000001" and reply.reply_to == "1700000000.000001"
    parent = tr(msg(thread_ts="1700000000.000100"))  # a parent carries its own ts
    assert parent is not None and parent.thread == "1700000000.000100" and parent.reply_to is None


def test_edit_and_delete() -> None:
    edit = tr(msg(subtype="message_changed", ts="1700000000.000200",
                  message={"user": "U1", "text": "new text", "ts": "1700000000.000100"}))
    assert edit is not None and edit.kind is EventKind.EDIT
    assert edit.id == "1700000000.000100" and edit.text == "new text"
    gone = tr(msg(subtype="message_deleted", deleted_ts="1700000000.000100",
                  previous_message={"user": "U1", "text": "x", "ts": "1700000000.000100"}))
    assert gone is not None and gone.kind is EventKind.DELETE and gone.id == "1700000000.000100"


def test_an_edit_that_changes_no_words_is_ignored() -> None:
    same = {"user": "U1", "text": "hi", "ts": "1.1"}
    unfurl = tr(msg(subtype="message_changed", message={**same, "attachments": [{"id": 1}]},
                    previous_message=same))
    assert unfurl is None
    reworded = tr(msg(subtype="message_changed", message={**same, "text": "hi there"},
                      previous_message=same))
    assert reworded is not None and reworded.kind is EventKind.EDIT


def test_ignored_events() -> None:
    assert tr(msg(subtype="channel_join")) is None
    assert tr(msg(channel_type="im")) is None
    assert tr(msg(bot_id="B1")) is None
    assert tr(msg(subtype="bot_message", bot_id="B1")) is None
    assert tr(msg(user=BOT_USER_ID)) is None
    # other bots are scanned when ignore_bots is off; our own never are
    assert tr(msg(bot_id="B1"), ignore_bots=False) is not None
    assert tr(msg(user=BOT_USER_ID), ignore_bots=False) is None
    assert tr(msg(subtype="message_changed",
                  message={"user": "U1", "bot_id": "B1", "text": "x", "ts": "1.1"})) is None


def test_malformed_payloads_are_none_not_errors() -> None:
    for body in ({}, {"event": "x"}, {"event": {"type": "message"}},
                 msg(ts=None), msg(channel=None), msg(subtype="message_changed", message="x"),
                 msg(subtype="message_deleted"), msg(text=None, files="nope")):
        item = tr(body)  # type: ignore[arg-type]
        assert item is None or item.text == ""


def test_files_are_classified() -> None:
    item = tr(msg(subtype="file_share", files=[
        {"id": "F1", "name": "a.txt", "mimetype": "text/plain", "filetype": "text",
         "size": 10, "url_private": "https://files.slack.com/a"},
        {"id": "F2", "name": "b.png", "mimetype": "image/png", "filetype": "png", "size": 10,
         "url_private": "https://files.slack.com/b"},
        {"id": "F3", "file_access": "check_file_info"},
        {"name": "no id"},
    ]))
    assert item is not None
    assert [(f.id, f.is_text, f.needs_info) for f in item.files] == [
        ("F1", True, False), ("F2", False, False), ("F3", False, True)]


def test_dedup_key_follows_content_not_event_id() -> None:
    a, b = tr(msg()), tr(event_body({**msg()["event"]}, event_id="Ev2"))  # type: ignore[dict-item]
    assert a is not None and b is not None and a.dedup_key() == b.dedup_key()
    c = tr(msg(text="other"))
    assert c is not None and c.dedup_key() != a.dedup_key()


def _notice(excerpt: str, **kw: object) -> Notice:
    fields: dict[str, object] = dict(
        incident_id="DG-000007", platform="slack", server="T1", channel="C1",
        channel_name="general", message_id="1.2", author="U1", author_name="poster",
        action=Action.HIDE, status=IncidentStatus.HIDDEN, headline="Message hidden",
        categories=(NoticeCategory(Category.PHONE_NUMBER, Category.PHONE_NUMBER.title,
                                   Category.PHONE_NUMBER.wording),),
        protected=(Subject("Harold Quenneville", "police_officer", "Harold Quenneville"),),
        excerpt=excerpt,
    )
    fields.update(kw)
    return Notice(**fields)  # type: ignore[arg-type]


def test_notice_blocks_are_escaped_and_within_limits() -> None:
    blocks = notice_blocks(_notice("<!channel> " + "x" * 10_000, intent=("threat",),
                                   hide_error="e" * 5000))
    for block in blocks:
        if "text" in block and block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_LIMIT
        for el in block.get("elements", []) + block.get("fields", []):
            if el.get("type") == "mrkdwn":
                assert len(el["text"]) <= FIELD_LIMIT
    dumped = json.dumps(blocks)
    assert "<!channel>" not in dumped and "&lt;!channel&gt;" in dumped
    assert "phone_number" in dumped and "DG-000007" in dumped
    actions = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert [a["action_id"] for a in actions] == [
        "doxguard_restore", "doxguard_confirm", "doxguard_dismiss"]  # no timeout on Slack


def test_restored_text_is_attributed_and_cannot_ping() -> None:
    incident = Incident(
        id="DG-1", platform="slack", server="T", channel="C1", message_id="1.2", author="U1",
        action=Action.HIDE, status=IncidentStatus.HIDDEN, categories=(), servants=(),
        excerpt="", created_at=0.0, updated_at=0.0)
    text = restored_text(incident, "<!channel> line one\nline two")
    assert "originally posted by `U1`" in text and "<@" not in text  # attributed, not pinged
    assert "<!channel>" not in text and "> @channel line one\n> line two" in text


def test_restored_markup_keeps_formatting_and_neutralises_every_mention() -> None:
    markup = ("*Bold* _it_ `code` &lt;3 <@U0OTHER|bea> <@W0ENT> <!here> <!everyone> "
              "<!subteam^S0MODS|@mods> <#C0GEN|general> <https://example.org> "
              "<https://evil.example|https://bank.example> <mailto:a@b.example|a@b.example> "
              "<!date^1392734382^{date}|Feb 18> <weird>")
    text = neutralise_mentions(markup)
    assert text.startswith("*Bold* _it_ `code` &lt;3 @bea @W0ENT @here @everyone @mods ")
    assert "<#C0GEN|general>" in text and "<https://example.org>" in text
    assert "https://bank.example (<https://evil.example>)" in text  # no disguised link
    assert "<mailto:a@b.example>" in text and "Feb 18" in text and "&lt;weird&gt;" in text
    assert "<@" not in text and "<!" not in text


def test_command_reply_keeps_layout() -> None:
    assert command_reply_text("one line <b>") == "one line &lt;b&gt;"
    assert command_reply_text("a\n  b") == "```a\n  b```"


async def test_dedup_drops_a_retry_only_after_the_first_finished() -> None:
    dedup = _Dedup()
    assert await dedup.claim(["k"])
    # a concurrent retry waits for the first delivery...
    waiter = asyncio.ensure_future(dedup.claim(["k"]))
    await asyncio.sleep(0)
    assert not waiter.done()
    dedup.finish(["k"], ok=False)  # ...which failed, so the retry does the work
    assert await waiter is True
    dedup.finish(["k"], ok=True)
    assert await dedup.claim(["k"]) is False
    assert await dedup.claim(["other", "k"]) is False  # any known key is enough


def test_usergroup_setting_becomes_a_moderator_role() -> None:
    cfg = parse_config('[slack]\nmoderator_usergroup = "S1"\n')
    assert _with_usergroup_moderators(cfg).moderators.role_ids == ("slack:S1",)
    plain = parse_config("")
    assert _with_usergroup_moderators(plain) is plain


def test_command_text_turns_mentions_into_ids() -> None:
    assert command_text("incidents <@U0123ABC|bob> 5") == "incidents U0123ABC 5"
    assert command_text("check mail <mailto:a@example.com|a@example.com> &amp; call") == (
        "check mail a@example.com & call")


def test_manifest_grants_what_the_adapter_uses() -> None:
    """The manifest and the code must not drift: command, Socket Mode, one scope per API use."""
    manifest = (Path(__file__).parents[1] / "config" / "slack-app-manifest.yaml").read_text()
    scopes = set(re.findall(r"^\s+- ([a-z]+:[a-z]+|commands)\b", manifest, re.M))
    assert f"command: {SlackSettings().slash_command}" in manifest
    assert "socket_mode_enabled: true" in manifest
    assert {"message.channels", "message.groups"} <= set(
        re.findall(r"^\s+- (message\.[a-z]+)", manifest, re.M))
    # each Web API method the adapter calls, and the scope Slack requires for it
    needed = {
        "chat.postMessage": "chat:write", "chat.postEphemeral": "chat:write",
        "conversations.info": "channels:read", "users.info": "users:read",
        "files.info": "files:read", "usergroups.users.list": "usergroups:read",
        "message events in public channels": "channels:history",
        "message events in private channels": "groups:history",
        "the slash command": "commands",
        "users.conversations": "groups:read", "conversations.history": "groups:history",
    }
    assert set(needed.values()) <= scopes
