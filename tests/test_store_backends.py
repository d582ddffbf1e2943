"""The store interface, run against both backends: SQLite (a file) and PostgreSQL (a real
server, tests/pg_server.py). Same semantics everywhere: one incident per message, scoped
reads, compare-and-set transitions, sealed originals, the append-only audit log, cursors,
the allowlist, Slack installations and single-use OAuth states.

The PostgreSQL-only behaviour follows: migrations under an advisory lock when many open at
once, a server unreachable at start, connections lost while running, and registry changes
announced to other processes with LISTEN/NOTIFY.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.models import Action, Category, Incident, IncidentStatus, Subject
from bot.store import (
    SCHEMA_VERSION,
    AuditRecord,
    IncidentStore,
    Scope,
    StoreError,
    StoreUnavailable,
    open_store,
)
from bot.store.postgresql import MIGRATIONS as PG_MIGRATIONS
from bot.store.postgresql import PostgreSQLStore, describe_server
from bot.store.sqlite import SQLiteStore
from tests.pg_server import PostgresServer, free_port

REPO = Path(__file__).resolve().parents[1]
HERE = Scope("discord", "111")
THERE = Scope("discord", "222")
S = IncidentStatus


def draft(message_id: str = "1", scope: Scope = HERE, channel: str = "general") -> Incident:
    now = time.time()
    return Incident(
        id="", platform=scope.platform, server=scope.server, channel=channel,
        message_id=message_id, author="alice", action=Action.HIDE, status=S.PENDING,
        categories=(Category.PHONE_NUMBER,), servants=("Daniel Whitaker",),
        excerpt="call •••-•••-01••", created_at=now, updated_at=now,
        subjects=(Subject("Daniel Whitaker", "police_officer", "Karen Whitaker", "spouse"),),
        intent=("call nonstop",),
    )


async def add(store: IncidentStore, message_id: str = "1", scope: Scope = HERE,
              sealed: bytes | None = b"\x01sealed", channel: str = "general",
              ) -> tuple[Incident, bool]:
    return await store.add_incident(
        draft(message_id, scope, channel),
        message={"id": message_id, "channel": channel, "author": "alice"},
        sealed=sealed, expires_at=time.time() + 3600)


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    """The same interface on each backend, on a fresh database."""
    if request.param == "sqlite":
        opened: Any = await SQLiteStore.open(tmp_path / "dg.db")
    else:
        opened = await PostgreSQLStore.open(request.getfixturevalue("pg_dsn"))
    yield opened
    await opened.close()


async def raw_rows(store: Any, sql: str) -> list[tuple[Any, ...]]:
    """Read the database behind the store's back."""
    if isinstance(store, SQLiteStore):
        with sqlite3.connect(store.path) as raw:
            return [tuple(r) for r in raw.execute(sql)]
    conn = await asyncpg.connect(store._dsn)
    try:
        return [tuple(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()


async def raw_execute(store: Any, sql: str) -> None:
    if isinstance(store, SQLiteStore):
        with sqlite3.connect(store.path) as raw:
            raw.execute(sql)
        return
    conn = await asyncpg.connect(store._dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


# ---------------------------------------------------------------------- both backends


async def test_one_incident_per_message_with_sequential_ids(store: Any) -> None:
    first, created = await add(store)
    again, created_again = await add(store, sealed=b"\x01other")
    assert created and not created_again and first.id == again.id == "DG-000001"
    assert first.subjects[0].relation == "spouse" and first.intent == ("call nonstop",)
    assert await store.get_original(first.id) == b"\x01sealed"
    second, _ = await add(store, "2", sealed=None)
    assert second.id == "DG-000002" and not second.has_original
    assert [i.id for i in await store.unfinished()] == ["DG-000001", "DG-000002"]


async def test_the_same_channel_and_message_id_in_two_servers_are_two_incidents(
    store: Any,
) -> None:
    """The unique key is (platform, server, channel, message): a Slack channel id is unique
    only inside its workspace, so another workspace's message is its own incident."""
    here, created_here = await add(store, "77", HERE)
    there, created_there = await add(store, "77", THERE)
    assert created_here and created_there and here.id != there.id
    assert (await store.find_incident("discord", "111", "general", "77")).id == here.id
    assert (await store.find_incident("discord", "222", "general", "77")).id == there.id
    assert await store.find_incident("discord", "333", "general", "77") is None
    _again, created_again = await add(store, "77", THERE)
    assert not created_again


async def test_concurrent_adds_of_one_message_make_one_incident(store: Any) -> None:
    results = await asyncio.gather(*(add(store, "42") for _ in range(8)))
    assert sum(created for _i, created in results) == 1
    assert len({i.id for i, _c in results}) == 1
    assert await store.count_incidents() == {"pending": 1}


async def test_scope_hides_other_servers_incidents(store: Any) -> None:
    mine, _ = await add(store, "1", HERE)
    theirs, _ = await add(store, "2", THERE, channel="elsewhere")
    assert await store.get_incident(theirs.id, HERE) is None
    assert (await store.get_incident(mine.id, HERE)).id == mine.id
    assert [i.id for i in await store.list_incidents(scope=HERE)] == [mine.id]
    assert await store.count_incidents(THERE) == {"pending": 1}
    assert await store.incident_ids(scope=THERE) == [theirs.id]
    assert await store.transition_incident(HERE, theirs.id, [S.PENDING], S.HIDDEN) is None
    assert (await store.get_incident(theirs.id)).status is S.PENDING
    assert await store.count_originals(HERE) == 1


async def test_transitions_are_compare_and_set_with_their_audit_row(store: Any) -> None:
    incident, _ = await add(store)
    moves = await asyncio.gather(*(
        store.transition_incident(HERE, incident.id, [S.PENDING], S.HIDDEN,
                                  fields={"hidden": True},
                                  audit=AuditRecord("doxguard", "hidden"))
        for _ in range(10)))
    winners = [m for m in moves if m is not None]
    assert len(winners) == 1
    assert winners[0].status is S.HIDDEN and winners[0].hidden
    assert winners[0].previous_status is S.PENDING
    assert [(e.action, e.incident, e.platform, e.server) for e in await store.audit_log()] == [
        ("hidden", incident.id, "discord", "111")]
    # stale: a second hide, or a restore that requires the message visible
    assert await store.transition_incident(HERE, incident.id, [S.PENDING], S.HIDDEN) is None
    assert await store.transition_incident(HERE, incident.id, [S.HIDDEN], S.RESTORING,
                                           require_hidden=False) is None
    restoring = await store.transition_incident(HERE, incident.id, [S.HIDDEN], S.RESTORING,
                                                require_hidden=True)
    assert restoring is not None and restoring.status is S.RESTORING


async def test_audit_log_is_append_only_in_the_database(store: Any) -> None:
    await store.audit("mod", "reveal", "DG-000001", "", HERE)
    for sql in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
        with pytest.raises((sqlite3.DatabaseError, asyncpg.PostgresError),
                           match="append-only"):
            await raw_execute(store, sql)
    [entry] = await store.audit_log(scope=HERE)
    assert entry.actor == "mod" and await store.audit_log(scope=THERE) == []


async def test_purge_removes_expired_originals_and_their_excerpts(store: Any) -> None:
    old, _ = await add(store, "1")
    await store.replace_original(old.id, b"\x01old", time.time() - 100, time.time() - 1)
    kept, _ = await add(store, "2")
    assert await store.purge_originals() == 1
    assert await store.get_original(old.id) is None
    assert await store.get_original(kept.id) == b"\x01sealed"
    assert "01" not in (await store.get_incident(old.id)).excerpt
    assert (await store.get_incident(kept.id)).excerpt == kept.excerpt


async def test_sealed_bytes_are_stored_as_given_and_nothing_else_holds_text(store: Any) -> None:
    incident, _ = await add(store, "1", sealed=b"\x01" + os.urandom(40))
    [(blob,)] = await raw_rows(store, "SELECT sealed FROM originals")
    assert bytes(blob) == await store.get_original(incident.id)
    [(message,)] = await raw_rows(store, "SELECT message FROM incidents")
    assert "text" not in message


async def test_cursors_allowlist_meta_and_servants(store: Any) -> None:
    await store.set_cursor("discord", "general", "99", server="111")
    await store.set_cursor("discord", "general", "100", server="111")
    assert await store.get_cursor("discord", "general", "111") == "100"
    assert await store.get_cursor("discord", "other", "111") is None
    assert await store.get_cursor("discord", "general", "222") is None  # another server's
    await store.set_cursor("discord", "general", "5", server="222")
    assert await store.get_cursor("discord", "general", "111") == "100"
    assert await store.add_allowlist([("Daniel Whitaker", "k1"), ("Daniel Whitaker", "k2")],
                                     "mod", None, HERE) == 2
    assert await store.add_allowlist([("Daniel Whitaker", "k1")], "mod", None, HERE) == 0
    assert await store.allowlist_keys(HERE) == {"k1", "k2"}
    assert await store.allowlist_keys(THERE) == set()
    assert await store.add_allowlist([("Daniel Whitaker", "k1")], "mod", None, THERE) == 1
    assert await store.allowlist_entries() == {
        (HERE.platform, HERE.server, "k1"), (HERE.platform, HERE.server, "k2"),
        (THERE.platform, THERE.server, "k1")}
    await store.set_meta("key_check", "abc")
    await store.set_meta("key_check", "def")
    assert await store.get_meta("key_check") == "def"
    await store.put_servant("Ann Roe", {"name": "Ann Roe"}, "mod", "add")
    await store.put_servant("Ann Roe", None, "mod", "remove")
    [override] = await store.servant_overrides()
    assert override.name == "Ann Roe" and override.data is None
    assert [c[1] for c in await store.servant_changes("Ann Roe")] == ["add", "remove"]


async def test_slack_installations_and_single_use_states(store: Any) -> None:
    await store.put_slack_installation("", "T1", "", b"\x01sealed-a", 1.0)
    await store.put_slack_installation("", "T1", "U1", b"\x01sealed-b", 1.0)
    await store.put_slack_installation("", "T1", "", b"\x01sealed-c", 2.0)  # a reinstall
    assert await store.get_slack_installation("", "T1") == b"\x01sealed-c"
    assert await store.get_slack_installation("", "T1", "U1") == b"\x01sealed-b"
    assert await store.slack_installation_teams() == [("", "T1")]
    assert await store.delete_slack_installations("", "T1", "U1") == 1
    assert await store.delete_slack_installations("", "T1") == 1
    assert await store.get_slack_installation("", "T1") is None
    await store.add_oauth_state("s1", time.time() + 60)
    await store.add_oauth_state("old", time.time() - 1)
    takes = await asyncio.gather(*(store.take_oauth_state("s1", time.time())
                                   for _ in range(5)))
    assert takes.count(True) == 1
    assert not await store.take_oauth_state("old", time.time())
    assert not await store.take_oauth_state("never-issued", time.time())


async def test_reopening_finds_the_schema_and_the_data(store: Any, tmp_path: Path) -> None:
    incident, _ = await add(store)
    await store.close()
    if isinstance(store, SQLiteStore):
        again: Any = await SQLiteStore.open(store.path)
    else:
        again = await PostgreSQLStore.open(store._dsn)
        assert await again.schema_version() == SCHEMA_VERSION
    try:
        assert (await again.get_incident(incident.id)).id == incident.id
    finally:
        await again.close()
    store.close = _noop  # the fixture closes it again


async def _noop() -> None:
    return None


# ---------------------------------------------------------------------- PostgreSQL only


async def test_many_processes_opening_at_once_migrate_once(pg_dsn: str) -> None:
    stores = await asyncio.gather(*(PostgreSQLStore.open(pg_dsn) for _ in range(6)))
    try:
        assert {await s.schema_version() for s in stores} == {SCHEMA_VERSION}
        first, created = await add(stores[0])
        assert created and (await stores[5].get_incident(first.id)).id == first.id
    finally:
        for s in stores:
            await s.close()


async def test_a_foreign_or_newer_database_is_refused(pg_server: PostgresServer) -> None:
    foreign = pg_server.create_database("dg_foreign")
    pg_server.psql("CREATE TABLE notes (x int)", "dg_foreign")
    with pytest.raises(StoreError, match="not a doxguard database"):
        await PostgreSQLStore.open(foreign)
    newer = pg_server.create_database("dg_newer")
    pg_server.psql("CREATE TABLE schema_version (version int); "
                   f"INSERT INTO schema_version VALUES ({SCHEMA_VERSION + 1})", "dg_newer")
    with pytest.raises(StoreError, match="newer"):
        await PostgreSQLStore.open(newer)


async def test_a_version_4_database_migrates_forward_with_its_rows(
        pg_server: PostgresServer) -> None:
    """A database an older doxguard left at schema 4 (incidents unique per platform, channel
    and message; cursors per platform and channel) opens at the current version with its
    incident, sealed original and cursor, and from then on keys both by server too."""
    dsn = pg_server.create_database("dg_v4")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL); "
                           "INSERT INTO schema_version VALUES (4)")
        for migration in PG_MIGRATIONS[:4]:
            await conn.execute(migration)
        now = time.time()
        await conn.execute(
            "INSERT INTO incidents (platform, server, channel, message_id, author, action, "
            "status, categories, servants, subjects, intent, excerpt, message, created_at, "
            "updated_at) VALUES ('discord', '111', 'general', '9', 'a', 'hide', 'hidden', "
            "'[\"home_address\"]', '[]', '[]', '[]', 'x', '{}', $1, $1)", now)
        await conn.execute("INSERT INTO originals VALUES (1, $1, $2, $3)", b"\x01", now,
                           now + 3600)
        await conn.execute("INSERT INTO cursors (platform, channel, message_id, updated_at, "
                           "server) VALUES ('discord', 'general', '9', $1, '111')", now)
    finally:
        await conn.close()
    store = await PostgreSQLStore.open(dsn)
    try:
        assert await store.schema_version() == SCHEMA_VERSION
        old = await store.find_incident("discord", "111", "general", "9")
        assert old is not None and old.status is S.HIDDEN
        assert await store.get_original(old.id) == b"\x01"
        assert await store.get_cursor("discord", "general", "111") == "9"
        other, created = await add(store, "9", THERE)  # same channel and id, other server
        assert created and other.id != old.id
        _again, created_again = await add(store, "9", HERE)
        assert not created_again
        await store.set_cursor("discord", "general", "12", "222")
        assert await store.get_cursor("discord", "general", "111") == "9"
    finally:
        await store.close()


async def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    dsn = f"postgresql://dguser:hunter2-secret@127.0.0.1:{free_port()}/doxguard"
    with pytest.raises(StoreUnavailable) as caught:
        await PostgreSQLStore.open(dsn)
    text = str(caught.value)
    assert "hunter2" not in text and "dguser" not in text and "\n" not in text
    assert describe_server(dsn) in text


def test_doxguard_run_exits_2_when_the_database_is_unreachable(tmp_path: Path) -> None:
    config = tmp_path / "doxguard.toml"
    config.write_text('[storage]\nbackend = "postgresql"\nurl_env = "DG_DB"\n',
                      encoding="utf-8")
    (tmp_path / "servants.toml").write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "_SECRET"))}
    env.update(PYTHONPATH=str(REPO),
               DG_DB=f"postgresql://doxguard:hunter2-secret@127.0.0.1:{free_port()}/dg")
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config)],
                          input="", capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=120, check=False)
    assert done.returncode == 2, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("doxguard:")]
    assert len(errors) == 1 and "cannot connect to PostgreSQL" in errors[0]
    assert "hunter2" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


async def test_cut_connections_are_retried(pg_server: PostgresServer, pg_dsn: str) -> None:
    store = await PostgreSQLStore.open(pg_dsn)
    try:
        incident, _ = await add(store)
        pg_server.kill_connections(pg_dsn.rsplit("/", 1)[1])
        found = await store.get_incident(incident.id)  # the pool reconnects
        assert found is not None and found.id == incident.id
        pg_server.kill_connections(pg_dsn.rsplit("/", 1)[1])
        moved = await store.transition_incident(HERE, incident.id, [S.PENDING], S.HIDDEN)
        assert moved is not None and moved.status is S.HIDDEN
    finally:
        await store.close()


async def test_a_server_away_for_a_moment_is_waited_for_and_too_long_is_an_error(
    pg_server: PostgresServer, pg_dsn: str,
) -> None:
    store = await PostgreSQLStore.open(pg_dsn, retry_seconds=20)
    try:
        await add(store)
        pg_server.pause()
        pending = asyncio.create_task(add(store, "2"))
        await asyncio.sleep(1.0)
        assert not pending.done()  # retrying, not failing, and not acknowledging
        await asyncio.to_thread(pg_server.resume)
        incident, created = await asyncio.wait_for(pending, 30)
        assert created and incident.id == "DG-000002"
        store.retry_seconds = 1.0
        pg_server.pause()
        try:
            with pytest.raises(StoreError, match="lost the connection"):
                await store.get_incident(incident.id)
        finally:
            await asyncio.to_thread(pg_server.resume)
    finally:
        await store.close()


async def test_registry_changes_reach_other_processes(pg_server: PostgresServer,
                                                      pg_dsn: str) -> None:
    writer = await PostgreSQLStore.open(pg_dsn)
    reader = await PostgreSQLStore.open(pg_dsn)
    heard = asyncio.Event()
    seen: list[list[str]] = []

    async def reload() -> None:
        seen.append([o.name for o in await reader.servant_overrides()])
        heard.set()

    try:
        reader.watch_servants(reload)
        await asyncio.sleep(0.5)  # the listener connects
        await writer.put_servant("Ann Roe", {"name": "Ann Roe"}, "mod", "add")
        await asyncio.wait_for(heard.wait(), 10)
        assert seen[-1] == ["Ann Roe"]
        # the listening connection is cut: it comes back and reloads (notices may be lost)
        heard.clear()
        pg_server.kill_connections(pg_dsn.rsplit("/", 1)[1])
        await asyncio.wait_for(heard.wait(), 15)
        heard.clear()
        await writer.put_servant("Bo Ek", {"name": "Bo Ek"}, "mod", "add")
        await asyncio.wait_for(heard.wait(), 10)
        assert sorted(seen[-1]) == ["Ann Roe", "Bo Ek"]
    finally:
        await writer.close()
        await reader.close()


async def test_open_store_reads_the_url_from_the_environment(
    pg_dsn: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    from bot.config import parse_config

    config = parse_config('[storage]\nbackend = "postgresql"\nurl_env = "DG_URL"\n',
                          tmp_path / "x.toml")
    monkeypatch.delenv("DG_URL", raising=False)
    with pytest.raises(StoreUnavailable, match=r"\$DG_URL"):
        await open_store(config)
    monkeypatch.setenv("DG_URL", pg_dsn)
    opened = await open_store(config)
    try:
        assert isinstance(opened, PostgreSQLStore) and "doxguard@" not in opened.path
    finally:
        await opened.close()


def test_the_backend_setting_is_checked(tmp_path: Path) -> None:
    from bot.config import ConfigError, parse_config

    with pytest.raises(ConfigError, match="'sqlite' or 'postgresql'"):
        parse_config('[storage]\nbackend = "mysql"\n', tmp_path / "x.toml")
    with pytest.raises(ConfigError, match=r"storage\.url_env"):
        parse_config('[storage]\nurl_env = "postgresql://u:p@h/db"\n', tmp_path / "x.toml")
