"""The Discord adapter's pure parts: invite URL, AutoMod regexes, audit reasons, commands."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlparse

import re2
from discord import AppCommandOptionType

from adapters.discord_adapter import _chunks, audit_reason, invite_url
from adapters.discord_automod import (
    MAX_PATTERN_LENGTH,
    MAX_PATTERNS,
    SSN_PATTERN,
    build_patterns,
    rust_escape,
)
from adapters.discord_commands import build_group, to_tokens
from adapters.discord_permissions import Refusals, missing, required_permissions
from bot.commands import COMMANDS, find_command

BASE_BITS = (
    (1 << 10)  # View Channel
    | (1 << 16)  # Read Message History
    | (1 << 11)  # Send Messages
    | (1 << 14)  # Embed Links
    | (1 << 13)  # Manage Messages
    | (1 << 29)  # Manage Webhooks
    | (1 << 40)  # Moderate Members
)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_invite_url_has_exactly_the_needed_scopes_and_bits() -> None:
    q = _query(invite_url("123456789012345678"))
    assert q["client_id"] == ["123456789012345678"]
    assert sorted(q["scope"][0].split()) == ["applications.commands", "bot"]
    assert int(q["permissions"][0]) == BASE_BITS


def test_invite_url_adds_manage_server_only_for_automod() -> None:
    q = _query(invite_url("1", automod=True))
    assert int(q["permissions"][0]) == BASE_BITS | (1 << 5)


def test_missing_names_discord_titles_and_admin_has_all() -> None:
    import discord

    have = discord.Permissions(view_channel=True, send_messages=True)
    assert "Manage Messages" in missing(have)
    assert "Manage Server" not in missing(have)
    assert "Manage Server" in missing(have, automod=True)
    assert missing(discord.Permissions(administrator=True), automod=True) == []
    assert missing(required_permissions()) == []


def test_refusals_are_remembered_per_scope_and_forgotten_per_guild() -> None:
    r = Refusals()
    r.remember("delete", "1/2")
    assert r.refused("delete", "1/2")
    assert not r.refused("delete", "1/3")
    r.forget_guild("1")
    assert not r.refused("delete", "1/2")
    expired = Refusals(ttl=-1.0)
    expired.remember("delete", "1/2")
    assert not expired.refused("delete", "1/2")


def test_ssn_pattern_matches_ssn_shapes_only() -> None:
    rx = re2.compile(SSN_PATTERN)
    assert rx.search("ssn 123-45-6789 ok")
    assert rx.search("ssn 123 45 6789")
    assert not rx.search("000-12-3456")
    assert not rx.search("666-12-3456")
    assert not rx.search("912-12-3456")
    assert not rx.search("123-00-4567")
    assert not rx.search("call 816-555-0142")


def test_name_patterns_fit_automod_limits_and_match_name_next_to_phone() -> None:
    names = [f"Servant Number{chr(65 + i % 26)}{i}" for i in range(300)]
    names += ["Rosalind Quarrie", "Officer Quarrie"]
    patterns, left_out = build_patterns(names)
    assert len(patterns) <= MAX_PATTERNS
    assert all(len(p) <= MAX_PATTERN_LENGTH for p in patterns)
    assert left_out > 0  # 300 names cannot fit; the count is reported
    small, none_left = build_patterns(["Rosalind Quarrie", "Bernard Oyelaran"])
    assert none_left == 0
    rx = [re2.compile(p) for p in small[1:]]
    assert any(r.search("rosalind   quarrie cell: (816) 555-0142") for r in rx)
    assert not any(r.search("Rosalind Quarrie spoke at the meeting") for r in rx)
    assert not any(r.search("Quarrie 816-555-0142") for r in rx)  # full names only here


def test_rust_escape_escapes_meta_and_joins_whitespace() -> None:
    assert rust_escape("Ofc. O'Neil-Smith") == r"Ofc\.\s+O'Neil\-Smith"
    assert re2.compile(rust_escape("J.R. (Bob) Doe")).search("J.R. (Bob)   Doe")


def test_audit_reason_keeps_only_ids_and_categories() -> None:
    reason = audit_reason(
        "doxguard incident DG-000042: Rosalind Quarrie's phone 816-555-0142 "
        "at 4410 Harrison St (phone_number, home_address)"
    )
    assert reason == "doxguard: DG-000042 (home_address, phone_number)"
    assert audit_reason("anything else") == "doxguard: moderation"


def test_chunks_split_long_replies_on_lines() -> None:
    text = "\n".join(f"line {i}" for i in range(1000))
    parts = _chunks(text, 2000)
    assert all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts) == text


class _Host:
    async def on_command(self, interaction: Any, name: str, args: tuple[str, ...]) -> None:
        raise AssertionError("not called in this test")

    async def on_complete(self, kind: str, prefix: str) -> list[str]:
        return []


def test_slash_group_mirrors_every_engine_command() -> None:
    group = build_group(_Host())
    assert group.name == "doxguard"
    assert group.default_permissions is not None and group.default_permissions.manage_messages
    by_name = {c.name: c for c in group.commands}
    assert set(by_name) == {spec.name for spec in COMMANDS}
    for spec in COMMANDS:
        cmd = by_name[spec.name]
        if spec.subcommands:
            assert {c.name for c in cmd.commands} == {s.name for s in spec.subcommands}
            continue
        assert [p.name for p in cmd.parameters] == [
            a.name for a in sorted(spec.args, key=lambda a: not a.required)
        ]
        for param, arg in zip(
            cmd.parameters, sorted(spec.args, key=lambda a: not a.required), strict=True
        ):
            assert param.required == arg.required
            assert bool(param.autocomplete) == bool(arg.autocomplete)


def test_options_become_engine_tokens() -> None:
    add = find_command("servant")
    assert add is not None
    spec = add.subcommand("add")
    assert spec is not None
    tokens = to_tokens(
        spec.args,
        {"name": "Rosalind Quarrie", "role": "police_officer",
         "alias": "Officer Quarrie; badge 5521", "public_email": None},
    )
    assert tokens == [
        "Rosalind Quarrie", "role=police_officer", "alias=Officer Quarrie", "alias=badge 5521",
    ]
    check = find_command("check")
    assert check is not None
    assert to_tokens(check.args, {"text": 'call "me" at 816-555-0142'}) == [
        'call "me" at 816-555-0142'
    ]


def test_discord_incidents_options_are_a_user_and_an_integer() -> None:
    group = build_group(_Host())
    [incidents] = [c for c in group.commands if c.name == "incidents"]
    params = {p.name: p for p in incidents.parameters}  # type: ignore[union-attr]
    assert params["user"].type is AppCommandOptionType.user
    assert params["limit"].type is AppCommandOptionType.integer
    assert (params["limit"].min_value, params["limit"].max_value) == (1, 100)
    spec = find_command("incidents")
    assert spec is not None
    member = SimpleNamespace(id=123456789012345678, display_name="Poster")
    assert to_tokens(spec.args, {"user": member, "limit": 5}) == ["123456789012345678", "5"]
    assert to_tokens(spec.args, {"user": None, "limit": 25}) == ["25"]
