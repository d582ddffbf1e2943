"""Slack for many workspaces: bolt's installation and OAuth state stores on doxguard's database.

A distributable Slack app is installed by each workspace through the OAuth v2
flow; bolt (`AsyncOAuthSettings`) runs the flow and asks an installation store
for the right tokens on every request. These two classes implement bolt's
`AsyncInstallationStore` and `AsyncOAuthStateStore` on doxguard's own store
(SQLite or PostgreSQL, whichever is configured), so every bot process sees
every installation and a state issued by one process is accepted by another.

Tokens are secrets: an installation is kept as one blob sealed with the
sealing key (AES-GCM, bound to its workspace and installer), never in clear.
OAuth states are random, single-use (consumed with one atomic delete) and
expire after `state_expiration_seconds`.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from datetime import datetime
from typing import Any, Protocol

from slack_sdk.oauth.installation_store.async_installation_store import (
    AsyncInstallationStore,
)
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.seal import Sealer, SealError

log = logging.getLogger("doxguard.slack.oauth")

STATE_SECONDS = 600


class InstallationRecords(Protocol):
    """What the doxguard store offers for installations (see bot.store.base)."""

    async def put_slack_installation(self, enterprise_id: str, team_id: str, user_id: str,
                                     sealed: bytes, installed_at: float) -> None: ...
    async def get_slack_installation(self, enterprise_id: str, team_id: str,
                                     user_id: str | None = None) -> bytes | None: ...
    async def delete_slack_installations(self, enterprise_id: str, team_id: str,
                                         user_id: str | None = None) -> int: ...
    async def slack_installation_teams(self) -> list[tuple[str, str]]: ...
    async def add_oauth_state(self, state: str, expires_at: float) -> None: ...
    async def take_oauth_state(self, state: str, now: float) -> bool: ...


def _context(enterprise_id: str, team_id: str, user_id: str) -> str:
    return f"slack-installation:{enterprise_id}:{team_id}:{user_id}"


def _plain(value: Any) -> Any:
    return value.timestamp() if isinstance(value, datetime) else value


class StoreInstallationStore(AsyncInstallationStore):
    """bolt's installation store on doxguard's database; installations sealed at rest.

    `on_change(team_id)` is called after a save or delete, so the Slack adapter can
    drop the clients it built from the old tokens.
    """

    def __init__(self, records: InstallationRecords, sealer: Sealer,
                 on_change: Any = None) -> None:
        self._records = records
        self._sealer = sealer
        self._on_change = on_change

    @property
    def logger(self) -> logging.Logger:
        return log

    def _seal(self, installation: Installation, key_user: str) -> bytes:
        enterprise, team = installation.enterprise_id or "", installation.team_id or ""
        data = {k: _plain(v) for k, v in installation.to_dict_for_copying().items()}
        return self._sealer.seal(json.dumps(data), _context(enterprise, team, key_user))

    def _open(self, blob: bytes, enterprise: str, team: str, user: str) -> Installation | None:
        try:
            data = json.loads(self._sealer.open(blob, _context(enterprise, team, user)))
        except (SealError, ValueError):
            log.error("slack: the installation of workspace %s cannot be opened (the sealing "
                      "key changed?); reinstall the app there", team)
            return None
        return Installation(**data)

    async def _put(self, installation: Installation, key_user: str) -> None:
        await self._records.put_slack_installation(
            installation.enterprise_id or "", installation.team_id or "", key_user,
            self._seal(installation, key_user), float(installation.installed_at))

    async def async_save(self, installation: Installation) -> None:
        """One row per installer, and the workspace row (user "") holding the latest
        installation: the bot token every event of the workspace is handled with."""
        if installation.user_id:
            await self._put(installation, installation.user_id)
        await self._put(installation, "")
        log.info("slack: workspace %s installed the app", installation.team_id)
        self._changed(installation.team_id or "")

    async def async_save_bot(self, bot: Bot) -> None:  # pragma: no cover - bolt calls save
        raise NotImplementedError("installations are saved whole")

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        enterprise = enterprise_id or ""
        team = "" if is_enterprise_install else (team_id or "")
        user = user_id or ""
        blob = await self._records.get_slack_installation(enterprise, team, user)
        return None if blob is None else self._open(blob, enterprise, team, user)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = await self.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id,
            is_enterprise_install=is_enterprise_install)
        return found.to_bot() if found is not None and found.bot_token else None

    async def async_delete_bot(self, *, enterprise_id: str | None,
                               team_id: str | None) -> None:
        await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(self, *, enterprise_id: str | None,
                                        team_id: str | None,
                                        user_id: str | None = None) -> None:
        team = team_id or ""
        removed = await self._records.delete_slack_installations(
            enterprise_id or "", team, user_id or None)
        if removed:
            log.info("slack: deleted %d installation record(s) of workspace %s", removed, team)
        self._changed(team)

    async def async_delete_all(self, *, enterprise_id: str | None,
                               team_id: str | None) -> None:
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)

    async def revoke_user_token(self, *, enterprise_id: str | None, team_id: str | None,
                                user_id: str) -> None:
        """`tokens_revoked` for a user: that installer's token goes; the bot token stays."""
        enterprise, team = enterprise_id or "", team_id or ""
        await self._records.delete_slack_installations(enterprise, team, user_id)
        latest = await self.async_find_installation(enterprise_id=enterprise, team_id=team)
        if latest is not None and latest.user_id == user_id and latest.user_token:
            latest.user_token = None
            latest.user_refresh_token = None
            await self._put(latest, "")
        self._changed(team)

    async def teams(self) -> list[str]:
        """Every installed workspace (for backfill)."""
        return [team for _enterprise, team in await self._records.slack_installation_teams()]

    def _changed(self, team: str) -> None:
        if self._on_change is not None:
            self._on_change(team)


class StoreOAuthStateStore(AsyncOAuthStateStore):
    """Single-use OAuth `state` values in doxguard's database (any process may consume)."""

    def __init__(self, records: InstallationRecords,
                 expiration_seconds: int = STATE_SECONDS) -> None:
        self._records = records
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        await self._records.add_oauth_state(state, time.time() + self.expiration_seconds)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state:
            return False
        ok = await self._records.take_oauth_state(state, time.time())
        if not ok:
            log.warning("slack: refused an OAuth callback with an unknown or expired state")
        return ok
