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

import logging
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.models import CommandReply, CommandRequest

if TYPE_CHECKING:  # pragma: no cover - typing only
    from bot.engine import Moderator

log = logging.getLogger("doxguard.commands")


@dataclass(frozen=True, slots=True)
class ArgSpec:
    """One argument of a command.

    `autocomplete` names what `Moderator.complete(kind, prefix)` can suggest:
    "servant" or "incident" (None: free text). `choices` lists fixed values.
    """

    name: str
    help: str
    required: bool = True
    autocomplete: str | None = None
    keyword: bool = False
    repeatable: bool = False
    greedy: bool = False
    choices: tuple[str, ...] = ()


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
            ArgSpec("user", "author id to filter by", required=False),
            ArgSpec("limit", "how many to show (default 10)", required=False),
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


async def execute(moderator: Moderator, request: CommandRequest) -> CommandReply:
    """Run a command for a caller `Moderator.run_command` already checked."""
    raise NotImplementedError("in progress")
