"""Discord adapter: translates gateway events for the engine and carries out its requests.

It never decides anything: messages become `ChatMessage`s for
`Moderator.handle`, slash commands become `CommandRequest`s, buttons become
`Moderator.press`; the engine's requests (hide, notify, repost, time out) become
Discord API calls. Permission problems are found at start, reported once, and
remembered, so a missing permission never turns into one failed request per message.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands

from adapters import discord_automod
from adapters.discord_commands import build_group
from adapters.discord_permissions import Refusals, invite_url, missing
from adapters.discord_views import IncidentButton, notice_embed, notice_view
from bot import images
from bot.config import Config, ConfigError, DiscordSettings, secret
from bot.engine import Moderator
from bot.models import (
    Attachment,
    Caller,
    Category,
    ChatMessage,
    CommandReply,
    CommandRequest,
    EventKind,
    ImageAttachment,
    Incident,
    Notice,
)
from bot.notices import build_notice
from bot.platform import DropLogNoise, HideOutcome, PlatformError, StartError, connection_problem

__all__ = ["DiscordAdapter", "audit_reason", "invite_url", "run_discord", "to_chat_message"]

log = logging.getLogger("doxguard.discord")
# doxguard never joins voice: discord.py's warnings about missing voice libraries, and
# its note on the static token, are noise in an operator's log
logging.getLogger("discord.client").addFilter(
    DropLogNoise("voice will NOT be supported", "logging in using static token"))

PLATFORM = "discord"
TEXT_SUFFIXES = (".txt", ".md", ".csv", ".log")
HIDE_REASON = "doxguard: hid a message with personal information of a public servant"
MISSING_MANAGE_MESSAGES = "missing permission: Manage Messages"
MAX_MESSAGE = 2000
MAX_TIMEOUT_MINUTES = 28 * 24 * 60
_THREAD_OFFLOAD_BYTES = 64 * 1024  # decode bigger attachments in a worker thread
_NONE = discord.AllowedMentions.none()
_USER_MESSAGE_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def use_endpoints(settings: DiscordSettings) -> None:
    """Point discord.py at another REST base / gateway (tests, proxies).

    discord.py keeps both as class attributes, so this is process-wide.
    """
    if settings.api_base_url:
        discord.http.Route.BASE = settings.api_base_url.rstrip("/")
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def notice_nonce(notice: Notice) -> str:
    """Discord's idempotency key for a notice (`enforce_nonce`): the same notice sent twice
    within minutes (a process killed after posting it but before recording that, then
    resumed by its successor) is posted once."""
    digest = hashlib.sha256(
        f"{notice.incident_id}|{notice.status.value}|{notice.headline}".encode()).hexdigest()
    return digest[:25]


def audit_reason(reason: str) -> str:
    """An audit-log reason built only from incident ids and category identifiers.

    Whitelisting (rather than masking) guarantees no name, number or address the
    engine may have put in `reason` reaches the guild's audit log.
    """
    ids = re.findall(r"\b[A-Z]{2,5}-\d{1,12}\b", reason)
    lowered = reason.lower()
    cats = [c.value for c in Category if c.value in lowered or c.title.lower() in lowered]
    text = "doxguard: " + (", ".join(dict.fromkeys(ids)) or "moderation")
    if cats:
        text += f" ({', '.join(cats)})"
    return text[:400]


def _chunks(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split on line breaks where possible so long replies stay readable."""
    out: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        out.append(text[:cut])
        text = text[cut:].lstrip("\n")
    out.append(text)
    return out


def _channel_name(channel: Any) -> str:
    if isinstance(channel, discord.Thread):
        parent = channel.parent.name if channel.parent else "?"
        return f"{parent} › {channel.name}"
    return getattr(channel, "name", "") or ""


async def _read_images(message: discord.Message, max_bytes: int) -> tuple[ImageAttachment, ...]:
    """Download the message's image attachments (screenshots) up to `max_bytes` each; one
    too big or not downloadable is noted (the incident says so), never silently dropped."""
    found: list[ImageAttachment] = []
    for index, att in enumerate(message.attachments, start=1):
        if not images.is_image(att.filename, att.content_type or ""):
            continue
        if att.size > max_bytes:
            found.append(images.skipped(index, att.filename, att.url, att.size,
                                        f"larger than images.max_bytes ({att.size} bytes)"))
            continue
        try:
            data = await att.read()
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            found.append(images.skipped(index, att.filename, att.url, att.size,
                                        f"download failed ({type(exc).__name__})"))
            continue
        found.append(images.image_from_bytes(index, att.filename, data[:max_bytes], att.url))
    found.extend(await _read_embed_images(message, max_bytes, len(message.attachments)))
    return tuple(found)


# Discord's own media hosts: an embedded image is fetched only through them (its proxy
# copy), never from the site it was linked from
MEDIA_HOSTS = {"cdn.discordapp.com", "media.discordapp.net"}


def _has_image_embed(data: dict[str, Any]) -> bool:
    return any(isinstance(e, dict) and e.get("type") in ("image", "gifv")
               for e in data.get("embeds") or ())


async def _read_embed_images(
    message: discord.Message, max_bytes: int, after: int
) -> list[ImageAttachment]:
    """Images Discord embedded in the message (an image link unfurled), through Discord's
    media proxy; numbered after the attachments."""
    found: list[ImageAttachment] = []
    hosts = MEDIA_HOSTS | {yarl.URL(discord.http.Route.BASE).host or ""}
    for embed in message.embeds:
        if embed.type not in ("image", "gifv"):
            continue
        media = embed.thumbnail if embed.thumbnail and embed.thumbnail.proxy_url else embed.image
        url = getattr(media, "proxy_url", None) or ""
        index = after + len(found) + 1
        name = yarl.URL(url).name or "embed" if url else "embed"
        if not url or yarl.URL(url).host not in hosts:
            found.append(images.skipped(index, name, url, 0, "not on Discord's media host"))
            continue
        try:
            data = await message._state.http.get_from_cdn(url)
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            found.append(images.skipped(index, name, url, 0,
                                        f"download failed ({type(exc).__name__})"))
            continue
        if len(data) > max_bytes:
            found.append(images.skipped(index, name, url, len(data),
                                        f"larger than images.max_bytes ({len(data)} bytes)"))
            continue
        found.append(images.image_from_bytes(index, name, data, url))
    return found


async def _read_attachments(
    message: discord.Message, max_bytes: int
) -> tuple[Attachment, ...]:
    """Download the message's text attachments (others and oversized ones are skipped)."""
    found: list[Attachment] = []
    for att in message.attachments:
        if not att.filename.lower().endswith(TEXT_SUFFIXES):
            continue
        if att.size > max_bytes:
            log.info("attachment of message %s skipped: %d bytes > %d", message.id, att.size,
                     max_bytes)
            continue
        try:
            data = await att.read()
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            log.warning("attachment of message %s not readable: %s", message.id,
                        type(exc).__name__)
            continue
        data = data[:max_bytes]
        if len(data) > _THREAD_OFFLOAD_BYTES:
            text = await asyncio.to_thread(data.decode, "utf-8", "replace")
        else:
            text = data.decode("utf-8", "replace")
        found.append(Attachment(name=att.filename, text=text, size=len(data)))
    return tuple(found)


async def to_chat_message(
    message: discord.Message,
    *,
    kind: EventKind = EventKind.NEW,
    attachment_max_bytes: int = 262_144,
    image_max_bytes: int = 0,
) -> ChatMessage:
    """A discord.py message as the engine's `ChatMessage` (attachments fetched)."""
    channel = message.channel
    thread = str(channel.id) if isinstance(channel, discord.Thread) else None
    ref = message.reference
    reply_to = str(ref.message_id) if ref is not None and ref.message_id else None
    when = message.edited_at if kind is EventKind.EDIT and message.edited_at else message.created_at
    return ChatMessage(
        id=str(message.id),
        channel=str(channel.id),
        author=str(message.author.id),
        text=message.content or "",
        platform=PLATFORM,
        server=str(message.guild.id) if message.guild else "",
        reply_to=reply_to,
        thread=thread,
        author_name=message.author.display_name,
        channel_name=_channel_name(channel),
        timestamp=when.timestamp(),
        kind=kind,
        attachments=await _read_attachments(message, attachment_max_bytes),
        author_is_bot=bool(message.author.bot or message.webhook_id),
        images=await _read_images(message, image_max_bytes) if image_max_bytes else (),
    )


def _guard_parsers(client: discord.Client) -> None:
    """Log and skip a gateway event discord.py cannot parse instead of dropping the connection.

    discord.py lets a parser's KeyError/TypeError escape the gateway loop, which
    would stop the bot on one malformed payload; the parsers table is the one
    place every event passes through.
    """
    parsers: dict[str, Any] = client._connection.parsers

    def guarded(event: str, parse: Any) -> Any:
        def run(data: Any) -> None:
            try:
                parse(data)
            except Exception as exc:
                log.warning("skipped a malformed %s event (%s)", event, type(exc).__name__)

        return run

    for event, parse in list(parsers.items()):
        parsers[event] = guarded(event, parse)


def make_client(settings: DiscordSettings) -> discord.Client:
    """A plain client, or an `AutoShardedClient` when shard settings are given."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = True
    intents.auto_moderation_execution = settings.automod
    options: dict[str, Any] = {
        "intents": intents,
        "guild_ready_timeout": settings.guild_ready_timeout,
        "allowed_mentions": _NONE,
        "chunk_guilds_at_startup": False,
        "max_messages": 2000,
    }
    if settings.shard_count or settings.shard_ids:
        return discord.AutoShardedClient(
            shard_count=settings.shard_count or None,
            shard_ids=list(settings.shard_ids) or None,
            **options,
        )
    return discord.Client(**options)


class DiscordAdapter:
    """The `Platform` for Discord plus the event handlers that feed the engine."""

    name = PLATFORM

    def __init__(self, config: Config) -> None:
        self.config = config
        self.settings = config.discord
        if self.settings.shard_ids and not self.settings.shard_count:
            raise ConfigError(config.source or "<config>", "discord.shard_ids",
                              "needs discord.shard_count (the total number of shards)")
        # discord.py logs whole gateway payloads and request bodies (message text) at
        # DEBUG; keep that out of doxguard's logs even when the operator turns DEBUG on
        library_log = logging.getLogger("discord")
        if library_log.getEffectiveLevel() < logging.INFO:
            library_log.setLevel(logging.INFO)
        self.client = make_client(self.settings)
        _guard_parsers(self.client)
        self.client.doxguard = self  # type: ignore[attr-defined]  # for the button items
        self.tree = app_commands.CommandTree(self.client)
        self.tree.add_command(build_group(self))
        self.moderator: Moderator | None = None
        self._owns_moderator = True  # False when the runner shares one engine between platforms
        self.refusals = Refusals()
        self._moderator_ready = asyncio.Event()
        self._connected = asyncio.Event()  # guild cache filled: notices can be posted
        self._guilds_set_up = asyncio.Event()  # permissions checked, commands synced
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._webhooks: dict[int, discord.Webhook] = {}
        self._own_webhooks: set[int] = set()
        self._preblocked: set[str] = set()
        self._set_up: set[int] = set()
        self._backfill_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._busy: set[asyncio.Task[Any]] = set()  # events the engine is working on
        self._runner: asyncio.Task[None] | None = None
        for event in (
            "setup_hook", "on_ready", "on_resumed", "on_guild_available", "on_guild_join",
            "on_message", "on_raw_message_edit", "on_raw_message_delete", "on_automod_action",
            "on_guild_role_update", "on_guild_channel_update", "on_guild_update",
        ):
            setattr(self.client, event, getattr(self, event))

    # ------------------------------------------------------------------ lifecycle

    async def start(self, token: str, *, db_path: str | Path | None = None,
                    moderator: Moderator | None = None, **moderator_options: Any) -> None:
        """Log in, connect, and build the Moderator; returns once the engine is running.

        The gateway connects while the engine resumes unfinished work, because
        resuming may need to hide messages or post notices. With `moderator` (the
        runner's one engine for every platform) the adapter uses it and leaves
        closing it to its owner.
        """
        use_endpoints(self.settings)
        await self.client.login(token)
        self._runner = asyncio.create_task(self.client.connect(reconnect=True))
        if moderator is not None:
            self.moderator, self._owns_moderator = moderator, False
            self._moderator_ready.set()
            return
        try:
            self.moderator = await Moderator.create(
                self.config, self, db_path=db_path, **moderator_options
            )
        except BaseException:
            await self.close()
            raise
        self._moderator_ready.set()

    @property
    def gateway(self) -> asyncio.Task[None] | None:
        """The gateway connection's task: it ends when Discord closes it for good."""
        return self._runner

    async def wait_ready(self, within: float = 30.0) -> None:
        """Until the gateway is up and every guild was set up (commands synced)."""
        await asyncio.wait_for(self._guilds_set_up.wait(), within)

    async def run(self, token: str) -> None:
        """Run until the gateway task ends (closed or a fatal error)."""
        await self.start(token)
        assert self._runner is not None
        try:
            await self._runner
        finally:
            await self.close()

    async def close(self, drain: float = 10.0) -> None:
        """Stop receiving, let events already in the engine finish, then close the store."""
        await self.client.close()
        busy = {t for t in self._busy if t is not asyncio.current_task()}
        if busy:
            await asyncio.wait(busy, timeout=drain)
        if self._runner is not None:
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.moderator is not None and self._owns_moderator:
            await self.moderator.close()
        self.moderator = None

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _engine(self) -> Moderator:
        await self._moderator_ready.wait()
        assert self.moderator is not None
        return self.moderator

    # ------------------------------------------------------------------ gateway events

    async def setup_hook(self) -> None:
        # one template matches the buttons of every notice ever posted
        self.client.add_dynamic_items(IncidentButton)

    async def on_ready(self) -> None:
        # set first: the engine may be resuming work (notices) while it starts, and
        # setting up AutoMod waits for the engine
        self._connected.set()
        for guild in self.client.guilds:
            await self._setup_guild(guild)
        self._guilds_set_up.set()
        self._spawn(self.backfill())

    async def on_resumed(self) -> None:
        self._spawn(self.backfill())

    async def on_guild_available(self, guild: discord.Guild) -> None:
        if self.client.is_ready():
            await self._setup_guild(guild)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._setup_guild(guild)

    async def on_guild_role_update(self, before: Any, after: discord.Role) -> None:
        self.refusals.forget_guild(str(after.guild.id))

    async def on_guild_channel_update(self, before: Any, after: Any) -> None:
        self.refusals.forget_guild(str(after.guild.id))

    async def on_guild_update(self, before: Any, after: discord.Guild) -> None:
        self.refusals.forget_guild(str(after.id))

    def _ignored(self, message: discord.Message) -> bool:
        if message.guild is None or message.type not in _USER_MESSAGE_TYPES:
            return True
        me = self.client.user
        if me is not None and message.author.id == me.id:
            return True
        if message.webhook_id is not None and message.webhook_id in self._own_webhooks:
            return True  # our own restored reposts
        if message.webhook_id is not None or message.author.bot:
            return self.settings.ignore_bots
        return False

    async def on_message(self, message: discord.Message) -> None:
        if self._ignored(message):
            return
        await self._process(message, EventKind.NEW)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """Re-scan edits, cached or not; link unfurls (no edited_timestamp) are skipped."""
        message = payload.message
        unfurled = not payload.data.get("edited_timestamp")
        if unfurled and not (self.config.images.enabled and _has_image_embed(payload.data)):
            return  # Discord added embeds; the text did not change
        # (an unfurled image link is new content: the picture is read)
        before = payload.cached_message
        if not unfurled and before is not None and before.content == message.content and [
            a.id for a in before.attachments
        ] == [a.id for a in message.attachments]:
            return
        if self._ignored(message):
            return
        await self._process(message, EventKind.EDIT)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if payload.guild_id is None:
            return
        event = ChatMessage(
            id=str(payload.message_id), channel=str(payload.channel_id), author="", text="",
            platform=PLATFORM, server=str(payload.guild_id), kind=EventKind.DELETE,
        )
        await self._handle(event)

    async def _process(self, message: discord.Message, kind: EventKind) -> None:
        # the per-channel lock keeps the engine's view of a conversation in order
        async with self._locks[str(message.channel.id)]:
            chat = await to_chat_message(
                message, kind=kind, attachment_max_bytes=self.settings.attachment_max_bytes,
                image_max_bytes=self.config.images.max_bytes if self.config.images.enabled else 0,
            )
            await self._handle_locked(chat)

    async def _handle(self, chat: ChatMessage) -> None:
        async with self._locks[chat.channel]:
            await self._handle_locked(chat)

    async def _handle_locked(self, chat: ChatMessage) -> Incident | None:
        engine = await self._engine()
        task = asyncio.current_task()
        if task is not None:
            self._busy.add(task)
        try:
            return await engine.handle(chat)
        except Exception as exc:  # one bad event must not stop the bot
            log.error("message %s in channel %s not processed: %s", chat.id, chat.channel,
                      type(exc).__name__)
            return None
        finally:
            self._busy.discard(task)  # type: ignore[arg-type]

    async def on_automod_action(self, execution: discord.AutoModAction) -> None:
        """A message AutoMod blocked before posting: let the engine record it."""
        if execution.action.type is not discord.AutoModRuleActionType.block_message:
            return  # alerts and timeouts of the same match arrive as separate events
        if not execution.content or execution.channel_id is None:
            return
        guild = self.client.get_guild(execution.guild_id)
        member = guild.get_member(execution.user_id) if guild else None
        channel = guild.get_channel_or_thread(execution.channel_id) if guild else None
        mid = str(discord.utils.time_snowflake(discord.utils.utcnow()))
        self._preblocked.add(mid)
        chat = ChatMessage(
            id=mid,
            channel=str(execution.channel_id),
            author=str(execution.user_id),
            text=execution.content,
            platform=PLATFORM,
            server=str(execution.guild_id),
            author_name=member.display_name if member else "",
            channel_name=_channel_name(channel) if channel else "",
            timestamp=discord.utils.utcnow().timestamp(),
            event_id=f"automod:{execution.rule_id}:{mid}",
        )
        await self._handle(chat)

    # ------------------------------------------------------------------ per-guild setup

    async def _setup_guild(self, guild: discord.Guild) -> None:
        """Once per guild: check permissions, sync commands, install AutoMod."""
        if guild.id in self._set_up:
            return
        self._set_up.add(guild.id)
        self.refusals.forget_guild(str(guild.id))
        lacking = missing(guild.me.guild_permissions, automod=self.settings.automod)
        if lacking:
            log.warning("guild %s (%s): missing permissions: %s", guild.id, guild.name,
                        ", ".join(lacking))
        if self._mod_log(guild) is None:
            log.warning("guild %s (%s): no mod-log channel '%s'; notices cannot be posted",
                        guild.id, guild.name, self._mod_log_name(guild))
        if self.settings.sync_commands:
            try:
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
            except discord.HTTPException as exc:
                log.warning("guild %s: slash commands not synced (%s)", guild.id, exc.status)
        if self.settings.automod:
            await self._install_automod(guild)

    async def _install_automod(self, guild: discord.Guild) -> None:
        have = guild.me.guild_permissions
        if not (have.manage_guild or have.administrator):
            log.warning("guild %s: AutoMod needs Manage Server; rule not installed", guild.id)
            return
        engine = await self._engine()
        names = _servant_names(engine)
        mod_log = self._mod_log(guild)
        try:
            await discord_automod.install_rule(guild, names, mod_log.id if mod_log else None)
        except discord.HTTPException as exc:
            log.warning("guild %s: AutoMod rule not installed (%s)", guild.id, exc.status)

    def _mod_log_name(self, guild: discord.Guild) -> str:
        """The guild's own `[servers]` mod-log channel, else `discord.mod_log_channel`."""
        own = self.config.server(PLATFORM, str(guild.id)).mod_log_channel
        return own or self.settings.mod_log_channel

    def _mod_log(self, guild: discord.Guild) -> discord.TextChannel | None:
        want = self._mod_log_name(guild).strip().lstrip("#")
        if want.isdigit():
            channel = guild.get_channel(int(want))
            return channel if isinstance(channel, discord.TextChannel) else None
        return discord.utils.get(guild.text_channels, name=want)

    # ------------------------------------------------------------------ backfill

    async def backfill(self) -> int:
        """Scan what was posted while the bot was away; returns how many messages were read."""
        async with self._backfill_lock:
            engine = await self._engine()
            limit = asyncio.Semaphore(4)
            channels: list[discord.TextChannel | discord.Thread] = []
            for guild in self.client.guilds:
                for ch in (*guild.text_channels, *guild.threads):
                    perms = ch.permissions_for(guild.me)
                    if perms.view_channel and perms.read_message_history:
                        channels.append(ch)
            counts = await asyncio.gather(
                *(self._backfill_channel(engine, ch, limit) for ch in channels)
            )
            total = sum(counts)
            if total:
                log.info("backfill: %d messages read in %d channels", total, len(channels))
            return total

    async def _backfill_channel(
        self, engine: Moderator, channel: discord.TextChannel | discord.Thread,
        limit: asyncio.Semaphore,
    ) -> int:
        cursor = await engine.get_cursor(PLATFORM, str(channel.id), str(channel.guild.id))
        if cursor is None or not cursor.isdigit():
            return 0  # never seen: nothing was missed
        oldest = discord.utils.utcnow() - dt.timedelta(hours=self.settings.backfill_max_age_hours)
        after = max(int(cursor), discord.utils.time_snowflake(oldest))
        count = 0
        async with limit:
            try:
                async for message in channel.history(
                    limit=self.settings.backfill_max_messages,
                    after=discord.Object(id=after),
                    oldest_first=True,
                ):
                    count += 1
                    if not self._ignored(message):
                        await self._process(message, EventKind.NEW)
            except discord.HTTPException as exc:
                log.warning("backfill of channel %s stopped (%s)", channel.id, exc.status)
        return count

    # ------------------------------------------------------------------ commands & buttons

    def _caller(self, interaction: discord.Interaction[Any]) -> Caller:
        user = interaction.user
        roles = getattr(user, "roles", [])
        return Caller(
            platform=PLATFORM,
            user_id=str(user.id),
            server=str(interaction.guild_id or ""),
            channel=str(interaction.channel_id or ""),
            roles=tuple(str(r.id) for r in roles if r.id != interaction.guild_id),
            display_name=user.display_name,
        )

    async def on_command(
        self, interaction: discord.Interaction[Any], name: str, args: tuple[str, ...]
    ) -> None:
        engine = await self._engine()
        request = CommandRequest(self._caller(interaction), name, args)
        await self._answer(interaction, engine.run_command(request))

    async def on_button(
        self, interaction: discord.Interaction[Any], action: str, incident_id: str
    ) -> None:
        engine = await self._engine()
        caller = self._caller(interaction)
        reply = await self._answer(interaction, engine.press(caller, action, incident_id))
        if reply.ok:
            await self._refresh_notice(engine, interaction, incident_id, action, caller)

    async def _refresh_notice(
        self, engine: Moderator, interaction: discord.Interaction[Any], incident_id: str,
        action: str, caller: Caller,
    ) -> None:
        """Redraw the pressed notice in the incident's new state, so moderators see it is done."""
        incident = await engine.store.get_incident(incident_id)
        if incident is None or interaction.message is None:
            return
        notice = build_notice(incident)
        embed = notice_embed(notice)
        embed.set_footer(text=f"doxguard · {incident.status.value} · {action} by "
                              f"{caller.display_name or caller.user_id}")
        try:
            await interaction.message.edit(embed=embed, view=notice_view(notice))
        except discord.HTTPException as exc:
            log.info("notice for %s not redrawn (%s)", incident_id, exc.status)

    async def on_complete(self, kind: str, prefix: str) -> list[str]:
        engine = await self._engine()
        try:
            return await engine.complete(kind, prefix)
        except Exception as exc:
            log.warning("autocomplete failed: %s", type(exc).__name__)
            return []

    async def _answer(self, interaction: discord.Interaction[Any], work: Any) -> CommandReply:
        """Reply ephemerally; defer first when the engine takes longer than Discord waits."""
        task: asyncio.Task[CommandReply] = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=2.0)
        if not done:
            await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            reply = await task
        except Exception as exc:
            log.error("command failed: %s", type(exc).__name__)
            reply = CommandReply("doxguard could not run that; see the bot's log.", ok=False)
        parts = _chunks(reply.text or "(no output)")
        first, rest = parts[0], parts[1:]
        if not interaction.response.is_done():
            await interaction.response.send_message(
                first, ephemeral=reply.ephemeral, allowed_mentions=_NONE
            )
        else:
            rest = parts
        for part in rest:
            await interaction.followup.send(part, ephemeral=reply.ephemeral, allowed_mentions=_NONE)
        return reply

    # ------------------------------------------------------------------ Platform port

    def _channel(self, server: str, channel: str) -> tuple[discord.Guild | None, Any]:
        guild = self.client.get_guild(int(server)) if server.isdigit() else None
        if guild is None or not channel.isdigit():
            return guild, None
        return guild, guild.get_channel_or_thread(int(channel))

    async def _ready(self) -> None:
        try:
            await asyncio.wait_for(self._connected.wait(), 30.0)
        except TimeoutError:
            raise PlatformError("not connected to Discord yet", retryable=True) from None

    async def hide(self, message: ChatMessage) -> HideOutcome:
        """Delete the message (Manage Messages); a known refusal is answered from memory."""
        if message.id in self._preblocked:
            return HideOutcome(ok=True)  # AutoMod blocked it before it was posted
        scope = f"{message.server}/{message.channel}"
        if self.refusals.refused("delete", scope):
            return HideOutcome(ok=False, error=MISSING_MANAGE_MESSAGES)
        guild, channel = self._channel(message.server, message.channel)
        if guild is not None and channel is not None:
            perms = channel.permissions_for(guild.me)
            if not (perms.manage_messages or perms.administrator):
                self.refusals.remember("delete", scope)
                return HideOutcome(ok=False, error=MISSING_MANAGE_MESSAGES)
        try:
            await self.client.http.delete_message(
                int(message.channel), int(message.id), reason=HIDE_REASON
            )
        except discord.NotFound:
            return HideOutcome(ok=True)  # already deleted, by its author or a moderator
        except discord.Forbidden:
            self.refusals.remember("delete", scope)
            log.warning("channel %s: delete refused (Manage Messages missing)", message.channel)
            return HideOutcome(ok=False, error=MISSING_MANAGE_MESSAGES)
        except discord.RateLimited as exc:
            return HideOutcome(ok=False, error=f"rate limited for {exc.retry_after:.0f}s",
                               retryable=True)
        except discord.HTTPException as exc:
            retry = exc.status >= 500 or exc.status == 429
            return HideOutcome(ok=False, error=f"Discord answered {exc.status}", retryable=retry)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return HideOutcome(ok=False, error=f"connection problem ({type(exc).__name__})",
                               retryable=True)
        return HideOutcome(ok=True)

    def serves_server(self, platform: str, server: str) -> bool:
        """Only the guilds of this process's shards (Discord's `(guild_id >> 22) % count`):
        the process running the other shards resumes theirs."""
        count, mine = self.settings.shard_count, self.settings.shard_ids
        if platform != "discord" or not count or not mine or not server.isdigit():
            return True
        return (int(server) >> 22) % count in mine

    async def notify_moderators(self, notice: Notice) -> None:
        """Post the notice embed with its buttons in the guild's mod-log channel."""
        await self._ready()
        guild = self.client.get_guild(int(notice.server)) if notice.server.isdigit() else None
        if guild is None:
            raise PlatformError(f"guild {notice.server} is not available", retryable=True)
        channel = self._mod_log(guild)
        if channel is None:
            raise PlatformError(
                f"no mod-log channel '{self._mod_log_name(guild)}' in guild {guild.id}"
            )
        scope = f"{guild.id}/{channel.id}"
        if self.refusals.refused("notify", scope):
            raise PlatformError("cannot post in the mod-log channel (missing permission)",
                                status=403)
        try:
            await channel.send(
                embed=notice_embed(notice), view=notice_view(notice), allowed_mentions=_NONE,
                nonce=notice_nonce(notice),
            )
        except discord.Forbidden:
            self.refusals.remember("notify", scope)
            log.warning("guild %s: cannot post in the mod-log channel (Send Messages or Embed "
                        "Links missing)", guild.id)
            raise PlatformError("cannot post in the mod-log channel (missing permission)",
                                status=403) from None
        except discord.HTTPException as exc:
            raise PlatformError(f"Discord answered {exc.status}", retryable=True,
                                status=exc.status) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise PlatformError(f"connection problem ({type(exc).__name__})",
                                retryable=True) from None

    async def _webhook(
        self, channel: discord.TextChannel | discord.ForumChannel
    ) -> discord.Webhook:
        hook = self._webhooks.get(channel.id)
        if hook is not None:
            return hook
        me = self.client.user
        for existing in await channel.webhooks():
            if existing.user is not None and me is not None and existing.user.id == me.id \
                    and existing.token:
                hook = existing
                break
        if hook is None:
            hook = await channel.create_webhook(name="doxguard restore",
                                                reason="doxguard: repost restored messages")
        self._webhooks[channel.id] = hook
        self._own_webhooks.add(hook.id)
        return hook

    async def repost(self, incident: Incident, original_text: str) -> None:
        """Repost through a channel webhook under the author's name and avatar."""
        await self._ready()
        guild, channel = self._channel(incident.server, incident.channel)
        if guild is None or channel is None:
            raise PlatformError("the incident's channel no longer exists")
        thread = channel if isinstance(channel, discord.Thread) else None
        target = channel.parent if thread is not None else channel
        if target is None:
            raise PlatformError("the thread's parent channel is gone")
        name, avatar = incident.author_name or "member", None
        member = guild.get_member(int(incident.author)) if incident.author.isdigit() else None
        user: discord.abc.User | None = member
        if user is None and incident.author.isdigit():
            try:
                user = await self.client.fetch_user(int(incident.author))
            except discord.HTTPException:
                user = None
        if user is not None:
            name, avatar = user.display_name, user.display_avatar.url
        username = f"{name} (restored by moderators)"[:80]
        parts = _chunks(original_text or " ", MAX_MESSAGE - 60)
        parts[-1] += f"\n-# restored by the moderators ({incident.id})"
        try:
            hook = await self._webhook(target)
            for part in parts:
                kwargs: dict[str, Any] = {"thread": thread} if thread is not None else {}
                await hook.send(part, username=username, avatar_url=avatar,
                                allowed_mentions=_NONE, wait=True, **kwargs)
        except discord.Forbidden:
            raise PlatformError("missing permission: Manage Webhooks", status=403) from None
        except discord.HTTPException as exc:
            self._webhooks.pop(target.id, None)
            raise PlatformError(f"Discord answered {exc.status}", retryable=exc.status >= 500,
                                status=exc.status) from None

    async def notify_author(self, message: ChatMessage, text: str) -> None:
        """A direct message to the author; closed DMs are not an error worth retrying."""
        if not message.author.isdigit():
            return
        try:
            user = self.client.get_user(int(message.author)) or await self.client.fetch_user(
                int(message.author)
            )
            await user.send(text[:MAX_MESSAGE], allowed_mentions=_NONE)
        except discord.Forbidden:
            log.info("author of message %s does not accept direct messages", message.id)
        except discord.HTTPException as exc:
            raise PlatformError(f"Discord answered {exc.status}", retryable=exc.status >= 500,
                                status=exc.status) from None

    async def timeout_author(self, message: ChatMessage, minutes: int, reason: str) -> bool:
        """Member timeout (Moderate Members); the audit reason carries no PII."""
        if not (message.server.isdigit() and message.author.isdigit()) or minutes <= 0:
            return False
        if self.refusals.refused("timeout", message.server):
            return False
        guild = self.client.get_guild(int(message.server))
        if guild is not None and not (
            guild.me.guild_permissions.moderate_members or guild.me.guild_permissions.administrator
        ):
            self.refusals.remember("timeout", message.server)
            log.warning("guild %s: cannot time out (Moderate Members missing)", message.server)
            return False
        until = discord.utils.utcnow() + dt.timedelta(minutes=min(minutes, MAX_TIMEOUT_MINUTES))
        try:
            await self.client.http.edit_member(
                int(message.server), int(message.author), reason=audit_reason(reason),
                communication_disabled_until=until.isoformat(),
            )
        except discord.Forbidden:
            # the member may outrank the bot; that is per member, so only log it
            log.warning("guild %s: timeout refused", message.server)
            return False
        except discord.NotFound:
            return False
        except discord.HTTPException as exc:
            raise PlatformError(f"Discord answered {exc.status}", retryable=exc.status >= 500,
                                status=exc.status) from None
        return True


def _servant_names(engine: Moderator) -> list[str]:
    """Full names and aliases of the registered servants, for the AutoMod rule."""
    names: list[str] = []
    for servant in engine.registry.servants:
        names.append(servant.name)
        names.extend(servant.aliases)
    return names


async def run_discord(config: Config) -> int:
    """`doxguard run` for Discord: 0 after a clean stop, 2 when it cannot start."""
    env = config.discord.token_env
    token = secret(env)
    if token is None:
        log.error("set the environment variable %s to the bot token", env)
        return 2
    from bot.runner import run_platforms  # local: the runner imports this module lazily

    try:
        return await run_platforms(config, ["discord"])
    except asyncio.CancelledError:
        return 0


def start_problem(config: Config, exc: BaseException) -> StartError | None:
    """The one line for an error that keeps Discord from starting, or None for any other."""
    env = config.discord.token_env
    if isinstance(exc, discord.LoginFailure):
        return StartError(
            f"discord: Discord refused the bot token in ${env} (discord.token_env): copy it "
            "again from the Developer Portal (Bot → Reset Token) and export it")
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return StartError(
            "discord: the Message Content intent is off: enable it in the Developer Portal "
            "(Bot → Privileged Gateway Intents) and start again")
    if isinstance(exc, (aiohttp.ClientError, OSError, TimeoutError, discord.GatewayNotFound)):
        where = config.discord.api_base_url or "discord.com"
        return StartError(
            f"discord: cannot reach Discord ({where}; {connection_problem(exc)}): check the "
            "network, proxy or firewall (discord.api_base_url overrides the address)")
    return None


async def start_discord(adapter: DiscordAdapter, token: str, moderator: Moderator) -> None:
    """Log in and connect with the runner's engine; StartError for what an operator fixes."""
    try:
        await adapter.start(token, moderator=moderator)
    except Exception as exc:
        problem = start_problem(adapter.config, exc)
        if problem is None:
            raise
        raise problem from None
