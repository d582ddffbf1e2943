"""Slack adapter: a slack-bolt `AsyncApp` that feeds the Moderator and carries out its requests.

- `SlackPlatform` implements the `Platform` port with Web API calls. Slack does
  not let a bot token delete other people's messages, so `hide` uses a
  workspace admin's user token (`slack.admin_token_env`); without one every hide
  reports a clear, permanent failure and the engine tells the moderators.
- `SlackBot` wires bolt: message events (new, thread replies, edits, deletions,
  shared text files), the `/doxguard` slash command and the notice buttons. It
  runs in Socket Mode (default; app-level token) or as an HTTP Events API
  endpoint (signing secret, `slack.http_port`).
- `run_slack(config)` is what `doxguard run` calls.

One workspace or many: with tokens in the environment the bot serves the one
workspace they belong to. With `slack.client_id_env`/`client_secret_env` set (HTTP
mode) it is a distributable app: bolt runs the OAuth v2 install flow, and each
workspace's bot and admin tokens come from its installation in doxguard's
database (`adapters.slack_oauth`), looked up by the workspace id every event,
notice and hide carries. `Workspace` is one workspace's clients; the platform
port and the bot ask a directory for the right one (`FixedWorkspace` or
`InstalledWorkspaces`).

Every Web API client (bot token, admin token, the Socket Mode client's
`apps.connections.open`) uses `slack.api_base_url`, so tests and proxies can
point the whole adapter elsewhere.

Slack re-sends events it thinks were not acknowledged. Bolt acknowledges at
once and the work runs after; de-duplication is on the event id and on the
message (channel, ts, kind, content) — a retry is skipped only when an earlier
delivery of it *finished*; if the first attempt failed, the retry is processed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_blocks import (
    ACTION_PREFIX,
    command_reply_text,
    notice_blocks,
    notice_fallback,
    please_remove_text,
    restored_text,
)
from adapters.slack_events import FileRef, SlackMessage, command_text, file_ref, translate
from adapters.slack_oauth import StoreInstallationStore, StoreOAuthStateStore
from bot import images
from bot.commands import BUTTON_ACTIONS, parse_command_line
from bot.config import Config, ConfigError, SlackSettings, secret
from bot.models import (
    Attachment,
    Caller,
    ChatMessage,
    CommandReply,
    CommandRequest,
    EventKind,
    ImageAttachment,
    Incident,
    Notice,
)
from bot.platform import DropLogNoise, HideOutcome, PlatformError, StartError, connection_problem
from bot.seal import Sealer
from bot.store import StoreError

log = logging.getLogger("doxguard.slack")

NO_ADMIN_TOKEN = "no admin token: Slack bots cannot delete other people's messages"
_SLACK_API = "https://slack.com/api/"
CLOSE_GRACE_SECONDS = 10.0
_RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
_AUTH_ERRORS = frozenset({
    "not_authed", "invalid_auth", "token_revoked", "token_expired", "account_inactive",
    "no_permission", "missing_scope", "not_allowed_token_type",
})
T = TypeVar("T")


def _base_url(settings: SlackSettings) -> str:
    url = settings.api_base_url.strip() or _SLACK_API
    return url if url.endswith("/") else url + "/"


def wire_logger(name: str) -> logging.Logger:
    """A logger for slack_sdk/slack_bolt internals, pinned at INFO.

    At DEBUG those libraries log request parameters and received payloads —
    message text, i.e. the PII this bot protects — so their loggers never go
    below INFO, whatever the root level is.
    """
    logger = logging.getLogger(f"doxguard.slack.{name}")
    logger.setLevel(logging.INFO)
    # bolt reads $SLACK_BOT_TOKEN itself and says it will not use it (we pass a client)
    if not any(isinstance(f, DropLogNoise) for f in logger.filters):
        logger.addFilter(DropLogNoise("`token` will be unused"))
    return logger


def make_client(token: str | None, settings: SlackSettings) -> AsyncWebClient:
    """A Web API client on the configured base URL that waits out 429s and retries 5xx once."""
    return AsyncWebClient(
        token=token,
        base_url=_base_url(settings),
        timeout=30,
        logger=wire_logger("web"),
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def _error_code(exc: SlackApiError) -> str:
    data = exc.response.data if exc.response is not None else None
    if isinstance(data, dict):
        return str(data.get("error") or "unknown_error")
    return "unknown_error"


def _status(exc: SlackApiError) -> int | None:
    return exc.response.status_code if exc.response is not None else None


def _as_platform_error(what: str, exc: Exception) -> PlatformError:
    """A PII-free PlatformError; retryable for rate limits, 5xx and dropped connections."""
    if isinstance(exc, SlackApiError):
        code, status = _error_code(exc), _status(exc)
        retryable = code in _RETRYABLE_ERRORS or (status is not None and status >= 500) or (
            status == 429
        )
        return PlatformError(f"{what}: Slack said {code}", retryable=retryable, status=status)
    return PlatformError(f"{what}: {type(exc).__name__}", retryable=True)


async def _slack_call(what: str, call: Callable[[], Awaitable[T]]) -> T:
    try:
        return await call()
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
        raise _as_platform_error(what, exc) from None


# --------------------------------------------------------------------------- platform port


@dataclasses.dataclass(slots=True)
class Workspace:
    """One workspace's Web API clients: its bot, and the admin user token that may delete."""

    team_id: str
    bot: AsyncWebClient
    admin: AsyncWebClient | None = None
    moderators_channel: str = ""


class FixedWorkspace:
    """Single-workspace mode: the tokens from the environment serve every event."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    async def get(self, team_id: str) -> Workspace | None:
        return self.workspace

    def forget(self, team_id: str) -> None:
        return None


class InstalledWorkspaces:
    """Many workspaces: each one's clients from its installation, kept until it changes."""

    def __init__(self, settings: SlackSettings, installations: StoreInstallationStore) -> None:
        self.settings = settings
        self.installations = installations
        self.session: aiohttp.ClientSession | None = None
        self._cache: dict[str, Workspace] = {}

    async def get(self, team_id: str) -> Workspace | None:
        cached = self._cache.get(team_id)
        if cached is not None:
            return cached
        found = await self.installations.async_find_installation(
            enterprise_id=None, team_id=team_id)
        if found is None or not found.bot_token:
            return None
        bot = make_client(found.bot_token, self.settings)
        admin = make_client(found.user_token, self.settings) if found.user_token else None
        for client in (bot, admin):
            if client is not None and self.session is not None:
                client.session = self.session
        workspace = Workspace(
            team_id, bot, admin,
            found.incoming_webhook_channel_id or self.settings.moderators_channel)
        self._cache[team_id] = workspace
        return workspace

    def forget(self, team_id: str) -> None:
        """Drop the clients built from a workspace's old tokens (reinstall, uninstall)."""
        self._cache.pop(team_id, None)


Directory = FixedWorkspace | InstalledWorkspaces


class SlackPlatform:
    """The `Platform` port on Slack's Web API, for each workspace with its own tokens."""

    name = "slack"

    def __init__(self, settings: SlackSettings, bot: AsyncWebClient | None = None,
                 admin: AsyncWebClient | None = None, *,
                 directory: Directory | None = None) -> None:
        self.settings = settings
        self.channels: dict[str, str] = {}  # workspace id -> its own [servers] notice channel
        if directory is None:
            assert bot is not None, "a bot client or a workspace directory"
            directory = FixedWorkspace(
                Workspace("", bot, admin, settings.moderators_channel))
        self.directory = directory

    async def workspace(self, team_id: str) -> Workspace:
        """The workspace's clients; a permanent failure when it has no installation."""
        found = await self.directory.get(team_id)
        if found is None:
            raise PlatformError(f"workspace {team_id or '?'} has no installation of the app "
                                "(uninstalled?)", retryable=False)
        return found

    async def hide(self, message: ChatMessage) -> HideOutcome:
        """`chat.delete` with the admin's user token (a bot token may only delete its own)."""
        try:
            ws = await self.workspace(message.server)
        except PlatformError as exc:
            return HideOutcome(ok=False, error=str(exc))
        if ws.admin is None:
            await self._ask_author_to_remove(ws, message)
            return HideOutcome(ok=False, error=NO_ADMIN_TOKEN)
        try:
            await ws.admin.chat_delete(channel=message.channel, ts=message.id)
        except SlackApiError as exc:
            code, status = _error_code(exc), _status(exc)
            if code == "message_not_found":
                log.info("slack: message %s in %s was already gone", message.id, message.channel)
                return HideOutcome(ok=True)
            if code in _RETRYABLE_ERRORS or status == 429 or (status or 0) >= 500:
                raise PlatformError(f"chat.delete: Slack said {code}", retryable=True,
                                    status=status) from None
            if code == "cant_delete_message":
                error = ("cannot delete: the admin token's user may not delete this message "
                         "(cant_delete_message)")
            elif code in _AUTH_ERRORS:
                error = f"the admin token was refused by Slack ({code})"
            else:
                error = f"chat.delete failed: {code}"
            await self._ask_author_to_remove(ws, message)
            return HideOutcome(ok=False, error=error)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PlatformError(f"chat.delete: {type(exc).__name__}", retryable=True) from None
        return HideOutcome(ok=True)

    async def _ask_author_to_remove(self, ws: Workspace, message: ChatMessage) -> None:
        """With `reply_in_thread`, ask the author in thread to delete it (best effort)."""
        if not self.settings.reply_in_thread:
            return
        try:
            await ws.bot.chat_postMessage(
                channel=message.channel,
                thread_ts=message.thread or message.id,
                text=please_remove_text(message.author),
                unfurl_links=False,
                unfurl_media=False,
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("slack: could not ask the author in thread: %s",
                        _as_platform_error("chat.postMessage", exc))

    async def notify_moderators(self, notice: Notice) -> None:
        ws = await self.workspace(notice.server)
        channel = self.channels.get(notice.server) or ws.moderators_channel
        if not channel:
            raise PlatformError("slack.moderators_channel is not set", retryable=False)
        await _slack_call("chat.postMessage", lambda: ws.bot.chat_postMessage(
            channel=channel,
            text=notice_fallback(notice),
            blocks=notice_blocks(notice),
            unfurl_links=False,
            unfurl_media=False,
        ))

    async def repost(self, incident: Incident, original_text: str) -> None:
        ws = await self.workspace(incident.server)
        await _slack_call("chat.postMessage", lambda: ws.bot.chat_postMessage(
            channel=incident.channel,
            text=restored_text(incident, original_text),
            link_names=False,  # "@channel" in a restored message stays text
            unfurl_links=False,
            unfurl_media=False,
        ))

    async def notify_author(self, message: ChatMessage, text: str) -> None:
        ws = await self.workspace(message.server)
        await _slack_call("chat.postEphemeral", lambda: ws.bot.chat_postEphemeral(
            channel=message.channel, user=message.author, text=command_reply_text(text),
        ))

    async def timeout_author(self, message: ChatMessage, minutes: int, reason: str) -> bool:
        """Slack has no member timeouts."""
        return False


# --------------------------------------------------------------------------- de-duplication


class _Dedup:
    """Remembers finished work by key; concurrent deliveries wait for the first one.

    A retry is dropped only when an earlier delivery finished; if that one
    failed, the retry does the work.
    """

    def __init__(self, size: int = 20_000) -> None:
        self._done: OrderedDict[str, None] = OrderedDict()
        self._inflight: dict[str, asyncio.Future[bool]] = {}
        self._size = size

    async def claim(self, keys: list[str]) -> bool:
        """True when the caller should do the work (and later call `finish`)."""
        while True:
            if any(k in self._done for k in keys):
                return False
            pending = {self._inflight[k] for k in keys if k in self._inflight}
            if not pending:
                break
            await asyncio.wait(pending)
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        for k in keys:
            self._inflight[k] = future
        return True

    def finish(self, keys: list[str], ok: bool) -> None:
        future = None
        for k in keys:
            future = self._inflight.pop(k, None) or future
            if ok:
                self._done[k] = None
                self._done.move_to_end(k)
        while len(self._done) > self._size:
            self._done.popitem(last=False)
        if future is not None and not future.done():
            future.set_result(ok)


# --------------------------------------------------------------------------- the bot


class _TTLCache:
    def __init__(self, ttl: float, size: int = 5000) -> None:
        self.ttl, self.size = ttl, size
        self._data: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def get(self, key: str) -> Any:
        hit = self._data.get(key)
        if hit is None or time.monotonic() - hit[0] > self.ttl:
            return None
        return hit[1]

    def put(self, key: str, value: Any) -> None:
        self._data[key] = (time.monotonic(), value)
        self._data.move_to_end(key)
        while len(self._data) > self.size:
            self._data.popitem(last=False)


@dataclasses.dataclass(frozen=True, slots=True)
class OAuthCredentials:
    """The distributable app's client id and secret, and the key its tokens are sealed with."""

    client_id: str
    client_secret: str
    sealer: Sealer


class _StoreRecords:
    """The Moderator's store, once it is open (bolt's stores are made before it is)."""

    def __init__(self, bot: SlackBot) -> None:
        self._bot = bot

    def __getattr__(self, name: str) -> Any:
        if self._bot.moderator is None:
            raise StoreError("the store is not open yet")
        return getattr(self._bot.moderator.store, name)


class SlackBot:
    """The running Slack side: bolt app, platform port, Moderator, and a server or socket."""

    def __init__(
        self,
        config: Config,
        *,
        bot_token: str | None = None,
        app_token: str | None = None,
        admin_token: str | None = None,
        signing_secret: str | None = None,
        oauth: OAuthCredentials | None = None,
    ) -> None:
        self.config = _with_usergroup_moderators(config)
        self.settings = config.slack
        self._owns_moderator = True  # False when the runner shares one engine between platforms
        self.oauth = oauth
        self.app_token = app_token
        self.installations: StoreInstallationStore | None = None
        self.directory: Directory
        if oauth is None:
            if not bot_token:
                raise ValueError("a bot token, or OAuth credentials for many workspaces")
            self.bot_client: AsyncWebClient | None = make_client(bot_token, self.settings)
            self.admin_client = make_client(admin_token, self.settings) if admin_token else None
            self.directory = FixedWorkspace(Workspace(
                "", self.bot_client, self.admin_client, self.settings.moderators_channel))
            self.app = AsyncApp(
                client=self.bot_client,
                signing_secret=signing_secret or "",
                request_verification_enabled=True,
                name="doxguard",
                logger=wire_logger("bolt"),
            )
        else:
            self.bot_client, self.admin_client = None, None
            records: Any = _StoreRecords(self)
            self.installations = StoreInstallationStore(records, oauth.sealer,
                                                        on_change=self._installation_changed)
            self.directory = InstalledWorkspaces(self.settings, self.installations)
            self.app = AsyncApp(
                client=make_client(None, self.settings),
                signing_secret=signing_secret or "",
                request_verification_enabled=True,
                name="doxguard",
                logger=wire_logger("bolt"),
                oauth_settings=self._oauth_settings(oauth, records),
            )
        self.platform = SlackPlatform(self.settings, directory=self.directory)
        self.platform.channels = {
            key.split(":", 1)[1]: server.mod_log_channel
            for key, server in config.servers.items()
            if key.startswith("slack:") and server.mod_log_channel
        }
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self.moderator: Any = None  # bot.engine.Moderator once started
        self.bot_user_id = ""
        self.team_id = ""
        self.events_seen = 0
        self.events_done = 0
        self._done_cond = asyncio.Condition()
        self._dedup = _Dedup()
        self._channel_locks: dict[str, asyncio.Lock] = {}
        self._names = _TTLCache(3600)
        self._members = _TTLCache(self.settings.membership_cache_seconds)
        self._http: aiohttp.ClientSession | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self._register()

    def _oauth_settings(self, oauth: OAuthCredentials, records: Any) -> AsyncOAuthSettings:
        settings = self.settings
        public = settings.public_url.rstrip("/")
        assert self.installations is not None
        return AsyncOAuthSettings(
            client_id=oauth.client_id,
            client_secret=oauth.client_secret,
            scopes=list(settings.bot_scopes),
            user_scopes=list(settings.user_scopes),
            redirect_uri=f"{public}{settings.oauth_redirect_path}" if public else None,
            install_path=settings.install_path,
            install_page_rendering_enabled=False,
            redirect_uri_path=settings.oauth_redirect_path,
            authorization_url=settings.authorize_url or None,
            installation_store=self.installations,
            state_store=StoreOAuthStateStore(records),
            logger=wire_logger("oauth"),
        )

    def _installation_changed(self, team_id: str) -> None:
        self.directory.forget(team_id)

    async def workspace(self, team_id: str) -> Workspace | None:
        """The clients for an event's workspace (None: not installed there)."""
        return await self.directory.get(team_id or self.team_id)

    # ----------------------------------------------------------------- lifecycle

    async def start(self, *, db_path: str | None = None, moderator: Any = None) -> None:
        """Check the tokens, say what the bot can do, and open the Moderator."""
        # one pooled HTTP session for every Web API call and file download (the SDK
        # otherwise opens a new connection per call)
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        if isinstance(self.directory, InstalledWorkspaces):
            self.directory.session = self._http
            self.app.client.session = self._http
            await self._open_moderator(moderator, db_path)  # installations live in its store
            teams = await self.installations.teams() if self.installations else []
            log.info("slack: serving every workspace that installs the app (%d installed); "
                     "install at %s", len(teams), self.settings.install_path)
            return
        assert self.bot_client is not None
        self.bot_client.session = self._http
        if self.admin_client is not None:
            self.admin_client.session = self._http
        auth = await self.bot_client.auth_test()
        self.bot_user_id = str(auth.get("user_id") or "")
        self.team_id = str(auth.get("team_id") or "")
        log.info("slack: connected as bot user %s in team %s", self.bot_user_id, self.team_id)
        if self.admin_client is not None:
            try:
                admin = await self.admin_client.auth_test()
                log.info("slack: hiding messages with the admin token of user %s",
                         admin.get("user_id"))
            except SlackApiError as exc:
                log.error("slack: the admin token was refused (%s); hiding will fail until it "
                          "is fixed", _error_code(exc))
        else:
            await self._say_cannot_hide()
        if not self.settings.moderators_channel:
            log.error("slack: slack.moderators_channel is not set: notices cannot be posted")
        await self._open_moderator(moderator, db_path)

    async def _open_moderator(self, moderator: Any, db_path: str | None) -> None:
        if moderator is None:
            from bot.engine import Moderator  # local: the engine is heavier than the adapter

            moderator = await Moderator.create(self.config, self.platform, db_path=db_path)
        else:
            self._owns_moderator = False  # the runner's engine: it closes it
        self.moderator = moderator

    async def _say_cannot_hide(self) -> None:
        text = (
            f"doxguard cannot hide messages in this workspace: {NO_ADMIN_TOKEN}. Set "
            f"${self.settings.admin_token_env} to a workspace admin's user token (user scope "
            "chat:write). Until then each incident is reported here as hide-failed"
            + (" and the author is asked in thread to delete it." if self.settings.reply_in_thread
               else ".")
        )
        log.warning("slack: %s", text)
        if self.settings.moderators_channel and self.bot_client is not None:
            try:
                await self.bot_client.chat_postMessage(
                    channel=self.settings.moderators_channel, text=text)
            except SlackApiError as exc:
                log.warning("slack: could not post the start-up warning (%s)", _error_code(exc))

    async def connect_socket_mode(self) -> None:
        """Open the Socket Mode connection (apps.connections.open on the configured base URL)."""
        if not self.app_token or self.bot_client is None:
            raise RuntimeError("Socket Mode needs the app-level token and one workspace's bot")
        self._socket = AsyncSocketModeHandler(
            self.app, self.app_token, web_client=self.bot_client, logger=wire_logger("socket"))
        # ask for the first WebSocket URL here: a refused app token raises SlackApiError
        # (the SDK's own connect loop would log it and retry forever)
        opened = await self.bot_client.apps_connections_open(app_token=self.app_token)
        self._socket.client.wss_uri = opened["url"]
        await self._socket.connect_async()

    async def start_http(self, host: str | None = None, port: int | None = None) -> int:
        """Serve the Events API/interactivity/command endpoint; returns the bound port."""
        web_app = web.Application()
        web_app.router.add_post(self.settings.http_path, self._http_endpoint)
        web_app.router.add_get("/healthz", self._healthz)
        if self.app.oauth_flow is not None:
            web_app.router.add_get(self.settings.install_path, self._oauth_endpoint)
            web_app.router.add_get(self.settings.oauth_redirect_path, self._oauth_endpoint)
        self._runner = web.AppRunner(web_app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner,
            host if host is not None else self.settings.http_host,
            self.settings.http_port if port is None else port,
        )
        await site.start()
        server = site._server
        bound = server.sockets[0].getsockname()[1] if server and server.sockets else 0
        log.info("slack: HTTP mode listening on port %s at %s", bound, self.settings.http_path)
        return int(bound)

    async def _http_endpoint(self, request: web.Request) -> web.Response:
        """Verify the signature first (bolt would too, but it logs the refused body)."""
        body = await request.text()
        stamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if (
            self._verifier is None
            or not stamp.isdigit()
            or not signature
            or not self._verifier.is_valid(body, stamp, signature)
        ):
            log.warning("slack: refused a request with a missing or bad signature")
            return web.Response(status=401, text="invalid signature")
        if not _well_formed(body, request.content_type):
            log.warning("slack: refused a malformed request body (%d bytes)", len(body))
            return web.Response(status=400, text="malformed payload")
        try:
            bolt_request = await to_bolt_request(request)
        except Exception as exc:  # bolt cannot read it: answer, never crash the handler
            log.warning("slack: refused an unreadable request (%s)", type(exc).__name__)
            return web.Response(status=400, text="malformed payload")
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    async def _oauth_endpoint(self, request: web.Request) -> web.Response:
        """The install link (a fresh state, then off to Slack) and the OAuth redirect."""
        flow = self.app.oauth_flow
        assert flow is not None
        bolt_request = await to_bolt_request(request)
        if request.path == self.settings.install_path:
            response = await flow.handle_installation(bolt_request)
        else:
            response = await flow.handle_callback(bolt_request)
            if response.status != 200:
                log.warning("slack: an OAuth install was refused (HTTP %s)", response.status)
        return await to_aiohttp_response(response)

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def wait_idle(self, seen: int | None = None) -> None:
        """Wait until every message event received so far (or `seen` of them) is finished.

        For shutdown and tests; callers bound the wait with `asyncio.timeout`.
        """
        async with self._done_cond:
            await self._done_cond.wait_for(
                lambda: self.events_done >= (self.events_seen if seen is None else seen))

    async def close(self, drain: float = CLOSE_GRACE_SECONDS) -> None:
        """Stop taking events, let the ones already acknowledged finish (at most `drain`
        seconds), then close."""
        if self._socket is not None:
            await self._socket.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
        try:
            async with asyncio.timeout(drain):
                await self.wait_idle()
        except TimeoutError:
            log.warning("slack: closing with %d events unfinished (the engine resumes stored "
                        "incidents at the next start)", self.events_seen - self.events_done)
        if self.moderator is not None and self._owns_moderator:
            await self.moderator.close()
        if self._http is not None:
            await self._http.close()

    # ----------------------------------------------------------------- bolt wiring

    def _register(self) -> None:
        app = self.app

        @app.event("message")
        async def on_message(body: dict[str, Any]) -> None:
            await self.on_message_event(body)

        @app.event("file_shared")
        async def on_file_shared(body: dict[str, Any]) -> None:
            # The message event with subtype file_share carries the file; nothing to do.
            return None

        @app.command(self.settings.slash_command)
        async def on_command(ack: Any, command: dict[str, Any], respond: Any) -> None:
            await ack()
            reply = await self.on_command(command)
            await respond(text=command_reply_text(reply.text), response_type="ephemeral",
                          replace_original=False)

        actions = "|".join(re.escape(a) for a in BUTTON_ACTIONS)

        @app.action(re.compile(rf"^{ACTION_PREFIX}({actions})$"))
        async def on_button(ack: Any, body: dict[str, Any], respond: Any) -> None:
            await ack()
            reply = await self.on_button(body)
            await respond(text=command_reply_text(reply.text), response_type="ephemeral",
                          replace_original=False)

        if self.oauth is not None:

            @app.event("app_uninstalled")
            async def on_uninstalled(body: dict[str, Any]) -> None:
                await self.on_uninstalled(body)

            @app.event("tokens_revoked")
            async def on_tokens_revoked(body: dict[str, Any]) -> None:
                await self.on_tokens_revoked(body)

        @app.error
        async def on_error(error: Exception, body: dict[str, Any]) -> None:
            log.error("slack: listener failed: %s", type(error).__name__)

    # ----------------------------------------------------------------- installations

    async def on_uninstalled(self, body: dict[str, Any]) -> None:
        """The workspace removed the app: its tokens go; its incidents stay, masked."""
        team = str(body.get("team_id") or "")
        if self.installations is None or not team:
            return
        await self.installations.async_delete_all(
            enterprise_id=body.get("enterprise_id"), team_id=team)
        log.info("slack: workspace %s uninstalled the app; its tokens were deleted", team)

    async def on_tokens_revoked(self, body: dict[str, Any]) -> None:
        """Revoked bot tokens: forget the workspace; revoked user tokens: forget those."""
        team = str(body.get("team_id") or "")
        tokens = (body.get("event") or {}).get("tokens") or {}
        if self.installations is None or not team:
            return
        if tokens.get("bot"):
            await self.installations.async_delete_all(
                enterprise_id=body.get("enterprise_id"), team_id=team)
        for user in tokens.get("oauth") or ():
            await self.installations.revoke_user_token(
                enterprise_id=body.get("enterprise_id"), team_id=team, user_id=str(user))
        log.info("slack: tokens of workspace %s were revoked and deleted", team)

    # ----------------------------------------------------------------- messages

    async def on_message_event(self, body: dict[str, Any]) -> None:
        """Translate one message event and hand it to the Moderator, once."""
        self.events_seen += 1
        try:
            await self._process(body)
        finally:
            async with self._done_cond:
                self.events_done += 1
                self._done_cond.notify_all()

    async def _process(self, body: dict[str, Any]) -> None:
        try:
            item = translate(body, bot_user_id=self.bot_user_id or _authorized_bot(body),
                             ignore_bots=self.settings.ignore_bots)
        except Exception as exc:  # malformed payloads must not stop the bot
            log.warning("slack: skipped a malformed event (%s)", type(exc).__name__)
            return
        if item is None:
            return
        keys = [item.dedup_key()]
        if item.event_id:
            keys.append("event:" + item.event_id)
        lock = self._channel_locks.setdefault(item.channel, asyncio.Lock())
        async with lock:  # in order per channel: context links and edits follow the conversation
            if not await self._dedup.claim(keys):
                log.debug("slack: duplicate delivery of %s skipped", item.id)
                return
            ok = False
            try:
                message = await self._to_chat_message(item)
                if message is not None:
                    await self.moderator.handle(message)
                ok = True
            except Exception as exc:
                log.error("slack: handling message %s in %s failed: %s", item.id, item.channel,
                          type(exc).__name__)
            finally:
                self._dedup.finish(keys, ok)

    async def backfill(self) -> int:
        """Scan what was posted while the bot was down; returns how many messages were read.

        For each channel the bot is in and has seen before (a cursor in the store),
        `conversations.history` since the cursor — at most `backfill_max_age_hours`
        old and `backfill_max_messages` many — goes through the same path as live
        events, so anything already handled is skipped. Thread replies are not in
        channel history and are not backfilled.
        """
        settings = self.settings
        if settings.backfill_max_age_hours <= 0 or settings.backfill_max_messages <= 0:
            return 0
        teams = [self.team_id]
        if self.installations is not None:
            teams = await self.installations.teams()
        read = 0
        for team in teams:
            workspace = await self.workspace(team)
            if workspace is not None:
                read += await self._backfill_workspace(team, workspace)
        if read:
            log.info("slack: backfill read %d messages posted while the bot was away", read)
        return read

    async def _backfill_workspace(self, team: str, workspace: Workspace) -> int:
        settings = self.settings
        oldest_allowed = time.time() - settings.backfill_max_age_hours * 3600
        read = 0
        try:
            channels = await self._member_channels(workspace)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("slack: backfill of workspace %s skipped: cannot list channels (%s)",
                        team, type(exc).__name__)
            return 0
        for channel in channels:
            cursor = await self.moderator.get_cursor("slack", channel, team or self.team_id)
            if cursor is None:
                continue  # never watched: history from before the install is not scanned
            try:
                oldest = max(float(cursor), oldest_allowed)
            except ValueError:
                continue
            try:
                resp = await workspace.bot.conversations_history(
                    channel=channel, oldest=f"{oldest:.6f}", inclusive=False,
                    limit=settings.backfill_max_messages,
                )
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
                log.warning("slack: backfill of %s failed (%s)", channel, type(exc).__name__)
                continue
            messages = [m for m in resp.get("messages") or () if isinstance(m, dict)]
            for message in sorted(messages, key=lambda m: _ts_key(m.get("ts"))):
                event = {**message, "channel": channel, "channel_type": "channel"}
                await self.on_message_event({"team_id": team, "event": event})
                read += 1
        return read

    async def _member_channels(self, workspace: Workspace) -> list[str]:
        channels: list[str] = []
        cursor = ""
        while True:
            resp = await workspace.bot.users_conversations(
                types="public_channel,private_channel", exclude_archived=True, limit=200,
                cursor=cursor or None,
            )
            channels.extend(str(c["id"]) for c in resp.get("channels") or () if c.get("id"))
            cursor = str((resp.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return channels

    async def _to_chat_message(self, item: SlackMessage) -> ChatMessage | None:
        """The core's message (None when the workspace has no installation any more)."""
        workspace = await self.workspace(item.server)
        if workspace is None:
            log.warning("slack: event from workspace %s, which has no installation: skipped",
                        item.server or "?")
            return None
        attachments: tuple[Attachment, ...] = ()
        pictures: tuple[ImageAttachment, ...] = ()
        if item.files and item.kind is not EventKind.DELETE:
            reading = self.config.images.enabled  # screenshots: bot/images.py
            shown = [(i, f) for i, f in enumerate(item.files, start=1)
                     if reading and images.is_image(f.name, f.mimetype)]
            pictures = tuple([await self._fetch_image(workspace, i, f) for i, f in shown])
            taken = {id(f) for _, f in shown}
            fetched = [await self._fetch_file(workspace, f) for f in item.files
                       if id(f) not in taken]
            attachments = tuple(a for a in fetched if a is not None)
        return ChatMessage(
            id=item.id,
            channel=item.channel,
            author=item.author,
            text=item.text,
            platform="slack",
            server=item.server or self.team_id,
            reply_to=item.reply_to,
            thread=item.thread,
            author_name=await self._user_name(workspace, item.author) if item.author else "",
            channel_name=await self._channel_name(workspace, item.channel),
            timestamp=item.timestamp,
            kind=item.kind,
            attachments=attachments,
            author_is_bot=item.author_is_bot,
            event_id=item.event_id,
            markup=item.raw_text if item.raw_text != item.text else "",
            images=pictures,
        )

    async def _user_name(self, workspace: Workspace, user_id: str) -> str:
        key = f"u:{workspace.team_id}:{user_id}"
        cached = self._names.get(key)
        if cached is not None:
            return str(cached)
        name = ""
        try:
            user = (await workspace.bot.users_info(user=user_id)).get("user") or {}
            profile = user.get("profile") or {}
            name = str(profile.get("display_name") or user.get("real_name") or user.get("name")
                       or "")
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.debug("slack: users.info failed: %s", type(exc).__name__)
        self._names.put(key, name)
        return name

    async def _channel_name(self, workspace: Workspace, channel_id: str) -> str:
        key = f"c:{workspace.team_id}:{channel_id}"
        cached = self._names.get(key)
        if cached is not None:
            return str(cached)
        name = ""
        try:
            channel = (await workspace.bot.conversations_info(channel=channel_id)).get(
                "channel") or {}
            name = str(channel.get("name") or "")
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.debug("slack: conversations.info failed: %s", type(exc).__name__)
        self._names.put(key, name)
        return name

    # ----------------------------------------------------------------- files

    def _trusted_file_host(self, url: str) -> bool:
        """The bot token is sent only to Slack's file hosts (or the configured API host)."""
        host = (urlsplit(url).hostname or "").lower()
        api_host = (urlsplit(_base_url(self.settings)).hostname or "").lower()
        return host == api_host or host == "slack.com" or host.endswith(".slack.com") or (
            host.endswith(".slack-edge.com"))

    async def _fetch_image(self, workspace: Workspace, index: int,
                           ref: FileRef) -> ImageAttachment:
        """Download a shared image up to `images.max_bytes`; what cannot be had is noted."""
        limit = self.config.images.max_bytes
        if ref.needs_info:
            try:
                info = (await workspace.bot.files_info(file=ref.id)).get("file") or {}
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
                return images.skipped(index, ref.name, ref.url, ref.size,
                                      f"files.info failed ({type(exc).__name__})")
            ref = file_ref(info) or ref if isinstance(info, dict) else ref
        if ref.size > limit:
            return images.skipped(index, ref.name, ref.url, ref.size,
                                  f"larger than images.max_bytes ({ref.size} bytes)")
        if not ref.url or not self._trusted_file_host(ref.url):
            return images.skipped(index, ref.name, ref.url, ref.size, "not on a Slack file host")
        assert self._http is not None
        data = bytearray()
        try:
            async with self._http.get(
                ref.url, headers={"Authorization": f"Bearer {workspace.bot.token}"},
                allow_redirects=True,
            ) as resp:
                if resp.status != 200 or resp.content_type == "text/html":
                    return images.skipped(index, ref.name, ref.url, ref.size,
                                          f"download refused (HTTP {resp.status})")
                async for chunk in resp.content.iter_chunked(65_536):
                    data.extend(chunk)
                    if len(data) > limit:
                        return images.skipped(index, ref.name, ref.url, len(data),
                                              "larger than images.max_bytes")
        except (aiohttp.ClientError, TimeoutError) as exc:
            return images.skipped(index, ref.name, ref.url, ref.size,
                                  f"download failed ({type(exc).__name__})")
        return images.image_from_bytes(index, ref.name, bytes(data), ref.url)

    async def _fetch_file(self, workspace: Workspace, ref: FileRef) -> Attachment | None:
        """Download a shared text file, at most `file_max_bytes` of it; None when not text."""
        limit = self.settings.file_max_bytes
        if ref.needs_info:
            try:
                info = (await workspace.bot.files_info(file=ref.id)).get("file") or {}
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
                log.warning("slack: files.info for %s failed: %s", ref.id, type(exc).__name__)
                return None
            fresh = file_ref(info) if isinstance(info, dict) else None
            if fresh is None:
                return None
            ref = fresh
        if not ref.is_text or limit <= 0 or not ref.url:
            log.info("slack: file %s not scanned (not text)", ref.id)
            return None
        if not self._trusted_file_host(ref.url):
            log.warning("slack: file %s not fetched: unexpected host", ref.id)
            return None
        assert self._http is not None
        data = bytearray()
        truncated = False
        try:
            async with self._http.get(
                ref.url, headers={"Authorization": f"Bearer {workspace.bot.token}"},
                allow_redirects=True,
            ) as resp:
                login_page = resp.content_type == "text/html" and ref.mimetype != "text/html"
                if resp.status != 200 or login_page:
                    log.warning("slack: file %s download refused (HTTP %s)", ref.id, resp.status)
                    return None
                async for chunk in resp.content.iter_chunked(65_536):
                    room = limit - len(data)
                    data.extend(chunk[:room])
                    if len(chunk) > room:
                        truncated = True
                        break
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("slack: file %s download failed: %s", ref.id, type(exc).__name__)
            return None
        if b"\0" in data[:4096]:
            log.info("slack: file %s not scanned (binary content)", ref.id)
            return None
        if truncated:
            log.info("slack: file %s scanned only in its first %d bytes", ref.id, limit)
        text = bytes(data).decode("utf-8", errors="replace")
        return Attachment(name=ref.name, text=text, size=ref.size if ref.size >= 0 else len(data))

    # ----------------------------------------------------------------- commands and buttons

    async def _caller(self, user_id: str, team_id: str, channel_id: str,
                      display_name: str = "") -> Caller:
        server = team_id or self.team_id
        workspace = await self.workspace(server)
        return Caller(
            platform="slack",
            user_id=user_id,
            server=server,
            channel=channel_id,
            roles=await self._roles(workspace, user_id) if workspace is not None else (),
            display_name=display_name,
        )

    def _moderator_groups(self, team_id: str) -> list[str]:
        """User groups whose members moderate: the global ones and this workspace's own
        (`[servers."slack:T…"] moderators` entries that are groups, ids starting with S)."""
        groups = [r.split(":", 1)[1] for r in self.config.moderators.role_ids
                  if r.startswith("slack:")]
        own = self.config.server("slack", team_id).moderators
        groups += [r.split(":", 1)[1] for r in own if r.startswith("slack:S")]
        return list(dict.fromkeys(groups))

    async def _roles(self, workspace: Workspace, user_id: str) -> tuple[str, ...]:
        """The moderator user groups the user belongs to, asked of Slack (cached briefly)."""
        roles = []
        for group in self._moderator_groups(workspace.team_id or self.team_id):
            key = f"{workspace.team_id}:{group}"
            members = self._members.get(key)
            if members is None:
                try:
                    resp = await workspace.bot.usergroups_users_list(usergroup=group)
                    members = frozenset(resp.get("users") or ())
                except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
                    log.warning("slack: usergroups.users.list %s failed: %s", group,
                                type(exc).__name__)
                    continue  # unknown membership: not a moderator by this group
                self._members.put(key, members)
            if user_id in members:
                roles.append(group)
        return tuple(roles)

    async def on_command(self, command: dict[str, Any]) -> CommandReply:
        """`/doxguard TEXT` → a CommandRequest (help when empty); the engine checks the caller."""
        try:
            name, args = parse_command_line(command_text(str(command.get("text") or "")))
        except ValueError:
            return CommandReply("Could not read that: a quote is not closed.", ok=False)
        caller = await self._caller(
            str(command.get("user_id") or ""), str(command.get("team_id") or ""),
            str(command.get("channel_id") or ""), str(command.get("user_name") or ""),
        )
        request = CommandRequest(caller=caller, name=name or "help", args=args)
        try:
            return await self.moderator.run_command(request)
        except Exception as exc:
            log.error("slack: command %s failed: %s", request.name, type(exc).__name__)
            return CommandReply("That command failed; see the bot's log.", ok=False)

    async def on_button(self, body: dict[str, Any]) -> CommandReply:
        """A notice button → `moderator.press(caller, action, incident_id)`."""
        action = (body.get("actions") or [{}])[0]
        name = str(action.get("action_id") or "").removeprefix(ACTION_PREFIX)
        incident_id = str(action.get("value") or "")
        user = body.get("user") or {}
        team = body.get("team") or {}
        channel = body.get("channel") or {}
        caller = await self._caller(
            str(user.get("id") or ""), str(team.get("id") or user.get("team_id") or ""),
            str(channel.get("id") or ""), str(user.get("username") or user.get("name") or ""),
        )
        try:
            return await self.moderator.press(caller, name, incident_id)
        except Exception as exc:
            log.error("slack: button %s failed: %s", name, type(exc).__name__)
            return CommandReply("That action failed; see the bot's log.", ok=False)


def _well_formed(body: str, content_type: str) -> bool:
    """A JSON body must be an object, and an event callback must carry an event object.

    Bolt assumes both; anything else (a truncated retry, a proxy's error page) would
    raise inside it, so it is refused with a 400 before it gets there.
    """
    if content_type != "application/json":
        return True  # form posts (commands, interactivity): bolt parses and checks them
    try:
        data = json.loads(body)
    except ValueError:
        return False
    if not isinstance(data, dict):
        return False
    return data.get("type") != "event_callback" or isinstance(data.get("event"), dict)


def _authorized_bot(body: dict[str, Any]) -> str:
    """The bot user an event was delivered to (many-workspace mode: one per workspace)."""
    for auth in body.get("authorizations") or ():
        if isinstance(auth, dict) and auth.get("is_bot") and auth.get("user_id"):
            return str(auth["user_id"])
    return ""


def _ts_key(ts: Any) -> float:
    try:
        return float(ts)
    except (TypeError, ValueError):
        return 0.0


def _with_usergroup_moderators(config: Config) -> Config:
    """`slack.moderator_usergroup` is shorthand for a "slack:S…" entry in moderators.role_ids."""
    group = config.slack.moderator_usergroup.strip()
    if not group:
        return config
    entry = f"slack:{group}"
    if entry in config.moderators.role_ids:
        return config
    moderators = dataclasses.replace(
        config.moderators, role_ids=(*config.moderators.role_ids, entry))
    return dataclasses.replace(config, moderators=moderators)


# --------------------------------------------------------------------------- entry point


def oauth_configured(settings: SlackSettings) -> bool:
    """Many-workspace mode: HTTP mode with the app's client id and secret in the environment."""
    return settings.mode == "http" and bool(
        secret(settings.client_id_env) and secret(settings.client_secret_env))


def install_url(settings: SlackSettings) -> str:
    """The Add to Slack link: doxguard's install path (a fresh state, then Slack's page)."""
    if not settings.public_url.strip():
        raise ConfigError("<config>", "slack.public_url",
                          "set it to the https:// address where Slack reaches this app")
    return settings.public_url.strip().rstrip("/") + settings.install_path


def _oauth_credentials(config: Config) -> OAuthCredentials:
    settings = config.slack
    sealer = Sealer.from_env(config.storage.encryption_key_env)
    if sealer is None:
        raise ConfigError(config.source or "<config>", "storage.encryption_key_env",
                          "many-workspace Slack keeps each workspace's tokens sealed in the "
                          f"database: set ${config.storage.encryption_key_env}")
    return OAuthCredentials(str(secret(settings.client_id_env)),
                            str(secret(settings.client_secret_env)), sealer)


def _unreachable(settings: SlackSettings, exc: BaseException) -> str:
    where = settings.api_base_url or "slack.com"
    return (f"slack: cannot reach Slack ({where}; {connection_problem(exc)}): check the "
            "network, proxy or firewall (slack.api_base_url overrides the address)")


async def run_slack(config: Config) -> int:
    """Run the Slack bot until SIGINT/SIGTERM; returns the process exit status."""
    from bot.runner import run_platforms  # local: the runner imports this module lazily

    return await run_platforms(config, ["slack"])


def slack_bot(config: Config) -> SlackBot:
    """The Slack side as the settings and environment describe it; StartError, before
    anything is opened, for a missing token or secret."""
    settings = config.slack
    oauth = None
    bot_token = secret(settings.bot_token_env)
    app_token = secret(settings.app_token_env)
    signing_secret = secret(settings.signing_secret_env)
    if settings.mode == "http" and not signing_secret:
        raise StartError(
            f"slack: HTTP mode needs the signing secret in ${settings.signing_secret_env} "
            "(slack.signing_secret_env): copy it from Basic Information → App Credentials")
    if oauth_configured(settings):
        try:
            oauth = _oauth_credentials(config)
        except ConfigError as exc:
            raise StartError(f"slack: cannot start: {exc}") from None
    elif not bot_token:
        raise StartError(f"slack: ${settings.bot_token_env} is not set (slack.bot_token_env): "
                         "export the app's Bot User OAuth Token (xoxb-…)")
    elif settings.mode == "socket" and not app_token:
        raise StartError(
            f"slack: Socket Mode needs the app-level token in ${settings.app_token_env} "
            "(slack.app_token_env): generate one with the connections:write scope under Basic "
            'Information → App-Level Tokens, or set slack.mode = "http"')
    return SlackBot(config, bot_token=None if oauth else bot_token, app_token=app_token,
                    admin_token=secret(settings.admin_token_env), signing_secret=signing_secret,
                    oauth=oauth)


async def start_slack(bot: SlackBot, moderator: Any) -> None:
    """Check the tokens and connect (Socket Mode) or listen (HTTP) with the runner's engine;
    StartError for what an operator fixes. The bot leaves closing `moderator` to its owner."""
    settings = bot.settings
    try:
        await bot.start(moderator=moderator)
    except SlackApiError as exc:
        raise StartError(
            f"slack: Slack refused the bot token in ${settings.bot_token_env} "
            f"(slack.bot_token_env; {_error_code(exc)}): copy the Bot User OAuth Token "
            "(xoxb-…) again from the app's Install App page") from None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise StartError(_unreachable(settings, exc)) from None
    try:
        if settings.mode == "http":
            await bot.start_http()
        else:
            await bot.connect_socket_mode()
    except SlackApiError as exc:
        raise StartError(
            f"slack: Slack refused the app-level token in ${settings.app_token_env} "
            f"(slack.app_token_env; {_error_code(exc)}): generate a new one with the "
            "connections:write scope (Basic Information → App-Level Tokens)") from None
    except OSError as exc:
        if settings.mode != "http" or isinstance(exc, aiohttp.ClientError):
            raise StartError(_unreachable(settings, exc)) from None
        raise StartError(
            f"slack: cannot listen on {settings.http_host}:{settings.http_port} "
            f"({exc.strerror or exc}): free the port or set slack.http_port / "
            "slack.http_host") from None
