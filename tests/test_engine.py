"""The Moderator end to end: real pipeline, real store on a temp file, the recording fake platform.

Everything here is fictional: the servants come from tests/data/engine_servants.toml,
phone numbers are 555-01xx, addresses and mailboxes are invented.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from bot.commands import COMMANDS, help_text
from bot.config import Config, parse_config
from bot.engine import Moderator
from bot.models import (
    Action,
    Caller,
    Category,
    ChatMessage,
    CommandRequest,
    EventKind,
    IncidentStatus,
)
from bot.platform import HideOutcome
from bot.seal import generate_key
from bot.store import PURGED_EXCERPT, Store
from tests.fake_platform import Crash, FakePlatform

DATA = Path(__file__).parent / "data"
SERVANTS = DATA / "engine_servants.toml"
ADDRESS = "4417 Holly St, Kansas City, MO 64111"
PHONE = "816-555-0142"
DOX = f"Officer Whitaker lives at {ADDRESS}, go pay him a visit"
MOD = Caller("console", "mod")
NOBODY = Caller("discord", "999", roles=("123",))


def make_config(tmp_path: Path, extra: str = "") -> Config:
    text = f'servants_file = "{SERVANTS}"\n[storage]\npath = "{tmp_path / "dg.db"}"\n{extra}'
    return parse_config(text, tmp_path / "doxguard.toml")


def msg(i: int | str, text: str, author: str = "alice", channel: str = "general",
        **kw: object) -> ChatMessage:
    return ChatMessage(id=str(i), channel=channel, author=author, text=text,
                       author_name=author, channel_name=channel, **kw)  # type: ignore[arg-type]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


async def start(
    config: Config, platform: FakePlatform | None = None
) -> tuple[Moderator, FakePlatform]:
    fake = platform or FakePlatform()
    moderator = await Moderator.create(config, fake, retry_delay=0.0, sweep=False)
    return moderator, fake


async def cmd(moderator: Moderator, name: str, *args: str, caller: Caller = MOD):
    return await moderator.run_command(CommandRequest(caller, name, args))


# --------------------------------------------------------------------------
# the message path


async def test_doxxing_message_is_hidden_and_noticed(config: Config, key: str) -> None:
    moderator, fake = await start(config)
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None
    assert incident.status is IncidentStatus.HIDDEN and incident.notice_sent
    assert [m.id for m in fake.hidden] == ["1"]
    assert len(fake.notices) == 1
    notice = fake.notices[0]
    assert notice.incident_id == incident.id == "DG-000001"
    assert [c.id for c in notice.categories] == [Category.HOME_ADDRESS]
    assert notice.categories[0].title == "Home address"
    assert notice.categories[0].wording == Category.HOME_ADDRESS.wording
    assert notice.protected[0].servant == "Daniel Whitaker"
    assert notice.protected[0].role == "police_officer"
    assert notice.headline == "Message hidden"
    assert set(notice.available_actions) == {"restore", "confirm", "dismiss", "timeout"}
    rendered = notice.render_text()
    assert "4417" not in rendered and "Holly" not in rendered
    assert "Whitaker" in rendered and "alice" in rendered
    await moderator.close()


async def test_clean_message_is_left_alone(config: Config) -> None:
    moderator, fake = await start(config)
    assert await moderator.handle(msg(1, "Officer Whitaker gave a great talk today")) is None
    assert await moderator.handle(msg(2, f"my own number is {PHONE}, text me")) is None
    assert fake.hidden == [] and fake.notices == []
    await moderator.close()


async def test_family_member_notice_names_the_relation(config: Config, key: str) -> None:
    moderator, fake = await start(config)
    await moderator.handle(msg(1, f"Karen Whitaker's cell is {PHONE}, call her all night"))
    subject = fake.notices[0].protected[0]
    assert (subject.person, subject.relation, subject.servant) == (
        "Karen Whitaker", "spouse", "Daniel Whitaker")
    assert "spouse of police officer Daniel Whitaker" in fake.notices[0].render_text()
    await moderator.close()


async def test_context_links_earlier_message_and_reply(config: Config, key: str) -> None:
    moderator, fake = await start(config)
    assert await moderator.handle(msg(1, "Officer Whitaker was rude to me today")) is None
    linked = await moderator.handle(msg(2, f"he lives at {ADDRESS}"))
    assert linked is not None and linked.status is IncidentStatus.HIDDEN
    assert linked.servants == ("Daniel Whitaker",)
    assert await moderator.handle(msg(3, "Grace Okafor voted no", author="carol")) is None
    reply = await moderator.handle(
        msg(4, "her email is grace.home@gmail.com", author="dave", reply_to="3"))
    assert reply is not None and reply.categories == (Category.EMAIL_ADDRESS,)
    assert [m.id for m in fake.hidden] == ["2", "4"]
    await moderator.close()


async def test_delete_drops_message_from_context(config: Config) -> None:
    moderator, fake = await start(config)
    await moderator.handle(msg(1, "Officer Whitaker was rude to me today"))
    await moderator.handle(msg(1, "", kind=EventKind.DELETE))
    assert await moderator.handle(msg(2, f"he lives at {ADDRESS}")) is None
    assert fake.hidden == []
    await moderator.close()


async def test_edit_adding_pii_is_caught(config: Config, key: str) -> None:
    moderator, fake = await start(config)
    assert await moderator.handle(msg(1, "Grace Okafor is great")) is None
    edited = await moderator.handle(
        msg(1, f"Grace Okafor's home phone is {PHONE} call her", kind=EventKind.EDIT))
    assert edited is not None and edited.status is IncidentStatus.HIDDEN
    assert edited.categories == (Category.PHONE_NUMBER,)
    assert [m.id for m in fake.hidden] == ["1"]
    await moderator.close()


async def test_edit_of_hidden_message_and_replays_make_no_second_incident(
    config: Config, key: str
) -> None:
    moderator, fake = await start(config)
    first = await moderator.handle(msg(1, DOX))
    again = await moderator.handle(msg(1, DOX))  # gateway replay
    edit = await moderator.handle(msg(1, "nothing to see here", kind=EventKind.EDIT))
    edit_pii = await moderator.handle(msg(1, f"{DOX} and {PHONE}", kind=EventKind.EDIT))
    assert first is not None and again is not None and edit is not None and edit_pii is not None
    assert first.id == again.id == edit.id == edit_pii.id
    assert edit.status is IncidentStatus.HIDDEN  # the edit did not bring it back
    assert len(fake.hidden) == 1 and len(fake.notices) == 1
    assert len(await moderator.store.list_incidents(limit=50)) == 1
    await moderator.close()


async def test_review_verdict_notifies_without_hiding(config: Config, key: str) -> None:
    moderator, fake = await start(config)
    incident = await moderator.handle(
        msg(1, f"the cop who pulled me over lives at {ADDRESS}", author="x"))
    assert incident is not None
    assert incident.action is Action.REVIEW and incident.status is IncidentStatus.REVIEW
    assert fake.hidden == []
    assert fake.notices[0].headline.startswith("Review requested")
    assert "restore" not in fake.notices[0].available_actions
    # a moderator confirming it hides the message
    reply = await cmd(moderator, "confirm", incident.id)
    assert reply.ok and "now hidden" in reply.text
    assert [m.id for m in fake.hidden] == ["1"]
    assert (await moderator.store.get_incident(incident.id)).status is IncidentStatus.CONFIRMED
    await moderator.close()


async def test_review_escalates_when_edited_into_doxxing(tmp_path: Path, key: str) -> None:
    config = make_config(tmp_path, '[detection]\nactions = { home_address = "review" }\n')
    moderator, fake = await start(config)
    flagged = await moderator.handle(msg(1, DOX))
    assert flagged is not None and flagged.status is IncidentStatus.REVIEW
    escalated = await moderator.handle(
        msg(1, f"Officer Whitaker's cell is {PHONE}, call him all night", kind=EventKind.EDIT))
    assert escalated is not None and escalated.id == flagged.id
    assert escalated.status is IncidentStatus.HIDDEN
    assert escalated.categories == (Category.PHONE_NUMBER,)
    assert len(fake.hidden) == 1 and len(fake.notices) == 2
    await moderator.close()


# --------------------------------------------------------------------------
# platform faults


async def test_missing_permission_is_recorded_and_told(config: Config, key: str) -> None:
    fake = FakePlatform()
    fake.fail_next("hide", 403)
    moderator, _ = await start(config, fake)
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None and incident.status is IncidentStatus.HIDE_FAILED
    assert incident.hide_error == "missing permission"
    assert fake.calls.count("hide") == 1  # a 403 is not retried
    assert fake.notices[0].headline == "Could not hide message: missing permission"
    assert "restore" not in fake.notices[0].available_actions
    await moderator.close()


async def test_message_already_gone(config: Config, key: str) -> None:
    fake = FakePlatform()
    fake.fail_next("hide", HideOutcome(False, "message already gone"))
    moderator, _ = await start(config, fake)
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None and incident.status is IncidentStatus.HIDE_FAILED
    assert "already gone" in fake.notices[0].headline
    await moderator.close()


async def test_rate_limits_and_server_errors_are_retried(config: Config, key: str) -> None:
    fake = FakePlatform()
    fake.fail_next("hide", 429, 502)
    fake.fail_next("notify_moderators", 503, 429)
    moderator, _ = await start(config, fake)
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None and incident.status is IncidentStatus.HIDDEN
    assert incident.notice_sent
    assert fake.calls.count("hide") == 3 and fake.calls.count("notify_moderators") == 3
    assert len(fake.hidden) == 1 and len(fake.notices) == 1
    await moderator.close()


async def test_undelivered_notice_is_sent_after_restart(tmp_path: Path, key: str) -> None:
    config = make_config(tmp_path, "[notices]\nretry_attempts = 2\n")
    fake = FakePlatform()
    fake.fail_next("notify_moderators", 500, 500)
    moderator, _ = await start(config, fake)
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None and incident.status is IncidentStatus.HIDDEN
    assert not incident.notice_sent and fake.notices == []
    await moderator.close()

    moderator, fake2 = await start(config)
    assert [n.incident_id for n in fake2.notices] == [incident.id]
    assert fake2.hidden == []  # already hidden: not hidden twice
    assert (await moderator.store.get_incident(incident.id)).notice_sent
    await moderator.close()


async def test_crash_between_store_and_hide_loses_nothing(config: Config, key: str) -> None:
    fake = FakePlatform()
    fake.fail_next("hide", Crash())
    crashed, _ = await start(config, fake)
    with pytest.raises(Crash):
        await crashed.handle(msg(1, DOX))
    assert fake.hidden == [] and fake.notices == []
    # the incident and its sealed original were committed before the hide was attempted
    with sqlite3.connect(config.database_path) as raw:
        rows = raw.execute("SELECT status FROM incidents").fetchall()
        originals = raw.execute("SELECT count(*) FROM originals").fetchone()[0]
    assert rows == [("pending",)] and originals == 1

    # restart (the crashed process never closed its store): the work is finished
    restarted, fake2 = await start(config)
    assert [m.id for m in fake2.hidden] == ["1"]
    assert len(fake2.notices) == 1
    again = await restarted.handle(msg(1, DOX))  # the platform replays the event
    assert again is not None and again.status is IncidentStatus.HIDDEN
    assert len(fake2.hidden) == 1 and len(fake2.notices) == 1
    assert len(await restarted.store.list_incidents(limit=50)) == 1
    await restarted.close()
    await crashed.close()


async def test_periodic_resume_skips_work_in_progress(config: Config, key: str) -> None:
    fake = FakePlatform(gate=asyncio.Event())
    moderator, _ = await start(config, fake)
    task = asyncio.create_task(moderator.handle(msg(1, DOX)))
    await fake.hide_started.wait()
    assert await moderator.resume() == 0  # the sweep leaves the in-flight incident alone
    assert fake.gate is not None
    fake.gate.set()
    incident = await task
    assert incident is not None and incident.status is IncidentStatus.HIDDEN
    assert fake.calls.count("hide") == 1 and len(fake.notices) == 1
    await moderator.close()


async def test_a_failing_scan_is_logged_without_text_and_skipped(
    config: Config, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    moderator, fake = await start(config)

    def broken(message: ChatMessage, ctx: object) -> None:
        raise ValueError(f"cannot parse {message.text!r}")

    monkeypatch.setattr(moderator.pipeline, "scan", broken)
    with caplog.at_level("ERROR", logger="doxguard.engine"):
        assert await moderator.handle(msg(1, DOX)) is None
    assert "ValueError" in caplog.text and "Holly" not in caplog.text
    monkeypatch.undo()
    assert await moderator.handle(msg(2, DOX)) is not None  # the bot carries on
    assert len(fake.hidden) == 1
    await moderator.close()


async def test_restart_keeps_incidents_and_cursors(config: Config, key: str) -> None:
    moderator, _ = await start(config)
    await moderator.handle(msg(100, "good morning", channel="general"))
    await moderator.handle(msg(101, DOX, channel="general"))
    await moderator.handle(msg(7, "hi", channel="random"))
    await moderator.handle(msg(99, "late replay of an older message", channel="general"))
    await moderator.close()

    moderator, _ = await start(config)
    assert await moderator.get_cursor("console", "general") == "101"
    assert await moderator.get_cursor("console", "random") == "7"
    assert await moderator.get_cursor("console", "elsewhere") is None
    [incident] = await moderator.store.list_incidents()
    assert incident.message_id == "101" and incident.status is IncidentStatus.HIDDEN
    reply = await cmd(moderator, "incident", incident.id)
    assert reply.ok and "home_address" in reply.text
    await moderator.close()


async def test_author_notice_and_timeout(tmp_path: Path, key: str) -> None:
    config = make_config(tmp_path, "[notices]\nnotify_author = true\ntimeout_minutes = 10\n")
    moderator, fake = await start(config)
    await moderator.handle(msg(1, DOX))
    [(to, text)] = fake.author_notes
    assert to.author == "alice"
    assert "home address" in text and "appeal" in text and "DG-000001" in text
    assert "4417" not in text and "Holly" not in text and "Whitaker" not in text
    [(who, minutes, reason)] = fake.timeouts
    assert who.author == "alice" and minutes == 10 and "DG-000001" in reason
    await moderator.close()


# --------------------------------------------------------------------------
# moderators and commands


async def test_non_moderator_is_refused(tmp_path: Path, key: str) -> None:
    config = make_config(
        tmp_path, '[moderators]\nuser_ids = ["discord:42"]\nrole_ids = ["discord:777"]\n')
    moderator, fake = await start(config)
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None
    for name, args in (("reveal", (incident.id,)), ("status", ()), ("restore", (incident.id,)),
                       ("servant", ("remove", "Daniel Whitaker"))):
        reply = await cmd(moderator, name, *args, caller=NOBODY)
        assert not reply.ok and "moderator" in reply.text
        assert ADDRESS not in reply.text
    refused = await moderator.press(NOBODY, "restore", incident.id)
    assert not refused.ok
    assert fake.reposts == []
    assert await moderator.store.audit_log() == []
    assert "Daniel Whitaker" in [s.name for s in moderator.registry.servants]
    # moderators by user id and by role are accepted
    assert (await cmd(moderator, "status", caller=Caller("discord", "42"))).ok
    assert (await cmd(moderator, "status", caller=Caller("discord", "5", roles=("777",)))).ok
    assert not (await cmd(moderator, "status", caller=Caller("slack", "42"))).ok
    await moderator.close()


async def test_reveal_is_audited_and_shows_the_original(config: Config, key: str) -> None:
    moderator, _ = await start(config)
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None
    reply = await cmd(moderator, "reveal", incident.id)
    assert reply.ok and reply.ephemeral and DOX in reply.text
    [entry] = await moderator.store.audit_log(incident.id)
    assert (entry.actor, entry.action) == ("console:mod", "reveal")
    # the audit log cannot be rewritten
    with sqlite3.connect(config.database_path) as raw, pytest.raises(sqlite3.DatabaseError):
        raw.execute("DELETE FROM audit")
    await moderator.close()


async def test_restore_reposts_original_and_marks_it(config: Config, key: str) -> None:
    moderator, fake = await start(config)
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None
    reply = await moderator.press(MOD, "restore", incident.id)
    assert reply.ok
    [(reposted, text)] = fake.reposts
    assert reposted.id == incident.id and text == DOX
    assert (await moderator.store.get_incident(incident.id)).status is IncidentStatus.RESTORED
    # the intent is written before the repost, its outcome after (newest first)
    assert [e.action for e in await moderator.store.audit_log(incident.id)] == [
        "restore-done", "restore"]
    assert not (await cmd(moderator, "restore", incident.id)).ok  # not twice
    await moderator.close()


async def test_dismiss_with_allowlist_stops_flagging_that_value(config: Config, key: str) -> None:
    moderator, _ = await start(config)
    text = f"Grace Okafor's home phone is {PHONE} call her"
    incident = await moderator.handle(msg(1, text))
    assert incident is not None
    reply = await cmd(moderator, "dismiss", incident.id, "allowlist")
    assert reply.ok and "allowlisted" in reply.text
    assert (await moderator.store.get_incident(incident.id)).status is IncidentStatus.DISMISSED
    assert await moderator.handle(msg(2, text)) is None
    await moderator.close()
    # the allowlist survives a restart
    moderator, _ = await start(config)
    assert await moderator.handle(msg(3, text)) is None
    # ...but only for that servant
    assert await moderator.handle(msg(4, f"Daniel Whitaker's cell is {PHONE}")) is not None
    await moderator.close()


async def test_an_allowlisted_value_counts_only_in_its_own_server(tmp_path: Path,
                                                                  key: str) -> None:
    config = make_config(tmp_path, '[moderators]\nuser_ids = ["discord:7", "slack:U7"]\n')
    moderator, _ = await start(config)
    text = f"Grace Okafor's home phone is {PHONE} call her"
    first = await moderator.handle(msg(1, text, platform="discord", server="100"))
    assert first is not None
    in_100 = Caller("discord", "7", server="100")
    reply = await cmd(moderator, "dismiss", first.id, "allowlist", caller=in_100)
    assert reply.ok and "allowlisted" in reply.text
    assert await moderator.handle(msg(2, text, platform="discord", server="100")) is None
    # another guild, and a Slack workspace, still see the value hidden
    assert await moderator.handle(msg(3, text, platform="discord", server="200")) is not None
    assert await moderator.handle(msg("4.1", text, platform="slack", server="T1")) is not None
    await moderator.close()
    moderator, _ = await start(config)  # the scope survives a restart
    assert await moderator.handle(msg(5, text, platform="discord", server="100")) is None
    assert await moderator.handle(msg(6, text, platform="discord", server="200")) is not None
    await moderator.close()


async def test_servant_commands_persist_with_the_actor(config: Config, key: str) -> None:
    moderator, _ = await start(config)
    reply = await cmd(moderator, "servant", "add", "Jane", "Roe", "role=city_employee",
                      "alias=Clerk Roe", "family=John Roe:spouse", "public_email=clerk@example.gov")
    assert reply.ok, reply.text
    assert (await cmd(moderator, "servant", "remove", "Grace Okafor")).ok
    bad = await cmd(moderator, "servant", "add", "Zed", "role=astronaut")
    assert not bad.ok and "role" in bad.text
    typo = await cmd(moderator, "servant", "add", "Zed", "Quinn", "rol=city_employee")
    assert not typo.ok and "unknown option 'rol'" in typo.text
    await moderator.close()

    moderator, _ = await start(config)
    names = {s.name for s in moderator.registry.servants}
    assert names == {"Daniel Whitaker", "Jane Roe"}
    jane = moderator.registry.get("Jane Roe")
    assert jane is not None and jane.role == "city_employee" and jane.aliases == ("Clerk Roe",)
    assert [(m.name, m.relation) for m in jane.family] == [("John Roe", "spouse")]
    shown = await cmd(moderator, "servant", "show", "Jane Roe")
    assert "add by console:mod" in shown.text and "clerk@example.gov" in shown.text
    assert "Jane Roe" in (await cmd(moderator, "servant", "list")).text
    changes = await moderator.store.servant_changes()
    assert [(n, c, a) for n, c, a, _ in changes] == [
        ("Jane Roe", "add", "console:mod"), ("Grace Okafor", "remove", "console:mod")]
    assert await moderator.handle(msg(1, f"John Roe's number is {PHONE}")) is not None
    assert await moderator.handle(
        msg(2, f"Grace Okafor's home phone is {PHONE}", author="zed", channel="other")) is None
    assert await moderator.complete("servant", "ja") == ["Jane Roe"]
    await moderator.close()


async def test_check_is_a_masked_dry_run(config: Config, key: str) -> None:
    moderator, fake = await start(config)
    reply = await cmd(moderator, "check", f"Karen Whitaker's number is {PHONE}")
    assert reply.ok and "would hide" in reply.text and "phone_number" in reply.text
    assert PHONE not in reply.text and "0142" not in reply.text
    assert "allowed" in (await cmd(moderator, "check", "what a nice day")).text
    assert fake.hidden == [] and await moderator.store.list_incidents() == []
    await moderator.close()


async def test_replies_never_show_unmasked_pii(config: Config, key: str) -> None:
    moderator, _ = await start(config)
    incident = await moderator.handle(msg(1, f"{DOX}, or call {PHONE}"))
    assert incident is not None
    for name, args in (("incidents", ()), ("incidents", ("alice", "5")),
                       ("incident", (incident.id,)), ("status", ()), ("help", ())):
        text = (await cmd(moderator, name, *args)).text
        assert "4417" not in text and "0142" not in text, name
    assert incident.id in (await cmd(moderator, "incidents", "alice")).text
    assert "No incidents" in (await cmd(moderator, "incidents", "bob")).text
    await moderator.close()


async def test_reload_keeps_running_config_on_error(tmp_path: Path, key: str) -> None:
    servants = tmp_path / "servants.toml"
    servants.write_text(SERVANTS.read_text(encoding="utf-8"), encoding="utf-8")
    cfg_file = tmp_path / "doxguard.toml"
    cfg_file.write_text('servants_file = "servants.toml"\n', encoding="utf-8")
    from bot.config import load_config

    moderator, _ = await start(load_config(cfg_file))
    servants.write_text('[[servants]]\nname = "Broken"\nrole = "astronaut"\n', encoding="utf-8")
    reply = await cmd(moderator, "reload")
    assert not reply.ok and "servants.toml" in reply.text and "previous" in reply.text
    assert len(moderator.registry) == 2
    assert await moderator.handle(msg(1, DOX)) is not None
    servants.write_text('[[servants]]\nname = "Jane Roe"\nrole = "city_employee"\n',
                        encoding="utf-8")
    reply = await cmd(moderator, "reload")
    assert reply.ok and [s.name for s in moderator.registry.servants] == ["Jane Roe"]
    await moderator.close()


async def test_reload_keeps_command_line_overrides(tmp_path: Path, key: str) -> None:
    from bot.config import load_config
    from bot.runner import effective_config

    cfg_file = tmp_path / "doxguard.toml"
    cfg_file.write_text('servants_file = "elsewhere.toml"\n[notices]\nretry_attempts = 1\n',
                        encoding="utf-8")
    config = effective_config(load_config(cfg_file), SERVANTS, str(tmp_path / "cli.db"))
    moderator, _ = await start(config)
    cfg_file.write_text('servants_file = "elsewhere.toml"\n[notices]\nretry_attempts = 3\n',
                        encoding="utf-8")
    assert (await cmd(moderator, "reload")).ok
    assert moderator.config.notices.retry_attempts == 3  # the file's change applies
    assert moderator.config.servants_path == SERVANTS.resolve()  # --servants still wins
    assert moderator.config.database_path == (tmp_path / "cli.db").resolve()
    assert len(moderator.registry) == 2
    await moderator.close()


async def test_help_covers_every_command(config: Config) -> None:
    moderator, _ = await start(config)
    text = (await cmd(moderator, "help")).text
    for spec in COMMANDS:
        assert spec.usage in text and spec.help
        assert spec.help.split(".")[0] in help_text(spec.name)
        for sub in spec.subcommands:
            assert sub.help
    unknown = await cmd(moderator, "frobnicate")
    assert not unknown.ok
    await moderator.close()


async def test_incident_autocomplete(config: Config, key: str) -> None:
    moderator, _ = await start(config)
    await moderator.handle(msg(1, DOX))
    await moderator.handle(msg(2, f"Grace Okafor's home phone is {PHONE}"))
    assert await moderator.complete("incident", "") == ["DG-000002", "DG-000001"]
    assert await moderator.complete("incident", "dg-000001") == ["DG-000001"]
    await moderator.close()


# --------------------------------------------------------------------------
# sealing and retention


async def test_retention_purges_originals_and_keeps_the_summary(
    tmp_path: Path, key: str
) -> None:
    config = make_config(tmp_path, "retention_days = 2\n")
    moderator, _ = await start(config)
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None and incident.has_original
    assert await moderator.purge_expired(now=time.time() + 1 * 86400) == 0
    assert (await cmd(moderator, "reveal", incident.id)).ok
    assert await moderator.purge_expired(now=time.time() + 3 * 86400) == 1
    kept = await moderator.store.get_incident(incident.id)
    # the excerpt goes with the original; categories, servant, status and times stay
    assert kept is not None and not kept.has_original and kept.excerpt == PURGED_EXCERPT
    assert (kept.categories, kept.servants, kept.status, kept.created_at) == (
        incident.categories, incident.servants, incident.status, incident.created_at)
    reply = await cmd(moderator, "reveal", incident.id)
    assert not reply.ok and "retention" in reply.text
    await moderator.close()


async def test_wrong_key_cannot_read_sealed_originals(
    config: Config, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    moderator, _ = await start(config)
    incident = await moderator.handle(msg(1, DOX))
    await moderator.close()
    assert incident is not None

    monkeypatch.setenv("DOXGUARD_SEAL_KEY", generate_key())
    moderator, _ = await start(config)
    assert moderator.key_mismatch
    reply = await cmd(moderator, "reveal", incident.id)
    assert not reply.ok and "key" in reply.text and DOX not in reply.text
    assert not (await cmd(moderator, "restore", incident.id)).ok
    assert "differs" in (await cmd(moderator, "status")).text
    [entry] = await moderator.store.audit_log(incident.id)
    assert entry.action == "reveal-failed"
    await moderator.close()


async def test_no_key_keeps_only_the_masked_text(
    config: Config, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("DOXGUARD_SEAL_KEY", raising=False)
    with caplog.at_level("WARNING", logger="doxguard.engine"):
        moderator, _ = await start(config)
    assert "no sealing key" in caplog.text
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None and not incident.has_original
    assert await moderator.store.count_originals() == 0
    reply = await cmd(moderator, "reveal", incident.id)
    assert not reply.ok and "DOXGUARD_SEAL_KEY" in reply.text
    await moderator.close()
    raw = b"".join(p.read_bytes() for p in config.database_path.parent.glob("dg.db*"))
    assert b"4417" not in raw and b"Holly" not in raw


async def test_raw_database_holds_no_plaintext_pii_with_a_key(
    config: Config, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    secrets = [ADDRESS, "4417 Holly", PHONE, "8165550142", "5550142", "grace.home@gmail.com",
               "4111 1111 1111 1111", "4111111111111111"]
    with caplog.at_level("DEBUG"):
        moderator, fake = await start(config)
        await moderator.handle(msg(1, DOX))
        await moderator.handle(msg(2, f"Karen Whitaker's cell is {PHONE}"))
        await moderator.handle(msg(3, "Grace Okafor voted no", author="carol"))
        await moderator.handle(msg(4, "her email is grace.home@gmail.com", reply_to="3"))
        await moderator.handle(msg(5, "Daniel Whitaker's card 4111 1111 1111 1111"))
        assert len(await moderator.store.list_incidents()) == 4
        reply = await cmd(moderator, "dismiss", "DG-000002", "allowlist")
        assert reply.ok
        await moderator.close()
    raw = b"".join(p.read_bytes() for p in config.database_path.parent.glob("dg.db*"))
    for value in secrets:
        assert value.encode() not in raw, value
        assert value not in caplog.text, value
    for notice in fake.notices:
        for value in secrets:
            assert value not in notice.render_text()
    # the originals are there, sealed: the right key opens them
    moderator, _ = await start(config)
    assert DOX in (await cmd(moderator, "reveal", "DG-000001")).text
    await moderator.close()


async def test_in_memory_database(config: Config, key: str) -> None:
    fake = FakePlatform()
    moderator = await Moderator.create(config, fake, db_path=":memory:", retry_delay=0.0,
                                       sweep=False)
    assert await moderator.handle(msg(1, DOX)) is not None
    assert not config.database_path.exists()
    await moderator.close()


async def test_store_is_shared_schema(config: Config) -> None:
    """Moderator.create leaves a migrated database a plain Store can open again."""
    moderator, _ = await start(config)
    await moderator.close()
    store = await Store.open(config.database_path)
    assert await store.list_incidents() == []
    await store.close()


def test_cursor_order_is_exact_for_snowflakes_and_slack_ts() -> None:
    from bot.engine import _newer

    # two snowflakes of the same millisecond differ only in the low bits; float() ties them
    assert _newer("1200000000000000001", "1200000000000000000")
    assert not _newer("1200000000000000000", "1200000000000000001")
    assert _newer("1777600100.000300", "1777600100.000200")
    assert _newer("abc", None) and not _newer("abc", "abc")


def test_registry_cache_setting_makes_the_engine_load_from_a_cache(tmp_path: Path) -> None:
    from bot.config import load_config
    from bot.engine import load_file_registry

    servants = tmp_path / "servants.toml"
    servants.write_text('[[servants]]\nname = "Ana Quist"\nrole = "city_employee"\n')
    config = tmp_path / "doxguard.toml"
    config.write_text('[storage]\nregistry_cache = "cache"\n')
    first = load_file_registry(load_config(config))
    assert first.cache_writer is not None
    first.cache_writer.join()
    assert len(list((tmp_path / "cache").glob("registry-*.pickle"))) == 1
    again = load_file_registry(load_config(config))
    assert again.cache_writer is None and "Ana Quist" in again
