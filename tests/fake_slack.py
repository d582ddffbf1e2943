"""A loopback fake of the parts of Slack the doxguard Slack adapter talks to.

Real `slack_sdk`/`slack_bolt` clients are pointed at it (`base_url=`), so the
tests exercise the libraries' real HTTP, retry and Socket Mode code paths rather
than mocks. It serves:

- the Web API methods the adapter calls (`/api/<method>`), checking the bearer
  token the way Slack does (bots may only delete their own messages; a workspace
  admin's user token may delete anyone's), recording every call;
- file downloads (`/files/<id>/<name>`, bearer-token protected, like
  `url_private`);
- `response_url` endpoints (`/respond/<key>`) for slash commands and buttons;
- a Socket Mode WebSocket (`/socket`): `apps.connections.open` hands out its
  `ws://` URL; the server says `hello`, pushes envelopes, records acks and can
  send `disconnect` to force a reconnect.

Any method can be told to fail (`fail()`): Slack errors such as
`cant_delete_message`, HTTP 429 with Retry-After, or 5xx.

It also builds the payloads Slack sends (event callbacks, slash commands, block
actions) and signs them (`signed_headers`) for HTTP mode.

Several workspaces: `add_workspace()` gives another team its own bot and admin
tokens (each token acts only as its own team's bot or admin), and the OAuth v2
install: `/oauth/v2/authorize` stands for the user approving (it redirects to
the app's redirect URL with a fresh code for the workspace `approve_as()` named,
and the state it was given), and `oauth.v2.access` exchanges the code — once,
with the app's client id and secret in HTTP Basic auth — for that workspace's
tokens.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import logging
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger("tests.fake_slack")

TEAM_ID = "T0FAKE"
APP_ID = "A0DOXGUARD"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
ADMIN_USER_ID = "U0ADMIN"

BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-fake-app-token"
ADMIN_TOKEN = "xoxp-fake-admin-token"
SIGNING_SECRET = "fake-signing-secret"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret"
WAIT = 15.0  # seconds a test waits for something the bot should do before failing


@dataclass
class Call:
    """One Web API call as the fake saw it (`team`: whose token made it)."""

    method: str
    token: str | None
    params: dict[str, Any]
    status: int = 200
    error: str | None = None
    at: float = field(default_factory=time.perf_counter)
    team: str = ""


@dataclass(frozen=True)
class Workspace:
    """One team: its bot user and tokens, and the admin who installs the app."""

    team_id: str
    name: str
    bot_token: str
    admin_token: str
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID
    admin_user_id: str = ADMIN_USER_ID
    mods_channel: str = ""


@dataclass
class Failure:
    error: str
    status: int = 200
    retry_after: int | None = None
    times: int = 1


@dataclass
class Envelope:
    envelope_id: str
    type: str
    payload: dict[str, Any]
    acked: asyncio.Event = field(default_factory=asyncio.Event)
    ack: dict[str, Any] | None = None


def _merge_params(query: Any, form: Any, body: Any) -> dict[str, Any]:
    params: dict[str, Any] = dict(query)
    params.update(form)
    if isinstance(body, dict):
        params.update(body)
    for key in ("blocks", "attachments"):
        if isinstance(params.get(key), str):
            try:
                params[key] = json.loads(params[key])
            except ValueError:
                pass
    return params


class FakeSlack:
    """The fake server; `await start()`, point clients at `base_url`, `await close()`."""

    def __init__(self, *, bot_token: str = BOT_TOKEN, admin_token: str = ADMIN_TOKEN,
                 app_token: str = APP_TOKEN) -> None:
        self.bot_token = bot_token
        self.admin_token = admin_token
        self.app_token = app_token
        self.calls: list[Call] = []
        self.unknown_methods: list[str] = []
        self.failures: dict[str, list[Failure]] = {}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.deleted: list[tuple[str, str]] = []
        self.deleted_at: dict[tuple[str, str], float] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.files: dict[str, tuple[dict[str, Any], bytes]] = {}
        self.responses: list[dict[str, Any]] = []
        self.response_event = asyncio.Event()
        self.envelopes: dict[str, Envelope] = {}
        self.connections = 0
        self.hello_sent = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_changed = asyncio.Condition()
        self._call_event = asyncio.Condition()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.workspaces: dict[str, Workspace] = {}
        self.add_workspace(Workspace(TEAM_ID, "Fake", bot_token, admin_token))
        self.client_id, self.client_secret = CLIENT_ID, CLIENT_SECRET
        self.oauth_codes: dict[str, str] = {}  # code -> team id, each usable once
        self.approving: str = TEAM_ID  # the workspace whose admin approves the next install
        self.add_user(BOT_USER_ID, "doxguard", is_bot=True)
        self.add_user(ADMIN_USER_ID, "workspace-admin")

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_get("/files/{file_id}/{name}", self._download)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """What `slack.api_base_url` should be set to (trailing slash, like Slack's)."""
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def authorize_url(self) -> str:
        """Where the app sends installers (Slack's `oauth/v2/authorize` page)."""
        return f"http://127.0.0.1:{self.port}/oauth/v2/authorize"

    # ------------------------------------------------------------------ world state

    def add_workspace(self, workspace: Workspace) -> Workspace:
        self.workspaces[workspace.team_id] = workspace
        return workspace

    def approve_as(self, team_id: str) -> None:
        """The next install approval on the authorize page is for this workspace."""
        self.approving = team_id

    def _owner(self, token: str | None) -> tuple[Workspace | None, bool]:
        """The workspace a token belongs to, and whether it is that workspace's bot token."""
        for ws in self.workspaces.values():
            if token == ws.bot_token:
                return ws, True
            if token == ws.admin_token:
                return ws, False
        return None, False

    def add_user(self, user_id: str, name: str, *, is_bot: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": name.title(),
            "is_bot": is_bot,
            "profile": {"display_name": name, "real_name": name.title()},
        }

    def add_channel(self, channel_id: str, name: str, *, private: bool = False) -> None:
        self.channels[channel_id] = {
            "id": channel_id,
            "name": name,
            "is_channel": not private,
            "is_group": private,
            "is_private": private,
            "is_member": True,
        }

    def add_usergroup(self, group_id: str, members: list[str]) -> None:
        self.usergroups[group_id] = list(members)

    def add_file(self, name: str, content: bytes, *, mimetype: str = "text/plain",
                 filetype: str = "text", size: int | None = None) -> dict[str, Any]:
        """Register a file; returns the file object as it appears in events."""
        file_id = f"F{next(self._ids):06d}"
        url = f"http://127.0.0.1:{self.port}/files/{file_id}/{urllib.parse.quote(name)}"
        obj = {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": mimetype,
            "filetype": filetype,
            "size": len(content) if size is None else size,
            "mode": "snippet" if filetype != "binary" else "hosted",
            "url_private": url,
            "url_private_download": url + "?download=1",
        }
        self.files[file_id] = (obj, content)
        return obj

    def next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def post_as_user(self, channel: str, user: str, text: str, *,
                     thread_ts: str | None = None, files: list[dict[str, Any]] | None = None,
                     ts: str | None = None, team: str = TEAM_ID) -> dict[str, Any]:
        """A person posts in Slack: the message exists; returns the event body Slack sends."""
        ts = ts or self.next_ts()
        message: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts,
                                   "channel": channel, "team": team}
        if thread_ts:
            message["thread_ts"] = thread_ts
        if files:
            message["files"] = files
            message["subtype"] = "file_share"
        self.messages[(channel, ts)] = message
        channel_type = "group" if self.channels.get(channel, {}).get("is_private") else "channel"
        bot_user = self.workspaces[team].bot_user_id if team in self.workspaces else BOT_USER_ID
        return event_body({**message, "channel_type": channel_type}, team=team,
                          bot_user_id=bot_user)

    def edit_as_user(self, channel: str, ts: str, new_text: str) -> dict[str, Any]:
        """A person edits their message; returns the `message_changed` event body."""
        previous = dict(self.messages[(channel, ts)])
        current = {**previous, "text": new_text,
                   "edited": {"user": previous["user"], "ts": self.next_ts()}}
        current.pop("channel", None)
        self.messages[(channel, ts)] = {**current, "channel": channel}
        previous.pop("channel", None)
        return event_body({
            "type": "message", "subtype": "message_changed", "channel": channel,
            "hidden": True, "ts": self.next_ts(), "message": current,
            "previous_message": previous, "channel_type": "channel",
        })

    def fail(self, method: str, error: str, *, status: int = 200,
             retry_after: int | None = None, times: int = 1) -> None:
        """Make the next `times` calls of `method` fail (`status=0`: drop the connection)."""
        self.failures.setdefault(method, []).append(Failure(error, status, retry_after, times))

    # ------------------------------------------------------------------ queries

    def calls_to(self, method: str, *, ok_only: bool = False) -> list[Call]:
        return [c for c in self.calls
                if c.method == method and (not ok_only or c.error is None)]

    async def wait_for_call(self, method: str, count: int = 1) -> list[Call]:
        """Wait until `method` was called `count` times (successfully or not)."""
        async with asyncio.timeout(WAIT), self._call_event:
            await self._call_event.wait_for(lambda: len(self.calls_to(method)) >= count)
        return self.calls_to(method)

    async def wait_deleted(self, channel: str, ts: str) -> float:
        """Wait until the message is deleted; returns when (perf_counter) the delete arrived."""
        async with asyncio.timeout(WAIT), self._call_event:
            await self._call_event.wait_for(lambda: (channel, ts) in self.deleted_at)
        return self.deleted_at[(channel, ts)]

    async def wait_for_response(self, count: int = 1) -> dict[str, Any]:
        """Wait until `count` response_url posts arrived; returns the last of them."""
        async with asyncio.timeout(WAIT):
            while len(self.responses) < count:
                self.response_event.clear()
                await self.response_event.wait()
        return self.responses[count - 1]

    # ------------------------------------------------------------------ Web API

    def _token(self, request: web.Request, params: dict[str, Any]) -> str | None:
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer "):]
        token = params.pop("token", None)
        return str(token) if token else None

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._call_event:
            self._call_event.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form: Any = {}
        body: Any = None
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
            else:
                form = await request.post()
        params = _merge_params(request.query, form, body)
        token = self._token(request, params)
        owner, _ = self._owner(token)
        call = Call(method, token, params, team=owner.team_id if owner else "")
        queued = self.failures.get(method)
        if queued:
            failure = queued[0]
            failure.times -= 1
            if failure.times <= 0:
                queued.pop(0)
            call.status, call.error = failure.status, failure.error
            await self._record(call)
            if failure.status == 0:  # the connection drops before any answer
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            if failure.status >= 500:
                return web.Response(status=failure.status, text="upstream trouble", headers=headers)
            return web.json_response({"ok": False, "error": failure.error},
                                     status=failure.status, headers=headers)
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            log.warning("fake slack: unknown method %s", method)
            self.unknown_methods.append(method)
            call.error = "unknown_method"
            await self._record(call)
            return web.json_response({"ok": False, "error": "unknown_method"})
        if method == "oauth.v2.access":
            result = self._oauth_v2_access(request, params)
            call.error = None if result.get("ok") else result["error"]
            await self._record(call)
            return web.json_response(result)
        if method != "apps.connections.open" and owner is None:
            call.error = "not_authed" if token is None else "invalid_auth"
            await self._record(call)
            return web.json_response({"ok": False, "error": call.error})
        result = handler(token, params)
        if not result.get("ok", True):
            call.error = result["error"]
        await self._record(call)
        return web.json_response({"ok": True, **result} if "ok" not in result else result)

    def _oauth_v2_access(self, request: web.Request, params: dict[str, Any]) -> dict[str, Any]:
        """Exchange a code (once) for the approving workspace's tokens."""
        auth = request.headers.get("Authorization", "")
        try:
            client_id, _, client_secret = base64.b64decode(
                auth.removeprefix("Basic ")).decode().partition(":")
        except ValueError:
            client_id = client_secret = ""
        client_id = client_id or str(params.get("client_id") or "")
        client_secret = client_secret or str(params.get("client_secret") or "")
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id" if client_id != self.client_id
                    else "bad_client_secret"}
        team_id = self.oauth_codes.pop(str(params.get("code") or ""), None)
        if team_id is None:
            return {"ok": False, "error": "invalid_code"}
        ws = self.workspaces[team_id]
        return {
            "ok": True, "app_id": APP_ID, "token_type": "bot", "access_token": ws.bot_token,
            "scope": "channels:history,groups:history,chat:write,commands,users:read",
            "bot_user_id": ws.bot_user_id, "team": {"id": ws.team_id, "name": ws.name},
            "enterprise": None, "is_enterprise_install": False,
            "authed_user": {"id": ws.admin_user_id, "scope": "chat:write",
                            "access_token": ws.admin_token, "token_type": "user"},
            **({"incoming_webhook": {"channel": "#mods", "channel_id": ws.mods_channel,
                                     "url": f"http://127.0.0.1:{self.port}/hook/{ws.team_id}",
                                     "configuration_url": "http://fake.slack.example/"}}
               if ws.mods_channel else {}),
        }

    async def _authorize(self, request: web.Request) -> web.Response:
        """The installer approves: back to the app's redirect URL with a code and the state."""
        query = request.query
        if query.get("client_id") != self.client_id:
            return web.Response(status=400, text="invalid_client_id")
        code = f"code-{next(self._ids)}"
        self.oauth_codes[code] = self.approving
        target = query.get("redirect_uri") or ""
        sep = "&" if "?" in target else "?"
        location = f"{target}{sep}" + urllib.parse.urlencode(
            {"code": code, "state": query.get("state", "")})
        raise web.HTTPFound(location)

    def _m_auth_test(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        ws, is_bot = self._owner(token)
        assert ws is not None
        if not is_bot:
            return {"url": "https://fake.slack.example/", "team": ws.name,
                    "user": "workspace-admin", "team_id": ws.team_id,
                    "user_id": ws.admin_user_id}
        return {"url": "https://fake.slack.example/", "team": ws.name, "user": "doxguard",
                "team_id": ws.team_id, "user_id": ws.bot_user_id, "bot_id": ws.bot_id}

    def _m_chat_delete(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        key = (str(params.get("channel")), str(params.get("ts")))
        message = self.messages.get(key)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        ws, is_bot = self._owner(token)
        assert ws is not None
        if message.get("team", ws.team_id) != ws.team_id:
            return {"ok": False, "error": "channel_not_found"}  # another workspace's message
        if is_bot and message.get("user") != ws.bot_user_id:
            return {"ok": False, "error": "cant_delete_message"}
        del self.messages[key]
        self.deleted.append(key)
        self.deleted_at[key] = time.perf_counter()
        return {"channel": key[0], "ts": key[1]}

    def _m_chat_postMessage(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel"))
        ts = self.next_ts()
        ws, is_bot = self._owner(token)
        assert ws is not None
        user = ws.bot_user_id if is_bot else ws.admin_user_id
        message = {"type": "message", "user": user, "text": params.get("text", ""), "ts": ts,
                   "blocks": params.get("blocks"), "channel": channel, "team": ws.team_id}
        if is_bot:
            message["bot_id"] = ws.bot_id
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": message}

    def _m_chat_postEphemeral(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        return {"message_ts": self.next_ts()}

    def _m_chat_update(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        key = (str(params.get("channel")), str(params.get("ts")))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        self.messages[key].update({"text": params.get("text", ""), "blocks": params.get("blocks")})
        return {"channel": key[0], "ts": key[1]}

    def _m_conversations_info(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(params.get("channel")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"channel": channel}

    def _m_users_info(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"user": user}

    def _m_files_info(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        entry = self.files.get(str(params.get("file")))
        if entry is None:
            return {"ok": False, "error": "file_not_found"}
        return {"file": entry[0]}

    def _m_users_conversations(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        members = [c for c in self.channels.values() if c.get("is_member")]
        return {"channels": members, "response_metadata": {"next_cursor": ""}}

    def _m_conversations_history(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel"))
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        oldest = float(params.get("oldest") or 0)
        limit = int(params.get("limit") or 100)
        found = [
            {k: v for k, v in m.items() if k != "channel"}
            for (c, ts), m in self.messages.items()
            if c == channel and float(ts) > oldest and m.get("thread_ts", ts) == ts
        ]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)  # newest first, like Slack
        return {"messages": found[:limit], "has_more": len(found) > limit}

    def _m_usergroups_users_list(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        members = self.usergroups.get(str(params.get("usergroup")))
        if members is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"users": members}

    def _m_apps_connections_open(self, token: str | None, params: dict[str, Any]) -> dict[str, Any]:
        if token != self.app_token:
            return {"ok": False, "error": "invalid_auth" if token else "not_authed"}
        return {"url": f"ws://127.0.0.1:{self.port}/socket?ticket={next(self._ids)}"}

    # ------------------------------------------------------------------ files, response_url

    async def _download(self, request: web.Request) -> web.StreamResponse:
        auth = request.headers.get("Authorization", "")
        owner, is_bot = self._owner(auth.removeprefix("Bearer "))
        if owner is None or not is_bot:
            # Slack answers an unauthenticated file URL with its login page, not a 401.
            return web.Response(text="<html>sign in</html>", content_type="text/html")
        entry = self.files.get(request.match_info["file_id"])
        if entry is None:
            raise web.HTTPNotFound()
        obj, content = entry
        await self._record(Call("files.download", auth.removeprefix("Bearer "),
                                {"file": obj["id"]}, team=owner.team_id))
        return web.Response(body=content, content_type=obj["mimetype"].split(";")[0])

    def response_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{next(self._ids)}"

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append({"key": request.match_info["key"], **body})
        self.response_event.set()
        return web.Response(text="ok")

    # ------------------------------------------------------------------ Socket Mode

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        self._sockets.append(ws)
        await ws.send_json({
            "type": "hello", "num_connections": 1,
            "debug_info": {"host": "fake-slack", "approximate_connection_time": 3600},
            "connection_info": {"app_id": APP_ID},
        })
        self.hello_sent += 1
        async with self._socket_changed:
            self._socket_changed.notify_all()
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                envelope = self.envelopes.get(str(data.get("envelope_id")))
                if envelope is not None:
                    envelope.ack = data
                    envelope.acked.set()
        finally:
            if ws in self._sockets:
                self._sockets.remove(ws)
            async with self._socket_changed:
                self._socket_changed.notify_all()
        return ws

    async def wait_connections(self, count: int) -> None:
        """Wait until `count` sockets were opened in total and one is open now."""
        async with asyncio.timeout(WAIT), self._socket_changed:
            await self._socket_changed.wait_for(
                lambda: self.connections >= count and bool(self._live())
            )

    def _live(self) -> list[web.WebSocketResponse]:
        return [ws for ws in self._sockets if not ws.closed]

    async def push(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0,
                   envelope_id: str | None = None) -> Envelope:
        """Send an envelope (`events_api`, `slash_commands`, `interactive`) on the live socket."""
        live = self._live()
        if not live:
            raise RuntimeError("no Socket Mode connection")
        envelope = Envelope(envelope_id or f"env-{next(self._ids)}", kind, payload)
        self.envelopes[envelope.envelope_id] = envelope
        await live[-1].send_json({
            "envelope_id": envelope.envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry_attempt, "retry_reason": "timeout" if retry_attempt else "",
        })
        return envelope

    async def send_disconnect(self, reason: str = "refresh_requested") -> None:
        for ws in self._live():
            await ws.send_json({"type": "disconnect", "reason": reason,
                                "debug_info": {"host": "fake-slack"}})


# ---------------------------------------------------------------------- payloads


_event_ids = itertools.count(1)


def event_body(event: dict[str, Any], *, event_id: str | None = None, team: str = TEAM_ID,
               bot_user_id: str = BOT_USER_ID) -> dict[str, Any]:
    """Wrap an event the way the Events API delivers it (to the app installed in `team`)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": team, "user_id": bot_user_id,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }


def slash_command(user: str, channel: str, text: str, response_url: str,
                  command: str = "/doxguard", team: str = TEAM_ID) -> dict[str, str]:
    return {
        "token": "legacy-verification-token", "team_id": team, "team_domain": "fake",
        "channel_id": channel, "channel_name": "mods", "user_id": user, "user_name": user.lower(),
        "command": command, "text": text, "api_app_id": APP_ID,
        "response_url": response_url, "trigger_id": f"trig.{next(_event_ids)}",
    }


def block_action(user: str, channel: str, action_id: str, value: str,
                 response_url: str, message_ts: str = "1.000001",
                 team: str = TEAM_ID) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": APP_ID, "token": "legacy-verification-token",
        "team": {"id": team, "domain": "fake"},
        "channel": {"id": channel, "name": "mods"},
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                      "is_ephemeral": False},
        "message": {"type": "message", "ts": message_ts, "text": "notice"},
        "trigger_id": f"trig.{next(_event_ids)}",
        "response_url": response_url,
        "actions": [{"action_id": action_id, "block_id": "doxguard_actions", "value": value,
                     "type": "button", "action_ts": str(time.time())}],
    }


def form_encode(fields: dict[str, str]) -> str:
    return urllib.parse.urlencode(fields)


def interactive_form(payload: dict[str, Any]) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def signed_headers(secret: str, body: str, *, timestamp: int | None = None,
                   content_type: str = "application/json") -> dict[str, str]:
    """The headers Slack adds to an HTTP request: v0 HMAC-SHA256 of `v0:ts:body`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{ts}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}",
            "Content-Type": content_type}
