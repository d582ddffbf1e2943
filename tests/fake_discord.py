"""A loopback fake of Discord: the REST routes and the gateway the bot uses.

The real `discord.py` client is pointed at it (REST base URL and gateway URL from
the bot's config), so tests exercise the library's real HTTP, rate-limit,
gateway, interaction and view code. The fake records every REST request, so
tests assert on what Discord would have received, and it can be told to fail a
route (403/404/429/5xx) or to drop the gateway connection.

Everything here is fictional: ids are generated snowflakes, people are invented.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import WSMsgType, web

log = logging.getLogger("fake_discord")

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions)
P_MANAGE_GUILD = 1 << 5
P_VIEW_CHANNEL = 1 << 10
P_SEND_MESSAGES = 1 << 11
P_MANAGE_MESSAGES = 1 << 13
P_EMBED_LINKS = 1 << 14
P_READ_HISTORY = 1 << 16
P_MANAGE_WEBHOOKS = 1 << 29
P_MODERATE_MEMBERS = 1 << 40
BOT_PERMISSIONS = (
    P_VIEW_CHANNEL
    | P_SEND_MESSAGES
    | P_MANAGE_MESSAGES
    | P_EMBED_LINKS
    | P_READ_HISTORY
    | P_MANAGE_WEBHOOKS
    | P_MODERATE_MEMBERS
    | P_MANAGE_GUILD
)
EVERYONE_PERMISSIONS = P_VIEW_CHANNEL | P_SEND_MESSAGES | P_READ_HISTORY | P_EMBED_LINKS


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())


@dataclass(slots=True)
class Recorded:
    """One REST request as Discord would have received it."""

    method: str
    path: str  # below /api/v10, e.g. "/channels/1/messages/2"
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    at: float

    @property
    def reason(self) -> str | None:
        raw = self.headers.get("X-Audit-Log-Reason")
        return unquote(raw) if raw is not None else None


@dataclass(slots=True)
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int | None  # None: forever
    retry_after: float = 0.05


@dataclass(slots=True)
class GatewayConn:
    ws: web.WebSocketResponse
    shard: tuple[int, int] = (0, 1)
    identified: bool = False
    session_id: str = ""
    seq: int = 0


@dataclass(slots=True)
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    threads: list[dict[str, Any]] = field(default_factory=list)
    members: dict[int, dict[str, Any]] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "owner_id": str(self.owner_id),
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "roles": self.roles,
            "emojis": [],
            "stickers": [],
            "channels": self.channels,
            "threads": self.threads,
            "members": list(self.members.values()),
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "joined_at": _now_iso(),
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


class FakeDiscord:
    """The fake server. `await start()`, then point the client at `api_base`/`gateway_url`."""

    def __init__(self, *, heartbeat_interval_ms: int = 30_000) -> None:
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self._ids = itertools.count(1)
        self.app_id = self.snowflake()
        self.bot_user = self.user(self.app_id, "doxguard", bot=True)
        self.users: dict[int, dict[str, Any]] = {self.app_id: self.bot_user}
        self.guilds: dict[int, FakeGuild] = {}
        self.messages: dict[int, dict[int, dict[str, Any]]] = {}
        self.attachments: dict[str, bytes] = {}
        self.webhooks: dict[int, dict[str, Any]] = {}
        self.nonces: dict[tuple[int, str], dict[str, Any]] = {}  # enforce_nonce: first message
        self.commands: dict[int, list[dict[str, Any]]] = {}
        self.automod_rules: dict[int, dict[int, dict[str, Any]]] = {}
        self.interaction_replies: dict[int, list[dict[str, Any]]] = {}
        self.requests: list[Recorded] = []
        self.attachment_fetches: list[str] = []  # CDN downloads (outside the REST API)
        self.listeners: list[Callable[[Recorded], None]] = []  # called for every request
        self.unhandled: list[str] = []
        self.failures: list[Failure] = []
        self.gateway_frames: list[dict[str, Any]] = []  # what the client sent on the gateway
        self.resume_ok = True
        self.shard_count = 1
        self._conns: list[GatewayConn] = []
        self._changed = asyncio.Condition()
        self._sessions = itertools.count(1)
        self._session_shards: dict[str, tuple[int, int]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Awaitable[Any]]]] = []
        self._install_routes()

    # ------------------------------------------------------------------ ids & objects

    def snowflake(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._ids) & 0x3FFFFF)

    @staticmethod
    def user(uid: int, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(uid),
            "username": name,
            "global_name": name.title(),
            "discriminator": "0",
            "avatar": f"a{uid:x}"[:16],
            "bot": bot,
            "public_flags": 0,
        }

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def add_guild(self, name: str = "Example Guild") -> FakeGuild:
        """A guild with #general, #mod-log, a thread, and the bot, a moderator and a member."""
        gid = self.snowflake()
        owner = self.snowflake()
        guild = FakeGuild(id=gid, name=name, owner_id=owner)
        guild.roles = [
            self._role(gid, "@everyone", EVERYONE_PERMISSIONS, 0),
            self._role(self.snowflake(), "Moderators", EVERYONE_PERMISSIONS | P_MANAGE_MESSAGES, 1),
            self._role(self.snowflake(), "doxguard", BOT_PERMISSIONS, 2, managed=True),
        ]
        self.guilds[gid] = guild
        self.add_channel(guild, "general")
        self.add_channel(guild, "mod-log")
        self.add_thread(guild, guild.channels[0], "a thread")
        self.add_member(guild, self.bot_user, [self.bot_role(guild)["id"]])
        self.add_member(guild, self.user(owner, "owner"), [])
        return guild

    @staticmethod
    def _role(rid: int, name: str, perms: int, pos: int, managed: bool = False) -> dict[str, Any]:
        return {
            "id": str(rid),
            "name": name,
            "permissions": str(perms),
            "position": pos,
            "color": 0,
            "hoist": False,
            "managed": managed,
            "mentionable": False,
            "flags": 0,
        }

    def add_channel(self, guild: FakeGuild, name: str, *, kind: int = 0) -> dict[str, Any]:
        cid = self.snowflake()
        ch = {
            "id": str(cid),
            "type": kind,
            "guild_id": str(guild.id),
            "name": name,
            "position": len(guild.channels),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }
        guild.channels.append(ch)
        self.messages[cid] = {}
        return ch

    def add_thread(self, guild: FakeGuild, parent: dict[str, Any], name: str) -> dict[str, Any]:
        tid = self.snowflake()
        th = {
            "id": str(tid),
            "type": 11,
            "guild_id": str(guild.id),
            "parent_id": parent["id"],
            "name": name,
            "owner_id": str(guild.owner_id),
            "last_message_id": None,
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": _now_iso(),
                "locked": False,
            },
        }
        guild.threads.append(th)
        self.messages[tid] = {}
        return th

    def add_member(
        self, guild: FakeGuild, user: dict[str, Any], roles: list[str]
    ) -> dict[str, Any]:
        self.users[int(user["id"])] = user
        member = {
            "user": user,
            "roles": roles,
            "joined_at": _now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "communication_disabled_until": None,
        }
        guild.members[int(user["id"])] = member
        return member

    def new_user(self, guild: FakeGuild, name: str, *, roles: list[str] | None = None) -> int:
        uid = self.snowflake()
        self.add_member(guild, self.user(uid, name), roles or [])
        return uid

    def bot_role(self, guild: FakeGuild) -> dict[str, Any]:
        return next(r for r in guild.roles if r["name"] == "doxguard")

    def role(self, guild: FakeGuild, name: str) -> dict[str, Any]:
        return next(r for r in guild.roles if r["name"] == name)

    def channel(self, guild: FakeGuild, name: str) -> dict[str, Any]:
        return next(c for c in [*guild.channels, *guild.threads] if c["name"] == name)

    def set_bot_permissions(self, guild: FakeGuild, perms: int) -> None:
        """Change the bot role's permissions (before the client connects)."""
        self.bot_role(guild)["permissions"] = str(perms)

    def _guild_of_channel(self, cid: int) -> FakeGuild | None:
        for g in self.guilds.values():
            for c in (*g.channels, *g.threads):
                if int(c["id"]) == cid:
                    return g
        return None

    def make_message(
        self,
        channel_id: int,
        author_id: int,
        content: str,
        *,
        attachments: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
        reply_to: int | None = None,
        webhook_id: int | None = None,
        embeds: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Build and store a message as Discord would (not dispatched)."""
        guild = self._guild_of_channel(channel_id)
        mid = self.snowflake()
        author = self.users.get(author_id) or self.user(author_id, f"user{author_id % 1000}")
        msg: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "author": author,
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": embeds or [],
            "pinned": False,
            "type": 19 if reply_to else 0,
            "flags": 0,
            "components": [],
        }
        if guild is not None:
            msg["guild_id"] = str(guild.id)
            member = guild.members.get(author_id)
            if member is not None:
                msg["member"] = {k: v for k, v in member.items() if k != "user"}
        if webhook_id is not None:
            msg["webhook_id"] = str(webhook_id)
        if reply_to is not None:
            msg["message_reference"] = {
                "type": 0,
                "message_id": str(reply_to),
                "channel_id": str(channel_id),
                "guild_id": msg.get("guild_id"),
            }
        for name, data in attachments:
            aid = self.snowflake()
            key = f"{channel_id}/{aid}/{name}"
            self.attachments[key] = data
            url = f"http://127.0.0.1:{self.port}/attachments/{key}"
            msg["attachments"].append(
                {
                    "id": str(aid),
                    "filename": name,
                    "size": len(data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": "text/plain; charset=utf-8",
                }
            )
        self.messages.setdefault(channel_id, {})[mid] = msg
        return msg

    async def post_message(self, channel_id: int, author_id: int, content: str, **kw: Any) -> dict:
        """A user posts a message: store it and dispatch MESSAGE_CREATE."""
        msg = self.make_message(channel_id, author_id, content, **kw)
        await self.dispatch("MESSAGE_CREATE", msg, guild_id=msg.get("guild_id"))
        return msg

    async def edit_message(
        self,
        channel_id: int,
        message_id: int,
        content: str | None = None,
        *,
        embeds: list[dict[str, Any]] | None = None,
        user_edit: bool = True,
    ) -> dict[str, Any]:
        """A user edits (or Discord unfurls links in) a message: dispatch MESSAGE_UPDATE."""
        msg = self.messages[channel_id][message_id]
        if content is not None:
            msg["content"] = content
        if embeds is not None:
            msg["embeds"] = embeds
        if user_edit:
            msg["edited_timestamp"] = _now_iso()
        await self.dispatch("MESSAGE_UPDATE", dict(msg), guild_id=msg.get("guild_id"))
        return msg

    # ------------------------------------------------------------------ interactions

    def _interaction_base(
        self, guild: FakeGuild, channel_id: int, user_id: int, kind: int, data: dict[str, Any]
    ) -> dict[str, Any]:
        iid = self.snowflake()
        member = dict(guild.members[user_id])
        member["permissions"] = str(EVERYONE_PERMISSIONS | P_MANAGE_MESSAGES)
        channel = next(c for c in (*guild.channels, *guild.threads) if int(c["id"]) == channel_id)
        return {
            "id": str(iid),
            "application_id": str(self.app_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "channel_id": str(channel_id),
            "channel": channel,
            "member": member,
            "token": f"itoken{iid}",
            "version": 1,
            "app_permissions": str(BOT_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": 8_388_608,
        }

    async def slash(
        self,
        guild: FakeGuild,
        channel_id: int,
        user_id: int,
        path: list[str],
        options: dict[str, Any] | None = None,
        *,
        focused: str | None = None,
    ) -> int:
        """Invoke `/doxguard sub [sub] option=value`; `focused` makes it an autocomplete."""
        cmd = next(c for c in self.commands.get(guild.id, []) if c["name"] == path[0])
        leaf_opts = [
            {
                "name": k,
                "type": 3,
                "value": v,
                **({"focused": True} if k == focused else {}),
            }
            for k, v in (options or {}).items()
        ]
        nested: list[dict[str, Any]] = leaf_opts
        for depth, name in reversed(list(enumerate(path[1:], start=1))):
            kind = 1 if depth == len(path) - 1 else 2
            nested = [{"name": name, "type": kind, "options": nested}]
        data = {"id": cmd["id"], "name": path[0], "type": 1, "options": nested,
                "guild_id": str(guild.id)}
        payload = self._interaction_base(guild, channel_id, user_id, 4 if focused else 2, data)
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=str(guild.id))
        return int(payload["id"])

    async def press(
        self, guild: FakeGuild, message: dict[str, Any], user_id: int, custom_id: str
    ) -> int:
        """A user presses a button on `message`."""
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self._interaction_base(guild, int(message["channel_id"]), user_id, 3, data)
        payload["message"] = message
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=str(guild.id))
        return int(payload["id"])

    async def interaction_reply(self, iid: int, wait: float = 5.0) -> dict[str, Any]:
        """The first reply (callback or follow-up) the bot sent to interaction `iid`."""
        await self.wait_until(lambda: bool(self.interaction_replies.get(iid)), wait)
        return self.interaction_replies[iid][0]

    # ------------------------------------------------------------------ control

    def fail(
        self,
        method: str,
        path_regex: str,
        status: int,
        *,
        times: int | None = 1,
        retry_after: float = 0.05,
    ) -> None:
        """Make matching requests fail with `status` (`times=None`: until cleared)."""
        self.failures.append(
            Failure(method.upper(), re.compile(path_regex), status, times, retry_after)
        )

    def clear_failures(self) -> None:
        self.failures.clear()

    def find(self, method: str, path_regex: str) -> list[Recorded]:
        pat = re.compile(path_regex)
        return [r for r in self.requests if r.method == method.upper() and pat.search(r.path)]

    async def wait_until(self, predicate: Callable[[], bool], wait: float = 5.0) -> None:
        """Wait until `predicate()` holds (checked whenever the fake sees traffic)."""
        async def _wait() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(_wait(), wait)

    async def wait_for_request(
        self, method: str, path_regex: str, *, count: int = 1, wait: float = 5.0
    ) -> list[Recorded]:
        await self.wait_until(lambda: len(self.find(method, path_regex)) >= count, wait)
        return self.find(method, path_regex)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close every gateway connection as a network blip would (resumable code)."""
        for conn in list(self._conns):
            await conn.ws.close(code=code, message=b"dropped by test")
        self._conns.clear()

    @property
    def connections(self) -> int:
        return sum(1 for c in self._conns if c.identified)

    async def dispatch(self, event: str, data: dict[str, Any], *, guild_id: Any = None) -> None:
        """Send a DISPATCH to the connection (shard) that owns `guild_id`, or to all."""
        for conn in list(self._conns):
            if not conn.identified:
                continue
            if guild_id is not None:
                shard_id, count = conn.shard
                if (int(guild_id) >> 22) % count != shard_id:
                    continue
            conn.seq += 1
            frame = {"op": 0, "t": event, "s": conn.seq, "d": data}
            with contextlib.suppress(ConnectionResetError):
                await conn.ws.send_str(json.dumps(frame))

    # ------------------------------------------------------------------ server

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{key:.*}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        for conn in list(self._conns):
            with contextlib.suppress(Exception):
                await conn.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        self.attachment_fetches.append(request.match_info["key"])
        data = self.attachments.get(request.match_info["key"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, headers={"Content-Type": "text/plain; charset=utf-8"})

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = GatewayConn(ws=ws)
        self._conns.append(conn)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        try:
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    continue
                msg = json.loads(frame.data)
                self.gateway_frames.append(msg)
                await self._on_gateway_frame(conn, msg)
                await self._notify()
        finally:
            if conn in self._conns:
                self._conns.remove(conn)
        return ws

    async def _on_gateway_frame(self, conn: GatewayConn, msg: dict[str, Any]) -> None:
        op = msg.get("op")
        if op == 1:
            await conn.ws.send_str(json.dumps({"op": 11}))
        elif op == 2:
            d = msg["d"]
            shard = tuple(d.get("shard") or (0, 1))
            conn.shard = (int(shard[0]), int(shard[1]))
            conn.session_id = f"session{next(self._sessions)}"
            conn.identified = True
            self._session_shards[conn.session_id] = conn.shard
            shard_id, count = conn.shard
            mine = [g for g in self.guilds.values() if (g.id >> 22) % count == shard_id]
            conn.seq += 1
            ready = {
                "v": 10,
                "user": self.bot_user,
                "guilds": [{"id": str(g.id), "unavailable": True} for g in mine],
                "session_id": conn.session_id,
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(self.app_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "user_settings": {},
                "shard": list(conn.shard),
            }
            await conn.ws.send_str(json.dumps({"op": 0, "t": "READY", "s": conn.seq, "d": ready}))
            for g in mine:
                conn.seq += 1
                frame = {"op": 0, "t": "GUILD_CREATE", "s": conn.seq, "d": g.payload()}
                await conn.ws.send_str(json.dumps(frame))
        elif op == 6:
            d = msg["d"]
            if not self.resume_ok:
                await conn.ws.send_str(json.dumps({"op": 9, "d": False}))
                return
            conn.session_id = d["session_id"]
            conn.shard = self._session_shards.get(conn.session_id, (0, 1))
            conn.seq = int(d.get("seq") or 0)
            conn.identified = True
            conn.seq += 1
            frame = {"op": 0, "t": "RESUMED", "s": conn.seq, "d": {}}
            await conn.ws.send_str(json.dumps(frame))

    # ------------------------------------------------------------------ REST

    def _route(self, method: str, pattern: str) -> Callable[[Callable[..., Any]], Any]:
        def deco(fn: Callable[..., Any]) -> Any:
            self._routes.append((method, re.compile(f"^{pattern}$"), fn))
            return fn

        return deco

    @staticmethod
    def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        # discord.py only decodes JSON when the header is exactly application/json
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        return web.Response(body=json.dumps(data).encode(), status=status, headers=hdrs)

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.body_exists:
            ctype = request.headers.get("Content-Type", "")
            if ctype.startswith("multipart/"):
                form = await request.post()
                raw = form.get("payload_json")
                body = json.loads(str(raw)) if raw is not None else {}
            else:
                text = await request.text()
                body = json.loads(text) if text else None
        rec = Recorded(
            request.method, path, dict(request.query), body, dict(request.headers), time.monotonic()
        )
        self.requests.append(rec)
        for listener in self.listeners:
            listener(rec)
        try:
            for failure in self.failures:
                if failure.method == request.method and failure.pattern.search(path):
                    if failure.times is not None:
                        failure.times -= 1
                        if failure.times <= 0:
                            self.failures.remove(failure)
                    return self._failure(failure)
            for method, pattern, handler in self._routes:
                if method == request.method:
                    m = pattern.match(path)
                    if m:
                        return await handler(rec, **m.groupdict())
            self.unhandled.append(f"{request.method} {path}")
            log.error("fake discord: no route for %s %s", request.method, path)
            return self._json({"message": "404: Not Found", "code": 0}, 404)
        finally:
            await self._notify()

    def _failure(self, failure: Failure) -> web.Response:
        if failure.status == 429:
            return self._json(
                {"message": "You are being rate limited.", "retry_after": failure.retry_after,
                 "global": False},
                429,
                {"Via": "1.1 google", "Retry-After": str(failure.retry_after)},
            )
        messages = {403: ("Missing Permissions", 50013), 404: ("Unknown Message", 10008)}
        text, code = messages.get(failure.status, ("Server error", 0))
        return self._json({"message": text, "code": code}, failure.status)

    def _install_routes(self) -> None:
        r = self._route

        @r("GET", r"/users/@me")
        async def me(rec: Recorded) -> web.Response:
            return self._json(self.bot_user)

        @r("GET", r"/users/(?P<uid>\d+)")
        async def get_user(rec: Recorded, uid: str) -> web.Response:
            user = self.users.get(int(uid))
            if user is None:
                return self._json({"message": "Unknown User", "code": 10013}, 404)
            return self._json(user)

        @r("GET", r"/gateway(/bot)?")
        async def gateway(rec: Recorded) -> web.Response:
            return self._json(
                {
                    "url": self.gateway_url,
                    "shards": self.shard_count,
                    "session_start_limit": {
                        "total": 1000, "remaining": 999, "reset_after": 0,
                        "max_concurrency": 16,
                    },
                }
            )

        @r("GET", r"/(oauth2/)?applications/@me")
        async def app_info(rec: Recorded) -> web.Response:
            return self._json(
                {
                    "id": str(self.app_id), "name": "doxguard", "icon": None,
                    "description": "", "bot_public": False, "bot_require_code_grant": False,
                    "verify_key": "0" * 64, "flags": 0, "owner": self.bot_user, "team": None,
                    "summary": "", "rpc_origins": [],
                }
            )

        @r("PUT", r"/applications/(?P<app>\d+)/guilds/(?P<gid>\d+)/commands")
        async def put_guild_commands(rec: Recorded, app: str, gid: str) -> web.Response:
            out = []
            for cmd in rec.body or []:
                out.append({**cmd, "id": str(self.snowflake()), "application_id": app,
                            "guild_id": gid, "version": str(self.snowflake()), "type": 1})
            self.commands[int(gid)] = out
            return self._json(out)

        @r("GET", r"/applications/(?P<app>\d+)/guilds/(?P<gid>\d+)/commands")
        async def get_guild_commands(rec: Recorded, app: str, gid: str) -> web.Response:
            return self._json(self.commands.get(int(gid), []))

        @r("PUT", r"/applications/(?P<app>\d+)/commands")
        async def put_global_commands(rec: Recorded, app: str) -> web.Response:
            return self._json([{**c, "id": str(self.snowflake()), "application_id": app,
                                "version": "1", "type": 1} for c in rec.body or []])

        @r("POST", r"/channels/(?P<cid>\d+)/messages")
        async def create_message(rec: Recorded, cid: str) -> web.Response:
            body = rec.body or {}
            nonce = (int(cid), str(body.get("nonce"))) if body.get("enforce_nonce") else None
            if nonce is not None and nonce in self.nonces:
                return self._json(self.nonces[nonce])  # Discord returns the first one
            msg = self.make_message(int(cid), self.app_id, body.get("content") or "",
                                    embeds=body.get("embeds"))
            msg["components"] = body.get("components") or []
            if nonce is not None:
                self.nonces[nonce] = msg
            return self._json(msg)

        @r("GET", r"/channels/(?P<cid>\d+)/messages")
        async def history(rec: Recorded, cid: str) -> web.Response:
            msgs = sorted(self.messages.get(int(cid), {}).items())
            limit = int(rec.query.get("limit", 50))
            if "after" in rec.query:
                after = int(rec.query["after"])
                picked = [m for i, m in msgs if i > after][:limit]
            elif "before" in rec.query:
                before = int(rec.query["before"])
                picked = [m for i, m in msgs if i < before][-limit:]
            else:
                picked = [m for _, m in msgs][-limit:]
            return self._json(list(reversed(picked)))  # Discord answers newest first

        @r("GET", r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)")
        async def get_message(rec: Recorded, cid: str, mid: str) -> web.Response:
            msg = self.messages.get(int(cid), {}).get(int(mid))
            if msg is None:
                return self._json({"message": "Unknown Message", "code": 10008}, 404)
            return self._json(msg)

        @r("PATCH", r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)")
        async def edit_message(rec: Recorded, cid: str, mid: str) -> web.Response:
            msg = self.messages.get(int(cid), {}).get(int(mid))
            if msg is None:
                return self._json({"message": "Unknown Message", "code": 10008}, 404)
            for key in ("content", "embeds", "components"):
                if rec.body and key in rec.body:
                    msg[key] = rec.body[key]
            msg["edited_timestamp"] = _now_iso()
            return self._json(msg)

        @r("DELETE", r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)")
        async def delete_message(rec: Recorded, cid: str, mid: str) -> web.Response:
            msg = self.messages.get(int(cid), {}).pop(int(mid), None)
            if msg is None:
                return self._json({"message": "Unknown Message", "code": 10008}, 404)
            return web.Response(status=204)

        @r("GET", r"/channels/(?P<cid>\d+)/webhooks")
        async def list_webhooks(rec: Recorded, cid: str) -> web.Response:
            return self._json([w for w in self.webhooks.values() if w["channel_id"] == cid])

        @r("POST", r"/channels/(?P<cid>\d+)/webhooks")
        async def create_webhook(rec: Recorded, cid: str) -> web.Response:
            wid = self.snowflake()
            guild = self._guild_of_channel(int(cid))
            hook = {
                "id": str(wid), "type": 1, "token": f"wtoken{wid}", "channel_id": cid,
                "guild_id": str(guild.id) if guild else None,
                "name": (rec.body or {}).get("name", "hook"), "avatar": None,
                "application_id": str(self.app_id), "user": self.bot_user,
            }
            self.webhooks[wid] = hook
            return self._json(hook)

        @r("POST", r"/webhooks/(?P<wid>\d+)/(?P<token>[^/]+)")
        async def execute_webhook(rec: Recorded, wid: str, token: str) -> web.Response:
            body = rec.body or {}
            if int(wid) == self.app_id:  # an interaction follow-up
                iid = int(token.removeprefix("itoken"))
                self.interaction_replies.setdefault(iid, []).append(
                    {"type": "followup", "data": body}
                )
                msg = self.make_message(0, self.app_id, body.get("content") or "")
                return self._json(msg)
            hook = self.webhooks.get(int(wid))
            if hook is None or hook["token"] != token:
                return self._json({"message": "Unknown Webhook", "code": 10015}, 404)
            channel = int(rec.query.get("thread_id") or hook["channel_id"])
            msg = self.make_message(channel, int(wid), body.get("content") or "",
                                    webhook_id=int(wid))
            msg["author"] = {**msg["author"], "username": body.get("username", hook["name"]),
                             "bot": True}
            if rec.query.get("wait", "").lower() in ("true", "1"):
                return self._json(msg)
            return web.Response(status=204)

        @r("PATCH", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original")
        async def edit_original(rec: Recorded, app: str, token: str) -> web.Response:
            iid = int(token.removeprefix("itoken"))
            self.interaction_replies.setdefault(iid, []).append(
                {"type": "edit_original", "data": rec.body or {}}
            )
            return self._json(self.make_message(0, self.app_id, (rec.body or {}).get("content")
                                                or ""))

        @r("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback")
        async def callback(rec: Recorded, iid: str, token: str) -> web.Response:
            body = rec.body or {}
            self.interaction_replies.setdefault(int(iid), []).append(
                {"type": body.get("type"), "data": body.get("data") or {}}
            )
            data = body.get("data") or {}
            ephemeral = bool((data.get("flags") or 0) & 64)
            out: dict[str, Any] = {
                "interaction": {
                    "id": iid, "type": 2, "response_message_loading": body.get("type") == 5,
                    "response_message_ephemeral": ephemeral,
                },
            }
            if body.get("type") in (4, 5):
                msg = self.make_message(0, self.app_id, data.get("content") or "")
                msg["flags"] = data.get("flags") or 0
                out["interaction"]["response_message_id"] = msg["id"]
                out["resource"] = {"type": body["type"], "message": msg}
            return self._json(out)

        @r("PATCH", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)")
        async def edit_member(rec: Recorded, gid: str, uid: str) -> web.Response:
            guild = self.guilds.get(int(gid))
            if guild is None or int(uid) not in guild.members:
                return self._json({"message": "Unknown Member", "code": 10007}, 404)
            member = guild.members[int(uid)]
            member.update({k: v for k, v in (rec.body or {}).items() if k in member})
            return self._json(member)

        @r("GET", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)")
        async def get_member(rec: Recorded, gid: str, uid: str) -> web.Response:
            guild = self.guilds.get(int(gid))
            if guild is None or int(uid) not in guild.members:
                return self._json({"message": "Unknown Member", "code": 10007}, 404)
            return self._json(guild.members[int(uid)])

        @r("GET", r"/guilds/(?P<gid>\d+)/auto-moderation/rules")
        async def list_rules(rec: Recorded, gid: str) -> web.Response:
            return self._json(list(self.automod_rules.get(int(gid), {}).values()))

        @r("POST", r"/guilds/(?P<gid>\d+)/auto-moderation/rules")
        async def create_rule(rec: Recorded, gid: str) -> web.Response:
            rid = self.snowflake()
            rule = {
                "exempt_roles": [], "exempt_channels": [], **(rec.body or {}),
                "id": str(rid), "guild_id": gid, "creator_id": str(self.app_id),
            }
            self.automod_rules.setdefault(int(gid), {})[rid] = rule
            return self._json(rule)

        @r("PATCH", r"/guilds/(?P<gid>\d+)/auto-moderation/rules/(?P<rid>\d+)")
        async def edit_rule(rec: Recorded, gid: str, rid: str) -> web.Response:
            rule = self.automod_rules.get(int(gid), {}).get(int(rid))
            if rule is None:
                return self._json({"message": "Unknown rule", "code": 10066}, 404)
            rule.update(rec.body or {})
            return self._json(rule)

        @r("POST", r"/users/@me/channels")
        async def open_dm(rec: Recorded) -> web.Response:
            uid = int((rec.body or {}).get("recipient_id", 0))
            cid = self.snowflake()
            self.messages[cid] = {}
            user = self.users.get(uid) or self.user(uid, "someone")
            return self._json({"id": str(cid), "type": 1, "recipients": [user],
                               "last_message_id": None})



def bot_config_text(
    fake: FakeDiscord,
    *,
    moderators: tuple[int, ...] = (),
    discord: str = "",
    notices: str = "",
) -> str:
    """A doxguard.toml pointing the real client at `fake`; extra lines go in [discord]/[notices]."""
    from pathlib import Path

    servants = Path(__file__).parent / "data" / "discord_servants.toml"
    mods = ", ".join(f'"discord:{m}"' for m in moderators)
    return (
        f'servants_file = "{servants}"\n'
        f"[moderators]\nuser_ids = [{mods}]\n"
        f"[notices]\nretry_attempts = 2\n{notices}\n"
        f'[discord]\napi_base_url = "{fake.api_base}"\ngateway_url = "{fake.gateway_url}"\n'
        f"guild_ready_timeout = 0.05\n{discord}\n"
    )
