"""The SQLite store: all of doxguard's SQL for the embedded default backend.

SQLite through `aiosqlite`, in WAL mode, with the schema versioned by
`PRAGMA user_version` and forward migrations applied at open. It implements
`bot.store.base.IncidentStore`; nothing outside `bot/store/` writes SQL.

Privacy: the only column that may hold message text is `originals.sealed`,
and it only ever receives sealed (encrypted) bytes. Incidents keep the masked
excerpt, categories and ids; the excerpt is blanked when the original is purged.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import aiosqlite

from bot.models import Incident, IncidentStatus, ReportRows
from bot.store.base import (
    ID_PREFIX,
    AuditEntry,
    AuditRecord,
    Scope,
    ServantOverride,
    StoreError,
    format_id,
    parse_id,
)
from bot.store.rows import (
    INCIDENT_COLUMNS,
    PURGED_EXCERPT,
    field_value,
    incident_params,
    readable,
)

log = logging.getLogger("doxguard.store")
# aiosqlite logs every statement with its parameters at DEBUG (sealed blobs, excerpts,
# ids): keep it at INFO whatever the root level is, so `doxguard -v` stays quiet on data
logging.getLogger("aiosqlite").setLevel(logging.INFO)

P = ParamSpec("P")
T = TypeVar("T")

LOCK_RETRIES = 8
LOCK_FIRST_DELAY = 0.05


# --------------------------------------------------------------------------
# schema

MIGRATIONS: tuple[str, ...] = (
    # 1: the initial schema
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE servants (
        name        TEXT PRIMARY KEY,
        data        TEXT,              -- servant_to_dict JSON; NULL when removed by command
        source      TEXT NOT NULL,     -- 'command'
        changed_by  TEXT NOT NULL,
        changed_at  REAL NOT NULL
    );
    CREATE TABLE servant_changes (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        name        TEXT NOT NULL,
        change      TEXT NOT NULL,     -- 'add' | 'replace' | 'remove'
        actor       TEXT NOT NULL,
        at          REAL NOT NULL,
        data        TEXT
    );

    CREATE TABLE incidents (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        platform     TEXT NOT NULL,
        server       TEXT NOT NULL,
        channel      TEXT NOT NULL,
        message_id   TEXT NOT NULL,
        author       TEXT NOT NULL,
        author_name  TEXT NOT NULL DEFAULT '',
        channel_name TEXT NOT NULL DEFAULT '',
        action       TEXT NOT NULL,
        status       TEXT NOT NULL,
        categories   TEXT NOT NULL,    -- JSON list of category ids
        servants     TEXT NOT NULL,    -- JSON list of names
        subjects     TEXT NOT NULL,    -- JSON list
        intent       TEXT NOT NULL,    -- JSON list
        excerpt      TEXT NOT NULL,    -- masked
        message      TEXT NOT NULL,    -- JSON: ids and flags of the message, never its text
        hide_error   TEXT,
        notice_sent  INTEGER NOT NULL DEFAULT 0,
        created_at   REAL NOT NULL,
        updated_at   REAL NOT NULL,
        UNIQUE (platform, channel, message_id)
    );
    CREATE INDEX incidents_author ON incidents (author, seq);
    CREATE INDEX incidents_unfinished ON incidents (status, notice_sent);

    CREATE TABLE originals (
        incident    INTEGER PRIMARY KEY REFERENCES incidents (seq),
        sealed      BLOB NOT NULL,
        created_at  REAL NOT NULL,
        expires_at  REAL NOT NULL
    );
    CREATE INDEX originals_expiry ON originals (expires_at);

    CREATE TABLE audit (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        at        REAL NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        incident  TEXT,
        detail    TEXT NOT NULL DEFAULT ''
    );
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

    CREATE TABLE cursors (
        platform    TEXT NOT NULL,
        channel     TEXT NOT NULL,
        message_id  TEXT NOT NULL,
        updated_at  REAL NOT NULL,
        PRIMARY KEY (platform, channel)
    );

    CREATE TABLE allowlist (
        key         TEXT PRIMARY KEY,
        servant     TEXT NOT NULL,
        added_by    TEXT NOT NULL,
        added_at    REAL NOT NULL,
        incident    TEXT
    );
    """,
    # 2: the verdict's one-line reason, shown on every notice (masked: no values)
    """
    ALTER TABLE incidents ADD COLUMN reason TEXT NOT NULL DEFAULT '';
    """,
    # 3: tenancy and the state machine. Audit rows, cursors and allowlist entries get
    # their platform and server (existing rows take them from their incident); incidents
    # remember whether doxguard's hide is in force and their status before the last move.
    """
    ALTER TABLE incidents ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE incidents ADD COLUMN previous_status TEXT;
    UPDATE incidents SET hidden = 1
        WHERE hide_error IS NULL
          AND (status IN ('hidden', 'confirmed')
               OR (status = 'dismissed' AND action = 'hide'));
    CREATE INDEX incidents_scope ON incidents (platform, server, seq);

    DROP TRIGGER audit_no_update;
    ALTER TABLE audit ADD COLUMN platform TEXT NOT NULL DEFAULT '';
    ALTER TABLE audit ADD COLUMN server TEXT NOT NULL DEFAULT '';
    UPDATE audit SET
        platform = coalesce((SELECT i.platform FROM incidents i
                             WHERE 'DG-' || printf('%06d', i.seq) = audit.incident), ''),
        server = coalesce((SELECT i.server FROM incidents i
                           WHERE 'DG-' || printf('%06d', i.seq) = audit.incident), '');
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE INDEX audit_scope ON audit (platform, server, seq);

    ALTER TABLE cursors ADD COLUMN server TEXT NOT NULL DEFAULT '';
    UPDATE cursors SET server = coalesce((SELECT i.server FROM incidents i
        WHERE i.platform = cursors.platform AND i.channel = cursors.channel LIMIT 1), '');

    CREATE TABLE allowlist_scoped (
        platform    TEXT NOT NULL,
        server      TEXT NOT NULL,
        key         TEXT NOT NULL,
        servant     TEXT NOT NULL,
        added_by    TEXT NOT NULL,
        added_at    REAL NOT NULL,
        incident    TEXT,
        PRIMARY KEY (platform, server, key)
    );
    INSERT OR IGNORE INTO allowlist_scoped
        SELECT coalesce(i.platform, ''), coalesce(i.server, ''), a.key, a.servant,
               a.added_by, a.added_at, a.incident
        FROM allowlist a LEFT JOIN incidents i ON 'DG-' || printf('%06d', i.seq) = a.incident;
    DROP TABLE allowlist;
    ALTER TABLE allowlist_scoped RENAME TO allowlist;
    """,
    # 4: Slack installations (tokens sealed, see adapters.slack_oauth) and OAuth states
    """
    CREATE TABLE slack_installations (
        enterprise_id TEXT NOT NULL,
        team_id       TEXT NOT NULL,
        user_id       TEXT NOT NULL,
        sealed        BLOB NOT NULL,
        installed_at  REAL NOT NULL,
        PRIMARY KEY (enterprise_id, team_id, user_id)
    );
    CREATE TABLE oauth_states (
        state       TEXT PRIMARY KEY,
        expires_at  REAL NOT NULL
    );
    """,
    # 5: one incident (and one cursor) per channel *in its server*: the keys gain the
    # server (a Slack channel id is only unique within its workspace). SQLite cannot
    # change a constraint, so incidents (with originals, which reference them) and
    # cursors are rebuilt.
    """
    CREATE TABLE incidents_v5 (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        platform     TEXT NOT NULL,
        server       TEXT NOT NULL,
        channel      TEXT NOT NULL,
        message_id   TEXT NOT NULL,
        author       TEXT NOT NULL,
        author_name  TEXT NOT NULL DEFAULT '',
        channel_name TEXT NOT NULL DEFAULT '',
        action       TEXT NOT NULL,
        status       TEXT NOT NULL,
        categories   TEXT NOT NULL,
        servants     TEXT NOT NULL,
        subjects     TEXT NOT NULL,
        intent       TEXT NOT NULL,
        excerpt      TEXT NOT NULL,
        message      TEXT NOT NULL,
        hide_error   TEXT,
        notice_sent  INTEGER NOT NULL DEFAULT 0,
        created_at   REAL NOT NULL,
        updated_at   REAL NOT NULL,
        reason       TEXT NOT NULL DEFAULT '',
        hidden       INTEGER NOT NULL DEFAULT 0,
        previous_status TEXT,
        UNIQUE (platform, server, channel, message_id)
    );
    INSERT INTO incidents_v5 (
        seq, platform, server, channel, message_id, author, author_name,
        channel_name, action, status, categories, servants, subjects, intent, excerpt,
        message, hide_error, notice_sent, created_at, updated_at, reason, hidden,
        previous_status)
    SELECT
        seq, platform, server, channel, message_id, author, author_name,
        channel_name, action, status, categories, servants, subjects, intent, excerpt,
        message, hide_error, notice_sent, created_at, updated_at, reason, hidden,
        previous_status
    FROM incidents;
    CREATE TABLE originals_v5 (
        incident    INTEGER PRIMARY KEY REFERENCES incidents_v5 (seq),
        sealed      BLOB NOT NULL,
        created_at  REAL NOT NULL,
        expires_at  REAL NOT NULL
    );
    INSERT INTO originals_v5 (incident, sealed, created_at, expires_at)
        SELECT incident, sealed, created_at, expires_at FROM originals;
    DROP TABLE originals;
    DROP TABLE incidents;
    ALTER TABLE incidents_v5 RENAME TO incidents;
    ALTER TABLE originals_v5 RENAME TO originals;
    CREATE INDEX incidents_author ON incidents (author, seq);
    CREATE INDEX incidents_unfinished ON incidents (status, notice_sent);
    CREATE INDEX incidents_scope ON incidents (platform, server, seq);
    CREATE INDEX originals_expiry ON originals (expires_at);

    CREATE TABLE cursors_v5 (
        platform    TEXT NOT NULL,
        server      TEXT NOT NULL DEFAULT '',
        channel     TEXT NOT NULL,
        message_id  TEXT NOT NULL,
        updated_at  REAL NOT NULL,
        PRIMARY KEY (platform, server, channel)
    );
    INSERT INTO cursors_v5 (platform, server, channel, message_id, updated_at)
        SELECT platform, server, channel, message_id, updated_at FROM cursors;
    DROP TABLE cursors;
    ALTER TABLE cursors_v5 RENAME TO cursors;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def _is_locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def describe_failure(path: str, operation: str, exc: sqlite3.Error) -> str:
    """A clear, PII-free line naming the database file and what to do about it."""
    text = str(exc)
    low = text.lower()
    if "full" in low:
        return (
            f"{path}: the disk is full (or the database reached its size limit) while "
            f"{operation}; incidents already stored are safe: free space and restart doxguard"
        )
    if "malformed" in low or "not a database" in low or "corrupt" in low:
        return (
            f"{path}: the database is damaged ({text}) while {operation}; stop doxguard, "
            "restore the file from a backup (or move it aside), and restart"
        )
    if "readonly" in low or "read-only" in low:
        return f"{path}: the database is read-only ({text}) while {operation}"
    return f"{path}: database error while {operation}: {text}"


def _retrying(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Retry a store operation while another process holds the database lock.

    Any other SQLite failure becomes a StoreError naming the file: a full disk or a
    damaged database is fatal for the bot, which stops rather than act unrecorded.
    """

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        path = getattr(args[0], "path", "the database") if args else "the database"
        delay = LOCK_FIRST_DELAY
        for attempt in range(LOCK_RETRIES + 1):
            try:
                return await fn(*args, **kwargs)
            except sqlite3.OperationalError as exc:
                if _is_locked(exc) and attempt < LOCK_RETRIES:
                    log.warning(
                        "database locked; retrying %s (attempt %d)", fn.__name__, attempt + 1
                    )
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 2.0)
                    continue
                raise StoreError(describe_failure(path, fn.__name__, exc)) from exc
            except sqlite3.DatabaseError as exc:
                raise StoreError(describe_failure(path, fn.__name__, exc)) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


def _scope_sql(scope: Scope | None, table: str = "") -> tuple[str, tuple[Any, ...]]:
    if scope is None:
        return "", ()
    prefix = f"{table}." if table else ""
    return f" AND {prefix}platform = ? AND {prefix}server = ?", (scope.platform, scope.server)


_INSERT_INCIDENT = (
    "INSERT INTO incidents (platform, server, channel, message_id, author, author_name, "
    "channel_name, action, status, categories, servants, subjects, intent, excerpt, message, "
    f"hide_error, notice_sent, created_at, updated_at, reason) VALUES ({', '.join('?' * 20)})"
)


# --------------------------------------------------------------------------
# the store


class SQLiteStore:
    """One SQLite database. Open with `await SQLiteStore.open(path)`; close with `close()`."""

    def __init__(self, conn: aiosqlite.Connection, path: str):
        self._db = conn
        self.path = path
        self._lock = asyncio.Lock()  # one transaction at a time on the shared connection

    # -- lifecycle -----------------------------------------------------------
    @classmethod
    async def open(cls, path: str | Path) -> SQLiteStore:
        """Open (creating) the database and bring its schema up to date.

        Raises StoreError naming the file when it is damaged, newer than this
        code, or not a doxguard database.
        """
        target = str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = await aiosqlite.connect(target, timeout=5.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{target}: cannot open the database: {exc}") from exc
        store = cls(conn, target)
        try:
            await store._setup()
        except (sqlite3.DatabaseError, StoreError) as exc:
            await conn.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(
                f"{target}: not a usable doxguard database ({exc}); restore it from a backup "
                "or point storage.path at a new file"
            ) from exc
        return store

    async def _setup(self) -> None:
        db = self._db
        if self.path != ":memory:":
            await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA foreign_keys=ON")
        await db.execute("PRAGMA secure_delete=ON")  # purged originals are overwritten
        await db.execute("PRAGMA busy_timeout=5000")
        async with db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: database schema version {version} is newer than this doxguard "
                f"({SCHEMA_VERSION}); upgrade doxguard"
            )
        if version == 0:
            async with db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ) as cur:
                row = await cur.fetchone()
            if row and row[0]:
                raise StoreError(f"{self.path}: has tables but is not a doxguard database")
        for number in range(version + 1, SCHEMA_VERSION + 1):
            await self._migrate(number)

    async def _migrate(self, number: int) -> None:
        """Apply migration `number` in one IMMEDIATE transaction, unless another process
        (or engine) applied it while we waited for the lock."""
        db = self._db
        await db.execute("BEGIN IMMEDIATE")
        try:
            async with db.execute("PRAGMA user_version") as cur:
                row = await cur.fetchone()
            if row and int(row[0]) >= number:
                await db.execute("COMMIT")
                return
            for statement in _statements(MIGRATIONS[number - 1]):
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {number}")
            await db.execute("COMMIT")
        except BaseException:
            await self._rollback()
            raise
        log.info("database migrated to schema version %d", number)

    async def close(self) -> None:
        async with self._lock:
            await self._db.close()

    async def _write(self, statements: list[tuple[str, tuple[Any, ...]]]) -> list[int | None]:
        """Run statements in one IMMEDIATE transaction; returns each statement's lastrowid."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            ids: list[int | None] = []
            try:
                for sql, params in statements:
                    cur = await self._db.execute(sql, params)
                    ids.append(cur.lastrowid if cur.rowcount > 0 else None)
                    await cur.close()
                await self._db.execute("COMMIT")
            except BaseException:
                await self._rollback()
                raise
            return ids

    async def _rollback(self) -> None:
        """Roll back after a failed statement; SQLite may already have (a full disk does),
        and the original error is the one worth reporting."""
        try:
            await self._db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    async def _one(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        async with self._lock, self._db.execute(sql, params) as cur:
            row = await cur.fetchone()
        return tuple(row) if row is not None else None

    async def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        async with self._lock, self._db.execute(sql, params) as cur:
            rows = await cur.fetchall()
        return [tuple(r) for r in rows]

    # -- meta ----------------------------------------------------------------
    @_retrying
    async def get_meta(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else None

    @_retrying
    async def set_meta(self, key: str, value: str) -> None:
        await self._write(
            [("INSERT INTO meta (key, value) VALUES (?, ?) "
              "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))]
        )

    # -- servants ------------------------------------------------------------
    @_retrying
    async def servant_overrides(self) -> list[ServantOverride]:
        rows = await self._all(
            "SELECT name, data, changed_by, changed_at FROM servants ORDER BY changed_at, name"
        )
        return [
            ServantOverride(name, json.loads(data) if data else None, by, at)
            for name, data, by, at in rows
        ]

    @_retrying
    async def put_servant(self, name: str, data: dict[str, Any] | None, actor: str,
                          change: str) -> None:
        """Record a servant added/replaced (`data`) or removed (None) by `actor`."""
        now = time.time()
        blob = json.dumps(data) if data is not None else None
        await self._write([
            ("INSERT INTO servants (name, data, source, changed_by, changed_at) "
             "VALUES (?, ?, 'command', ?, ?) ON CONFLICT (name) DO UPDATE SET "
             "data = excluded.data, changed_by = excluded.changed_by, "
             "changed_at = excluded.changed_at", (name, blob, actor, now)),
            ("INSERT INTO servant_changes (name, change, actor, at, data) VALUES (?, ?, ?, ?, ?)",
             (name, change, actor, now, blob)),
        ])

    @_retrying
    async def servant_changes(self, name: str | None = None) -> list[tuple[str, str, str, float]]:
        """(name, change, actor, at), oldest first: who changed which servant."""
        if name is None:
            return [tuple(r) for r in await self._all(  # type: ignore[misc]
                "SELECT name, change, actor, at FROM servant_changes ORDER BY seq")]
        return [tuple(r) for r in await self._all(  # type: ignore[misc]
            "SELECT name, change, actor, at FROM servant_changes WHERE name = ? ORDER BY seq",
            (name,))]

    # -- incidents -----------------------------------------------------------
    @_retrying
    async def add_incident(
        self,
        incident: Incident,
        *,
        message: dict[str, Any],
        sealed: bytes | None,
        expires_at: float | None,
    ) -> tuple[Incident, bool]:
        """Insert the incident (its `id` is ignored) and its sealed original atomically.

        Returns (stored incident, created). When the message already has an
        incident, nothing is written and the existing one is returned.
        """
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                # look first: a conflicting INSERT would still use up an AUTOINCREMENT id
                async with self._db.execute(
                    "SELECT 1 FROM incidents WHERE platform = ? AND server = ? AND channel = ? "
                    "AND message_id = ?",
                    (incident.platform, incident.server, incident.channel, incident.message_id),
                ) as probe:
                    exists = await probe.fetchone() is not None
                created, seq = False, None
                if not exists:
                    params = incident_params(incident, message)
                    cur = await self._db.execute(_INSERT_INCIDENT, params)
                    created, seq = cur.rowcount > 0, cur.lastrowid
                    await cur.close()
                if created and sealed is not None and seq is not None:
                    await self._db.execute(
                        "INSERT INTO originals (incident, sealed, created_at, expires_at) "
                        "VALUES (?, ?, ?, ?)",
                        (seq, sealed, incident.created_at, expires_at or 0.0),
                    )
                await self._db.execute("COMMIT")
            except BaseException:
                await self._rollback()
                raise
        found = await self._find(incident.platform, incident.server, incident.channel,
                                 incident.message_id)
        if found is None:  # pragma: no cover - just inserted or conflicted
            raise StoreError("incident vanished after insert")
        return found, created

    async def _find(self, platform: str, server: str, channel: str,
                    message_id: str) -> Incident | None:
        row = await self._one(
            f"SELECT {INCIDENT_COLUMNS} FROM incidents "
            "WHERE platform = ? AND server = ? AND channel = ? AND message_id = ?",
            (platform, server, channel, message_id),
        )
        found = readable([row]) if row else []
        return found[0] if found else None

    @_retrying
    async def find_incident(self, platform: str, server: str, channel: str,
                            message_id: str) -> Incident | None:
        return await self._find(platform, server, channel, message_id)

    @_retrying
    async def get_incident(self, incident_id: str,
                           scope: Scope | None = None) -> Incident | None:
        seq = parse_id(incident_id)
        if seq is None:
            return None
        where, params = _scope_sql(scope)
        row = await self._one(
            f"SELECT {INCIDENT_COLUMNS} FROM incidents WHERE seq = ?{where}", (seq, *params)
        )
        found = readable([row]) if row else []
        return found[0] if found else None

    @_retrying
    async def transition_incident(
        self,
        scope: Scope,
        incident_id: str,
        from_statuses: Iterable[IncidentStatus],
        to_status: IncidentStatus,
        *,
        fields: Mapping[str, Any] | None = None,
        audit: AuditRecord | None = None,
        require_hidden: bool | None = None,
    ) -> Incident | None:
        """Compare-and-set of the status (see `IncidentStore.transition_incident`)."""
        seq = parse_id(incident_id)
        sources = sorted(s.value for s in from_statuses)
        if seq is None or not sources:
            return None
        sets = ["previous_status = status", "status = ?", "updated_at = ?"]
        params: list[Any] = [to_status.value, time.time()]
        for key, value in (fields or {}).items():
            sets.append(f"{key} = ?")
            params.append(field_value(key, value))
        where = (f"seq = ? AND platform = ? AND server = ? "
                 f"AND status IN ({', '.join('?' * len(sources))})")
        params += [seq, scope.platform, scope.server, *sources]
        if require_hidden is not None:
            where += " AND hidden = ?"
            params.append(int(require_hidden))
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                cur = await self._db.execute(
                    f"UPDATE incidents SET {', '.join(sets)} WHERE {where}", tuple(params))
                changed = cur.rowcount == 1
                await cur.close()
                if changed and audit is not None:
                    await self._db.execute(
                        "INSERT INTO audit (at, actor, action, incident, detail, platform, "
                        "server) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (time.time(), audit.actor, audit.action, format_id(seq), audit.detail,
                         scope.platform, scope.server))
                await self._db.execute("COMMIT")
            except BaseException:
                await self._rollback()
                raise
        if not changed:
            return None
        return await self.get_incident(incident_id, scope)

    @_retrying
    async def update_incident(self, incident_id: str, **fields: Any) -> None:
        """Update non-status fields (hide_error, notice_sent, excerpt...) and updated_at.

        A status changes only through `transition_incident` (the state machine)."""
        seq = parse_id(incident_id)
        sets: list[str] = []
        params: list[Any] = []
        for key, value in fields.items():
            sets.append(f"{key} = ?")
            params.append(field_value(key, value))
        sets.append("updated_at = ?")
        params.append(time.time())
        await self._write([(f"UPDATE incidents SET {', '.join(sets)} WHERE seq = ?",
                            (*params, seq))])

    @_retrying
    async def incident_message(self, incident_id: str) -> dict[str, Any] | None:
        """The stored ids/flags of the incident's message (no text)."""
        row = await self._one("SELECT message FROM incidents WHERE seq = ?",
                              (parse_id(incident_id),))
        return json.loads(row[0]) if row else None

    @_retrying
    async def list_incidents(self, author: str | None = None, limit: int = 10,
                             scope: Scope | None = None) -> list[Incident]:
        where, params = _scope_sql(scope)
        if author:
            where += " AND author = ?"
            params = (*params, author)
        rows = await self._all(
            f"SELECT {INCIDENT_COLUMNS} FROM incidents WHERE 1 = 1{where} "
            "ORDER BY seq DESC LIMIT ?", (*params, limit))
        return readable(rows)

    @_retrying
    async def unfinished(self) -> list[Incident]:
        """Incidents a crash may have interrupted: a side effect under way (pending,
        confirming, restoring), or a notice not sent."""
        rows = await self._all(
            f"SELECT {INCIDENT_COLUMNS} FROM incidents "
            "WHERE status IN (?, ?, ?) OR notice_sent = 0 ORDER BY seq",
            (IncidentStatus.PENDING.value, IncidentStatus.CONFIRMING.value,
             IncidentStatus.RESTORING.value),
        )
        return readable(rows)

    @_retrying
    async def count_incidents(self, scope: Scope | None = None) -> dict[str, int]:
        where, params = _scope_sql(scope)
        rows = await self._all(
            f"SELECT status, count(*) FROM incidents WHERE 1 = 1{where} GROUP BY status", params)
        return {status: n for status, n in rows}

    @_retrying
    async def incident_ids(self, prefix: str = "", limit: int = 25,
                           scope: Scope | None = None) -> list[str]:
        """Recent incident ids whose text starts with `prefix` (for autocomplete)."""
        want = prefix.strip().upper()
        where, params = _scope_sql(scope)
        rows = await self._all(
            f"SELECT seq FROM incidents WHERE 1 = 1{where} ORDER BY seq DESC LIMIT 1000", params)
        out = []
        for (seq,) in rows:
            ident = format_id(seq)
            if ident.startswith(want) or ident[len(ID_PREFIX):].lstrip("0").startswith(want):
                out.append(ident)
                if len(out) >= limit:
                    break
        return out

    # -- originals -----------------------------------------------------------
    @_retrying
    async def get_original(self, incident_id: str, now: float | None = None) -> bytes | None:
        """The sealed bytes, or None when there are none or they have expired."""
        row = await self._one(
            "SELECT sealed, expires_at FROM originals WHERE incident = ?", (parse_id(incident_id),)
        )
        if row is None:
            return None
        sealed, expires = row
        if expires and expires <= (now if now is not None else time.time()):
            return None
        return bytes(sealed)

    @_retrying
    async def replace_original(self, incident_id: str, sealed: bytes | None, created_at: float,
                               expires_at: float) -> None:
        seq = parse_id(incident_id)
        statements: list[tuple[str, tuple[Any, ...]]] = [
            ("DELETE FROM originals WHERE incident = ?", (seq,))
        ]
        if sealed is not None:
            statements.append((
                "INSERT INTO originals (incident, sealed, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)", (seq, sealed, created_at, expires_at)))
        await self._write(statements)

    @_retrying
    async def purge_originals(self, now: float | None = None,
                              excerpts_before: float | None = None) -> int:
        """Delete expired sealed originals and blank their incidents' excerpts (and, with
        `excerpts_before`, the excerpts of incidents created before it that kept no
        original); incidents keep categories, servant, status and times."""
        cutoff = now if now is not None else time.time()
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                await self._db.execute(
                    "UPDATE incidents SET excerpt = ? WHERE seq IN "
                    "(SELECT incident FROM originals WHERE expires_at <= ?)",
                    (PURGED_EXCERPT, cutoff))
                if excerpts_before is not None:
                    await self._db.execute(
                        "UPDATE incidents SET excerpt = ? WHERE created_at <= ? "
                        "AND excerpt != ? AND NOT EXISTS "
                        "(SELECT 1 FROM originals o WHERE o.incident = incidents.seq)",
                        (PURGED_EXCERPT, excerpts_before, PURGED_EXCERPT))
                cur = await self._db.execute(
                    "DELETE FROM originals WHERE expires_at <= ?", (cutoff,))
                count = cur.rowcount
                await cur.close()
                await self._db.execute("COMMIT")
            except BaseException:
                await self._rollback()
                raise
        if count:
            # reclaim the pages so purged ciphertext does not linger in the file
            async with self._lock:
                await self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return max(count, 0)

    @_retrying
    async def count_originals(self, scope: Scope | None = None) -> int:
        where, params = _scope_sql(scope, "i")
        row = await self._one(
            "SELECT count(*) FROM originals o JOIN incidents i ON i.seq = o.incident "
            f"WHERE 1 = 1{where}", params)
        return int(row[0]) if row else 0

    # -- audit ---------------------------------------------------------------
    @_retrying
    async def audit(self, actor: str, action: str, incident: str | None = None,
                    detail: str = "", scope: Scope | None = None) -> None:
        """Append one moderator action; the table refuses updates and deletes."""
        platform, server = (scope.platform, scope.server) if scope else ("", "")
        await self._write([
            ("INSERT INTO audit (at, actor, action, incident, detail, platform, server) "
             "VALUES (?, ?, ?, ?, ?, ?, ?)",
             (time.time(), actor, action, incident, detail, platform, server))
        ])

    @_retrying
    async def audit_log(self, incident: str | None = None, limit: int = 100,
                        scope: Scope | None = None) -> list[AuditEntry]:
        where, params = _scope_sql(scope)
        if incident:
            where += " AND incident = ?"
            params = (*params, incident)
        rows = await self._all(
            "SELECT seq, at, actor, action, incident, detail, platform, server FROM audit "
            f"WHERE 1 = 1{where} ORDER BY seq DESC LIMIT ?", (*params, limit))
        return [AuditEntry(*r) for r in rows]

    # -- cursors -------------------------------------------------------------
    @_retrying
    async def set_cursor(self, platform: str, channel: str, message_id: str,
                         server: str = "") -> None:
        await self._write([
            ("INSERT INTO cursors (platform, channel, message_id, updated_at, server) "
             "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, server, channel) DO UPDATE SET "
             "message_id = excluded.message_id, updated_at = excluded.updated_at",
             (platform, channel, message_id, time.time(), server))
        ])

    @_retrying
    async def get_cursor(self, platform: str, channel: str, server: str = "") -> str | None:
        row = await self._one(
            "SELECT message_id FROM cursors WHERE platform = ? AND server = ? AND channel = ?",
            (platform, server, channel),
        )
        return row[0] if row else None

    # -- allowlist -----------------------------------------------------------
    @_retrying
    async def add_allowlist(self, entries: Iterable[tuple[str, str]], actor: str,
                            incident: str | None, scope: Scope | None = None) -> int:
        now = time.time()
        platform, server = (scope.platform, scope.server) if scope else ("", "")
        statements = [
            ("INSERT INTO allowlist (platform, server, key, servant, added_by, added_at, "
             "incident) VALUES (?, ?, ?, ?, ?, ?, ?) "
             "ON CONFLICT (platform, server, key) DO NOTHING",
             (platform, server, key, servant, actor, now, incident))
            for servant, key in entries
        ]
        if not statements:
            return 0
        ids = await self._write(statements)
        return sum(1 for i in ids if i is not None)

    @_retrying
    async def allowlist_keys(self, scope: Scope | None = None) -> set[str]:
        where, params = _scope_sql(scope)
        return {r[0] for r in await self._all(
            f"SELECT key FROM allowlist WHERE 1 = 1{where}", params)}

    @_retrying
    async def allowlist_entries(self) -> set[tuple[str, str, str]]:
        return {(r[0], r[1], r[2]) for r in await self._all(
            "SELECT platform, server, key FROM allowlist", ())}


    # -- reports -------------------------------------------------------------
    @_retrying
    async def report_rows(self, since: float, server: str | None = None,
                          platform: str | None = None, top: int = 10,
                          week: bool = False) -> ReportRows:
        """Every figure of `doxguard report` and `/doxguard stats`, aggregated here in SQL.

        Incidents created at or after `since` (epoch seconds), optionally of one server
        (and platform), counted per UTC day (or per week from Monday, `week`). Counts
        and ids only: no excerpt, no message text.
        """
        bucket = ("date(i.created_at, 'unixepoch', '-6 days', 'weekday 1')" if week
                  else "date(i.created_at, 'unixepoch')")
        where = "created_at >= ?"
        params: tuple[Any, ...] = (since,)
        if server:
            where += " AND server = ?"
            params += (server,)
        if platform:
            where += " AND platform = ?"
            params += (platform,)
        scoped = f"SELECT * FROM incidents WHERE {where}"
        by_status = await self._all(
            f"SELECT status, count(*) FROM ({scoped}) GROUP BY status ORDER BY status", params)
        by_day = await self._all(
            f"SELECT {bucket} AS day, c.value, count(*) "
            f"FROM ({scoped}) AS i, json_each(i.categories) AS c "
            "GROUP BY day, c.value ORDER BY day, c.value", params)
        channels = await self._all(
            f"SELECT platform, channel, max(channel_name), count(*) AS n FROM ({scoped}) "
            "GROUP BY platform, channel ORDER BY n DESC, channel LIMIT ?", (*params, top))
        roles = await self._all(
            "SELECT json_extract(s.value, '$.role') AS role, "
            "count(DISTINCT json_extract(s.value, '$.servant')), count(DISTINCT i.seq) "
            f"FROM ({scoped}) AS i, json_each(i.subjects) AS s "
            "GROUP BY role ORDER BY 3 DESC, role", params)
        people = await self._all(
            "SELECT json_extract(s.value, '$.servant') AS servant, "
            "max(json_extract(s.value, '$.role')), count(DISTINCT i.seq) AS n "
            f"FROM ({scoped}) AS i, json_each(i.subjects) AS s "
            "GROUP BY servant ORDER BY n DESC, servant LIMIT ?", (*params, top))
        # the first moderator decision on each incident, from the append-only audit log
        decision = (
            "WITH decided AS ("
            "  SELECT min(a.at) - i.created_at AS secs"
            f"  FROM ({scoped}) AS i"
            f"  JOIN audit AS a ON a.incident = printf('{ID_PREFIX}%06d', i.seq)"
            "  WHERE a.action IN ('confirm', 'dismiss', 'dismiss allowlist', 'restore')"
            "  GROUP BY i.seq),"
            " ranked AS (SELECT secs, row_number() OVER (ORDER BY secs) AS r,"
            "  count(*) OVER () AS n FROM decided)"
            " SELECT (SELECT count(*) FROM decided),"
            "  (SELECT avg(secs) FROM ranked WHERE r IN ((n + 1) / 2, (n + 2) / 2))"
        )
        decided_row = await self._one(decision, params)
        decided, median = decided_row if decided_row else (0, None)
        return ReportRows(
            by_status={str(s): int(n) for s, n in by_status},
            by_day=[(str(d), str(c), int(n)) for d, c, n in by_day],
            channels=[(str(p), str(c), str(name or c), int(n)) for p, c, name, n in channels],
            roles=[(str(r or "public_servant"), int(p), int(n)) for r, p, n in roles],
            people=[(str(s), str(r or "public_servant"), int(n)) for s, r, n in people],
            decided=int(decided or 0),
            median_decision_seconds=float(median) if median is not None else None,
        )


    # -- Slack installations and OAuth states ------------------------------------
    @_retrying
    async def put_slack_installation(self, enterprise_id: str, team_id: str, user_id: str,
                                     sealed: bytes, installed_at: float) -> None:
        await self._write([
            ("INSERT INTO slack_installations (enterprise_id, team_id, user_id, sealed, "
             "installed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (enterprise_id, team_id, "
             "user_id) DO UPDATE SET sealed = excluded.sealed, "
             "installed_at = excluded.installed_at",
             (enterprise_id, team_id, user_id, sealed, installed_at))])

    @_retrying
    async def get_slack_installation(self, enterprise_id: str, team_id: str,
                                     user_id: str | None = None) -> bytes | None:
        row = await self._one(
            "SELECT sealed FROM slack_installations WHERE enterprise_id = ? AND team_id = ? "
            "AND user_id = ?", (enterprise_id, team_id, user_id or ""))
        return bytes(row[0]) if row else None

    @_retrying
    async def delete_slack_installations(self, enterprise_id: str, team_id: str,
                                         user_id: str | None = None) -> int:
        if user_id is None:
            sql, params = ("DELETE FROM slack_installations WHERE enterprise_id = ? "
                           "AND team_id = ?", (enterprise_id, team_id))
        else:
            sql, params = ("DELETE FROM slack_installations WHERE enterprise_id = ? "
                           "AND team_id = ? AND user_id = ?", (enterprise_id, team_id, user_id))
        async with self._lock:
            cur = await self._db.execute(sql, params)
            count = cur.rowcount
            await cur.close()
        return max(count, 0)

    @_retrying
    async def slack_installation_teams(self) -> list[tuple[str, str]]:
        rows = await self._all(
            "SELECT enterprise_id, team_id FROM slack_installations WHERE user_id = '' "
            "ORDER BY installed_at")
        return [(r[0], r[1]) for r in rows]

    @_retrying
    async def add_oauth_state(self, state: str, expires_at: float) -> None:
        await self._write([
            ("DELETE FROM oauth_states WHERE expires_at < ?", (time.time(),)),
            ("INSERT INTO oauth_states (state, expires_at) VALUES (?, ?)", (state, expires_at)),
        ])

    @_retrying
    async def take_oauth_state(self, state: str, now: float) -> bool:
        """Consume a state once (DELETE … RETURNING: two callbacks cannot both win)."""
        row = await self._one(
            "DELETE FROM oauth_states WHERE state = ? RETURNING expires_at", (state,))
        return row is not None and float(row[0]) > now


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (triggers keep their inner semicolons)."""
    out: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        out.append(buffer.strip())
    return out


Store = SQLiteStore  # the name the rest of doxguard used before the store became a package
