"""The Moderator: the platform-neutral engine every adapter plugs into.

It receives `ChatMessage` events (new, edit, delete), scans them with the
channel's recent context, and carries out the verdict through a `Platform`, in
an order that loses nothing: the incident and its sealed original are
committed first, then the message is hidden, then moderators are told (with
retries). A crash anywhere in between is resumed by `Moderator.create`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import re
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import fingerprints, images, incidents, notices
from bot.config import Config, ConfigError, load_config
from bot.incidents import Move
from bot.models import (
    ALLOW,
    Action,
    Caller,
    ChatMessage,
    CommandReply,
    CommandRequest,
    EventKind,
    Incident,
    IncidentStatus,
    Verdict,
)
from bot.platform import HideOutcome, Platform, PlatformError
from bot.policy import allowlist_entry
from bot.registry import Registry, load_servants, servant_from_dict
from bot.seal import Sealer, SealError
from bot.store import AuditRecord, IncidentStore, Scope, StoreError, open_store

if TYPE_CHECKING:
    from bot.pipeline import Pipeline  # imported when first needed: it builds detectors

log = logging.getLogger("doxguard.engine")

SCAN_OFF_LOOP_CHARS = 4_000  # longer messages (and attachments) are scanned in a worker thread
OFF_LOOP_SCANS = 4  # worker-thread scans at once; more wait (their channel only)
SWEEP_SECONDS = 300.0  # how often unsent notices are retried and expired originals purged
MAX_BACKOFF = 30.0
# a dropped connection or timeout mid-call: the request may not have arrived, so retrying
# a hide (idempotent: a second delete of a gone message is a 404) or a notice is safe
_TRANSIENT = (ConnectionError, TimeoutError)
# an edit of a message doxguard has not hidden is scanned again, whatever its incident says
_RESCANNED = (IncidentStatus.REVIEW, IncidentStatus.HIDE_FAILED, IncidentStatus.DISMISSED)


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(message: ChatMessage) -> ChatMessage:
    """A lone surrogate (valid JSON, not UTF-8) cannot be sealed or stored: U+FFFD instead."""
    try:
        message.full_text.encode("utf-8")
        message.markup.encode("utf-8")
        return message
    except UnicodeEncodeError:
        pass
    attachments = tuple(
        dataclasses.replace(a, text=_SURROGATE.sub("\ufffd", a.text)) for a in message.attachments
    )
    return dataclasses.replace(
        message,
        text=_SURROGATE.sub("\ufffd", message.text),
        markup=_SURROGATE.sub("\ufffd", message.markup),
        attachments=attachments,
    )


def verdict_reason(verdict: Verdict) -> str:
    """The one line a notice gives for the verdict (its explanation's summary)."""
    if verdict.why is not None:
        return verdict.why.summary()
    return "; ".join(verdict.reasons)


@dataclass(frozen=True, slots=True)
class Original:
    """An opened sealed original: the text, and the allowlist keys of its findings."""

    text: str
    allowlist: tuple[tuple[str, str], ...]
    markup: str = ""  # the platform's markup of the body, when the adapter gave one

    @property
    def as_posted(self) -> str:
        """What to repost: the author's own formatting where the platform has one."""
        return self.markup or self.text


def describe_platform_error(exc: PlatformError) -> str:
    """A short, PII-free reason for a failed platform call."""
    if exc.status == 403:
        return "missing permission"
    if exc.status == 404:
        return "message already gone"
    if exc.status == 429:
        return "rate limited"
    if exc.status is not None and exc.status >= 500:
        return f"platform error (HTTP {exc.status})"
    if exc.status is None and exc.retryable:
        return "platform unreachable (connection failed)"
    return "platform error" if exc.status is None else f"platform error (HTTP {exc.status})"


# Hide failures that say something about this one message, not a standing problem
# (permissions, tokens, an outage) the moderators should hear about once.
_PER_MESSAGE_ERRORS = ("message already gone",)


def _message_meta(message: ChatMessage) -> dict[str, Any]:
    """What the store keeps of a message so a restart can still hide it: ids, never text."""
    return {
        "id": message.id,
        "channel": message.channel,
        "author": message.author,
        "platform": message.platform,
        "server": message.server,
        "reply_to": message.reply_to,
        "thread": message.thread,
        "author_name": message.author_name,
        "channel_name": message.channel_name,
        "timestamp": message.timestamp,
        "event_id": message.event_id,
    }


def _message_from_meta(meta: dict[str, Any]) -> ChatMessage:
    return ChatMessage(
        id=meta["id"],
        channel=meta["channel"],
        author=meta["author"],
        text="",
        platform=meta.get("platform", "console"),
        server=meta.get("server", ""),
        reply_to=meta.get("reply_to"),
        thread=meta.get("thread"),
        author_name=meta.get("author_name", ""),
        channel_name=meta.get("channel_name", ""),
        timestamp=meta.get("timestamp", 0.0),
        event_id=meta.get("event_id"),
    )


def _newer(candidate: str, current: str | None) -> bool:
    """Snowflakes, Slack ts and console ids all grow; compare numerically when we can."""
    if current is None:
        return True
    try:  # exact: float() would make two snowflakes of the same millisecond equal
        return Decimal(candidate) > Decimal(current)
    except (InvalidOperation, ValueError):
        return candidate != current


class Moderator:
    """One running bot: config, store, pipeline and the platform it acts on."""

    def __init__(
        self,
        config: Config,
        platform: Platform,
        store: IncidentStore,
        sealer: Sealer | None,
        file_registry: Registry,
        retry_delay: float,
    ):
        from bot.pipeline import Pipeline  # the pipeline builds detectors; import when needed

        self.config = config
        self.platform = platform
        self.store = store
        self.sealer = sealer
        self.retry_delay = retry_delay
        self.started_at = time.time()
        self.key_mismatch = False
        self._file_registry = file_registry
        self.pipeline = Pipeline(config, file_registry)
        # servers with a registry of their own ([servers."platform:id"] servants_file):
        # its file, and a pipeline over the global servants plus that server's
        self._server_files: dict[str, Registry] = {}
        self._server_pipelines: dict[str, Pipeline] = {}
        self.context = self.pipeline.new_context()
        # order is kept per channel (the context depends on it); channels scan in parallel,
        # and at most OFF_LOOP_SCANS big messages are scanned in worker threads at once
        self._channel_locks: dict[tuple[str, str, str], asyncio.Lock] = {}
        self._off_loop = asyncio.Semaphore(OFF_LOOP_SCANS)
        self._cursors: dict[tuple[str, str, str], str] = {}  # (platform, channel, server)
        self._in_flight: set[str] = set()  # incidents handle() is carrying out right now
        # one lock per incident being worked on: status changes of one incident are
        # serialized in this process (the store's compare-and-set guards other processes)
        self._incident_locks: dict[str, asyncio.Lock] = {}
        self._incident_waiters: dict[str, int] = {}
        self._file_servants_setting: str | None = config.servants_file
        self._sweeper: asyncio.Task[None] | None = None
        self._closed = False
        # standing hide problems told to moderators: (platform, server, channel, error) ->
        # the incident whose notice said it; later incidents' notices refer to it instead
        self._problems: dict[tuple[str, str, str, str], str] = {}
        self._repeat_of: dict[str, str] = {}
        self.failure: StoreError | None = None  # set when the store became unusable
        self.failed = asyncio.Event()  # adapters stop the bot when it is set
        self.images = images.ImageReader(config.images)  # screenshots: OCR off the loop
        self._install_allowlist_secret()

    # -- construction --------------------------------------------------------
    @classmethod
    async def create(
        cls,
        config: Config,
        platform: Platform,
        *,
        db_path: str | Path | None = None,
        registry: Registry | None = None,
        retry_delay: float = 0.5,
        sweep: bool = True,
        store: IncidentStore | None = None,
        resume: bool = True,
    ) -> Moderator:
        """Open the store (":memory:" allowed; default `config.database_path`), migrate it,
        merge the file registry (or `registry`) with servants changed by commands,
        build the pipeline and resume unfinished work (PENDING incidents are hidden
        again, unsent notices are sent). `retry_delay` is the first backoff step;
        `sweep` runs the periodic retry/purge task. `store` hands over an open store
        (closed with the moderator); `resume=False` leaves resuming to the caller (a
        runner that connects the platforms first).

        Raises ConfigError for a broken servants file and StoreError for an
        unusable database: both are fatal at start, with a message naming the file.
        """
        if registry is None:
            registry = await asyncio.to_thread(load_file_registry, config)
        if store is None:
            store = await open_store(config, db_path)
        try:
            sealer = await asyncio.to_thread(Sealer.from_env, config.storage.encryption_key_env)
            moderator = cls(config, platform, store, sealer, registry, retry_delay)
            moderator._server_files = await asyncio.to_thread(load_server_registries, config)
            moderator._file_servants_setting = await asyncio.to_thread(
                _servants_setting_in_file, config
            )
            await moderator._check_key()
            await moderator._apply_registry()
            watch = getattr(store, "watch_servants", None)
            if callable(watch):  # a shared database: other processes' registry changes
                watch(moderator._apply_registry)
            moderator.pipeline.allowlist.update(
                allowlist_entry(*row) for row in await store.allowlist_entries())
            await moderator.purge_expired()
            if resume:
                await moderator.resume()
        except BaseException:
            await store.close()
            raise
        if sweep:
            moderator._sweeper = asyncio.create_task(moderator._sweep(), name="doxguard-sweep")
        return moderator

    async def _check_key(self) -> None:
        env = self.config.storage.encryption_key_env
        if self.sealer is None and not env:  # sealing turned off on purpose (replay does)
            log.info("sealing is off (storage.encryption_key_env is empty): only masked "
                     "summaries are kept")
            return
        if self.sealer is None:
            log.warning(
                "no sealing key in $%s: originals are NOT kept, only masked summaries "
                "(reveal and restore will be unavailable)",
                env,
            )
            return
        stored = await self.store.get_meta("seal_fingerprint")
        if stored is None:
            await self.store.set_meta("seal_fingerprint", self.sealer.fingerprint)
        elif stored != self.sealer.fingerprint:
            self.key_mismatch = True
            log.error(
                "the key in $%s is not the key earlier originals were sealed with: they cannot "
                "be revealed or restored with it (new incidents are sealed with the new key)",
                env,
            )
        log.info("originals are sealed with the key from $%s", env)

    async def _apply_registry(self) -> None:
        """File registry plus the servants moderators added or removed by command."""
        reg = self._file_registry
        for override in await self.store.servant_overrides():
            if override.data is None:
                reg = reg.without(override.name)
                continue
            try:
                servant = servant_from_dict(
                    override.data, region=self.config.detection.default_region
                )
            except Exception as exc:  # a stored entry that no longer validates
                log.warning("skipping stored servant change: %s", type(exc).__name__)
                continue
            reg = reg.with_servant(servant)
        self.pipeline.set_registry(reg)
        self._build_server_pipelines()
        self._install_allowlist_secret()

    def _build_server_pipelines(self) -> None:
        """A server's own servants are protected there, besides (and over) the global ones."""
        base = self.pipeline.registry
        self._server_pipelines = {
            key: self.pipeline.with_registry(Registry([*base.servants, *own.servants]))
            for key, own in self._server_files.items()
        }

    def pipeline_for(self, platform: str, server: str) -> Pipeline:
        """The pipeline that scans this server's messages (its own registry, if any)."""
        return self._server_pipelines.get(f"{platform}:{server}", self.pipeline)

    def _install_allowlist_secret(self) -> None:
        """The policy checks allowlist HMACs keyed from the sealing key (see allowlist_key)."""
        secret = self.sealer.allowlist_secret if self.sealer is not None else None
        for pipeline in (self.pipeline, *self._server_pipelines.values()):
            pipeline.policy.allowlist_secret = secret

    @property
    def registry(self) -> Registry:
        return self.pipeline.registry

    async def set_registry(self, registry: Registry) -> None:
        self.pipeline.set_registry(registry)
        self._build_server_pipelines()
        self._install_allowlist_secret()

    async def reload(self) -> Config:
        """Re-read the config file and the servants file, then switch to them.

        Raises ConfigError (and changes nothing) when either is broken. Overrides
        given at start (`--servants`, `--db`) stay in force: the database cannot
        change while running, and a command-line servants file wins over the
        config's until restart.
        """
        running = self.config
        loaded = await asyncio.to_thread(load_config, running.source or None)
        if running.servants_file != self._file_servants_setting:
            loaded = dataclasses.replace(loaded, servants_file=running.servants_file)
        self._file_servants_setting = (
            loaded.servants_file
            if running.servants_file == self._file_servants_setting
            else self._file_servants_setting
        )
        loaded = dataclasses.replace(
            loaded, storage=dataclasses.replace(loaded.storage, path=running.storage.path)
        )
        registry = await asyncio.to_thread(load_file_registry, loaded)
        server_files = await asyncio.to_thread(load_server_registries, loaded)
        await self.reconfigure(loaded, registry, server_files)
        return loaded

    async def reconfigure(self, config: Config, file_registry: Registry,
                          server_files: dict[str, Registry] | None = None) -> None:
        """Swap in a freshly loaded config and servants files (used by `reload`)."""
        from bot.pipeline import Pipeline

        allow = set(self.pipeline.allowlist)
        pipeline = await asyncio.to_thread(Pipeline, config, file_registry)
        pipeline.allowlist.update(allow)
        if config.context != self.config.context:
            self.context = pipeline.new_context()
        if config.images != self.config.images:  # a reload may change the OCR limits
            self.images.close()
            self.images = images.ImageReader(config.images)
        self.config = config
        self._file_registry = file_registry
        self._server_files = server_files if server_files is not None else {}
        self.pipeline = pipeline
        await self._apply_registry()

    # -- events --------------------------------------------------------------
    async def handle(self, message: ChatMessage) -> Incident | None:
        """Process one event; returns the message's incident, or None when it is allowed.

        Idempotent: a replayed event or an edit of an already-flagged message
        returns the existing incident and never makes a second one (an edit of a
        hidden message does not bring it back). A DELETE drops the message from
        the context and returns None.

        Raises StoreError when the database became unusable (disk full, damaged):
        the bot must stop rather than hide messages it cannot record. `failed` is
        set and `failure` holds the error, so adapters can shut down.
        """
        if self.failure is not None:
            raise self.failure
        message = without_lone_surrogates(message)
        try:
            return await self._handle(message)
        except StoreError as exc:
            self._fail(exc)
            raise

    def _fail(self, exc: StoreError) -> None:
        if self.failure is None:
            self.failure = exc
            log.critical("stopping: %s", exc)
            self.failed.set()

    async def _handle(self, message: ChatMessage) -> Incident | None:
        if message.kind is EventKind.DELETE:
            async with self._channel_lock(message):
                self.pipeline_for(message.platform, message.server).scan(message, self.context)
            return None
        existing = await self.store.find_incident(message.platform, message.server,
                                                  message.channel, message.id)
        if existing is not None and not self._rescans(existing, message):
            return existing
        message = await self.images.read(message)  # image text as attachments (images.py)
        verdict = await self._scan(message)
        if not verdict.is_violation:
            await self._advance_cursor(message)
            return existing
        if existing is not None:
            return await self._reopen(existing, message, verdict)
        incident, created = await self._store_incident(message, verdict)
        await self._advance_cursor(message)
        if not created:
            return incident
        self._in_flight.add(incident.id)
        try:
            return await self._announce_and_carry_out(incident, message)
        finally:
            self._in_flight.discard(incident.id)

    @staticmethod
    def _rescans(existing: Incident, message: ChatMessage) -> bool:
        """An edit of a message still visible (under review, not hideable, dismissed) is
        scanned again; a replayed event or an edit of a hidden message is not."""
        return (
            message.kind is EventKind.EDIT
            and existing.status in _RESCANNED
            and not existing.hidden
        )

    async def _reopen(self, existing: Incident, message: ChatMessage,
                      verdict: Verdict) -> Incident:
        """An edited visible message is a violation again: hide it now, or (a dismissed one
        with new categories) ask the moderators again. Otherwise the incident stands."""
        if verdict.action is Action.HIDE:
            move = Move.REOPEN_HIDE
        elif existing.status is IncidentStatus.DISMISSED and (
            set(verdict.categories) - set(existing.categories)
        ):
            move = Move.REOPEN_REVIEW
        else:
            return existing
        self._in_flight.add(existing.id)
        try:
            async with self.incident_lock(existing.id):
                current = await self.store.get_incident(existing.id, Scope.of(existing))
                if current is None or not incidents.allows(move, current):
                    return current or existing  # another edit or a moderator got there first
                return await self._escalate(current, message, verdict, move)
        finally:
            self._in_flight.discard(existing.id)

    @contextlib.asynccontextmanager
    async def incident_lock(self, incident_id: str) -> Any:
        """Serialize work on one incident in this process (hide, presses, sweep)."""
        lock = self._incident_locks.setdefault(incident_id, asyncio.Lock())
        self._incident_waiters[incident_id] = self._incident_waiters.get(incident_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            left = self._incident_waiters[incident_id] - 1
            if left:
                self._incident_waiters[incident_id] = left
            else:
                del self._incident_waiters[incident_id]
                self._incident_locks.pop(incident_id, None)

    async def _announce_and_carry_out(self, incident: Incident, message: ChatMessage) -> Incident:
        log.info(
            "incident %s: %s in %s/%s (%s)",
            incident.id,
            incident.action.value,
            incident.platform,
            incident.channel,
            ",".join(c.value for c in incident.categories),
        )
        return await self._carry_out(incident, message)

    async def _scan(self, message: ChatMessage) -> Verdict:
        """Scan in arrival order (context depends on it); big inputs off the event loop.

        A detector bug must not stop the bot: it is logged (type only, no text) and
        the message is treated as allowed.
        """
        pipeline = self.pipeline_for(message.platform, message.server)
        async with self._channel_lock(message):
            try:
                if len(message.text) > SCAN_OFF_LOOP_CHARS or message.attachments:
                    async with self._off_loop:
                        return await asyncio.to_thread(pipeline.scan, message, self.context)
                return pipeline.scan(message, self.context)
            except Exception as exc:
                log.error(
                    "scan failed for %s/%s message %s: %s",
                    message.platform,
                    message.channel,
                    message.id,
                    type(exc).__name__,
                )
                return ALLOW

    def _channel_lock(self, message: ChatMessage) -> asyncio.Lock:
        """The scan lock of the message's channel (one per platform, server, channel)."""
        key = (message.platform, message.server, message.channel)
        lock = self._channel_locks.get(key)
        if lock is None:
            if len(self._channel_locks) > 10_000:  # forget idle channels' locks
                for old in [k for k, v in self._channel_locks.items() if not v.locked()]:
                    del self._channel_locks[old]
            lock = self._channel_locks[key] = asyncio.Lock()
        return lock

    async def _advance_cursor(self, message: ChatMessage) -> None:
        if message.kind is not EventKind.NEW:
            return
        key = (message.platform, message.channel, message.server)
        if key not in self._cursors:
            stored = await self.store.get_cursor(*key)
            if stored is not None:
                self._cursors[key] = stored
        if _newer(message.id, self._cursors.get(key)):
            self._cursors[key] = message.id
            await self.store.set_cursor(message.platform, message.channel, message.id,
                                        server=message.server)

    def _allowlist_entries(self, verdict: Verdict) -> tuple[tuple[str, str], ...]:
        from bot.policy import allowlist_key

        secret = self.sealer.allowlist_secret if self.sealer is not None else None
        return tuple(
            (servant, allowlist_key(servant, f.category, f.value, secret))
            for f in verdict.findings
            if f.value
            for servant in verdict.servants
        )

    async def _seal(self, message: ChatMessage, verdict: Verdict) -> bytes | None:
        if self.sealer is None:
            return None
        original: dict[str, object] = {
            "text": message.full_text, "allowlist": self._allowlist_entries(verdict)}
        if message.markup:
            original["markup"] = message.markup
        if message.images:  # screenshots: their hash and URL, never the image
            original["images"] = images.sealed_refs(message)
        payload = json.dumps(original, ensure_ascii=False)
        return await self.sealer.seal_async(payload, _seal_context(message))

    def _excerpt(self, message: ChatMessage, verdict: Verdict) -> str:
        from bot.masking import mask_excerpt

        spans = [(f.start, f.end) for f in verdict.findings]
        notes = images.excerpt_suffix(message) + fingerprints.excerpt_suffix(verdict)
        return mask_excerpt(message.full_text, spans) + notes

    async def _store_incident(
        self, message: ChatMessage, verdict: Verdict
    ) -> tuple[Incident, bool]:
        now = time.time()
        status = IncidentStatus.PENDING if verdict.action is Action.HIDE else IncidentStatus.REVIEW
        draft = Incident(
            id="",
            platform=message.platform,
            server=message.server,
            channel=message.channel,
            message_id=message.id,
            author=message.author,
            action=verdict.action,
            status=status,
            categories=verdict.categories,
            servants=verdict.servants,
            excerpt=self._excerpt(message, verdict),
            created_at=now,
            updated_at=now,
            author_name=message.author_name,
            channel_name=message.channel_name,
            subjects=verdict.subjects,
            intent=verdict.intent,
            reason=verdict_reason(verdict),
        )
        sealed = await self._seal(message, verdict)
        return await self.store.add_incident(
            draft,
            message=_message_meta(message),
            sealed=sealed,
            expires_at=now + self.config.storage.retention_days * 86400.0,
        )

    async def _escalate(
        self, incident: Incident, message: ChatMessage, verdict: Verdict, move: Move
    ) -> Incident:
        """A visible message was edited into a violation: store the new verdict and the new
        sealed original, then (for a hide) carry it out. Caller holds the incident lock."""
        now = time.time()
        sealed = await self._seal(message, verdict)
        if sealed is not None:
            await self.store.replace_original(
                incident.id, sealed, now, now + self.config.storage.retention_days * 86400.0
            )
        action = Action.HIDE if move is Move.REOPEN_HIDE else Action.REVIEW
        moved = await incidents.apply(
            self.store, incident, move,
            fields={
                "action": action, "categories": verdict.categories,
                "servants": verdict.servants, "subjects": verdict.subjects,
                "intent": verdict.intent, "excerpt": self._excerpt(message, verdict),
                "notice_sent": False, "hide_error": None,
            },
            audit=AuditRecord("doxguard", f"edit: {move.value}"),
        )
        if moved is None:  # pragma: no cover - the caller holds the lock and checked
            return incident
        log.info("incident %s reopened after an edit (%s)", incident.id, move.value)
        return await self._carry_out_locked(moved, message)

    async def _carry_out(self, incident: Incident, message: ChatMessage) -> Incident:
        """Hide (for PENDING incidents), then tell the author and the moderators."""
        async with self.incident_lock(incident.id):
            current = await self.store.get_incident(incident.id, Scope.of(incident))
            return await self._carry_out_locked(current or incident, message)

    async def _carry_out_locked(self, incident: Incident, message: ChatMessage) -> Incident:
        if incident.status is IncidentStatus.PENDING:
            outcome = await self.hide_with_retry(message)
            move = Move.HIDE_DONE if outcome.ok else Move.HIDE_FAILED
            moved = await incidents.apply(
                self.store, incident, move,
                fields={"hide_error": None if outcome.ok else outcome.error},
            )
            self._note_problem(incident, outcome)
            if moved is None:
                # a moderator (or another process) moved it while the hide ran: their
                # decision stands; remember the hide took effect so restore can undo it
                log.info("incident %s changed during its hide; keeping that", incident.id)
                if outcome.ok:
                    await self.store.update_incident(incident.id, hidden=True)
                return await self.store.get_incident(incident.id) or incident
            incident = moved
            if outcome.ok:
                await self._after_hide(incident, message)
        if not incident.notice_sent:
            incident = await self.send_notice(incident)
        return incident

    def _note_problem(self, incident: Incident, outcome: HideOutcome) -> None:
        """Remember a standing hide problem, so moderators are told it once, not per message.

        The first incident with a problem (missing permission, no admin token, an
        outage that outlasted the retries) in a channel says it in its notice; later
        ones in that channel refer to that incident. A successful hide there clears it.
        """
        where = (incident.platform, incident.server, incident.channel)
        if outcome.ok:
            for key in [k for k in self._problems if k[:3] == where]:
                del self._problems[key]
            return
        error = outcome.error or "unknown error"
        if error in _PER_MESSAGE_ERRORS:
            log.info("incident %s: could not hide: %s", incident.id, error)
            return
        key = (*where, re.sub(r"\d+", "#", error))  # "rate limited for 12s" ~ "... 30s"
        first = self._problems.get(key)
        if first is None:
            self._problems[key] = incident.id
            log.warning(
                "incident %s: could not hide: %s (moderators told once for %s/%s)",
                incident.id,
                error,
                incident.platform,
                incident.channel,
            )
        else:
            self._repeat_of[incident.id] = first
            log.info("incident %s: could not hide: same problem as %s", incident.id, first)

    async def _after_hide(self, incident: Incident, message: ChatMessage) -> None:
        settings = self.config.notices
        if settings.notify_author:
            text = notices.author_notice_text(incident, settings.appeal_text)
            try:
                await self._retry(lambda: self.platform.notify_author(message, text))
            except Exception as exc:
                log.warning(
                    "incident %s: author notice failed: %s", incident.id, type(exc).__name__
                )
        if settings.timeout_minutes > 0:
            await self.timeout_author(incident, message, settings.timeout_minutes)

    async def timeout_author(self, incident: Incident, message: ChatMessage, minutes: int) -> bool:
        try:
            return bool(
                await self._retry(
                    lambda: self.platform.timeout_author(
                        message, minutes, notices.timeout_reason(incident)
                    )
                )
            )
        except Exception as exc:
            log.warning("incident %s: timeout failed: %s", incident.id, type(exc).__name__)
            return False

    async def _retry(self, call: Any) -> Any:
        """Run `call()` again with backoff while it raises a retryable PlatformError."""
        attempts = max(1, self.config.notices.retry_attempts)
        delay = self.retry_delay
        for attempt in range(attempts):
            try:
                return await call()
            except (PlatformError, *_TRANSIENT) as exc:
                retryable = not isinstance(exc, PlatformError) or exc.retryable
                if not retryable or attempt == attempts - 1:
                    raise
                wait = getattr(exc, "retry_after", None) or delay
                await asyncio.sleep(min(float(wait), MAX_BACKOFF))
                delay = min(delay * 2, MAX_BACKOFF)
        raise AssertionError("unreachable")  # pragma: no cover

    async def hide_with_retry(self, message: ChatMessage) -> HideOutcome:
        """Hide, retrying rate limits and server errors; never raises for platform failures."""
        attempts = max(1, self.config.notices.retry_attempts)
        delay = self.retry_delay
        outcome = HideOutcome(False, "not attempted")
        for attempt in range(attempts):
            wait = delay
            try:
                outcome = await self.platform.hide(message)
            except PlatformError as exc:
                outcome = HideOutcome(False, describe_platform_error(exc), exc.retryable)
                wait = max(delay, float(getattr(exc, "retry_after", None) or 0.0))
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except _TRANSIENT as exc:
                log.warning("hide: connection failed (%s); retrying", type(exc).__name__)
                outcome = HideOutcome(False, "platform unreachable (connection failed)", True)
            except Exception as exc:
                log.error("hide raised %s", type(exc).__name__)
                outcome = HideOutcome(False, f"unexpected error ({type(exc).__name__})")
            if outcome.ok or not outcome.retryable or attempt == attempts - 1:
                return outcome
            await asyncio.sleep(min(wait, MAX_BACKOFF))  # a platform's Retry-After wins
            delay = min(delay * 2, MAX_BACKOFF)
        return outcome

    async def send_notice(self, incident: Incident) -> Incident:
        """Tell the moderators (with retries); marks the incident noticed on success.

        A notice that still fails stays unsent and is retried by the periodic sweep
        and at the next start; it never blocks the next message for long.
        """
        notice = notices.build_notice(incident, repeat_of=self._repeat_of.get(incident.id))
        try:
            await self._retry(lambda: self.platform.notify_moderators(notice))
        except (asyncio.CancelledError, KeyboardInterrupt):
            raise
        except Exception as exc:
            log.error(
                "incident %s: notice not delivered (%s); will retry",
                incident.id,
                type(exc).__name__,
            )
            return incident
        await self.store.update_incident(incident.id, notice_sent=True)
        self._repeat_of.pop(incident.id, None)
        refreshed = await self.store.get_incident(incident.id)
        return refreshed or incident

    def serves(self, platform: str, server: str | None = None) -> bool:
        """Whether this process carries out requests on `platform` (a router may not) and,
        given a server, for it (a Discord shard process serves only its shards' guilds)."""
        serves = getattr(self.platform, "serves", None)
        if callable(serves) and not serves(platform):
            return False
        owns = getattr(self.platform, "serves_server", None)
        return server is None or not callable(owns) or bool(owns(platform, server))

    async def resume(self) -> int:
        """Finish what a crash interrupted: hide PENDING incidents, finish confirmations,
        roll back interrupted restores, send unsent notices. Incidents of platforms this
        process does not run are left to the process that does."""
        done = 0
        for incident in await self.store.unfinished():
            if incident.id in self._in_flight or not self.serves(incident.platform,
                                                                 incident.server):
                continue  # handle() is carrying it out right now, or not ours to act on
            async with self.incident_lock(incident.id):
                current = await self.store.get_incident(incident.id, Scope.of(incident))
                if current is None or not await self._resume_one(current):
                    continue
            done += 1
        return done

    async def _resume_one(self, incident: Incident) -> bool:
        """Resume one incident (caller holds its lock); False when nothing was left to do."""
        status = incident.status
        if status is IncidentStatus.PENDING:
            meta = await self.store.incident_message(incident.id)
            if meta is None:  # pragma: no cover - row exists
                return False
            log.info("resuming incident %s: hiding", incident.id)
            await self._carry_out_locked(incident, _message_from_meta(meta))
        elif status is IncidentStatus.CONFIRMING:
            log.info("resuming incident %s: hiding the confirmed message", incident.id)
            await self.finish_confirm(incident)
        elif status is IncidentStatus.RESTORING:
            # the repost may or may not have been made: leave it hidden and say so
            log.warning("incident %s: a restore was interrupted; press Restore again",
                        incident.id)
            await incidents.apply(self.store, incident, Move.RESTORE_FAILED,
                                  audit=AuditRecord("doxguard", "restore interrupted"))
        elif not incident.notice_sent:
            log.info("resuming incident %s: notice", incident.id)
            await self.send_notice(incident)
        else:
            return False
        return True

    async def finish_confirm(self, incident: Incident) -> tuple[Incident, HideOutcome]:
        """Hide a CONFIRMING incident's message and record the outcome (lock held)."""
        meta = await self.store.incident_message(incident.id)
        if meta is None:  # pragma: no cover - every incident stores its message ids
            outcome = HideOutcome(False, "the message ids were not stored")
        else:
            outcome = await self.hide_with_retry(_message_from_meta(meta))
        move = Move.CONFIRM_DONE if outcome.ok else Move.CONFIRM_FAILED
        moved = await incidents.apply(
            self.store, incident, move,
            fields={"hide_error": None if outcome.ok else outcome.error})
        return moved or incident, outcome

    async def _sweep(self) -> None:
        while not self._closed:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.purge_expired()
                await self.resume()
            except asyncio.CancelledError:
                raise
            except StoreError as exc:
                self._fail(exc)
                return
            except Exception as exc:  # keep sweeping; the next round may succeed
                log.error("periodic sweep failed: %s", type(exc).__name__)

    # -- originals -----------------------------------------------------------
    async def open_original(self, incident: Incident) -> Original:
        """The sealed original of an incident; raises SealError with a PII-free reason."""
        if self.sealer is None:
            raise SealError(
                "no original kept: no sealing key is configured "
                f"(set ${self.config.storage.encryption_key_env})"
            )
        blob = await self.store.get_original(incident.id)
        if blob is None:
            raise SealError(
                "no original kept: it expired under the retention setting or was never stored"
            )
        meta = await self.store.incident_message(incident.id) or {}
        context = _seal_context_parts(
            meta.get("platform", incident.platform), incident.channel, incident.message_id
        )
        payload = json.loads(await self.sealer.open_async(blob, context))
        return Original(payload["text"], tuple((s, k) for s, k in payload.get("allowlist", ())),
                        str(payload.get("markup") or ""))

    async def purge_expired(self, now: float | None = None) -> int:
        """Delete sealed originals older than `storage.retention_days`; returns how many.

        Called at start and by the periodic sweep; `now` lets tests move the clock.
        """
        at = now if now is not None else time.time()
        count = await self.store.purge_originals(
            at, excerpts_before=at - self.config.storage.retention_days * 86400.0)
        if count:
            log.info("purged %d expired sealed originals", count)
        return count

    # -- commands ------------------------------------------------------------
    def is_moderator(self, caller: Caller) -> bool:
        """True when config lists the caller ("platform:user_id") or one of their roles,
        or they are a console moderator. The adapter's view of permissions is not trusted.
        """
        mods = self.config.moderators
        user = f"{caller.platform}:{caller.user_id}"
        roles = [f"{caller.platform}:{role}" for role in caller.roles]
        if user in mods.user_ids or any(role in mods.role_ids for role in roles):
            return True
        own = self.config.server(caller.platform, caller.server).moderators  # this server only
        if user in own or any(role in own for role in roles):
            return True
        return caller.platform == "console" and caller.user_id in self.config.console.moderators

    def _refuse(self, caller: Caller, what: str) -> CommandReply:
        log.warning("refused %s for non-moderator %s:%s", what, caller.platform, caller.user_id)
        return CommandReply("Only doxguard moderators can do that.", ok=False)

    async def run_command(self, request: CommandRequest) -> CommandReply:
        """Run a moderator command after checking the caller (refused otherwise)."""
        from bot.commands import execute

        if not self.is_moderator(request.caller):
            return self._refuse(request.caller, f"command {request.name!r}")
        try:
            return await execute(self, request)
        except StoreError as exc:
            self._fail(exc)
            raise

    async def press(self, caller: Caller, action: str, incident_id: str) -> CommandReply:
        """A notice button: "restore" | "confirm" | "dismiss" | "timeout" (caller checked)."""
        from bot.commands import press_action

        if not self.is_moderator(caller):
            return self._refuse(caller, f"button {action!r}")
        try:
            return await press_action(self, caller, action, incident_id)
        except StoreError as exc:
            self._fail(exc)
            raise

    async def complete(self, kind: str, prefix: str) -> list[str]:
        """Autocomplete: kind "servant" (names) or "incident" (recent ids), at most 25."""
        if kind == "servant":
            want = prefix.strip().lower()
            names = sorted(self.registry.names())
            starts = [n for n in names if n.lower().startswith(want)]
            inside = [n for n in names if want in n.lower() and n not in starts]
            return (starts + inside)[:25]
        if kind == "incident":
            return await self.store.incident_ids(prefix, 25)
        return []

    async def get_cursor(self, platform: str, channel: str, server: str = "") -> str | None:
        """Id of the newest message seen in the channel (for backfill after downtime)."""
        cached = self._cursors.get((platform, channel, server))
        if cached is not None:
            return cached
        return await self.store.get_cursor(platform, channel, server)

    async def close(self) -> None:
        """Stop background work and close the store."""
        if self._closed:
            return
        self._closed = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        self.images.close()
        await self.store.close()


def _seal_context_parts(platform: str, channel: str, message_id: str) -> str:
    return f"{platform}\x1f{channel}\x1f{message_id}"


def _seal_context(message: ChatMessage) -> str:
    """Associated data binding a sealed original to its message."""
    return _seal_context_parts(message.platform, message.channel, message.id)


def load_file_registry(config: Config) -> Registry:
    """The servants file, or an empty registry (with a warning) when there is none.

    A secret token pasted into the file is refused like a broken entry (ConfigError
    naming the file, line and key, never echoing the value). With
    `storage.registry_cache` set, a large registry loads from a cache.
    """
    path = config.servants_path
    if not path.exists():
        if config.servants_file != Config().servants_file:
            # named on purpose (config or --servants): a typo must not start a bot that
            # protects nobody
            raise ConfigError(
                Path(config.source or "<config>"),
                "servants_file",
                f"servants file not found: {path} (fix the path, or create the file)",
            )
        log.warning("no servants file at %s: nobody is protected until servants are added", path)
        return Registry()
    cache = config.resolve(config.storage.registry_cache) if config.storage.registry_cache else None
    return load_servants(path, config.detection.default_region, cache_dir=cache)


def load_server_registries(config: Config) -> dict[str, Registry]:
    """The registries of servers that name their own (`[servers."…"] servants_file`).

    A named file that is missing or broken is a ConfigError naming the setting: a
    server must not silently protect fewer people than its moderators listed.
    """
    cache = config.resolve(config.storage.registry_cache) if config.storage.registry_cache else None
    found: dict[str, Registry] = {}
    for key, server in config.servers.items():
        if not server.servants_file:
            continue
        path = config.resolve(server.servants_file)
        if not path.exists():
            raise ConfigError(Path(config.source or "<config>"), f'servers."{key}".servants_file',
                              f"servants file not found: {path} (fix the path, or create it)")
        found[key] = load_servants(path, config.detection.default_region, cache_dir=cache)
    return found


def check_servants_files(config: Config) -> None:
    """Raise, before anything is opened, the ConfigError `load_file_registry` or
    `load_server_registries` would raise for a named servants file that is missing (a
    refused start creates no database)."""
    if not config.servants_path.exists() and config.servants_file != Config().servants_file:
        load_file_registry(config)
    if any(server.servants_file and not config.resolve(server.servants_file).exists()
           for server in config.servers.values()):
        load_server_registries(config)


def _servants_setting_in_file(config: Config) -> str | None:
    """`servants_file` as the config file itself says (to tell command-line overrides apart)."""
    if not config.source:
        return Config().servants_file
    try:
        return load_config(config.source).servants_file
    except ConfigError:
        return None
