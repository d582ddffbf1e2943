"""`doxguard run` that cannot start a platform: one line naming the setting, exit 2.

Each case is a real `doxguard run` process with the real discord.py / slack-bolt, pointed
at a loopback server that refuses the token (the fake Slack, or a tiny Discord stand-in
answering 401) or at a port nobody listens on. The operator must see what failed, which
variable or setting, and what to do — no traceback, no "Unclosed client session", no
warnings from libraries about voice support or tokens they will not use.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from tests.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack

REPO = Path(__file__).resolve().parents[1]
SERVANTS = REPO / "tests" / "data" / "slack_servants.toml"
NOISE = ("Traceback", "Unclosed", "PyNaCl", "davey", "voice", "will be unused",
         "logging in using static token")


def closed_port() -> int:
    """A local port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def doxguard_run(tmp_path: Path, config: str, **env: str) -> tuple[int, str]:
    path = tmp_path / "doxguard.toml"
    path.write_text(
        f'servants_file = "{SERVANTS}"\n[storage]\npath = "{tmp_path / "dg.db"}"\n{config}',
        encoding="utf-8",
    )
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("DISCORD", "SLACK", "DOXGUARD"))}
    environ.update(PYTHONPATH=str(REPO), **env)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(path),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=tmp_path, env=environ,
    )
    try:
        async with asyncio.timeout(90):
            _out, err = await proc.communicate()
    finally:
        if proc.returncode is None:  # hung instead of failing: do not leave it running
            proc.kill()
            await proc.wait()
    assert proc.returncode is not None
    return proc.returncode, err.decode(errors="replace")


def the_one_line(status: int, stderr: str, *needles: str) -> str:
    assert status == 2, stderr
    for noise in NOISE:
        assert noise not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("doxguard:")]
    assert len(errors) == 1, stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


@pytest.fixture
async def refusing_discord() -> AsyncIterator[str]:
    """A stand-in for Discord's REST API that refuses every token, as Discord does."""

    async def unauthorized(request: web.Request) -> web.Response:
        return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)

    app = web.Application()
    app.router.add_route("*", "/api/v10/{tail:.*}", unauthorized)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/api/v10"
    await runner.cleanup()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    yield server
    await server.close()


async def test_discord_wrong_token(tmp_path: Path, refusing_discord: str) -> None:
    status, err = await doxguard_run(
        tmp_path, f'[discord]\napi_base_url = "{refusing_discord}"\n',
        DISCORD_TOKEN="a-wrong-token")
    line = the_one_line(status, err, "refused the bot token", "$DISCORD_TOKEN",
                        "discord.token_env", "Reset Token")
    assert "a-wrong-token" not in err and "a-wrong-token" not in line


async def test_discord_unreachable(tmp_path: Path) -> None:
    port = closed_port()
    status, err = await doxguard_run(
        tmp_path, f'[discord]\napi_base_url = "http://127.0.0.1:{port}/api/v10"\n',
        DISCORD_TOKEN="a-token")
    the_one_line(status, err, "cannot reach Discord", f"127.0.0.1:{port}",
                 "discord.api_base_url")


async def test_slack_wrong_bot_token(tmp_path: Path, slack: FakeSlack) -> None:
    status, err = await doxguard_run(
        tmp_path, f'[slack]\napi_base_url = "{slack.base_url}"\n',
        SLACK_BOT_TOKEN="xoxb-not-the-right-one", SLACK_APP_TOKEN=APP_TOKEN)
    the_one_line(status, err, "refused the bot token", "$SLACK_BOT_TOKEN", "invalid_auth",
                 "xoxb-")
    assert "xoxb-not-the-right-one" not in err


async def test_slack_wrong_app_token(tmp_path: Path, slack: FakeSlack) -> None:
    status, err = await doxguard_run(
        tmp_path, f'[slack]\napi_base_url = "{slack.base_url}"\n',
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN="xapp-not-the-right-one")
    the_one_line(status, err, "refused the app-level token", "$SLACK_APP_TOKEN",
                 "connections:write")


async def test_slack_socket_mode_without_app_token(tmp_path: Path, slack: FakeSlack) -> None:
    status, err = await doxguard_run(
        tmp_path, f'[slack]\napi_base_url = "{slack.base_url}"\n', SLACK_BOT_TOKEN=BOT_TOKEN)
    the_one_line(status, err, "$SLACK_APP_TOKEN", "slack.app_token_env")
    assert slack.calls == []  # refused before any call


async def test_slack_unreachable(tmp_path: Path) -> None:
    port = closed_port()
    status, err = await doxguard_run(
        tmp_path, f'[slack]\napi_base_url = "http://127.0.0.1:{port}/api/"\n',
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN)
    the_one_line(status, err, "cannot reach Slack", f"127.0.0.1:{port}", "slack.api_base_url")


async def test_slack_http_port_in_use(tmp_path: Path, slack: FakeSlack) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status, err = await doxguard_run(
            tmp_path,
            f'[slack]\napi_base_url = "{slack.base_url}"\nmode = "http"\n'
            f'http_host = "127.0.0.1"\nhttp_port = {port}\n',
            SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET="0123456789abcdef0123456789abcdef")
    the_one_line(status, err, f"cannot listen on 127.0.0.1:{port}", "slack.http_port")
