"""Where doxguard keeps incidents, sealed originals, the audit log and cursors.

`base.py` is the interface every backend implements (`IncidentStore`, `Scope`);
`sqlite.py` is the embedded default. `open_store(config)` opens the configured
backend and migrates it, once per process.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.store.base import (
    ID_PREFIX,
    AuditEntry,
    AuditRecord,
    IncidentStore,
    Scope,
    ServantOverride,
    StoreError,
    format_id,
    parse_id,
)
from bot.store.sqlite import PURGED_EXCERPT, SCHEMA_VERSION, SQLiteStore, Store

if TYPE_CHECKING:  # pragma: no cover - typing only
    from bot.config import Config


async def open_store(config: Config, path: str | Path | None = None) -> IncidentStore:
    """Open the backend `storage.backend` names (migrated); `path` overrides the database
    (":memory:" allowed, SQLite only). Raises StoreError naming the database and the fix."""
    backend = config.storage.backend
    if backend == "sqlite":
        return await SQLiteStore.open(path if path is not None else config.database_path)
    raise StoreError(f"storage.backend: unknown backend {backend!r}")


__all__ = [
    "ID_PREFIX",
    "PURGED_EXCERPT",
    "SCHEMA_VERSION",
    "AuditEntry",
    "AuditRecord",
    "IncidentStore",
    "SQLiteStore",
    "Scope",
    "ServantOverride",
    "Store",
    "StoreError",
    "format_id",
    "open_store",
    "parse_id",
]
