"""The store on real SQLite files: migrations, idempotent incidents, audit, cursors, locks."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.models import Action, Category, Incident, IncidentStatus, Subject
from bot.seal import Sealer, SealError, generate_key
from bot.store import PURGED_EXCERPT, SCHEMA_VERSION, Scope, Store, StoreError, format_id, parse_id


def draft(message_id: str = "1", author: str = "alice") -> Incident:
    now = time.time()
    return Incident(
        id="", platform="console", server="", channel="general", message_id=message_id,
        author=author, action=Action.HIDE, status=IncidentStatus.PENDING,
        categories=(Category.PHONE_NUMBER,), servants=("Daniel Whitaker",),
        excerpt="call •••-•••-01••", created_at=now, updated_at=now,
        subjects=(Subject("Daniel Whitaker", "police_officer", "Karen Whitaker", "spouse"),),
        intent=("call nonstop",),
    )


async def add(store: Store, message_id: str = "1", sealed: bytes | None = b"\x01sealed",
              author: str = "alice") -> tuple[Incident, bool]:
    return await store.add_incident(
        draft(message_id, author), message={"id": message_id, "channel": "general",
                                            "author": author},
        sealed=sealed, expires_at=time.time() + 3600,
    )


async def test_schema_is_migrated_once_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "dg.db"
    store = await Store.open(path)
    await store.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store = await Store.open(path)  # no second migration, no error
    await store.close()


async def test_newer_foreign_or_corrupt_databases_are_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer"):
        await Store.open(newer)
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as raw:
        raw.execute("CREATE TABLE notes (x)")
    with pytest.raises(StoreError, match="not a doxguard database"):
        await Store.open(foreign)
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match=r"corrupt\.db"):
        await Store.open(corrupt)


async def test_incident_is_unique_per_message(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "dg.db")
    first, created = await add(store)
    again, created_again = await add(store, sealed=b"\x01other")
    assert created and not created_again
    assert first.id == again.id == "DG-000001"
    assert first.subjects[0].relation == "spouse" and first.intent == ("call nonstop",)
    assert await store.get_original(first.id) == b"\x01sealed"
    second, _ = await add(store, "2", sealed=None)
    assert second.id == "DG-000002" and not second.has_original
    assert [i.id for i in await store.unfinished()] == ["DG-000001", "DG-000002"]
    moved = await store.transition_incident(
        Scope("console", ""), first.id, [IncidentStatus.PENDING], IncidentStatus.HIDDEN,
        fields={"notice_sent": True, "hidden": True})
    assert moved is not None and moved.hidden and moved.previous_status is IncidentStatus.PENDING
    with pytest.raises(ValueError, match="status"):
        await store.update_incident(first.id, status=IncidentStatus.REVIEW)
    assert [i.id for i in await store.unfinished()] == ["DG-000002"]
    assert (await store.count_incidents()) == {"hidden": 1, "pending": 1}
    await store.close()


async def test_audit_log_is_append_only(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "dg.db")
    await store.audit("console:mod", "reveal", "DG-000001")
    await store.audit("console:mod", "restore", "DG-000001")
    assert [e.action for e in await store.audit_log("DG-000001")] == ["restore", "reveal"]
    await store.close()
    with sqlite3.connect(tmp_path / "dg.db") as raw:
        for sql in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                raw.execute(sql)


async def test_purge_removes_only_expired_originals(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "dg.db")
    old, _ = await add(store, "1")
    new, _ = await store.add_incident(
        draft("2"), message={}, sealed=b"\x01new", expires_at=time.time() + 10 * 86400)
    assert await store.purge_originals(now=time.time() + 86400) == 1
    assert await store.get_original(old.id) is None
    assert await store.get_original(new.id) == b"\x01new"
    kept = await store.get_incident(old.id)
    assert kept is not None and kept.excerpt == PURGED_EXCERPT and not kept.has_original
    assert kept.categories == old.categories and kept.servants == old.servants
    await store.close()


async def test_cursors_and_servants_survive_reopen(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "dg.db")
    await store.set_cursor("discord", "c1", "1200")
    await store.set_cursor("discord", "c1", "1300")
    await store.put_servant("Jane Roe", {"name": "Jane Roe"}, "discord:42", "add")
    await store.put_servant("Grace Okafor", None, "slack:U1", "remove")
    await store.add_allowlist([("Grace Okafor", "k1"), ("Grace Okafor", "k1")], "console:mod",
                              "DG-000001")
    await store.close()
    store = await Store.open(tmp_path / "dg.db")
    assert await store.get_cursor("discord", "c1") == "1300"
    assert await store.get_cursor("slack", "c1") is None
    overrides = {o.name: (o.data, o.changed_by) for o in await store.servant_overrides()}
    assert overrides == {"Jane Roe": ({"name": "Jane Roe"}, "discord:42"),
                         "Grace Okafor": (None, "slack:U1")}
    assert await store.allowlist_keys() == {"k1"}
    await store.close()


async def test_a_locked_database_is_waited_for(tmp_path: Path) -> None:
    path = tmp_path / "dg.db"
    store = await Store.open(path)
    other = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    released = threading.Event()

    def release() -> None:
        other.execute("COMMIT")
        released.set()

    loop = asyncio.get_running_loop()
    loop.call_later(0.3, release)
    incident, created = await add(store)  # blocks on the lock, then goes through
    assert released.is_set() and created and incident.id == "DG-000001"
    other.close()
    await store.close()


async def test_ids_round_trip() -> None:
    assert format_id(42) == "DG-000042"
    assert parse_id("dg-000042") == parse_id("42") == 42
    assert parse_id("DG-12a") is None and parse_id("") is None


def test_sealer_binds_key_and_context() -> None:
    key = generate_key()
    sealer = Sealer.from_secret(key)
    blob = sealer.seal("Karen's cell is 816-555-0142", "console\x1fgeneral\x1f1")
    assert b"816-555-0142" not in blob
    assert sealer.open(blob, "console\x1fgeneral\x1f1") == "Karen's cell is 816-555-0142"
    with pytest.raises(SealError, match="key"):
        Sealer.from_secret(generate_key()).open(blob, "console\x1fgeneral\x1f1")
    with pytest.raises(SealError):
        sealer.open(blob, "console\x1fgeneral\x1f2")  # copied onto another message
    with pytest.raises(SealError, match="damaged"):
        sealer.open(b"\x01short", "x")
    # a passphrase works too, and derives the same key every time
    assert Sealer.from_secret("correct horse battery staple").fingerprint == Sealer.from_secret(
        "correct horse battery staple").fingerprint
