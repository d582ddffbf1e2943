"""Slack for many workspaces, end to end: the OAuth v2 install flow against the loopback fake
Slack, installations kept (sealed) in doxguard's own database — SQLite and PostgreSQL — and
events from two workspaces each handled with that workspace's own tokens, kept apart.

The installer's browser is played by an aiohttp client: it opens the Add to Slack link,
follows doxguard's redirect to the (fake) Slack authorize page carrying the state cookie,
and comes back to the redirect URL with the code, as a browser would.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import sqlite3
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from adapters.slack_adapter import OAuthCredentials, SlackBot, install_url
from bot.config import Config, parse_config
from bot.engine import Moderator
from bot.platform import StartError
from bot.seal import Sealer, generate_key
from bot.store import Scope, open_store
from tests import fake_slack as fs
from tests.fake_slack import FakeSlack, Workspace
from tests.pg_server import free_port

DATA = Path(__file__).parent / "data"
OTHER = "T0OTHER"
AUTHOR, MOD = "UAUTHOR", "UMOD"
GENERAL, MODS = "CGENERAL", "CMODS"
OTHER_GENERAL, OTHER_MODS = "COTHERGEN", "COTHERMODS"
DOXX = ("Officer Quenneville lives at 4410 Harrow St, Kansas City, MO 64111 — "
        "go tell him what you think")
OTHER_WORKSPACE = Workspace(OTHER, "Other", "xoxb-other-bot-token", "xoxp-other-admin-token",
                            bot_user_id="U0OTHERBOT", bot_id="B0OTHER",
                            admin_user_id="U0OTHERADMIN", mods_channel=OTHER_MODS)


def make_config(fake: FakeSlack, port: int, backend: str, db: str) -> Config:
    storage = ('backend = "postgresql"\nurl_env = "DG_TEST_DATABASE_URL"\n'
               if backend == "postgresql" else f"path = {json.dumps(db)}\n")
    text = (
        'servants_file = "slack_servants.toml"\n'
        "[moderators]\n"
        f'user_ids = ["slack:{MOD}"]\n'
        "[notices]\nretry_attempts = 2\n"
        f"[storage]\n{storage}"
        "[slack]\n"
        'mode = "http"\n'
        f'api_base_url = "{fake.base_url}"\n'
        f'authorize_url = "{fake.authorize_url}"\n'
        f'public_url = "http://127.0.0.1:{port}"\n'
        "backfill_max_age_hours = 0\n"
    )
    return parse_config(text, DATA / "slack-oauth-test.toml")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """(backend, where): an SQLite file, or a fresh PostgreSQL database in the env."""
    if request.param == "sqlite":
        return "sqlite", str(tmp_path / "dg.db")
    dsn = request.getfixturevalue("pg_dsn")
    monkeypatch.setenv("DG_TEST_DATABASE_URL", dsn)
    return "postgresql", dsn


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    home = server.workspaces[fs.TEAM_ID]
    server.add_workspace(dataclasses.replace(home, mods_channel=MODS))
    server.add_workspace(OTHER_WORKSPACE)
    for channel, name in ((GENERAL, "general"), (MODS, "mods"), (OTHER_GENERAL, "general"),
                          (OTHER_MODS, "mods")):
        server.add_channel(channel, name)
    server.add_user(AUTHOR, "poster")
    yield server
    await server.close()
    assert server.unknown_methods == []


class App:
    """A started many-workspace SlackBot and an installer's browser."""

    def __init__(self, fake: FakeSlack, bot: SlackBot, port: int,
                 session: aiohttp.ClientSession) -> None:
        self.fake, self.bot, self.port, self.session = fake, bot, port, session
        self.base = f"http://127.0.0.1:{port}"

    async def install(self, team: str, *, tamper_state: bool = False) -> int:
        """Add to Slack as `team`'s admin; returns the status of the redirect page."""
        self.fake.approve_as(team)
        async with self.session.get(install_url(self.bot.settings),
                                    allow_redirects=False) as resp:
            assert resp.status == 302
            to_slack = resp.headers["Location"]
            cookie = resp.headers["Set-Cookie"].split(";", 1)[0]
        assert to_slack.startswith(self.fake.authorize_url)
        async with self.session.get(to_slack, allow_redirects=False) as resp:
            assert resp.status == 302
            back = resp.headers["Location"]
        assert back.startswith(f"{self.base}/slack/oauth_redirect?")
        if tamper_state:
            back = re.sub(r"state=[^&]+", "state=forged-state", back)
        async with self.session.get(back, headers={"Cookie": cookie},
                                    allow_redirects=False) as resp:
            await resp.read()
            return resp.status

    async def send(self, body: dict[str, Any]) -> int:
        raw = json.dumps(body)
        async with self.session.post(f"{self.base}/slack/events", data=raw,
                                     headers=fs.signed_headers(fs.SIGNING_SECRET, raw)) as resp:
            await resp.read()
            return resp.status

    async def deliver(self, body: dict[str, Any]) -> None:
        assert await self.send(body) == 200
        async with asyncio.timeout(fs.WAIT):
            await self.bot.wait_idle()


@pytest.fixture
async def app(fake: FakeSlack, backend: tuple[str, str],
              monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[App]:
    key = generate_key()
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", key)
    port = free_port()
    config = make_config(fake, port, *backend)
    bot = SlackBot(config, signing_secret=fs.SIGNING_SECRET,
                   oauth=OAuthCredentials(fs.CLIENT_ID, fs.CLIENT_SECRET,
                                          Sealer.from_secret(key)))
    store = await open_store(config)
    moderator = await Moderator.create(bot.config, bot.platform, store=store,
                                       retry_delay=0.01, sweep=False)
    await bot.start(moderator=moderator)
    await bot.start_http("127.0.0.1", port)
    session = aiohttp.ClientSession()
    yield App(fake, bot, port, session)
    await session.close()
    await bot.close()


async def until_installation(app: App, team: str, check: Any) -> Any:
    """Wait until the workspace's stored installation satisfies `check` (bolt runs the
    uninstall and revocation listeners after acknowledging the event)."""
    async with asyncio.timeout(fs.WAIT):
        while True:
            found = await app.bot.installations.async_find_installation(enterprise_id=None,
                                                                        team_id=team)
            if check(found):
                return found
            await asyncio.sleep(0.02)


def deletes(fake: FakeSlack) -> list[tuple[str, str, str]]:
    """(team of the token, channel, ts) of every successful chat.delete."""
    return [(c.team, c.params["channel"], c.params["ts"])
            for c in fake.calls_to("chat.delete", ok_only=True)]


def notices(fake: FakeSlack) -> list[tuple[str, str]]:
    """(team of the token, channel) of every notice posted."""
    return [(c.team, c.params["channel"]) for c in fake.calls_to("chat.postMessage", ok_only=True)
            if c.params.get("blocks")]


async def raw_installation_rows(backend: tuple[str, str]) -> list[bytes]:
    kind, where = backend
    if kind == "sqlite":
        with sqlite3.connect(where) as raw:
            return [bytes(r[0]) for r in raw.execute("SELECT sealed FROM slack_installations")]
    conn = await asyncpg.connect(where)
    try:
        return [bytes(r[0]) for r in await conn.fetch("SELECT sealed FROM slack_installations")]
    finally:
        await conn.close()


async def test_two_workspaces_install_and_each_is_served_with_its_own_tokens(
    app: App, backend: tuple[str, str],
) -> None:
    fake = app.fake
    assert await app.install(fs.TEAM_ID) == 200
    assert await app.install(OTHER) == 200
    # oauth.v2.access ran with the app's credentials, once per install
    assert [c.error for c in fake.calls_to("oauth.v2.access")] == [None, None]
    found = await app.bot.installations.async_find_installation(enterprise_id=None,
                                                                team_id=OTHER)
    assert found is not None and found.bot_token == OTHER_WORKSPACE.bot_token
    assert found.user_token == OTHER_WORKSPACE.admin_token
    # tokens are sealed at rest: no token readable in the database
    rows = await raw_installation_rows(backend)
    assert len(rows) == 4  # per installer, and each workspace's latest
    for blob in rows:
        for token in (fs.BOT_TOKEN, fs.ADMIN_TOKEN, OTHER_WORKSPACE.bot_token,
                      OTHER_WORKSPACE.admin_token):
            assert token.encode() not in blob

    home = fake.post_as_user(GENERAL, AUTHOR, DOXX)
    away = fake.post_as_user(OTHER_GENERAL, AUTHOR, DOXX, team=OTHER)
    await app.deliver(home)
    await app.deliver(away)
    assert sorted(deletes(fake)) == sorted([
        (fs.TEAM_ID, GENERAL, home["event"]["ts"]),
        (OTHER, OTHER_GENERAL, away["event"]["ts"]),
    ])
    deleter = {c.params["channel"]: c.token for c in fake.calls_to("chat.delete", ok_only=True)}
    assert deleter == {GENERAL: fs.ADMIN_TOKEN, OTHER_GENERAL: OTHER_WORKSPACE.admin_token}
    # each workspace's notice went to its own moderators' channel, with its own bot
    assert sorted(notices(fake)) == sorted([(fs.TEAM_ID, MODS), (OTHER, OTHER_MODS)])
    store = app.bot.moderator.store
    [mine] = await store.list_incidents(scope=Scope("slack", fs.TEAM_ID))
    [theirs] = await store.list_incidents(scope=Scope("slack", OTHER))
    assert mine.channel == GENERAL and theirs.channel == OTHER_GENERAL


async def test_a_callback_with_a_forged_state_installs_nothing(app: App) -> None:
    assert await app.install(OTHER, tamper_state=True) in (400, 401)
    assert await app.bot.installations.async_find_installation(
        enterprise_id=None, team_id=OTHER) is None
    assert app.fake.calls_to("oauth.v2.access") == []  # the code was never exchanged
    away = app.fake.post_as_user(OTHER_GENERAL, AUTHOR, DOXX, team=OTHER)
    await app.send(away)
    await asyncio.sleep(0.2)
    assert deletes(app.fake) == []


async def test_a_state_is_good_for_one_callback_only(app: App) -> None:
    app.fake.approve_as(OTHER)
    async with app.session.get(install_url(app.bot.settings), allow_redirects=False) as resp:
        to_slack = resp.headers["Location"]
        cookie = resp.headers["Set-Cookie"].split(";", 1)[0]
    async with app.session.get(to_slack, allow_redirects=False) as resp:
        back = resp.headers["Location"]
    async with app.session.get(back, headers={"Cookie": cookie}) as resp:
        assert resp.status == 200
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(back).query)["state"][0]
    app.fake.oauth_codes["code-again"] = OTHER
    again = f"{app.base}/slack/oauth_redirect?code=code-again&state={state}"
    async with app.session.get(again, headers={"Cookie": cookie}) as resp:
        assert resp.status in (400, 401)
    assert len(app.fake.calls_to("oauth.v2.access")) == 1


async def test_uninstall_deletes_the_tokens_and_keeps_the_incidents_masked(app: App) -> None:
    fake = app.fake
    assert await app.install(OTHER) == 200
    await app.deliver(fake.post_as_user(OTHER_GENERAL, AUTHOR, DOXX, team=OTHER))
    assert len(deletes(fake)) == 1
    await app.deliver(fs.event_body({"type": "app_uninstalled"}, team=OTHER,
                                    bot_user_id=OTHER_WORKSPACE.bot_user_id))
    await until_installation(app, OTHER, lambda found: found is None)
    later = fake.post_as_user(OTHER_GENERAL, AUTHOR, DOXX, team=OTHER)
    await app.send(later)
    await asyncio.sleep(0.2)
    assert len(deletes(fake)) == 1  # nothing acts in a workspace that removed the app
    [kept] = await app.bot.moderator.store.list_incidents(scope=Scope("slack", OTHER))
    assert "4410" not in kept.excerpt and "Harrow" not in kept.excerpt


async def test_revoked_user_token_stops_deleting_but_notices_go_on(app: App) -> None:
    fake = app.fake
    assert await app.install(OTHER) == 200
    await app.deliver(fs.event_body(
        {"type": "tokens_revoked", "tokens": {"oauth": [OTHER_WORKSPACE.admin_user_id]}},
        team=OTHER, bot_user_id=OTHER_WORKSPACE.bot_user_id))
    found = await until_installation(
        app, OTHER, lambda found: found is None or found.user_token is None)
    assert found is not None and found.bot_token and found.user_token is None
    await app.deliver(fake.post_as_user(OTHER_GENERAL, AUTHOR, DOXX, team=OTHER))
    assert deletes(fake) == []
    assert notices(fake) == [(OTHER, OTHER_MODS)]
    [incident] = await app.bot.moderator.store.list_incidents(scope=Scope("slack", OTHER))
    assert incident.hide_error and "admin token" in incident.hide_error


def test_slack_install_url_prints_the_add_to_slack_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli import main

    config = tmp_path / "doxguard.toml"
    config.write_text('[slack]\nmode = "http"\npublic_url = "https://dg.example.org/"\n',
                      encoding="utf-8")
    assert main(["slack-install-url", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "https://dg.example.org/slack/install"
    assert "https://dg.example.org/slack/oauth_redirect" in err
    config.write_text('[slack]\nmode = "http"\n', encoding="utf-8")
    assert main(["slack-install-url", "--config", str(config)]) == 2
    assert "slack.public_url" in capsys.readouterr().err


async def test_many_workspace_mode_needs_the_sealing_key(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adapters.slack_adapter import oauth_configured, run_slack

    monkeypatch.setenv("SLACK_CLIENT_ID", fs.CLIENT_ID)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", fs.CLIENT_SECRET)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", fs.SIGNING_SECRET)
    monkeypatch.delenv("DOXGUARD_SEAL_KEY", raising=False)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    config = make_config(fake, free_port(), "sqlite", str(tmp_path / "dg.db"))
    assert oauth_configured(config.slack)
    with pytest.raises(StartError, match="DOXGUARD_SEAL_KEY"):
        await run_slack(config)  # refused before anything opens
    assert not (tmp_path / "dg.db").exists()
