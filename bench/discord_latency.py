"""Benchmark: latency from MESSAGE_CREATE sent to the DELETE Discord receives.

Runs the real discord.py client and the real Moderator against the loopback
fake Discord and prints the median and p99 over many doxxing messages (each one
is deleted and produces a notice). Not a test: it only prints figures.

    python bench/discord_latency.py --messages 2000
    python bench/discord_latency.py --messages 20          # smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.discord_adapter import DiscordAdapter
from bot.config import parse_config
from tests.fake_discord import FakeDiscord, Recorded, bot_config_text

TEMPLATES = (
    "Rosalind Quarrie's cell is 816-555-01{n:02d}, call her all night",
    "Officer Quarrie lives at {house} Harrison St, Kansas City, MO 64110 — go visit her",
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def run(messages: int, channels: int, in_flight: int, db: str) -> None:
    os.environ.setdefault(
        "DOXGUARD_SEAL_KEY", base64.urlsafe_b64encode(bytes(range(32))).decode()
    )
    fake = FakeDiscord()
    guild = fake.add_guild()
    for i in range(channels - 1):
        fake.add_channel(guild, f"room-{i}")
    await fake.start()
    poster = fake.new_user(guild, "poster")
    config = parse_config(bot_config_text(fake), "bench-doxguard.toml")
    bot = DiscordAdapter(config)
    await bot.start("bench-token", db_path=db, retry_delay=0.01, sweep=False)
    await bot.wait_ready(30)

    sent: dict[str, float] = {}
    latencies: list[float] = []
    done: dict[str, asyncio.Event] = {}

    def on_request(rec: Recorded) -> None:
        if rec.method == "DELETE":
            mid = rec.path.rsplit("/", 1)[-1]
            if mid in sent:
                latencies.append(rec.at - sent[mid])
                done[mid].set()

    fake.listeners.append(on_request)
    rooms = [int(c["id"]) for c in guild.channels if c["name"] != "mod-log"]
    window = asyncio.Semaphore(in_flight)

    async def one(i: int) -> None:
        async with window:
            text = TEMPLATES[i % 2].format(n=10 + i % 90, house=1000 + i)
            channel = rooms[i % len(rooms)]
            msg = fake.make_message(channel, poster, text)
            mid = msg["id"]
            done[mid] = asyncio.Event()
            sent[mid] = time.monotonic()
            await fake.dispatch("MESSAGE_CREATE", msg, guild_id=guild.id)
            await asyncio.wait_for(done[mid].wait(), 60)

    started = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(messages)))
    elapsed = time.monotonic() - started
    mod_log = next(c["id"] for c in guild.channels if c["name"] == "mod-log")
    notices = rf"^/channels/{mod_log}/messages$"
    await fake.wait_until(lambda: len(fake.find("POST", notices)) >= messages, 120)
    await bot.close()
    await fake.stop()

    ms = [x * 1000 for x in latencies]
    print(f"messages: {len(ms)} over {channels} channels, {in_flight} in flight, db={db}")
    print(f"median:   {statistics.median(ms):8.2f} ms")
    print(f"p90:      {_percentile(ms, 0.90):8.2f} ms")
    print(f"p99:      {_percentile(ms, 0.99):8.2f} ms")
    print(f"max:      {max(ms):8.2f} ms")
    print(f"rate:     {len(ms) / elapsed:8.1f} messages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--in-flight", type=int, default=4,
                        help="messages posted but not yet deleted at any time")
    parser.add_argument("--db", default="", help="database file (default: a temporary file)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("doxguard").setLevel(logging.INFO if args.verbose else logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "bench.db")
        asyncio.run(run(args.messages, args.channels, args.in_flight, db))


if __name__ == "__main__":
    main()
