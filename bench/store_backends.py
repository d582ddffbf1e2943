"""The store backends side by side, and the 1,000,000-name registry per process.

1. Engine on each backend: the Moderator with the in-process recording platform handles
   doxxing messages back to back (incidents per second), then steady chat at 200 msg/s,
   each message its own task (p50/p99 from a message arriving to its hide request).
   SQLite on a temporary file; PostgreSQL on `$DOXGUARD_DATABASE_URL` (an empty
   database), or on a throwaway server (tests/pg_server.py) when that is unset.
2. Several processes: a doxxing stream split across N engine processes on one PostgreSQL
   (messages per second together, and the incidents stored).
3. Registry at scale: in a fresh process, a 1,000,000-name registry loaded from its cache
   (`storage.registry_cache`): seconds until ready and peak RSS, beside the issue's
   targets (<= 3 s, <= 1 GB per process). The cache is built first if missing.

    python bench/store_backends.py [--quick] [--messages N] [--processes N]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import traffic  # noqa: E402
from bench.engine_load import TimedPlatform  # noqa: E402
from bench.registry_gen import write_registry  # noqa: E402
from bot.config import Config, parse_config  # noqa: E402
from bot.engine import Moderator  # noqa: E402
from bot.models import ChatMessage  # noqa: E402
from bot.registry import Registry, load_servants  # noqa: E402
from bot.seal import generate_key  # noqa: E402
from bot.store import open_store  # noqa: E402

REGISTRY_READY_TARGET_S = 3.0
REGISTRY_RSS_TARGET_MB = 1024.0
BASE_NAMES = 10_000  # the registry the engine figures use (as bench/pipeline_bench.py)
RATE = 200.0  # msg/s offered in the steady run


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _config(backend: str, db: str) -> Config:
    storage = ('backend = "postgresql"\nurl_env = "DOXGUARD_BENCH_DATABASE_URL"\n'
               if backend == "postgresql" else f'path = "{db}"\n')
    return parse_config(f"[storage]\n{storage}", ROOT / "bench" / "bench.toml")


def _renamed(messages: list[ChatMessage], prefix: str) -> list[ChatMessage]:
    return [dataclasses.replace(m, id=f"{prefix}-{m.id}") for m in messages]


async def _engine(backend: str, db: str, registry: Registry) -> tuple[Moderator, TimedPlatform]:
    config = _config(backend, db)
    platform = TimedPlatform()
    store = await open_store(config)
    moderator = await Moderator.create(config, platform, store=store, registry=registry,
                                       retry_delay=0.01, sweep=False)
    return moderator, platform


async def engine_figures(backend: str, db: str, registry: Registry,
                         messages: int) -> tuple[float, float, float]:
    """(incidents/s back to back, hide p50 ms, hide p99 ms at RATE msg/s) on one backend."""
    moderator, platform = await _engine(backend, db, registry)
    try:
        burst = _renamed(traffic.engine_stream(messages + 20, doxxing_share=1.0, seed=5),
                         "burst")
        for m in burst[:20]:
            await moderator.handle(m)
        start = time.perf_counter()
        for m in burst[20:]:
            await moderator.handle(m)
        rate = (len(burst) - 20) / (time.perf_counter() - start)
        chat = _renamed(traffic.engine_stream(messages * 2), "chat")
        arrived: dict[str, float] = {}
        tasks: list[asyncio.Task[object]] = []
        t0 = time.perf_counter()
        for i, m in enumerate(chat):
            due = t0 + i / RATE
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            arrived[m.id] = due  # lateness of the loop itself counts against us
            tasks.append(asyncio.create_task(moderator.handle(m)))
        await asyncio.gather(*tasks)
        lat = [(platform.hide_at[i] - arrived[i]) * 1000 for i in arrived
               if i in platform.hide_at]
        return rate, _pct(lat, 0.5), _pct(lat, 0.99)
    finally:
        await moderator.close()


def _process_burst(dsn: str, servants: str, index: int, count: int, ready: Any,
                   out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    os.environ["DOXGUARD_BENCH_DATABASE_URL"] = dsn
    registry = load_servants(Path(servants))

    async def run() -> None:
        moderator, _ = await _engine("postgresql", "", registry)
        try:
            burst = _renamed(traffic.engine_stream(count, doxxing_share=1.0, seed=5),
                             f"proc{index}")
            await asyncio.to_thread(ready.wait)  # every process loaded and connected
            t0 = time.perf_counter()
            for m in burst:
                await moderator.handle(m)
            out.put((index, count, time.perf_counter() - t0))
        finally:
            await moderator.close()

    asyncio.run(run())


def processes_figure(dsn: str, servants: Path, processes: int,
                     per_process: int) -> tuple[float, int]:
    """(aggregate incidents/s, incidents stored) for N engine processes on one database."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    ready = ctx.Barrier(processes)
    procs = [ctx.Process(target=_process_burst,
                         args=(dsn, str(servants), i, per_process, ready, out))
             for i in range(processes)]
    for p in procs:
        p.start()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    slowest = max(seconds for _i, _n, seconds in results)
    total = sum(n for _i, n, _s in results)

    async def stored() -> int:
        import asyncpg

        conn = await asyncpg.connect(dsn)
        try:
            return int(await conn.fetchval(
                "SELECT count(*) FROM incidents WHERE message_id LIKE 'proc%'"))
        finally:
            await conn.close()

    return total / slowest, asyncio.run(stored())


_REGISTRY_PROBE = """
import resource, sys, time
sys.path.insert(0, {root!r})
from bot.config import parse_config
from bot.engine import load_file_registry
cfg = parse_config({text!r}, {cfg!r})
t0 = time.perf_counter()
registry = load_file_registry(cfg)
ready = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
writer = getattr(registry, "cache_writer", None)
if writer is not None:  # a first run: let the cache be written before the process ends
    writer.join()
print(len(registry), ready, rss)
"""


def registry_figures(names: int, workdir: Path) -> tuple[int, float, float]:
    """(names, seconds to ready from the cache, peak RSS MB) in a fresh process."""
    servants = workdir / f"servants-{names}.toml"
    if not servants.exists():
        write_registry(servants, names)
    text = (f'servants_file = "{servants}"\n[storage]\n'
            f'registry_cache = "{workdir / "cache"}"\n')
    probe = _REGISTRY_PROBE.format(root=str(ROOT), text=text, cfg=str(workdir / "x.toml"))
    for _attempt in range(2):  # the first run may have to build the cache
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                              check=True, timeout=1800)
    count, ready, rss = done.stdout.split()
    return int(count), float(ready), float(rss)


def _print_registry(names: int, work: Path) -> None:
    count, ready, rss = registry_figures(names, work)
    print(f"registry of {names:,} names ({count:,} servants) per process, from the cache")
    print(f"  ready in {ready:.2f} s (target <= {REGISTRY_READY_TARGET_S:.0f} s)   "
          f"peak RSS {rss:,.0f} MB (target <= {REGISTRY_RSS_TARGET_MB:,.0f} MB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--registry-names", type=int, default=1_000_000)
    parser.add_argument("--only-registry", action="store_true",
                        help="just the registry-at-scale figures")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.processes, args.registry_names = 60, 2, 2_000
    os.environ.setdefault("DOXGUARD_SEAL_KEY", generate_key())
    server = None
    dsn = os.environ.get("DOXGUARD_DATABASE_URL", "")
    if not dsn:
        from tests.pg_server import PostgresServer

        server = PostgresServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="doxguard-bench-") as tmp:
            work = Path(tmp)
            if args.only_registry:
                _print_registry(args.registry_names, work)
                return 0
            servants = work / "base.toml"
            write_registry(servants, BASE_NAMES)
            registry = load_servants(servants)
            print(f"store backends: {args.messages} doxxing messages back to back, then "
                  f"{args.messages * 2} chat messages at {RATE:.0f} msg/s "
                  f"({BASE_NAMES:,}-name registry, sealing on, in-process platform)")
            print(f"  {'backend':<11} {'incidents/s':>12} {'hide p50':>10} {'hide p99':>10}")
            for backend in ("sqlite", "postgresql"):
                where = str(work / "bench.db")
                if backend == "postgresql":
                    where = server.create_database("bench_engine") if server else dsn
                    os.environ["DOXGUARD_BENCH_DATABASE_URL"] = where
                rate, p50, p99 = asyncio.run(
                    engine_figures(backend, where, registry, args.messages))
                print(f"  {backend:<11} {rate:>12,.0f} {p50:>8.1f} ms {p99:>8.1f} ms")
            shared = server.create_database("bench_procs") if server else dsn
            per = max(args.messages // args.processes, 10)
            agg, stored = processes_figure(shared, servants, args.processes, per)
            print(f"  {args.processes} engine processes on one PostgreSQL: {agg:,.0f} "
                  f"messages/s together; {stored} incidents stored for "
                  f"{per * args.processes} doxxing-stream messages")
            _print_registry(args.registry_names, work)
    finally:
        if server is not None:
            server.stop()
    driver_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this driver {driver_mb:,.0f} MB")
    print("benchmark complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
