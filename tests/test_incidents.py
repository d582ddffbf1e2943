"""The incident state machine: the table, the store's compare-and-set, the races of issue 12
(double restore, confirm after dismiss, dismiss during a hide, sweep against a live hide,
concurrent edits), tenancy of commands, and the migration of a version-1 database.

Real Moderator, real SQLite store on a temp file, the recording fake platform.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from bot import incidents
from bot.incidents import TRANSITIONS
from bot.models import Caller, CommandRequest, EventKind, IncidentStatus
from bot.store import SCHEMA_VERSION, Scope, Store
from bot.store.sqlite import MIGRATIONS
from tests.fake_platform import FakePlatform
from tests.test_engine import DOX, MOD, PHONE, make_config, msg, start

S = IncidentStatus


def test_every_status_is_reachable_and_every_move_has_a_source() -> None:
    targets = {t.target for t in TRANSITIONS.values() if t.target is not None}
    assert targets | {S.PENDING, S.REVIEW} >= set(S) - {S.PENDING, S.REVIEW}
    assert all(t.sources for t in TRANSITIONS.values())
    # nothing leaves RESTORED, and a DISMISSED incident cannot be confirmed
    assert not any(S.RESTORED in t.sources for t in TRANSITIONS.values())
    assert not any(S.DISMISSED in TRANSITIONS[m].sources for m in incidents.MODERATOR_MOVES[
        "confirm"])


async def test_compare_and_set_refuses_stale_and_foreign_writes(tmp_path: Path,
                                                               key: str) -> None:
    moderator, _fake = await start(make_config(tmp_path))
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None and incident.status is S.HIDDEN and incident.hidden
    store = moderator.store
    # stale: it is not pending any more, so nothing changes and no audit row is written
    assert await store.transition_incident(Scope.of(incident), incident.id, [S.PENDING],
                                           S.HIDE_FAILED) is None
    # foreign: the right status, another server
    assert await store.transition_incident(Scope("discord", "1"), incident.id, [S.HIDDEN],
                                           S.DISMISSED) is None
    assert (await store.get_incident(incident.id)).status is S.HIDDEN
    assert await store.audit_log(incident.id) == []
    await moderator.close()


async def test_double_restore_reposts_once(tmp_path: Path, key: str) -> None:
    moderator, fake = await start(make_config(tmp_path))
    incident = await moderator.handle(msg(1, DOX))
    assert incident is not None
    replies = await asyncio.gather(*(moderator.press(MOD, "restore", incident.id)
                                     for _ in range(3)))
    assert [r.ok for r in replies].count(True) == 1
    assert len(fake.reposts) == 1
    assert (await moderator.store.get_incident(incident.id)).status is S.RESTORED
    await moderator.close()


async def test_confirm_after_dismiss_is_refused_with_a_clear_reply(tmp_path: Path,
                                                                   key: str) -> None:
    moderator, fake = await start(make_config(tmp_path))
    incident = await moderator.handle(
        msg(1, "the cop who pulled me over lives at 4417 Holly St, Kansas City, MO 64111"))
    assert incident is not None and incident.status is S.REVIEW
    assert (await moderator.press(MOD, "dismiss", incident.id)).ok
    reply = await moderator.press(MOD, "confirm", incident.id)
    assert not reply.ok and "dismissed" in reply.text and "cannot be confirmed" in reply.text
    assert fake.hidden == []
    assert (await moderator.store.get_incident(incident.id)).status is S.DISMISSED
    await moderator.close()


async def test_dismiss_during_a_hide_waits_and_is_not_overwritten(tmp_path: Path,
                                                                  key: str) -> None:
    fake = FakePlatform(gate=asyncio.Event())
    moderator, _ = await start(make_config(tmp_path), fake)
    handling = asyncio.create_task(moderator.handle(msg(1, DOX)))
    await fake.hide_started.wait()
    [pending] = await moderator.store.list_incidents()
    dismissing = asyncio.create_task(moderator.press(MOD, "dismiss", pending.id))
    await asyncio.sleep(0.05)
    assert not dismissing.done()  # serialized behind the hide
    fake.gate.set()
    await handling
    assert (await dismissing).ok
    final = await moderator.store.get_incident(pending.id)
    assert final.status is S.DISMISSED and final.hidden  # still restorable
    assert (await moderator.press(MOD, "restore", pending.id)).ok
    assert len(fake.reposts) == 1
    await moderator.close()


async def test_sweep_during_a_live_hide_hides_and_notices_once(tmp_path: Path,
                                                              key: str) -> None:
    fake = FakePlatform(gate=asyncio.Event())
    moderator, _ = await start(make_config(tmp_path), fake)
    handling = asyncio.create_task(moderator.handle(msg(1, DOX)))
    await fake.hide_started.wait()
    moderator._in_flight.clear()  # the sweep does not know about the live hide
    sweeping = asyncio.create_task(moderator.resume())
    await asyncio.sleep(0.05)
    fake.gate.set()
    await asyncio.gather(handling, sweeping)
    assert len(fake.hidden) == 1 and len(fake.notices) == 1
    await moderator.close()


async def test_concurrent_edits_of_a_review_message_hide_once(tmp_path: Path, key: str) -> None:
    config = make_config(tmp_path, '[detection]\nactions = { home_address = "review" }\n')
    moderator, fake = await start(config)
    flagged = await moderator.handle(msg(1, DOX))
    assert flagged is not None and flagged.status is S.REVIEW
    edit = f"Officer Whitaker's cell is {PHONE}, call him all night"
    await asyncio.gather(*(moderator.handle(msg(1, edit, kind=EventKind.EDIT))
                           for _ in range(3)))
    assert len(fake.hidden) == 1 and len(fake.notices) == 2  # review notice + hide notice
    await moderator.close()


async def test_edit_of_a_dismissed_message_is_scanned(tmp_path: Path, key: str) -> None:
    config = make_config(tmp_path, '[detection]\nactions = { home_address = "review" }\n')
    moderator, fake = await start(config)
    flagged = await moderator.handle(msg(1, DOX))
    assert flagged is not None and (await moderator.press(MOD, "dismiss", flagged.id)).ok
    edited = await moderator.handle(
        msg(1, f"Officer Whitaker's cell is {PHONE}, call him all night", kind=EventKind.EDIT))
    assert edited is not None and edited.status is S.HIDDEN
    assert [m.id for m in fake.hidden] == ["1"]
    await moderator.close()


async def test_commands_never_see_another_servers_incidents(tmp_path: Path, key: str) -> None:
    config = make_config(tmp_path, '[moderators]\nuser_ids = ["discord:7", "slack:U7"]\n')
    moderator, fake = await start(config)
    guild_a = await moderator.handle(msg(1, DOX, platform="discord", server="100"))
    guild_b = await moderator.handle(msg(2, DOX, platform="discord", server="200"))
    slack = await moderator.handle(msg(3, DOX, platform="slack", server="T1"))
    assert guild_a and guild_b and slack
    mod_a = Caller("discord", "7", server="100")
    for name in ("reveal", "restore", "dismiss", "confirm", "incident", "timeout"):
        for foreign in (guild_b.id, slack.id):
            reply = await moderator.run_command(CommandRequest(mod_a, name, (foreign,)))
            unknown = await moderator.run_command(CommandRequest(mod_a, name, ("DG-999999",)))
            assert not reply.ok and reply.text == unknown.text.replace("DG-999999", foreign)
    listed = await moderator.run_command(CommandRequest(mod_a, "incidents", ()))
    assert guild_a.id in listed.text and guild_b.id not in listed.text
    assert slack.id not in listed.text
    assert fake.reposts == [] and fake.timeouts == []
    for other in (guild_b, slack):
        assert (await moderator.store.get_incident(other.id)).status is S.HIDDEN
    await moderator.close()


async def test_a_version_1_database_is_migrated_with_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as raw:
        raw.executescript(MIGRATIONS[0])
        now = time.time()
        raw.execute(
            "INSERT INTO incidents (platform, server, channel, message_id, author, action, "
            "status, categories, servants, subjects, intent, excerpt, message, created_at, "
            "updated_at) VALUES ('discord', '100', '5', '9', 'a', 'hide', 'hidden', "
            "'[\"home_address\"]', '[]', '[]', '[]', 'x', '{}', ?, ?)", (now, now))
        raw.execute("INSERT INTO audit (at, actor, action, incident) "
                    "VALUES (?, 'discord:7', 'confirm', 'DG-000001')", (now,))
        raw.execute("INSERT INTO allowlist VALUES ('k1', 'S', 'discord:7', ?, 'DG-000001')",
                    (now,))
        raw.execute("INSERT INTO originals VALUES (1, x'01', ?, ?)", (now, now + 3600))
        raw.execute("PRAGMA user_version = 1")
    store = await Store.open(path)
    scope = Scope("discord", "100")
    [incident] = await store.list_incidents(scope=scope)
    assert incident.hidden and incident.status is S.HIDDEN
    # the incidents table was rebuilt (version 5): its sealed original and ids carry on
    assert await store.get_original(incident.id) == b"\x01"
    assert (await store.find_incident("discord", "100", "5", "9")).id == incident.id
    assert [e.action for e in await store.audit_log(scope=scope)] == ["confirm"]
    assert await store.allowlist_keys(scope) == {"k1"}
    assert await store.allowlist_keys(Scope("discord", "200")) == set()
    await store.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


async def test_a_row_with_an_unknown_status_is_skipped_with_its_id(tmp_path: Path,
                                                                  caplog) -> None:
    config = make_config(tmp_path)
    moderator, _ = await start(config)
    await moderator.handle(msg(1, DOX))
    await moderator.close()
    with sqlite3.connect(config.database_path) as raw:
        raw.execute("UPDATE incidents SET status = 'archived-by-v9'")
    moderator, _ = await start(config)  # starts; resume skips the row
    assert await moderator.store.list_incidents() == []
    assert "DG-000001" in caplog.text and "cannot be read" in caplog.text
    await moderator.close()


# --------------------------------------------------------------------------
# random sequences of presses, edits, sweeps and restarts


class PressesEditsSweeps(RuleBasedStateMachine):
    """No duplicate side effect, no status change outside the table, whatever the order."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = Path(self.loop.run_until_complete(asyncio.to_thread(_tempdir)))
        self.config = make_config(self.tmp, '[detection]\nactions = { home_address = "review" }\n')
        self.fake = FakePlatform()
        self.moderator = self.run(start(self.config, self.fake))[0]
        self.incident = self.run(self.moderator.handle(msg(1, DOX)))
        self.seen = [self.incident.status]

    def run(self, coro):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coro)

    def _record(self) -> None:
        now = self.run(self.moderator.store.get_incident(self.incident.id))
        before = self.seen[-1]
        if now.status is not before:
            # one step may make two moves (intent, then outcome): via the stored previous
            via = now.previous_status
            assert _allowed(via, now.status), (before, via, now.status)
            assert via is before or _allowed(before, via), (before, via, now.status)
            self.seen.append(now.status)

    @rule(action=st.sampled_from(["restore", "confirm", "dismiss"]), times=st.integers(1, 3))
    def press(self, action: str, times: int) -> None:
        async def presses() -> None:
            await asyncio.gather(*(self.moderator.press(MOD, action, self.incident.id)
                                   for _ in range(times)))
        self.run(presses())
        self._record()

    @rule(hide=st.booleans())
    def edit(self, hide: bool) -> None:
        text = f"Officer Whitaker's cell is {PHONE}, call him" if hide else DOX
        self.run(self.moderator.handle(msg(1, text, kind=EventKind.EDIT)))
        self._record()

    @rule()
    def sweep(self) -> None:
        self.run(self.moderator.resume())
        self._record()

    @rule()
    def restart(self) -> None:
        self.run(self.moderator.close())
        self.moderator = self.run(start(self.config, self.fake))[0]
        self._record()

    @invariant()
    def no_duplicate_side_effect(self) -> None:
        assert len(self.fake.reposts) <= 1
        hides = len(self.fake.hidden)
        assert hides <= self.seen.count(S.PENDING) + self.seen.count(S.CONFIRMING) + 1

    def teardown(self) -> None:
        self.run(self.moderator.close())
        self.loop.close()


def _allowed(before: IncidentStatus | None, after: IncidentStatus | None) -> bool:
    """Whether one move of the table goes from `before` to `after` (None targets go back)."""
    return any(before in t.sources and (t.target is after or t.target is None)
               for t in TRANSITIONS.values())


def _tempdir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="dg-sm-")


PressesEditsSweeps.TestCase.settings = settings(
    max_examples=15, stateful_step_count=8, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])


def test_random_presses_edits_sweeps_and_restarts(key: str) -> None:
    run_state_machine_as_test(PressesEditsSweeps, settings=PressesEditsSweeps.TestCase.settings)


def test_excerpts_mask_every_email_and_digit_run() -> None:
    from bot.masking import mask_excerpt

    text = "mail j@x.com or call 816-555-0142 at 4417 Holly St 64111 ok 12"
    start = text.index("4417")
    out = mask_excerpt(text, [(start, start + len("4417 Holly St 64111"))])
    assert out == "mail •@•.••• or call •••-•••-•••• at •••• H•••• St ••••• ok 12"
