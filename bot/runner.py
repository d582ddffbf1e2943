"""`doxguard run`: start whichever platforms have tokens, else the local console."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from bot.config import Config, secret

log = logging.getLogger("doxguard.runner")

DRAIN_SECONDS = 6.0  # in-flight work gets this long after a stop signal


def effective_config(cfg: Config, servants_file: Path | None, db_path: str | None) -> Config:
    """Apply command-line overrides (absolute paths, so the config's folder no longer matters)."""
    if servants_file is not None:
        cfg = dataclasses.replace(cfg, servants_file=str(Path(servants_file).resolve()))
    if db_path:
        storage = cfg.storage
        if db_path != ":memory:":
            db_path = str(Path(db_path).resolve())
        cfg = dataclasses.replace(cfg, storage=dataclasses.replace(storage, path=db_path))
    return cfg


def platforms_configured(cfg: Config) -> list[str]:
    """Which platforms have their tokens (or, Slack for many workspaces, the app's OAuth
    client id and secret) in the environment."""
    found = []
    if secret(cfg.discord.token_env):
        found.append("discord")
    slack = cfg.slack
    many = slack.mode == "http" and secret(slack.client_id_env) and secret(slack.client_secret_env)
    if secret(slack.bot_token_env) or many:
        found.append("slack")
    return found


async def run(cfg: Config, servants_file: Path | None = None, db_path: str | None = None) -> int:
    cfg = effective_config(cfg, servants_file, db_path)
    platforms = platforms_configured(cfg)
    if not platforms:
        from adapters.console import run_console

        log.info("no platform tokens set: starting the local console chat")
        return await run_console(cfg, sys.stdin, sys.stdout)
    return await run_platforms(cfg, platforms)


async def run_platforms(cfg: Config, platforms: list[str]) -> int:
    """One engine and one store for every platform with tokens, until SIGINT or SIGTERM.

    Each platform's events reach the one `Moderator`; its requests go back through a
    `PlatformRouter` to the adapter of the platform they came from. A stop signal
    drains in-flight work on every platform, then closes the store: exit 0. A store
    that became unusable, or a gateway Discord closed for good, stops the process
    with exit 1; what keeps a platform from starting is a StartError (exit 2).
    """
    from bot.engine import Moderator, check_servants_files
    from bot.platform import PlatformRouter
    from bot.store import open_store

    check_servants_files(cfg)  # a missing registry stops the start before the database opens
    adapters: dict[str, Any] = {}
    routes: dict[str, Any] = {}
    engine_config = cfg
    if "slack" in platforms:
        from adapters.slack_adapter import slack_bot

        adapters["slack"] = bot = slack_bot(cfg)  # refuses missing secrets before opening
        routes["slack"] = bot.platform
        engine_config = bot.config  # with the moderators' user group among the moderators
    if "discord" in platforms:
        from adapters.discord_adapter import DiscordAdapter

        adapters["discord"] = routes["discord"] = DiscordAdapter(cfg)
    store = await open_store(cfg)  # opened and migrated once, for every platform
    try:
        moderator = await Moderator.create(engine_config, PlatformRouter(routes), store=store,
                                           resume=False)
    except BaseException:
        await store.close()  # create closes it on its own failures; closing twice is harmless
        raise
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        await _start_adapters(cfg, adapters, moderator)
        await moderator.resume()  # every platform is connected: unfinished work can go on
        if "slack" in adapters:
            await adapters["slack"].backfill()  # Discord catches up itself once it is ready
        return await _serve(cfg, adapters, moderator, stop)
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        await _drain(adapters, moderator)


async def _start_adapters(cfg: Config, adapters: dict[str, Any], moderator: Any) -> None:
    if "discord" in adapters:
        from adapters.discord_adapter import start_discord

        token = secret(cfg.discord.token_env)
        assert token is not None  # platforms_configured saw it
        await start_discord(adapters["discord"], token, moderator)
    if "slack" in adapters:
        from adapters.slack_adapter import start_slack

        await start_slack(adapters["slack"], moderator)


async def _serve(cfg: Config, adapters: dict[str, Any], moderator: Any,
                 stop: asyncio.Event) -> int:
    """Until a stop signal (0), an unusable store (1) or the end of Discord's gateway."""
    waiters: list[asyncio.Future[Any]] = [asyncio.ensure_future(stop.wait()),
                                          asyncio.ensure_future(moderator.failed.wait())]
    gateway = adapters["discord"].gateway if "discord" in adapters else None
    if gateway is not None:
        waiters.append(gateway)
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters[:2]:
            waiter.cancel()
    if moderator.failure is not None:
        log.error("stopping: %s", moderator.failure)
        return 1
    if gateway is not None and gateway.done() and not stop.is_set():
        from adapters.discord_adapter import start_problem

        problem = gateway.exception() if not gateway.cancelled() else None
        if problem is not None:
            start_error = start_problem(cfg, problem)
            if start_error is not None:
                raise start_error
            log.error("discord: the gateway stopped: %s", type(problem).__name__)
            return 1
        log.info("discord: the gateway closed")
        return 0
    log.info("stopping: finishing the messages in progress")
    return 0


async def _drain(adapters: dict[str, Any], moderator: Any) -> None:
    """Stop taking events everywhere, let work in flight finish, then close the store.

    Each adapter waits for its own events (at most DRAIN_SECONDS together), so the
    process exits well within the 10 s a service manager gives it.
    """
    closing = [adapter.close(drain=DRAIN_SECONDS) for adapter in adapters.values()]
    try:
        async with asyncio.timeout(DRAIN_SECONDS + 2):
            await asyncio.gather(*closing, return_exceptions=True)
    except TimeoutError:
        log.warning("closing with work unfinished: the next start resumes stored incidents")
    await moderator.close()
