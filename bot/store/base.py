"""The store interface: everything doxguard keeps, behind one small protocol.

The engine, the commands and the adapters only ever talk to an `IncidentStore`.
`bot.store.sqlite` implements it on one SQLite file (the embedded default); a
PostgreSQL backend for several processes implements the same methods.

Rules every backend keeps:
- **Scope.** Incidents, audit rows, cursors and allowlist entries belong to one
  `Scope` (platform + server: a Discord guild, a Slack workspace). A method given
  a scope never returns or changes a row of another scope; an incident of another
  scope looks exactly like one that does not exist.
- **Status changes only through `transition_incident`**, a compare-and-set: the row
  changes only when its status is still one of `from_statuses` (and, when asked,
  its `hidden` flag matches), in one transaction with its audit row. Which moves
  are allowed is written down in `bot.incidents.TRANSITIONS`; the store does not
  decide, it only refuses stale writes. The caller carries out side effects
  (hide, repost, notices) only after the intent is stored.
- **Privacy.** Only the sealed original holds message text, and only sealed bytes;
  purging an original also blanks the incident's excerpt.
- Failures of the database itself raise `StoreError` naming the file and the fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from bot.models import Incident, IncidentStatus

ID_PREFIX = "DG-"


class StoreError(Exception):
    """The database cannot be used (damaged, not ours, disk full). Says which file and why."""


class StoreUnavailable(StoreError):
    """The database server cannot be reached or refuses us at start (exit status 2)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """The community a row belongs to: a platform and its server id (guild, workspace).

    The console uses platform "console" and server "". Printed as "platform:server",
    the form `[servers."platform:server"]` config sections use.
    """

    platform: str
    server: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.server}"

    @classmethod
    def of(cls, item: Any) -> Scope:
        """The scope of anything with `platform` and `server` (incident, message, caller)."""
        return cls(item.platform, item.server)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: float
    actor: str
    action: str
    incident: str | None
    detail: str
    platform: str = ""
    server: str = ""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """An audit row to write together with a transition (same transaction)."""

    actor: str
    action: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ServantOverride:
    """A servant changed by command: `data` is None when the command removed them."""

    name: str
    data: dict[str, Any] | None
    changed_by: str
    changed_at: float


def format_id(seq: int) -> str:
    return f"{ID_PREFIX}{seq:06d}"


def parse_id(incident_id: str) -> int | None:
    """`DG-000042` (or `42`, any case) -> 42; None when it is not an incident id."""
    text = incident_id.strip().upper()
    if text.startswith(ID_PREFIX):
        text = text[len(ID_PREFIX) :]
    return int(text) if text.isdigit() and len(text) <= 12 else None


# Fields `transition_incident(fields=...)` and `update_incident` may set besides the status.
INCIDENT_FIELDS = frozenset({
    "action", "hide_error", "notice_sent", "categories", "servants", "subjects", "intent",
    "excerpt", "hidden",
})


@runtime_checkable
class IncidentStore(Protocol):
    """What every backend implements. `path` names the database in messages (never a password)."""

    path: str

    async def close(self) -> None: ...

    # -- meta: small settings the bot keeps (the sealing key's fingerprint) -------------
    async def get_meta(self, key: str) -> str | None: ...
    async def set_meta(self, key: str, value: str) -> None: ...

    # -- servants changed by command (the file registry is not stored) ------------------
    async def servant_overrides(self) -> list[ServantOverride]: ...
    async def put_servant(self, name: str, data: dict[str, Any] | None, actor: str,
                          change: str) -> None: ...
    async def servant_changes(self, name: str | None = None
                              ) -> list[tuple[str, str, str, float]]: ...

    # -- incidents -----------------------------------------------------------------------
    async def add_incident(self, incident: Incident, *, message: dict[str, Any],
                           sealed: bytes | None, expires_at: float | None
                           ) -> tuple[Incident, bool]:
        """Insert the incident and its sealed original in one transaction; when the message
        already has an incident, write nothing and return (existing, False)."""
        ...

    async def find_incident(self, platform: str, server: str, channel: str,
                            message_id: str) -> Incident | None:
        """The incident of one message in one server (the store's unique key)."""
        ...

    async def get_incident(self, incident_id: str,
                           scope: Scope | None = None) -> Incident | None:
        """The incident, or None when it does not exist or (with `scope`) is another's."""
        ...

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
        """Compare-and-set: set `to_status` (and `fields`, `previous_status` = the old
        status, `updated_at`) only if the incident is in `scope`, its status is one of
        `from_statuses` and (unless None) `hidden == require_hidden`; write `audit` in the
        same transaction. Returns the updated incident, or None when nothing changed."""
        ...

    async def update_incident(self, incident_id: str, **fields: Any) -> None:
        """Set non-status fields (INCIDENT_FIELDS); a status can only change by transition."""
        ...

    async def incident_message(self, incident_id: str) -> dict[str, Any] | None: ...
    async def list_incidents(self, author: str | None = None, limit: int = 10,
                             scope: Scope | None = None) -> list[Incident]: ...
    async def unfinished(self) -> list[Incident]:
        """Incidents a crash may have interrupted: pending, confirming, restoring, unnoticed."""
        ...

    async def count_incidents(self, scope: Scope | None = None) -> dict[str, int]: ...
    async def incident_ids(self, prefix: str = "", limit: int = 25,
                           scope: Scope | None = None) -> list[str]: ...

    # -- sealed originals ----------------------------------------------------------------
    async def get_original(self, incident_id: str, now: float | None = None) -> bytes | None: ...
    async def replace_original(self, incident_id: str, sealed: bytes | None, created_at: float,
                               expires_at: float) -> None: ...
    async def purge_originals(self, now: float | None = None) -> int:
        """Delete expired originals and blank their incidents' excerpts; returns how many."""
        ...

    async def count_originals(self, scope: Scope | None = None) -> int: ...

    # -- audit (append-only) ---------------------------------------------------------------
    async def audit(self, actor: str, action: str, incident: str | None = None,
                    detail: str = "", scope: Scope | None = None) -> None: ...
    async def audit_log(self, incident: str | None = None, limit: int = 100,
                        scope: Scope | None = None) -> list[AuditEntry]: ...

    # -- backfill cursors ------------------------------------------------------------------
    async def set_cursor(self, platform: str, channel: str, message_id: str,
                         server: str = "") -> None: ...
    async def get_cursor(self, platform: str, channel: str, server: str = "") -> str | None:
        """The newest message seen in one channel of one server (for backfill)."""
        ...

    # -- allowlist (HMAC keys, never values) ----------------------------------------------
    async def add_allowlist(self, entries: Iterable[tuple[str, str]], actor: str,
                            incident: str | None, scope: Scope | None = None) -> int: ...
    async def allowlist_keys(self, scope: Scope | None = None) -> set[str]: ...
    async def allowlist_entries(self) -> set[tuple[str, str, str]]:
        """Every entry as (platform, server, key): the engine matches each in its server."""
        ...

    # -- Slack installations (sealed blobs, see adapters.slack_oauth) and OAuth states -----
    async def put_slack_installation(self, enterprise_id: str, team_id: str, user_id: str,
                                     sealed: bytes, installed_at: float) -> None:
        """Keep one installation (user "" is the workspace's latest), replacing the old."""
        ...

    async def get_slack_installation(self, enterprise_id: str, team_id: str,
                                     user_id: str | None = None) -> bytes | None: ...
    async def delete_slack_installations(self, enterprise_id: str, team_id: str,
                                         user_id: str | None = None) -> int:
        """Delete the installer's row, or (no user) every row of the workspace."""
        ...

    async def slack_installation_teams(self) -> list[tuple[str, str]]: ...
    async def add_oauth_state(self, state: str, expires_at: float) -> None: ...
    async def take_oauth_state(self, state: str, now: float) -> bool:
        """Consume a state: True once, for a state issued and not expired."""
        ...


__all__ = [
    "ID_PREFIX", "INCIDENT_FIELDS", "AuditEntry", "AuditRecord", "IncidentStore", "Scope",
    "ServantOverride", "StoreError", "StoreUnavailable", "format_id", "parse_id",
]
