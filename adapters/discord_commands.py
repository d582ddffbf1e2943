"""The `/doxguard` slash-command group, generated from `bot.commands.COMMANDS`.

Generated rather than written by hand so names, arguments and help text never
drift from the engine. Each leaf command gets a callback whose signature lists
the spec's arguments (discord.py reads option names and types from it); the
callback turns the options back into the `CommandRequest.args` tokens the
engine parses (positional values, `name=value` keywords, greedy text last).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Optional, Protocol

import discord
from discord import app_commands

from bot.commands import COMMANDS, ArgSpec, CommandSpec

REPEAT_SEPARATOR = ";"
_DESC = 100  # Discord's limit for command and option descriptions


class CommandHost(Protocol):
    """What the generated callbacks call back into (the adapter)."""

    async def on_command(
        self, interaction: discord.Interaction[Any], name: str, args: tuple[str, ...]
    ) -> None: ...

    async def on_complete(self, kind: str, prefix: str) -> list[str]: ...


def _clip(text: str, limit: int = _DESC) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _arg_description(arg: ArgSpec) -> str:
    text = arg.help
    if arg.repeatable:
        text += f" (several: separate with {REPEAT_SEPARATOR})"
    return _clip(text)


def to_tokens(args: tuple[ArgSpec, ...], values: dict[str, Any]) -> list[str]:
    """Options as the engine's argument tokens, in the spec's order."""
    tokens: list[str] = []
    for arg in args:
        value = values.get(arg.name)
        if value is None or value == "":
            continue
        text = str(value.id) if arg.kind == "user" and hasattr(value, "id") else str(value)
        if arg.keyword:
            parts = text.split(REPEAT_SEPARATOR) if arg.repeatable else [text]
            tokens.extend(f"{arg.name}={p.strip()}" for p in parts if p.strip())
        else:
            tokens.append(text)
    return tokens


def _option_type(arg: ArgSpec) -> Any:
    """The annotation discord.py reads the option type from: a member picker for a user,
    a bounded integer for a number, text otherwise."""
    if arg.kind == "user":
        base: Any = discord.User
    elif arg.kind == "integer":
        base = app_commands.Range[int, arg.minimum, arg.maximum]
    else:
        base = str
    return base if arg.required else Optional[base]  # noqa: UP045 - read by discord.py


def _leaf(
    host: CommandHost, spec: CommandSpec, command_name: str, prefix: tuple[str, ...]
) -> app_commands.Command[Any, ..., Any]:
    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        tokens = to_tokens(spec.args, values)
        await host.on_command(interaction, command_name, (*prefix, *tokens))

    params = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation=discord.Interaction)]
    # discord.py wants required options first; the spec already lists them so
    for arg in sorted(spec.args, key=lambda a: not a.required):
        params.append(
            inspect.Parameter(
                arg.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=_option_type(arg),
                default=inspect.Parameter.empty if arg.required else None,
            )
        )
    callback.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    callback.__name__ = spec.name
    descriptions = {a.name: _arg_description(a) for a in spec.args}
    if descriptions:
        app_commands.describe(**descriptions)(callback)
    choices = {
        a.name: [app_commands.Choice(name=c, value=c) for c in a.choices]
        for a in spec.args
        if a.choices
    }
    if choices:
        app_commands.choices(**choices)(callback)
    completers = {a.name: _completer(host, a.autocomplete) for a in spec.args if a.autocomplete}
    if completers:
        app_commands.autocomplete(**completers)(callback)
    return app_commands.Command(name=spec.name, description=_clip(spec.help), callback=callback)


def _completer(
    host: CommandHost, kind: str | None
) -> Callable[[discord.Interaction[Any], str], Awaitable[list[app_commands.Choice[str]]]]:
    async def complete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        found = await host.on_complete(kind or "", current)
        return [app_commands.Choice(name=_clip(v), value=v[:100]) for v in found[:25]]

    return complete


def build_group(host: CommandHost) -> app_commands.Group:
    """`/doxguard ...` with every engine command; visible to Manage Messages by default.

    The visibility default is a convenience only: the engine re-checks every
    caller, so a server admin loosening it does not let members moderate.
    """
    group = app_commands.Group(
        name="doxguard",
        description="doxguard moderation (moderators only)",
        default_permissions=discord.Permissions(manage_messages=True),
        guild_only=True,
    )
    for spec in COMMANDS:
        if spec.subcommands:
            sub_group = app_commands.Group(
                name=spec.name, description=_clip(spec.help), parent=group
            )
            for sub in spec.subcommands:
                sub_group.add_command(_leaf(host, sub, spec.name, (sub.name,)))
        else:
            group.add_command(_leaf(host, spec, spec.name, ()))
    return group
