"""doxguard's performance benchmark: pipeline throughput, latency, registry scale, engine, peer.

Deterministic synthetic traffic (bench/traffic.py) and registries (bench/registry_gen.py);
every figure is the median of `--runs` runs, measured in one process pinned to one
core (the engine run is not pinned: aiosqlite has its own thread). Pipeline
throughput and adversarial times are CPU time of that process, so other work on
a shared machine does not count against it (wall-clock throughput is printed
beside); per-message latency is each message's fastest run. Each registry size
is built and measured in a fresh subprocess, so its peak RSS is its own.
Targets are printed beside each figure with PASS/FAIL (a `--quick` smoke run judges
nothing: its figures are not comparable); the exit status is 0 either way, because
this is a measurement, not a test.

    .venv/bin/python bench/pipeline_bench.py              # full run, a few minutes
    .venv/bin/python bench/pipeline_bench.py --quick      # CI smoke, seconds
    .venv/bin/python bench/pipeline_bench.py --registry-sizes 10,10000 --runs 3
    .venv/bin/python bench/pipeline_bench.py --profile clean   # cProfile of one mix
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import dataclasses
import gc
import inspect
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import traffic  # noqa: E402
from bench.registry_gen import write_registry  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.models import ChatMessage  # noqa: E402
from bot.pipeline import Pipeline  # noqa: E402
from bot.registry import Registry, load_servants  # noqa: E402

TARGETS = {  # issue 14's targets (the earlier ones were 50,000, 5,000 and 1.5x)
    "clean": 100_000.0,  # msg/s, 10,000-name registry
    "pii": 20_000.0,  # msg/s
    "adv_4000": 5.0,  # ms
    "adv_100000": 100.0,  # ms
    "big_build": 20.0,  # s from TOML
    "big_cache": 3.0,  # s from the cache
    "big_rss": 2048.0,  # MiB
    "big_slowdown": 1.2,  # x the 10-name throughput
    "engine_p99": 10.0,  # ms at 200 msg/s
    "peer_ratio": 30.0,  # x Presidio
}
BASE_NAMES = 10_000  # the registry the mixes, latency and engine figures use


# --quick measures tiny inputs on a cold process: its figures are not comparable with the
# targets (set for full runs), so a smoke run prints no PASS/FAIL at all
SMOKE_MARK = "not judged: smoke run"
_smoke = False


def _mark(ok: bool) -> str:
    if _smoke:
        return SMOKE_MARK
    return "PASS" if ok else "FAIL"


def pin_one_core() -> set[int] | None:
    """Pin this process to one CPU (returns the previous set, None where unsupported)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    return before


def peak_rss_mib() -> float:
    """Peak resident set of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.machine()}")


def cache_supported() -> bool:
    return "cache_dir" in inspect.signature(load_servants).parameters


# --------------------------------------------------------------------------
# pipeline measurements


def scan_all(pipeline: Pipeline, messages: Sequence[ChatMessage]
             ) -> tuple[float, float, list[int]]:
    """One pass with a fresh context: (CPU seconds, wall seconds, per-message wall ns).

    Throughput is taken from the process's CPU time, so other work on a shared
    machine (it has two cores) does not count against the pipeline; the wall
    time is kept beside it.
    """
    ctx = pipeline.new_context()
    scan = pipeline.scan
    clock = time.perf_counter_ns
    lat: list[int] = []
    append = lat.append
    gc.collect()
    cpu = time.process_time()
    start = clock()
    for m in messages:
        t = clock()
        scan(m, ctx)
        append(clock() - t)
    wall = (clock() - start) / 1e9
    return time.process_time() - cpu, wall, lat


def throughput(pipeline: Pipeline, messages: Sequence[ChatMessage], runs: int
               ) -> tuple[float, float, list[int]]:
    """Median messages/s (CPU time, wall time) over `runs` passes after a warm-up pass,
    and each message's latency as the fastest of its runs.

    Every pass sees the same messages in the same order with a fresh context, so
    a message's fastest pass is its cost without preemption by other processes;
    collector pauses, which recur at the same points in each pass, stay in.
    """
    scan_all(pipeline, messages[: min(len(messages), 500)])
    cpu_rates: list[float] = []
    wall_rates: list[float] = []
    best: list[int] = []
    for _ in range(runs):
        cpu, wall, one = scan_all(pipeline, messages)
        cpu_rates.append(len(messages) / max(cpu, 1e-9))
        wall_rates.append(len(messages) / wall)
        best = one if not best else [min(a, b) for a, b in zip(best, one, strict=True)]
    return statistics.median(cpu_rates), statistics.median(wall_rates), best


def percentile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def verdict_summary(pipeline: Pipeline, messages: Sequence[ChatMessage]) -> dict[str, int]:
    ctx = pipeline.new_context()
    return dict(Counter(pipeline.scan(m, ctx).action.value for m in messages))


def adversarial_ms(pipeline: Pipeline, length: int, runs: int) -> tuple[float, str, dict]:
    """Worst median time (ms) over the adversarial kinds at `length` characters."""
    per_kind: dict[str, float] = {}
    for kind, text in traffic.adversarial(length).items():
        msg = ChatMessage(id="adv", channel="adv", author="adv", text=text, platform="bench")
        times = []
        for _ in range(runs):
            start = time.thread_time()  # CPU time: other load on the machine is not ours
            pipeline.scan(msg, pipeline.new_context())
            times.append((time.thread_time() - start) * 1000)
            if times[-1] > 2000:  # pathological: one sample is enough to report it
                break
        per_kind[kind] = statistics.median(times)
    worst = max(per_kind, key=per_kind.__getitem__)
    return per_kind[worst], worst, per_kind


# --------------------------------------------------------------------------
# one registry size, in a fresh process


def registry_child(toml: Path, names: int, cache_dir: Path | None, mode: str, messages: int,
                   runs: int) -> dict[str, Any]:
    """Load (build or cache), then clean-mix throughput; runs inside the subprocess."""
    pin_one_core()
    clean = traffic.clean_mix(messages)
    config = Config()
    start, cpu = time.perf_counter(), time.process_time()
    if cache_dir is not None:
        registry = load_servants(toml, config.detection.default_region, cache_dir=cache_dir)
    else:
        registry = load_servants(toml, config.detection.default_region)
    load_s, load_cpu_s = time.perf_counter() - start, time.process_time() - cpu
    writer = getattr(registry, "cache_writer", None)
    if writer is not None:
        # the registry is ready at load_s; the cache is written on a background thread,
        # whose CPU (process_time counts every thread) must not be charged to scanning
        writer.join()
    rss_loaded = peak_rss_mib()
    pipeline = Pipeline(config, registry)
    rate, wall_rate, _ = throughput(pipeline, clean, runs)
    return {
        "names": names,
        "servants": len(registry),
        "mode": mode,
        "load_s": load_s,
        "load_cpu_s": load_cpu_s,
        "build_seconds": getattr(registry, "build_seconds", None),
        "rss_loaded_mib": rss_loaded,
        "peak_rss_mib": peak_rss_mib(),
        "clean_msg_s": rate,
        "clean_msg_s_wall": wall_rate,
        "verdicts": verdict_summary(pipeline, clean),
    }


def run_child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"registry child failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def registry_sizes(sizes: list[int], messages: int, runs: int, tmp: Path,
                   out: Callable[[str], None]) -> list[dict[str, Any]]:
    rows = []
    for names in sizes:
        toml = tmp / f"servants-{names}.toml"
        start = time.perf_counter()
        write_registry(toml, names)
        gen_s = time.perf_counter() - start
        base = ["--child-registry", str(toml), "--child-names", str(names),
                "--messages", str(messages)]
        cache_dir = tmp / f"cache-{names}"
        use_cache = cache_supported()
        extra = ["--cache-dir", str(cache_dir)] if use_cache else []
        built = run_child([*base, *extra, "--child-mode", "build", "--runs", str(runs)])
        cached = None
        if use_cache:
            cached = run_child([*base, *extra, "--child-mode", "cache", "--runs", "1"])
            if cached["verdicts"] != built["verdicts"]:
                out(f"  !! {names:,} names: verdicts from the cached registry differ "
                    f"({cached['verdicts']} vs {built['verdicts']})")
        rows.append({"names": names, "toml_mib": toml.stat().st_size / 2**20,
                     "generate_s": gen_s, "build": built, "cache": cached})
        toml.unlink()
    return rows


# --------------------------------------------------------------------------
# the report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny smoke run (CI)")
    ap.add_argument("--registry-sizes", default=None,
                    help="comma-separated name counts (default 10,10000,1000000)")
    ap.add_argument("--runs", type=int, default=None, help="runs per figure (median)")
    ap.add_argument("--engine-seconds", type=float, default=None,
                    help="length of the paced engine run")
    ap.add_argument("--no-peer", action="store_true", help="skip the Presidio comparison")
    ap.add_argument("--json", type=Path, help="also write every figure to this file")
    ap.add_argument("--profile", choices=("clean", "pii", "adversarial"),
                    help="print a cProfile of one workload and exit")
    # internal: one registry size in a fresh process
    ap.add_argument("--child-registry", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--child-names", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--child-mode", help=argparse.SUPPRESS)
    ap.add_argument("--cache-dir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--messages", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    global _smoke
    quick = _smoke = args.quick
    runs = args.runs or (1 if quick else 5)
    n_clean = args.messages or (400 if quick else 20_000)
    if args.child_registry:
        print(json.dumps(registry_child(args.child_registry, args.child_names, args.cache_dir,
                                        args.child_mode, n_clean, runs)))
        return 0
    if args.registry_sizes:
        sizes = [int(s.replace("_", "")) for s in args.registry_sizes.split(",") if s.strip()]
    else:
        sizes = [10, 1_000] if quick else [10, 10_000, 1_000_000]
    n_pii = 200 if quick else 5_000
    n_peer = 40 if quick else 5_000  # Presidio runs ~1,600 msg/s: ~3 s a pass
    engine_seconds = args.engine_seconds or (1.0 if quick else 10.0)
    n_incidents = 40 if quick else 1_000

    def out(line: str = "") -> None:
        print(line, flush=True)

    results: dict[str, Any] = {"machine": machine(), "runs": runs, "quick": quick}
    with tempfile.TemporaryDirectory(prefix="doxguard-bench-") as tmpdir:
        tmp = Path(tmpdir)
        write_registry(tmp / "base.toml", BASE_NAMES)
        registry = load_servants(tmp / "base.toml")
        pipeline = Pipeline(Config(), registry)
        clean = traffic.clean_mix(n_clean)
        pii = traffic.pii_mix(n_pii)
        if args.profile:
            return profile(pipeline, args.profile, clean, pii)
        previous_cpus = pin_one_core()
        if quick:
            out("SMOKE RUN (--quick): tiny inputs, one run; these figures are NOT comparable "
                "with the targets, which are judged only on a full run (no --quick)")
        out(f"doxguard benchmark{' (quick)' if quick else ''}: median of {runs} run(s)")
        out(f"machine: {results['machine']}; pipeline pinned to one core")
        out()
        _mixes(pipeline, registry, clean, pii, runs, results, out)
        _adversarial(pipeline, runs, results, out)
        _peer(pipeline, clean[:n_peer], pii[:n_peer], min(runs, 3), args.no_peer, results, out)
        _registries(sizes, n_clean, runs, tmp, results, out)
        if previous_cpus is not None:
            os.sched_setaffinity(0, previous_cpus)
        _engine(registry, n_incidents, engine_seconds, runs, results, out)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    out()
    out("benchmark complete")
    return 0


def _mixes(pipeline: Pipeline, registry: Registry, clean: list[ChatMessage],
           pii: list[ChatMessage], runs: int, results: dict[str, Any],
           out: Callable[[str], None]) -> None:
    out(f"pipeline throughput and latency ({len(registry):,} servants / {BASE_NAMES:,} names)")
    for key, msgs, label in (("clean", clean, "clean-heavy mix"), ("pii", pii, "PII-heavy mix")):
        rate, wall_rate, lat = throughput(pipeline, msgs, runs)
        verdicts = verdict_summary(pipeline, msgs)
        p50, p99 = percentile(lat, 0.5) / 1000, percentile(lat, 0.99) / 1000
        results[key] = {"messages": len(msgs), "msg_s": rate, "msg_s_wall": wall_rate,
                        "p50_us": p50, "p99_us": p99, "max_us": max(lat) / 1000,
                        "verdicts": verdicts}
        target = TARGETS[key]
        out(f"  {label:<16} {len(msgs):>7,} msgs  {rate:>9,.0f} msg/s  "
            f"(target >= {target:,.0f}: {_mark(rate >= target)})  wall clock {wall_rate:,.0f}")
        out(f"  {'':<16} latency p50 {p50:,.1f} us  p99 {p99:,.1f} us  "
            f"max {max(lat) / 1000:,.1f} us  verdicts {verdicts}")
    out()


def _adversarial(pipeline: Pipeline, runs: int, results: dict[str, Any],
                 out: Callable[[str], None]) -> None:
    out("adversarial messages (worst kind, median of runs, CPU time)")
    results["adversarial"] = {}
    for length in (4_000, 100_000):
        worst, kind, per_kind = adversarial_ms(pipeline, length, runs)
        target = TARGETS[f"adv_{length}"]
        results["adversarial"][str(length)] = {"worst_ms": worst, "kind": kind,
                                               "per_kind_ms": per_kind}
        out(f"  {length:>7,} chars  worst {worst:,.2f} ms ({kind})  "
            f"(target <= {target:g} ms: {_mark(worst <= target)})")
        slow = sorted(per_kind.items(), key=lambda kv: -kv[1])[:3]
        out("  " + " " * 14 + "slowest: " + ", ".join(f"{k} {v:,.2f} ms" for k, v in slow))
    per = {n: results["adversarial"][str(n)]["per_kind_ms"] for n in (4_000, 100_000)}
    out(f"  {'kind':<44} {'4,000 chars':>12} {'100,000 chars':>14}")
    for kind in per[4_000]:
        small, big = per[4_000][kind], per[100_000][kind]
        over = [f"{n:,}" for n, v in ((4_000, small), (100_000, big))
                if v > TARGETS[f"adv_{n}"]]
        mark = _mark(not over) + (f" (over at {' and '.join(over)})" if over and not _smoke else "")
        out(f"  {kind:<44} {small:>9,.2f} ms {big:>11,.2f} ms  {mark}")
    out()


def _peer(pipeline: Pipeline, clean: list[ChatMessage], pii: list[ChatMessage], runs: int,
          skip: bool, results: dict[str, Any], out: Callable[[str], None]) -> None:
    from bench.peer_presidio import build_presidio, presidio_version

    out("peer: Microsoft Presidio analyzer (pattern recognizers, blank spaCy), same messages")
    analyze = None if skip else build_presidio()
    if analyze is None:
        out("  presidio: not installed" if not skip else "  presidio: skipped (--no-peer)")
        results["peer"] = None
        out()
        return
    results["peer"] = {"presidio_analyzer": presidio_version()}
    for key, msgs, label in (("clean", clean, "clean-heavy mix"), ("pii", pii, "PII-heavy mix")):
        texts = [m.text for m in msgs]
        for t in texts[:20]:
            analyze(t)
        ours_rates, theirs_rates = [], []
        for _ in range(runs):  # interleaved, so both see the same machine state
            ours_rates.append(len(msgs) / scan_all(pipeline, msgs)[0])
            start = time.process_time()
            for t in texts:
                analyze(t)
            theirs_rates.append(len(texts) / (time.process_time() - start))
        ours, theirs = statistics.median(ours_rates), statistics.median(theirs_rates)
        ratio = ours / theirs
        results["peer"][key] = {"messages": len(msgs), "doxguard_msg_s": ours,
                                "presidio_msg_s": theirs, "ratio": ratio}
        if key == "clean":
            ok = ratio >= TARGETS["peer_ratio"]
            verdict = f"(target >= {TARGETS['peer_ratio']:g}x: {_mark(ok)})"
        else:
            verdict = "(the 30x target is read on the clean-heavy mix: README, Performance)"
        out(f"  {label:<16} {len(msgs):>6,} msgs  doxguard {ours:>9,.0f} msg/s  "
            f"presidio {theirs:>7,.0f} msg/s  ratio {ratio:,.1f}x {verdict}")
    out(f"  presidio-analyzer {results['peer']['presidio_analyzer']}")
    out()


def _registries(sizes: list[int], messages: int, runs: int, tmp: Path,
                results: dict[str, Any], out: Callable[[str], None]) -> None:
    out("registry size (each in a fresh process; clean-heavy mix)")
    if not cache_supported():
        out("  (bot.registry.load_servants has no cache_dir yet: no cache row)")
    rows = registry_sizes(sizes, messages, runs, tmp, out)
    results["registries"] = rows
    out(f"  {'names':>9}  {'servants':>8}  {'TOML':>8}  {'build (CPU)':>15}  "
        f"{'cache (CPU)':>13}  {'peak RSS':>9}  {'clean msg/s':>11}  vs smallest")
    base_rate = rows[0]["build"]["clean_msg_s"] if rows else 0.0
    for row in rows:
        b, c = row["build"], row["cache"]
        cache_s = f"{c['load_s']:5.2f}s ({c['load_cpu_s']:4.2f})" if c else "n/a"
        slowdown = base_rate / b["clean_msg_s"]
        row["slowdown"] = slowdown
        out(f"  {row['names']:>9,}  {b['servants']:>8,}  {row['toml_mib']:>6.1f}MB  "
            f"{b['load_s']:6.2f}s ({b['load_cpu_s']:5.2f})  {cache_s:>13}  "
            f"{b['peak_rss_mib']:>6,.0f}MiB  "
            f"{b['clean_msg_s']:>11,.0f}  {slowdown:.2f}x")
    big = [r for r in rows if r["names"] >= 1_000_000]
    if big:
        b, c = big[-1]["build"], big[-1]["cache"]
        checks = [
            (f"build from TOML {b['load_s']:.1f} s <= {TARGETS['big_build']:g} s",
             b["load_s"] <= TARGETS["big_build"]),
            (f"peak RSS {b['peak_rss_mib']:,.0f} MiB <= {TARGETS['big_rss']:,.0f} MiB",
             b["peak_rss_mib"] <= TARGETS["big_rss"]),
            (f"throughput {big[-1]['slowdown']:.2f}x of the smallest <= "
             f"{TARGETS['big_slowdown']:g}x", big[-1]["slowdown"] <= TARGETS["big_slowdown"]),
        ]
        if c:
            checks.insert(1, (f"load from cache {c['load_s']:.2f} s <= {TARGETS['big_cache']:g} s",
                              c["load_s"] <= TARGETS["big_cache"]))
        else:
            checks.insert(1, ("load from cache: no cache in bot.registry", False))
        for text, ok in checks:
            out(f"  {big[-1]['names']:,} names: {text}: {_mark(ok)}")
    out("  (build = first start from the TOML; when a cache_dir is given it also writes "
        "the cache)")
    out()


def _engine(registry: Registry, n_incidents: int, seconds: float, runs: int,
            results: dict[str, Any], out: Callable[[str], None]) -> None:
    from bench.engine_load import run_engine

    rate = 200.0
    out(f"engine: SQLite store (temp file), sealing on, in-process platform, "
        f"{len(registry):,}-servant registry")
    doxxing = traffic.engine_stream(n_incidents + 20, doxxing_share=1.0, seed=5)
    stream = traffic.engine_stream(int(rate * seconds))
    fig = run_engine(registry, doxxing, stream, rate, runs=min(runs, 3))
    results["engine"] = dataclasses.asdict(fig)
    out(f"  incidents back to back  {fig.incidents_per_s:,.0f} incidents/s "
        f"({fig.incidents:,} incidents)")
    ok = fig.hide_p99_ms <= TARGETS["engine_p99"]
    out(f"  steady {rate:.0f} msg/s for {fig.seconds:g} s ({fig.messages:,} msgs, "
        f"{fig.hides:,} hidden): message in -> hide requested p50 {fig.hide_p50_ms:.2f} ms  "
        f"p99 {fig.hide_p99_ms:.2f} ms  max {fig.hide_max_ms:.2f} ms "
        f"(target p99 <= {TARGETS['engine_p99']:g} ms: {_mark(ok)})")
    out(f"  {'':<23} every message, in -> handled: p99 {fig.handle_p99_ms:.2f} ms")
    if fig.paced_runs > 1:
        out(f"  {'':<23} p99 of each of {fig.paced_runs} runs: "
            + ", ".join(f"{p:.2f} ms" for p in fig.p99_each_ms) + " (median shown)")


def profile(pipeline: Pipeline, which: str, clean: list[ChatMessage],
            pii: list[ChatMessage]) -> int:
    """cProfile one workload and print the top functions by own time and by total time."""
    if which == "adversarial":
        msgs = [ChatMessage(id=k, channel="adv", author="adv", text=t, platform="bench")
                for length in (4_000, 100_000) for k, t in traffic.adversarial(length).items()]
    else:
        msgs = clean if which == "clean" else pii
    scan_all(pipeline, msgs[:200])
    prof = cProfile.Profile()
    prof.enable()
    scan_all(pipeline, msgs)
    prof.disable()
    stats = pstats.Stats(prof).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
