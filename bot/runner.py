"""`doxguard run`: start whichever platforms have tokens, else the local console."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sys
from pathlib import Path

from bot.config import Config, secret

log = logging.getLogger("doxguard.runner")


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
    jobs = []
    if "discord" in platforms:
        from adapters.discord_adapter import run_discord

        jobs.append(run_discord(cfg))
    if "slack" in platforms:
        from adapters.slack_adapter import run_slack

        jobs.append(run_slack(cfg))
    results = await asyncio.gather(*jobs)
    return max(results)
