"""Event-to-`chat.delete` latency of the Slack adapter, against the loopback fake Slack.

Runs the real slack-bolt app (Socket Mode by default, or signed HTTP events) and
the real Moderator (in-memory store) and sends doxxing messages spread over a
few channels, keeping `--concurrency` (default 4) of them in flight. For each one it times
from the moment the event leaves the fake until the fake receives the admin
token's `chat.delete` for that message, and prints median, p90, p99 and max.

    .venv/bin/python bench/slack_latency.py                 # 2000 events
    .venv/bin/python bench/slack_latency.py --events 20     # smoke run
    .venv/bin/python bench/slack_latency.py --mode http

Figures include the fake's own HTTP handling on the same event loop, so they
are an upper bound for the adapter plus engine, not a statement about Slack.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from adapters.slack_adapter import SlackBot  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.engine import Moderator  # noqa: E402
from tests import fake_slack as fs  # noqa: E402

TEMPLATES = (
    "Officer Quenneville lives at {n} Harrow St, Kansas City, MO 64111 — go tell him",
    "Officer Quenneville's personal cell is 816-555-01{nn}, call him day and night",  # not 0100
    "Denise Quenneville, the officer's wife, drives to {n} Harrow St, Kansas City, MO 64111",
)


def _text(i: int) -> str:
    return TEMPLATES[i % len(TEMPLATES)].format(n=1000 + i % 8000, nn=40 + i % 60)


async def run(events: int, concurrency: int, channels: int, mode: str) -> dict[str, float]:
    fake = fs.FakeSlack()
    await fake.start()
    channel_ids = [f"CBENCH{c:03d}" for c in range(channels)]
    for c, cid in enumerate(channel_ids):
        fake.add_channel(cid, f"bench-{c}")
    fake.add_channel("CMODS", "mods", private=True)
    fake.add_user("UAUTHOR", "poster")
    config = parse_config(
        'servants_file = "slack_servants.toml"\n[notices]\nretry_attempts = 2\n'
        f'[slack]\nmode = "{mode}"\napi_base_url = "{fake.base_url}"\n'
        'moderators_channel = "CMODS"\n',
        ROOT / "tests" / "data" / "bench.toml",
    )
    bot = SlackBot(config, bot_token=fs.BOT_TOKEN, app_token=fs.APP_TOKEN,
                   admin_token=fs.ADMIN_TOKEN, signing_secret=fs.SIGNING_SECRET)
    moderator = await Moderator.create(bot.config, bot.platform, db_path=":memory:",
                                       retry_delay=0.01, sweep=False)
    await bot.start(moderator=moderator)
    session = aiohttp.ClientSession()
    url = ""
    if mode == "http":
        port = await bot.start_http("127.0.0.1", 0)
        url = f"http://127.0.0.1:{port}/slack/events"
    else:
        await bot.connect_socket_mode()
        await fake.wait_connections(1)

    latencies: list[float] = []
    missed: list[int] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            channel = channel_ids[i % channels]
            body = fake.post_as_user(channel, "UAUTHOR", _text(i))
            sent = time.perf_counter()
            if mode == "http":
                raw = json.dumps(body)
                async with session.post(url, data=raw,
                                        headers=fs.signed_headers(fs.SIGNING_SECRET, raw)) as r:
                    await r.read()
            else:
                await fake.push("events_api", body)
            try:
                deleted = await fake.wait_deleted(channel, body["event"]["ts"])
            except TimeoutError:
                missed.append(i)
                return
            latencies.append(deleted - sent)

    started = time.perf_counter()
    try:
        await asyncio.gather(*(one(i) for i in range(events)))
    finally:
        elapsed = time.perf_counter() - started
        await session.close()
        await bot.close()
        await fake.close()
    ms = sorted(x * 1000 for x in latencies)
    cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {
        "events": float(len(ms)),
        "median_ms": statistics.median(ms),
        "p90_ms": cuts[89],
        "p99_ms": cuts[98],
        "max_ms": ms[-1],
        "events_per_s": len(ms) / elapsed,
        "missed": float(len(missed)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4,
                        help="events in flight at once (default 4)")
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--mode", choices=("socket", "http"), default="socket")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    logging.disable(logging.WARNING)  # figures only; the bot logs each incident at INFO
    os.environ.setdefault("DOXGUARD_SEAL_KEY",
                          base64.urlsafe_b64encode(os.urandom(32)).decode())
    stats = asyncio.run(run(args.events, args.concurrency, args.channels, args.mode))
    print(f"slack event → chat.delete latency ({args.mode} mode, {int(stats['events'])} events, "
          f"concurrency {args.concurrency}, {args.channels} channels)")
    print(f"  median {stats['median_ms']:.1f} ms   p90 {stats['p90_ms']:.1f} ms   "
          f"p99 {stats['p99_ms']:.1f} ms   max {stats['max_ms']:.1f} ms")
    print(f"  throughput {stats['events_per_s']:.0f} events/s")
    if stats["missed"]:
        print(f"  NOT deleted within {fs.WAIT:.0f} s: {int(stats['missed'])} events")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
