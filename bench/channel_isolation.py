"""One busy channel must not slow the others: hide latency beside 100 KB messages.

The Moderator (SQLite on a temporary file, sealing on, the in-process recording
platform) takes short doxxing messages in channel "quiet" at a steady rate, first
alone, then while channel "busy" receives 100,000-character messages one after
another. Each message is its own task, as the adapters run them. Long messages are
scanned in worker threads (at most `OFF_LOOP_SCANS` at once) with order kept per
channel, so the quiet channel's p99 should stay near its value alone.

    python bench/channel_isolation.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import traffic  # noqa: E402
from bench.engine_load import TimedPlatform, _pct  # noqa: E402
from bench.registry_gen import write_registry  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.engine import Moderator  # noqa: E402
from bot.models import ChatMessage  # noqa: E402
from bot.registry import Registry, load_servants  # noqa: E402
from bot.seal import generate_key  # noqa: E402

RATIO_TARGET = 2.0  # quiet-channel p99 beside busy traffic, at most this times p99 alone
BIG_CHARS = 100_000


def _quiet(n: int) -> list[ChatMessage]:
    stream = traffic.engine_stream(n, doxxing_share=1.0, seed=11)
    return [ChatMessage(id=f"q{i}", channel="quiet", author=m.author, text=m.text,
                        server="1", platform="discord")
            for i, m in enumerate(stream)]


def _big(n: int) -> list[ChatMessage]:
    """Long messages that name a servant first, so every detector reads all of them."""
    named = traffic.engine_stream(1, doxxing_share=1.0, seed=12)[0].text
    line = " the minutes of tonight's meeting, item 12 by item, 3 pm, with everyone's remarks."
    text = (named + line * (BIG_CHARS // len(line) + 1))[:BIG_CHARS]
    return [ChatMessage(id=f"b{i}", channel="busy", author="scribe", text=text, server="1",
                        platform="discord") for i in range(n)]


async def _run(registry: Registry, db: Path, quiet: list[ChatMessage],
               big: list[ChatMessage], rate: float) -> tuple[list[float], float]:
    """Hide latencies (ms) in the quiet channel; seconds the busy channel took."""
    platform = TimedPlatform()
    moderator = await Moderator.create(Config(), platform, db_path=db, registry=registry,
                                       retry_delay=0.01, sweep=False)
    arrived: dict[str, float] = {}
    tasks: list[asyncio.Task[object]] = []
    busy_seconds = 0.0

    async def busy() -> None:
        nonlocal busy_seconds
        start = time.perf_counter()
        await asyncio.gather(*(moderator.handle(m) for m in big))  # all queued at once
        busy_seconds = time.perf_counter() - start

    try:
        busy_task = asyncio.create_task(busy()) if big else None
        start = time.perf_counter()
        for i, m in enumerate(quiet):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            arrived[m.id] = due  # lateness of the loop itself counts against us
            tasks.append(asyncio.create_task(moderator.handle(m)))
        await asyncio.gather(*tasks)
        if busy_task is not None:
            await busy_task
    finally:
        await moderator.close()
    return [(platform.hide_at[k] - arrived[k]) * 1000 for k in arrived
            if k in platform.hide_at], busy_seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (seconds)")
    args = parser.parse_args()
    quiet_n, big_n, rate = (40, 2, 40.0) if args.quick else (400, 8, 50.0)
    os.environ.setdefault("DOXGUARD_SEAL_KEY", generate_key())
    logging.getLogger("doxguard").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="doxguard-bench-") as tmp:
        servants = Path(tmp) / "servants.toml"
        write_registry(servants, 10_000)
        registry = load_servants(servants)
        runs: list[tuple[list[float], list[float], float]] = []
        for i in range(1 if args.quick else 3):  # alternately, on fresh databases
            alone, _ = asyncio.run(
                _run(registry, Path(tmp) / f"a{i}.db", _quiet(quiet_n), [], rate))
            beside, busy_s = asyncio.run(
                _run(registry, Path(tmp) / f"b{i}.db", _quiet(quiet_n), _big(big_n), rate))
            runs.append((alone, beside, busy_s))
    # the run with the median ratio of p99s is reported (a p99 of ~330 hides is one of
    # the few slowest, and a shared machine moves it from run to run)
    runs.sort(key=lambda r: _pct(r[1], 0.99) / max(_pct(r[0], 0.99), 1e-9))
    alone, beside, busy_s = runs[len(runs) // 2]
    p99_alone, p99_beside = _pct(alone, 0.99), _pct(beside, 0.99)
    ratio = p99_beside / p99_alone if p99_alone > 0 else float("nan")
    ratios = ", ".join(f"{_pct(b, 0.99) / max(_pct(a, 0.99), 1e-9):.2f}x" for a, b, _ in runs)
    label = "smoke run, not a measurement" if args.quick else (
        "met" if ratio <= RATIO_TARGET else "short")
    print(f"channel isolation: {len(alone)} doxxing messages at {rate:.0f} msg/s in one "
          f"channel, {big_n} messages of {BIG_CHARS:,} characters in another")
    print(f"  quiet channel alone        hide p50 {_pct(alone, 0.5):.1f} ms  "
          f"p99 {p99_alone:.1f} ms")
    print(f"  beside the busy channel    hide p50 {_pct(beside, 0.5):.1f} ms  "
          f"p99 {p99_beside:.1f} ms  (busy channel done in {busy_s:.2f} s)")
    print(f"  p99 ratio {ratio:.2f}x, the median run (runs: {ratios}) "
          f"(target <= {RATIO_TARGET:g}x: {label})")
    print("benchmark complete")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
