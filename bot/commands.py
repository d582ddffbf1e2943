"""Moderator commands: the one description adapters build their UI from, and their execution.

`COMMANDS` is the single source of truth for names, arguments and help text: the
Discord adapter turns it into slash commands, the Slack adapter into one
`/doxguard` command with text arguments, the console into `/doxguard ...` lines.
None of them write help text by hand.

How adapters pass arguments in `CommandRequest.args`:
- a command with subcommands gets the subcommand name first (`("add", ...)`);
- a positional `ArgSpec` is passed as its value;
- a `keyword` `ArgSpec` is passed as `"name=value"` (repeat the token for
  `repeatable` ones, e.g. two `alias=...` tokens);
- a `greedy` `ArgSpec` (always last) takes the rest of the line as one value.
Text-only platforms can call `parse_command_line()` on what the user typed.

Execution (`execute`) runs only after `Moderator.run_command` checked the caller;
replies never carry unmasked PII, except `reveal`, which is ephemeral and audited.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shlex
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot import incidents
from bot.config import ConfigError
from bot.incidents import Move
from bot.models import (
    Caller,
    ChatMessage,
    CommandReply,
    CommandRequest,
    EventKind,
    Incident,
    IncidentStatus,
)
from bot.notices import verdict_lines
from bot.policy import allowlist_entry
from bot.seal import SealError
from bot.store import AuditRecord, Scope

if TYPE_CHECKING:  # pragma: no cover - typing only
    from bot.engine import Moderator

log = logging.getLogger("doxguard.commands")


@dataclass(frozen=True, slots=True)
class ArgSpec:
    """One argument of a command.

    `autocomplete` names what `Moderator.complete(kind, prefix)` can suggest:
    "servant" or "incident" (None: free text). `choices` lists fixed values.
    `kind` is what the value is, for platforms with typed options: "text", "user"
    (a member picker; the token is the user id) or "integer" (`minimum`..`maximum`).
    """

    name: str
    help: str
    required: bool = True
    autocomplete: str | None = None
    keyword: bool = False
    repeatable: bool = False
    greedy: bool = False
    choices: tuple[str, ...] = ()
    kind: str = "text"
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    usage: str
    help: str
    args: tuple[ArgSpec, ...] = ()
    subcommands: tuple[CommandSpec, ...] = ()

    def subcommand(self, name: str) -> CommandSpec | None:
        for sub in self.subcommands:
            if sub.name == name:
                return sub
        return None


INCIDENTS_DEFAULT, INCIDENTS_MAX = 10, 100
_INCIDENT_ID = ArgSpec("id", "incident id, e.g. DG-000042", autocomplete="incident")

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "status",
        "status",
        "Show what doxguard is doing: servants protected, open incidents, storage and sealing.",
    ),
    CommandSpec(
        "servant",
        "servant add|remove|list|show ...",
        "Manage the registry of protected public servants (changes are stored with who made them).",
        subcommands=(
            CommandSpec(
                "add",
                'servant add NAME [role=ROLE] [alias=A]... [family="Name:relation"]... '
                "[public_email=E]... [public_phone=P]... [public_address=A]...",
                "Add a servant, or replace one with the same name.",
                args=(
                    ArgSpec("name", "full name of the servant"),
                    ArgSpec(
                        "role",
                        "police_officer | elected_official | city_employee | public_servant",
                        required=False,
                        keyword=True,
                        choices=(
                            "police_officer",
                            "elected_official",
                            "city_employee",
                            "public_servant",
                        ),
                    ),
                    ArgSpec(
                        "alias", "another name they go by", required=False, keyword=True,
                        repeatable=True,
                    ),
                    ArgSpec(
                        "family", 'a family member as "Name:relation" (spouse, child, ...)',
                        required=False, keyword=True, repeatable=True,
                    ),
                    ArgSpec(
                        "public_email", "an official email address (sharing it is allowed)",
                        required=False, keyword=True, repeatable=True,
                    ),
                    ArgSpec(
                        "public_phone", "an official phone number (sharing it is allowed)",
                        required=False, keyword=True, repeatable=True,
                    ),
                    ArgSpec(
                        "public_address", "an official address (sharing it is allowed)",
                        required=False, keyword=True, repeatable=True,
                    ),
                ),
            ),
            CommandSpec(
                "remove",
                "servant remove NAME",
                "Stop protecting a servant.",
                args=(ArgSpec("name", "servant name", autocomplete="servant", greedy=True),),
            ),
            CommandSpec("list", "servant list", "List the protected servants."),
            CommandSpec(
                "show",
                "servant show NAME",
                "Show one servant: role, aliases, family and public contact details.",
                args=(ArgSpec("name", "servant name", autocomplete="servant", greedy=True),),
            ),
        ),
    ),
    CommandSpec(
        "incidents",
        "incidents [user] [limit]",
        "List recent incidents, optionally only one author's (newest first, masked).",
        args=(
            ArgSpec("user", "only this author's incidents", required=False, kind="user"),
            ArgSpec("limit", f"how many to show (default {INCIDENTS_DEFAULT}, at most "
                    f"{INCIDENTS_MAX})", required=False, kind="integer", minimum=1,
                    maximum=INCIDENTS_MAX),
        ),
    ),
    CommandSpec(
        "incident", "incident ID", "Show one incident in full (masked).", args=(_INCIDENT_ID,)
    ),
    CommandSpec(
        "reveal",
        "reveal ID",
        "Show the sealed original message to you only. Every reveal is written to the audit log.",
        args=(_INCIDENT_ID,),
    ),
    CommandSpec(
        "restore",
        "restore ID",
        "Put a hidden message back in its channel, attributed to its author.",
        args=(_INCIDENT_ID,),
    ),
    CommandSpec(
        "confirm",
        "confirm ID",
        "Confirm an incident is doxxing (hides it first if it was only flagged for review).",
        args=(_INCIDENT_ID,),
    ),
    CommandSpec(
        "dismiss",
        "dismiss ID [allowlist]",
        "Mark an incident a false positive; with 'allowlist' its values stop counting "
        "for that servant.",
        args=(
            _INCIDENT_ID,
            ArgSpec(
                "allowlist", "allowlist the flagged values for that servant", required=False,
                choices=("allowlist",),
            ),
        ),
    ),
    CommandSpec(
        "timeout",
        "timeout ID",
        "Time out the author of an incident (notices.timeout_minutes, or 60 minutes).",
        args=(_INCIDENT_ID,),
    ),
    CommandSpec(
        "stats",
        "stats [since]",
        "The moderation report's headline numbers: incidents, hidden, restored, dismissed, "
        "dismiss rate, median time to a decision.",
        args=(ArgSpec("since", "period, e.g. 30d (default), 7d, 12h", required=False),),
    ),
    CommandSpec(
        "check",
        "check TEXT",
        "Dry run: what doxguard would do with TEXT (nothing is stored or hidden; masked).",
        args=(ArgSpec("text", "the message to test", greedy=True),),
    ),
    CommandSpec(
        "reload",
        "reload",
        "Re-read the config and servants files; on an error the running config is kept.",
    ),
    CommandSpec(
        "help",
        "help [COMMAND]",
        "List the commands, or explain one.",
        args=(ArgSpec("command", "a command name", required=False),),
    ),
)

BUTTON_ACTIONS: tuple[str, ...] = ("restore", "confirm", "dismiss", "timeout")


def find_command(name: str) -> CommandSpec | None:
    for spec in COMMANDS:
        if spec.name == name:
            return spec
    return None


def _greedy_position(spec: CommandSpec) -> int | None:
    """How many tokens precede the greedy argument (None: no greedy argument)."""
    positional = [a for a in spec.args if not a.keyword]
    if positional and positional[-1].greedy:
        return len(positional) - 1
    return None


def parse_command_line(line: str) -> tuple[str, tuple[str, ...]]:
    """Split `status`, `dismiss DG-000001 allowlist`, `check call me at ...` into name + args.

    Quotes group words (`family="Karen Doe:spouse"`); a greedy last argument
    (the TEXT of `check`) keeps the rest of the line verbatim, quotes and all.
    Raises ValueError on unbalanced quotes.
    """
    line = line.strip()
    if not line:
        return "", ()
    head, _, rest = line.partition(" ")
    name = head.lower()
    spec = find_command(name)
    tokens_before_greedy: int | None = None
    sub_prefix: tuple[str, ...] = ()
    if spec is not None and spec.subcommands:
        sub_name, _, sub_rest = rest.strip().partition(" ")
        sub = spec.subcommand(sub_name.lower())
        if sub is not None:
            sub_prefix = (sub.name,)
            rest = sub_rest
            tokens_before_greedy = _greedy_position(sub)
    elif spec is not None:
        tokens_before_greedy = _greedy_position(spec)
    rest = rest.strip()
    if tokens_before_greedy is None:
        return name, (*sub_prefix, *shlex.split(rest))
    args: list[str] = []
    for _ in range(tokens_before_greedy):
        tok, _, rest = rest.partition(" ")
        rest = rest.strip()
        if tok:
            args.append(tok)
    if rest:
        args.append(rest)
    return name, (*sub_prefix, *args)


def help_text(name: str | None = None) -> str:
    """Help for every command, or one; built from COMMANDS so it never drifts."""
    if name:
        spec = find_command(name.lower().lstrip("/"))
        if spec is None:
            return f"Unknown command '{name}'. Try: help"
        lines = [f"{spec.usage}\n  {spec.help}"]
        for sub in spec.subcommands:
            lines.append(f"  {sub.usage}\n    {sub.help}")
        for arg in spec.args:
            need = "" if arg.required else " (optional)"
            lines.append(f"    {arg.name}{need}: {arg.help}")
        return "\n".join(lines)
    lines = ["doxguard moderator commands:"]
    for spec in COMMANDS:
        lines.append(f"  {spec.usage:<34} {spec.help}")
    return "\n".join(lines)



# --------------------------------------------------------------------------
# execution

Handler = Callable[["Moderator", Caller, tuple[str, ...]], Awaitable[CommandReply]]


def _actor(caller: Caller) -> str:
    return f"{caller.platform}:{caller.user_id}"


def _fail(text: str) -> CommandReply:
    return CommandReply(text, ok=False)


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts))


def _summary(inc: Incident) -> str:
    cats = ", ".join(c.value for c in inc.categories) or "-"
    who = inc.author_name or inc.author
    where = inc.channel_name or inc.channel
    servants = ", ".join(inc.servants) or "-"
    return (
        f"{inc.id}  {inc.status.value:<11} {_when(inc.created_at)}  #{where}  {who}  "
        f"[{cats}]  {servants}  — {inc.excerpt}"
    )


def _detail(inc: Incident) -> str:
    from bot.notices import available_actions

    lines = [
        f"{inc.id} — {inc.status.value} (action: {inc.action.value})",
        f"  platform: {inc.platform}  server: {inc.server or '-'}  "
        f"channel: #{inc.channel_name or inc.channel}  message: {inc.message_id}",
        f"  author: {inc.author_name or inc.author} ({inc.author})",
        f"  created: {_when(inc.created_at)}  updated: {_when(inc.updated_at)}",
    ]
    for c in inc.categories:
        lines.append(f"  • {c.title} ({c.value}) — ordinance: {c.wording}")
    for subject in inc.subjects:
        lines.append(f"  protected: {subject.describe()}")
    if inc.reason:
        lines.append(f"  why: {inc.reason}")
    lines.append(f"  excerpt: {inc.excerpt}")
    if inc.intent:
        lines.append(f"  intent signals: {', '.join(inc.intent)}")
    if inc.hide_error:
        lines.append(f"  not hidden: {inc.hide_error}")
    lines.append(f"  notice sent: {'yes' if inc.notice_sent else 'not yet'}  "
                 f"original kept: {'yes' if inc.has_original else 'no'}")
    acts = available_actions(inc)
    if acts:
        lines.append("  actions: " + " | ".join(f"{a} {inc.id}" for a in acts))
    return "\n".join(lines)


def _scope(caller: Caller) -> Scope:
    """Commands and buttons act only inside the caller's own server (guild, workspace)."""
    return Scope(caller.platform, caller.server)


async def _incident_arg(moderator: Moderator, caller: Caller,
                        args: tuple[str, ...]) -> Incident | CommandReply:
    """The incident named in `args`, if it belongs to the caller's server. A foreign id gets
    the very reply an unknown one does: nothing says another server has it."""
    if not args:
        return _fail("Which incident? Give its id, e.g. DG-000042.")
    inc = await moderator.store.get_incident(args[0], _scope(caller))
    if inc is None:
        shown = args[0] if len(args[0]) <= 20 and args[0].isprintable() else "that id"
        return _fail(f"No incident {shown!r} in this server.")
    return inc


async def _status(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    counts = await moderator.store.count_incidents(_scope(caller))
    originals = await moderator.store.count_originals(_scope(caller))
    cfg = moderator.config
    total = sum(counts.values())
    by_status = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
    if moderator.sealer is None:
        sealing = f"OFF (no key in ${cfg.storage.encryption_key_env}; only masked summaries kept)"
    elif moderator.key_mismatch:
        sealing = "ON, but the key differs from the one older originals were sealed with"
    else:
        sealing = f"ON (key from ${cfg.storage.encryption_key_env})"
    lines = [
        f"doxguard on {moderator.platform.name}: running since {_when(moderator.started_at)}",
        f"  servants protected: {len(moderator.registry)}",
        f"  incidents: {total} ({by_status})",
        f"  sealed originals kept: {originals}, retention {cfg.storage.retention_days:g} days",
        f"  sealing: {sealing}",
        f"  enforced categories: {', '.join(cfg.detection.enforce)}",
    ]
    return CommandReply("\n".join(lines))


_KEYWORDS = ("role", "alias", "family", "public_email", "public_phone", "public_address")


def _servant_data(args: tuple[str, ...]) -> dict[str, object] | str:
    """Build the registry-file form of a servant from `servant add` arguments."""
    name_parts: list[str] = []
    data: dict[str, object] = {"aliases": [], "family": []}
    public: dict[str, list[str]] = {"addresses": [], "emails": [], "phones": []}
    for token in args:
        key, eq, value = token.partition("=")
        if eq and key.lower() in _KEYWORDS:
            key = key.lower()
            value = value.strip()
            if key == "role":
                data["role"] = value
            elif key == "alias":
                data["aliases"].append(value)  # type: ignore[union-attr]
            elif key == "family":
                fname, colon, relation = value.rpartition(":")
                if not colon or not fname.strip():
                    return 'family must read "Name:relation", e.g. family="Karen Doe:spouse"'
                data["family"].append(  # type: ignore[union-attr]
                    {"name": fname.strip(), "relation": relation.strip() or "family"}
                )
            else:
                public[{"public_email": "emails", "public_phone": "phones",
                        "public_address": "addresses"}[key]].append(value)
        elif eq and re.fullmatch(r"[A-Za-z_]+", key):
            return f"unknown option '{key}' (known: {', '.join(_KEYWORDS)})"
        else:
            name_parts.append(token)
    name = " ".join(" ".join(name_parts).split())
    if not name:
        return "servant add needs a name, e.g. servant add Jane Doe role=city_employee"
    data["name"] = name
    data["public"] = public
    return data


_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}


def _unquote(name: str) -> str:
    """`"Maria Chen"` -> `Maria Chen`: `servant add` takes quotes (shell-like words), so
    `show` and `remove`, which take the rest of the line, must too."""
    name = " ".join(name.split())
    while len(name) >= 2 and _QUOTES.get(name[0]) == name[-1]:
        name = name[1:-1].strip()
    return name


def _one_word_warning(name: str) -> str:
    if len(name.split()) > 1:
        return ""
    return (
        f"\nWarning: '{name}' is one word, so every message using that word as a name counts "
        f'as about this servant. Give the full name (servant add "First {name}" ...) '
        "unless that is what you want."
    )


async def _servant(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    from bot.registry import servant_from_dict, servant_to_dict

    if not args:
        return _fail(help_text("servant"))
    sub, rest = args[0].lower(), args[1:]
    registry = moderator.registry
    if sub == "list":
        if not len(registry):
            return CommandReply("No servants are registered.")
        lines = [f"{len(registry)} protected servants:"]
        for s in sorted(registry.servants, key=lambda s: s.name):
            extra = f", {len(s.family)} family" if s.family else ""
            lines.append(f"  {s.name} ({s.role.replace('_', ' ')}{extra})")
        return CommandReply("\n".join(lines))
    if sub == "show":
        name = _unquote(" ".join(rest))
        servant = registry.get(name) if name else None
        if servant is None:
            return _fail(f"No servant named {name!r}.")
        lines = [f"{servant.name} — {servant.role.replace('_', ' ')}"]
        if servant.aliases:
            lines.append(f"  aliases: {', '.join(servant.aliases)}")
        for member in servant.family:
            lines.append(f"  family: {member.name} ({member.relation})")
        pub = servant.public
        for label, values in (("public address", pub.addresses), ("public email", pub.emails),
                              ("public phone", pub.phones)):
            for v in values:
                lines.append(f"  {label}: {v}")
        changes = await moderator.store.servant_changes(servant.name)
        for _name, change, actor, at in changes[-5:]:
            lines.append(f"  {change} by {actor} at {_when(at)}")
        return CommandReply("\n".join(lines))
    if sub == "add":
        data = _servant_data(rest)
        if isinstance(data, str):
            return _fail(data)
        try:
            servant = servant_from_dict(
                data, file=Path("servant add"), region=moderator.config.detection.default_region
            )
        except ConfigError as exc:
            return _fail(f"Not added: {exc.key}: {exc.problem}")
        change = "replace" if registry.get(servant.name) is not None else "add"
        await moderator.store.put_servant(servant.name, servant_to_dict(servant), _actor(caller),
                                          change)
        await moderator.store.audit(_actor(caller), f"servant {change}", None, servant.name,
                                    _scope(caller))
        await moderator.set_registry(registry.with_servant(servant))
        verb = "Replaced" if change == "replace" else "Added"
        return CommandReply(f"{verb} {servant.name} ({servant.role.replace('_', ' ')})."
                            + _one_word_warning(servant.name))
    if sub == "remove":
        name = _unquote(" ".join(rest))
        servant = registry.get(name) if name else None
        if servant is None:
            return _fail(f"No servant named {name!r}.")
        await moderator.store.put_servant(servant.name, None, _actor(caller), "remove")
        await moderator.store.audit(_actor(caller), "servant remove", None, servant.name,
                                    _scope(caller))
        await moderator.set_registry(registry.without(servant.name))
        return CommandReply(f"Removed {servant.name}; they are no longer protected.")
    return _fail(f"Unknown servant subcommand {sub!r}. Use add, remove, list or show.")


async def _incidents(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    user: str | None = None
    limit = INCIDENTS_DEFAULT
    if len(args) >= 2:
        user = args[0]
        if not args[1].isdigit():
            return _fail("limit must be a number")
        limit = int(args[1])
    elif len(args) == 1:
        if args[0].isdigit() and len(args[0]) <= 4:
            limit = int(args[0])
        else:
            user = args[0].lstrip("@")
    limit = max(1, min(limit, INCIDENTS_MAX))
    # one more: are there more? (only the caller's server's incidents)
    found = await moderator.store.list_incidents(user, limit + 1, _scope(caller))
    if not found:
        return CommandReply("No incidents" + (f" for {user}." if user else "."))
    lines = [_summary(i) for i in found[:limit]]
    if len(found) > limit:
        who = f"{user} " if user else ""
        if limit < INCIDENTS_MAX:
            how = f"incidents {who}{INCIDENTS_MAX} lists up to {INCIDENTS_MAX}"
        else:
            how = f"{INCIDENTS_MAX} is the most one reply lists; incidents USER narrows it"
        lines.append(f"… and more: these are the newest {limit}; {how}.")
    return CommandReply("\n".join(lines))


async def _incident(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    inc = await _incident_arg(moderator, caller, args)
    if isinstance(inc, CommandReply):
        return inc
    text = _detail(inc)
    history = await moderator.store.audit_log(inc.id, 10, _scope(caller))
    for entry in reversed(history):
        text += f"\n  {_when(entry.at)} {entry.action} by {entry.actor}"
    return CommandReply(text)


async def _reveal(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    inc = await _incident_arg(moderator, caller, args)
    if isinstance(inc, CommandReply):
        return inc
    try:
        original = await moderator.open_original(inc)
    except SealError as exc:
        await moderator.store.audit(_actor(caller), "reveal-failed", inc.id, str(exc),
                                    _scope(caller))
        return _fail(f"Cannot reveal {inc.id}: {exc}")
    await moderator.store.audit(_actor(caller), "reveal", inc.id, scope=_scope(caller))
    log.info("incident %s revealed to %s", inc.id, _actor(caller))
    return CommandReply(
        f"Original of {inc.id} (shown to you only; this reveal is logged):\n{original.text}",
        ephemeral=True,
    )


async def _restore(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    inc = await _incident_arg(moderator, caller, args)
    if isinstance(inc, CommandReply):
        return inc
    async with moderator.incident_lock(inc.id):
        return await _restore_locked(moderator, caller, inc)


async def _restore_locked(moderator: Moderator, caller: Caller, inc: Incident) -> CommandReply:
    """Open the original, store the intent (RESTORING, audited), repost, record the outcome:
    a second Restore finds the incident restoring or restored and reposts nothing."""
    current = await moderator.store.get_incident(inc.id, _scope(caller)) or inc
    if not incidents.allows(Move.RESTORE, current):
        return _fail(incidents.refusal("restore", current))
    try:
        original = await moderator.open_original(current)
    except SealError as exc:
        return _fail(f"Cannot restore {inc.id}: {exc}")
    claimed = await incidents.apply(moderator.store, current, Move.RESTORE,
                                    audit=AuditRecord(_actor(caller), "restore"))
    if claimed is None:
        latest = await moderator.store.get_incident(inc.id, _scope(caller)) or current
        return _fail(incidents.refusal("restore", latest))
    try:
        await moderator.platform.repost(claimed, original.as_posted)
    except Exception as exc:
        log.warning("restore of %s failed: %s", inc.id, type(exc).__name__)
        await incidents.apply(moderator.store, claimed, Move.RESTORE_FAILED,
                              audit=AuditRecord(_actor(caller), "restore-failed",
                                                type(exc).__name__))
        return _fail(f"Could not repost {inc.id}: {type(exc).__name__}; try again.")
    await incidents.apply(moderator.store, claimed, Move.RESTORE_DONE,
                          audit=AuditRecord(_actor(caller), "restore-done"))
    where = inc.channel_name or inc.channel
    return CommandReply(
        f"Restored {inc.id}: the message is back in #{where}, attributed to "
        f"{inc.author_name or inc.author}."
    )


async def _confirm(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    inc = await _incident_arg(moderator, caller, args)
    if isinstance(inc, CommandReply):
        return inc
    async with moderator.incident_lock(inc.id):
        current = await moderator.store.get_incident(inc.id, _scope(caller)) or inc
        move = incidents.moderator_move("confirm", current)
        if move is None:
            return _fail(incidents.refusal("confirm", current))
        moved = await incidents.apply(moderator.store, current, move,
                                      audit=AuditRecord(_actor(caller), "confirm"))
        if moved is None:
            latest = await moderator.store.get_incident(inc.id, _scope(caller)) or current
            return _fail(incidents.refusal("confirm", latest))
        if move is not Move.CONFIRM_HIDE:
            return CommandReply(f"Confirmed {inc.id}.")
        _done, outcome = await moderator.finish_confirm(moved)
    if outcome.ok:
        return CommandReply(f"Confirmed {inc.id}. The message is now hidden.")
    return CommandReply(f"Confirmed {inc.id}. It could not be hidden: {outcome.error}.")


async def _dismiss(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    inc = await _incident_arg(moderator, caller, args)
    if isinstance(inc, CommandReply):
        return inc
    allow = len(args) > 1 and args[1].lower() == "allowlist"
    if len(args) > 1 and not allow:
        return _fail("The only option of dismiss is 'allowlist'.")
    async with moderator.incident_lock(inc.id):
        current = await moderator.store.get_incident(inc.id, _scope(caller)) or inc
        if not incidents.allows(Move.DISMISS, current):
            return _fail(incidents.refusal("dismiss", current))
        original = None
        if allow:
            try:
                original = await moderator.open_original(current)
            except SealError as exc:
                return _fail(f"Cannot allowlist {inc.id}'s values: {exc}. Not dismissed.")
        moved = await incidents.apply(
            moderator.store, current, Move.DISMISS,
            audit=AuditRecord(_actor(caller), "dismiss" + (" allowlist" if allow else "")))
        if moved is None:
            latest = await moderator.store.get_incident(inc.id, _scope(caller)) or current
            return _fail(incidents.refusal("dismiss", latest))
    note = ""
    if original is not None:
        added = await moderator.store.add_allowlist(original.allowlist, _actor(caller), inc.id,
                                                    _scope(caller))
        moderator.pipeline.allowlist.update(
            allowlist_entry(caller.platform, caller.server, k) for _s, k in original.allowlist)
        note = f" {added} value(s) allowlisted for {', '.join(inc.servants) or 'its servants'}."
    return CommandReply(f"Dismissed {inc.id} as a false positive.{note} {_after_dismiss(current)}")


def _after_dismiss(inc: Incident) -> str:
    """What dismissing did not do: it records a verdict, it does not bring the message back."""
    if inc.status in (IncidentStatus.REVIEW, IncidentStatus.HIDE_FAILED):
        return "The message was never hidden, so nothing changes in the channel."
    if inc.status is IncidentStatus.RESTORED:
        return "The message was already restored to the channel."
    if inc.has_original:
        return (f"The message stays hidden unless you restore it: restore {inc.id} puts it "
                "back in the channel, attributed to its author.")
    return ("The message stays hidden: no sealed original was kept, so it cannot be "
            "restored; ask the author to post it again.")


async def _timeout(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    inc = await _incident_arg(moderator, caller, args)
    if isinstance(inc, CommandReply):
        return inc
    meta = await moderator.store.incident_message(inc.id)
    if meta is None:  # pragma: no cover - every incident stores its message ids
        return _fail(f"{inc.id} has no message to act on.")
    from bot.engine import _message_from_meta

    minutes = moderator.config.notices.timeout_minutes or 60
    ok = await moderator.timeout_author(inc, _message_from_meta(meta), minutes)
    await moderator.store.audit(_actor(caller), "timeout" if ok else "timeout-failed", inc.id,
                                f"{minutes} minutes", _scope(caller))
    if not ok:
        return _fail(f"Could not time out {inc.author_name or inc.author} on {inc.platform}.")
    return CommandReply(f"Timed out {inc.author_name or inc.author} for {minutes} minutes.")


async def _stats(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    from bot.report import DEFAULT_SINCE, build_report, parse_since, stats_text

    try:
        seconds = parse_since(args[0] if args else DEFAULT_SINCE)
    except ValueError as exc:
        return _fail(str(exc).replace("--since ", "stats "))
    # a moderator sees their own server's figures (the console has no server: all of them)
    server = f"{caller.platform}:{caller.server}" if caller.server else None
    return CommandReply(stats_text(await build_report(moderator.store, seconds, server)))


async def _check(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    from bot.masking import mask_excerpt

    text = " ".join(args).strip()
    if not text:
        return _fail("check needs a message to test, e.g. check he lives at ...")
    message = ChatMessage(
        id="check", channel=caller.channel or "check", author=caller.user_id, text=text,
        platform=caller.platform, server=caller.server, kind=EventKind.NEW,
    )
    pipeline = moderator.pipeline_for(caller.platform, caller.server)
    ctx = pipeline.new_context()
    if len(text) > 4000:
        verdict = await asyncio.to_thread(pipeline.scan, message, ctx)
    else:
        verdict = pipeline.scan(message, ctx)
    if not verdict.is_violation:
        return CommandReply("Dry run: allowed (nothing would happen).")
    lines = [f"Dry run: would {verdict.action.value} (nothing stored or hidden)."]
    lines += verdict_lines(verdict)
    lines.append("  excerpt: " + mask_excerpt(text, [(f.start, f.end) for f in verdict.findings]))
    return CommandReply("\n".join(lines))


async def _reload(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    source = moderator.config.source or None
    try:
        await moderator.reload()
    except ConfigError as exc:
        log.warning("reload refused: %s", type(exc).__name__)
        return _fail(f"Reload failed; still running the previous configuration.\n{exc}")
    await moderator.store.audit(_actor(caller), "reload", scope=_scope(caller))
    return CommandReply(
        f"Reloaded {source or 'the default settings'}: {len(moderator.registry)} servants."
    )


async def _help(moderator: Moderator, caller: Caller, args: tuple[str, ...]) -> CommandReply:
    return CommandReply(help_text(args[0] if args else None))


_HANDLERS: dict[str, Handler] = {
    "status": _status,
    "servant": _servant,
    "incidents": _incidents,
    "incident": _incident,
    "reveal": _reveal,
    "restore": _restore,
    "confirm": _confirm,
    "dismiss": _dismiss,
    "timeout": _timeout,
    "stats": _stats,
    "check": _check,
    "reload": _reload,
    "help": _help,
}


async def execute(moderator: Moderator, request: CommandRequest) -> CommandReply:
    """Run a command for a caller `Moderator.run_command` already checked."""
    name = request.name.strip().lower().lstrip("/")
    handler = _HANDLERS.get(name)
    if handler is None:
        return _fail(f"Unknown command {request.name!r}.\n{help_text()}")
    log.info("command %s by %s", name, _actor(request.caller))
    return await handler(moderator, request.caller, tuple(request.args))


async def press_action(
    moderator: Moderator, caller: Caller, action: str, incident_id: str
) -> CommandReply:
    """A notice button, for a caller `Moderator.press` already checked."""
    handlers: dict[str, Handler] = {
        "restore": _restore, "confirm": _confirm, "dismiss": _dismiss, "timeout": _timeout,
    }
    handler = handlers.get(action)
    if handler is None:
        return _fail(f"Unknown action {action!r}.")
    return await handler(moderator, caller, (incident_id,))
