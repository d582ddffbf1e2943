"""Hardening against bad input: pasted tokens, broken files on reload, garbage console lines,
malformed Slack payloads. Each is refused or skipped, named, and the bot keeps working.

Malformed config and registry entries in general are in tests/test_config.py and
tests/test_registry.py; Slack's missing-field events, oversized and binary files and
40,000-character messages in tests/test_slack_e2e.py. This file adds the rest.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.console import run_console
from bot.config import ConfigError, load_config
from bot.engine import Moderator
from bot.models import Caller, CommandRequest
from bot.seal import generate_key
from tests.fake_platform import FakePlatform
from tests.test_engine import DOX, SERVANTS, make_config, msg

REPO = Path(__file__).resolve().parents[1]
TOKEN = "xoxb-2222222222-3333333333-fictionalTokenValue"
MOD = Caller("console", "mod")


@pytest.fixture(autouse=True)
def _sealed(key: str) -> str:
    """Every test here runs with a sealing key (the shared `key` fixture)."""
    return key


def files(tmp_path: Path, servants: str | None = None) -> Path:
    """A config folder: doxguard.toml pointing at servants.toml (the engine test registry)."""
    (tmp_path / "servants.toml").write_text(
        servants if servants is not None else SERVANTS.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    cfg = tmp_path / "doxguard.toml"
    cfg.write_text(
        'servants_file = "servants.toml"\n[storage]\npath = "dg.db"\n', encoding="utf-8"
    )
    return cfg


def _run_bot(
    args: list[str], cwd: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items()
               if not k.endswith(("_TOKEN", "_SECRET"))}
    environ.update(PYTHONPATH=str(REPO), **env)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin,
                          capture_output=True, text=True, cwd=cwd, env=environ, timeout=120)


# --------------------------------------------------------------------------
# tokens pasted into files


async def test_a_token_pasted_into_servants_toml_is_refused_without_echoing_it(
    tmp_path: Path,
) -> None:
    registry = SERVANTS.read_text(encoding="utf-8").replace(
        'aliases = ["Officer Whitaker", "badge 4471"]',
        f'aliases = ["Officer Whitaker", "{TOKEN}"]',
    )
    cfg = files(tmp_path, registry)
    with pytest.raises(ConfigError) as info:
        await Moderator.create(load_config(cfg), FakePlatform(), sweep=False)
    err = info.value
    assert err.file.endswith("servants.toml") and err.key.endswith("aliases[1]")
    line = registry.splitlines().index(
        next(r for r in registry.splitlines() if TOKEN in r)) + 1
    assert err.line == line and "environment variable" in err.problem
    assert TOKEN not in str(err)
    # through the console entry: exit status 2, one line naming file and line, no token
    out = io.StringIO()
    err_stream = io.StringIO()
    sys_err, sys.stderr = sys.stderr, err_stream
    try:
        status = await run_console(load_config(cfg), io.StringIO(""), out)
    finally:
        sys.stderr = sys_err
    assert status == 2 and f"servants.toml:{line}" in err_stream.getvalue()
    assert TOKEN not in err_stream.getvalue() + out.getvalue()


def test_doxguard_run_refuses_a_token_in_doxguard_toml(tmp_path: Path) -> None:
    cfg = files(tmp_path)
    cfg.write_text(cfg.read_text() + f'[slack]\nmoderators_channel = "{TOKEN}"\n')
    result = _run_bot(["run", "--config", str(cfg)], tmp_path)
    assert result.returncode == 2
    assert "doxguard.toml:5" in result.stderr and "slack.moderators_channel" in result.stderr
    assert TOKEN not in result.stderr + result.stdout
    assert not (tmp_path / "dg.db").exists()  # refused before anything started


async def test_reload_of_a_broken_or_token_holding_file_keeps_the_running_config(
    tmp_path: Path,
) -> None:
    cfg = files(tmp_path)
    moderator = await Moderator.create(load_config(cfg), FakePlatform(), retry_delay=0.0,
                                       sweep=False)
    good = cfg.read_text()
    cases = [
        ("doxguard.toml", good + "[context]\nreply_window = 3\n", "doxguard.toml:5"),
        ("doxguard.toml", good + "[detection]\nenforce = [\n", "doxguard.toml"),
        ("servants.toml", '[[servants]]\nname = "Ana Quist"\nrole = "astronaut"\n',
         "servants.toml:1"),
        ("servants.toml", f'[[servants]]\nname = "Ana Quist"\naliases = ["{TOKEN}"]\n',
         "servants.toml:3"),
    ]
    servants_text = (tmp_path / "servants.toml").read_text()
    for name, text, where in cases:
        (tmp_path / name).write_text(text)
        reply = await moderator.run_command(CommandRequest(MOD, "reload", ()))
        assert not reply.ok and "still running the previous configuration" in reply.text
        assert where in reply.text and TOKEN not in reply.text
        assert len(moderator.registry) == 2  # the running registry is untouched
        incident = await moderator.handle(msg(name + where, DOX))
        assert incident is not None  # and it still moderates with it
        cfg.write_text(good)
        (tmp_path / "servants.toml").write_text(servants_text)
    ok = await moderator.run_command(CommandRequest(MOD, "reload", ()))
    assert ok.ok
    await moderator.close()


# --------------------------------------------------------------------------
# the console: garbage lines


GARBAGE = [
    "\x00\x00\x00",
    "\x1b[31mred\x1b[0m \x07\x08 bell",
    "#",
    "#!!! @: nothing",
    "@: empty user",
    "/edit",
    "/edit 99999 nothing to edit",
    "/delete last",
    "/reply 0 zero",
    "@mod: /doxguard",
    "@mod: /doxguard reveal",
    "@mod: /doxguard incident DG-99999999999999999999999",
    "@mod: /doxguard incidents 99999999999999999999",
    '@mod: /doxguard servant add "unclosed',
    "@mod: /doxguard servant add",
    "@mod: /doxguard nonsense --flag",
    "@mod: /doxguard check",
    "\u200b\u200d\ufeff",
    "x" * 100_000,
    "9" * 5_000 + "@" * 3_000 + "." * 3_000,
]


async def test_garbage_console_lines_are_skipped_and_the_bot_keeps_working(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    script = "\n".join([*GARBAGE, f"#general @alice: {DOX}", "@mod: /doxguard incidents"])
    out = io.StringIO()
    assert await run_console(config, io.StringIO(script + "\n"), out) == 0
    text = out.getvalue()
    assert "[#general] (message hidden by doxguard)" in text
    assert "DG-000001" in text.split("(message hidden by doxguard)")[1]
    assert "Traceback" not in text


def test_invalid_utf8_on_stdin_does_not_stop_the_console(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    (tmp_path / "doxguard.toml").write_text(
        f'servants_file = "{SERVANTS}"\n[storage]\npath = "{tmp_path / "dg.db"}"\n')
    environ = {k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "_SECRET"))}
    # strict decoding, as under a UTF-8 locale (the C locale would be lenient by itself)
    environ.update(PYTHONPATH=str(REPO), DOXGUARD_SEAL_KEY=generate_key(),
                   PYTHONIOENCODING="utf-8:strict")
    stdin = b"\xff\xfe\xfa broken bytes\n" + f"#general @alice: {DOX}\n".encode()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(tmp_path / "doxguard.toml")],
        input=stdin, capture_output=True, cwd=tmp_path, env=environ, timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    assert b"(message hidden by doxguard)" in result.stdout
    assert config.database_path.exists()


# --------------------------------------------------------------------------
# Slack: malformed payloads the e2e tests do not send


async def test_malformed_slack_requests_are_skipped_and_the_bot_keeps_working(
    http_factory: Any,  # noqa: F811 - the fixture of test_slack_e2e
) -> None:
    from tests import fake_slack as fs
    from tests.test_slack_e2e import AUTHOR, DOXX, GENERAL
    from tests.test_slack_e2e import MOD as SLACK_MOD

    http = await http_factory()
    raw_bodies = ["{not json", "[]", "null", json.dumps({"type": "event_callback"}),
                  json.dumps(fs.event_body({"type": "message"}) | {"event": "a string"})]
    for raw in raw_bodies:
        headers = fs.signed_headers(fs.SIGNING_SECRET, raw)
        async with http.session.post(http.url, data=raw, headers=headers) as resp:
            assert resp.status == 400  # refused before bolt, never a 500
    unknown = [
        fs.event_body({"type": "app_mention", "user": AUTHOR, "text": DOXX, "ts": "1.2",
                       "channel": GENERAL}),
        fs.event_body({"type": "pin_added", "user": AUTHOR}),
        fs.event_body({"type": "message", "subtype": "channel_join", "user": AUTHOR,
                       "channel": GENERAL, "ts": "1.3"}),
        fs.event_body({"type": "message", "channel": GENERAL, "ts": "1.4", "user": AUTHOR,
                       "text": "x" * 200_000}),
        fs.event_body({"type": "message", "channel": GENERAL, "ts": "1.5", "user": AUTHOR,
                       "files": [{"id": "F404", "mimetype": "application/zip",
                                  "url_private": "http://evil.example.org/x"}]}),
    ]
    for body in unknown:  # acknowledged, or "unhandled" (404) for events nobody listens to
        assert await http.send_event(body) in (200, 404)
    # interactivity and commands with missing pieces
    for payload in ({"type": "block_actions", "actions": []},
                    {"type": "block_actions", "user": {}, "actions": [{"action_id": "x"}]},
                    {"type": "nonsense"}):
        await http.send_form(fs.interactive_form(payload))
    bad_quote = await http.command(SLACK_MOD, 'servant add "unclosed')
    assert "quote" in bad_quote["text"]
    async with asyncio.timeout(fs.WAIT):
        await http.bot.wait_idle()
    assert http.fake.calls_to("chat.delete") == []
    assert http.fake.calls_to("files.download") == []  # an untrusted host is never fetched
    await http.deliver(http.fake.post_as_user(GENERAL, AUTHOR, DOXX))
    assert len(http.fake.calls_to("chat.delete", ok_only=True)) == 1


from tests.test_slack_e2e import _seal_key, fake, http_factory  # noqa: E402, F401 - fixtures
