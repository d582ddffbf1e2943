"""Whole-process benchmark: `doxguard scan` timed as a user would, beside Presidio.

Each workload is written as JSON Lines and run through `doxguard scan` as a
subprocess, N messages and one message, alternately, `--runs` times; the
steady-state rate is N / (median wall(N) - median wall(1)), so start-up (imports,
the registry) is left out and measured on its own. Presidio's pattern recognizers
(bench/peer_presidio.py, run the same way as a subprocess over the same file) are
timed in the same run, interleaved, and the ratio of the two rates is the figure.
Wall clock on a shared machine is noisy: quote the medians and ratios of one run.

Workloads: `chat` is ordinary chat in one channel (97 authors, a servant named in
passing about once in a thousand messages); `clean` and `pii` are the mixes of
bench/traffic.py over 400 channels. Also printed: the stage profile (µs per message
in each stage, in process), `--jobs 2` against `--jobs 1` over many channels, and
start-up on a 1,000,000-name registry from the registry cache.

    .venv/bin/python bench/scan_bench.py            # full run, about 5 minutes
    .venv/bin/python bench/scan_bench.py --quick    # smoke run (tests), seconds
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import traffic  # noqa: E402
from bench.peer_presidio import presidio_version  # noqa: E402
from bench.registry_gen import write_registry  # noqa: E402
from bench.stages import STAGES, stage_profile  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.models import ChatMessage  # noqa: E402
from bot.pipeline import Pipeline  # noqa: E402
from bot.registry import load_servants  # noqa: E402

TARGETS = {
    "chat": 30.0,  # x Presidio, whole process
    "clean": 30.0,
    "pii": 10.0,
    "jobs": 1.7,  # x --jobs 1, with --jobs 2 on two cores
    "startup": 3.0,  # s, 1,000,000 names from the cache
}
REGISTRY_NAMES = 10_000
BIG_NAMES = 1_000_000


_smoke = False  # a --quick run judges no figure against the full-run targets


def _mark(ok: bool) -> str:
    if _smoke:
        return "not judged: smoke run"
    return "PASS" if ok else "FAIL"


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def write_jsonl(path: Path, messages: Sequence[ChatMessage]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for m in messages:
            fh.write(json.dumps({"id": m.id, "channel": m.channel, "author": m.author,
                                 "text": m.text, "reply_to": m.reply_to}) + "\n")
    return path


def timed_run(cmd: list[str]) -> tuple[float, bytes]:
    """Wall seconds of one subprocess, and what it printed (it must succeed)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[1:3]} failed: {proc.stderr.decode(errors='replace')[-1500:]}")
    return wall, proc.stdout


def scan_cmd(servants: Path, path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "bot", "scan", "--servants", str(servants), *extra, str(path)]


def peer_cmd(path: Path) -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "peer_presidio.py"), str(path)]


def steady_rate(n: int, big: list[float], small: list[float], n_small: int = 1) -> float:
    """Messages a second past start-up; NaN when the runs are too short to tell apart."""
    spent = statistics.median(big) - statistics.median(small)
    return (n - n_small) / spent if spent > 0.05 else float("nan")


# --------------------------------------------------------------------------


def whole_process(workloads: dict[str, list[ChatMessage]], servants: Path, runs: int,
                  peer: bool, tmp: Path, out: Callable[[str], None]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    out(f"whole process: `doxguard scan` ({REGISTRY_NAMES:,}-name registry) vs Presidio, "
        f"steady state N/(wall(N)-wall(1)), median of {runs}")
    for key, messages in workloads.items():
        big = write_jsonl(tmp / f"{key}.jsonl", messages)
        one = write_jsonl(tmp / f"{key}-1.jsonl", messages[:1])
        walls: dict[str, list[float]] = {"ours": [], "ours1": [], "peer": [], "peer1": []}
        for _ in range(runs):
            walls["ours1"].append(timed_run(scan_cmd(servants, one))[0])
            walls["ours"].append(timed_run(scan_cmd(servants, big))[0])
            if peer:
                walls["peer1"].append(timed_run(peer_cmd(one))[0])
                walls["peer"].append(timed_run(peer_cmd(big))[0])
        n = len(messages)
        ours = steady_rate(n, walls["ours"], walls["ours1"])
        row: dict[str, Any] = {"messages": n, "doxguard_msg_s": ours,
                               "startup_s": statistics.median(walls["ours1"]), "walls": walls}
        line = (f"  {key:<6} {n:>7,} msgs  doxguard {ours:>8,.0f} msg/s "
                f"(start-up {row['startup_s']:.2f} s)")
        if peer:
            theirs = steady_rate(n, walls["peer"], walls["peer1"])
            ratio = ours / theirs
            row.update(presidio_msg_s=theirs, ratio=ratio)
            line += (f"  presidio {theirs:>6,.0f} msg/s  ratio {ratio:5.1f}x "
                     f"(target >= {TARGETS[key]:g}x: {_mark(ratio >= TARGETS[key])})")
        else:
            line += "  presidio: not installed"
        out(line)
        results[key] = row
    if peer:
        out(f"  presidio-analyzer {presidio_version()}, pattern recognizers, blank spaCy")
    out()
    return results


def stages(workloads: dict[str, list[ChatMessage]], servants: Path, tmp: Path,
           out: Callable[[str], None]) -> dict[str, Any]:
    out("stage profile: µs per message, in process (read and write include JSON)")
    pipeline = Pipeline(Config(), load_servants(servants))
    results: dict[str, Any] = {}
    out("  " + f"{'':<6}" + "".join(f"{s:>10}" for s in (*STAGES, "sum", "unwrapped"))
        + "  to detectors")
    for key in workloads:
        lines = (tmp / f"{key}.jsonl").read_bytes().splitlines()
        prof = stage_profile(pipeline, lines)
        results[key] = prof
        cells = "".join(f"{prof.get(s, float('nan')):>10.2f}" for s in STAGES)
        out(f"  {key:<6}{cells}{prof['total']:>10.2f}{prof['unwrapped']:>10.2f}"
            f"  {prof['detector_share']:.1%}")
    out("  (each stage timed by wrapping what the pipeline calls; 'unwrapped' is the same "
        "pass untimed)")
    out()
    return results


def jobs_scaling(messages: list[ChatMessage], servants: Path, runs: int, tmp: Path,
                 out: Callable[[str], None]) -> dict[str, Any]:
    big = write_jsonl(tmp / "jobs.jsonl", messages)
    small_n = 50
    small = write_jsonl(tmp / "jobs-small.jsonl", messages[:small_n])
    channels = len({m.channel for m in messages})
    walls: dict[int, tuple[list[float], list[float]]] = {1: ([], []), 2: ([], [])}
    outputs: dict[int, bytes] = {}
    for _ in range(runs):
        for jobs in (1, 2):
            walls[jobs][1].append(timed_run(scan_cmd(servants, small, "--jobs", str(jobs)))[0])
            wall, printed = timed_run(scan_cmd(servants, big, "--jobs", str(jobs)))
            walls[jobs][0].append(wall)
            outputs[jobs] = printed
    rate = {j: steady_rate(len(messages), b, s, small_n) for j, (b, s) in walls.items()}
    speedup = rate[2] / rate[1]
    same = outputs[1] == outputs[2]
    out(f"--jobs over {channels} channels ({len(messages):,} clean-mix msgs, "
        f"{os.cpu_count()} cores), median of {runs}")
    out(f"  --jobs 1 {rate[1]:>8,.0f} msg/s   --jobs 2 {rate[2]:>8,.0f} msg/s   "
        f"speedup {speedup:.2f}x (target >= {TARGETS['jobs']:g}x: "
        f"{_mark(speedup >= TARGETS['jobs'])})   output identical: {same}")
    out()
    return {"jobs1_msg_s": rate[1], "jobs2_msg_s": rate[2], "speedup": speedup,
            "identical": same, "channels": channels}


def startup(names: int, runs: int, tmp: Path, out: Callable[[str], None]) -> dict[str, Any]:
    toml = tmp / "big.toml"
    write_registry(toml, names)
    config = tmp / "big-doxguard.toml"
    config.write_text(f'servants_file = "{toml}"\n[storage]\nregistry_cache = "{tmp / "cache"}"\n')
    one = write_jsonl(tmp / "startup-1.jsonl", traffic.clean_mix(1))
    cmd = [sys.executable, "-m", "bot", "scan", "--config", str(config), str(one)]
    cold, _ = timed_run(cmd)  # builds from the TOML and writes the cache
    warm = [timed_run(cmd)[0] for _ in range(runs)]
    ready = statistics.median(warm)
    ok = ready <= TARGETS["startup"]
    out(f"start-up: `doxguard scan` of one message, {names:,}-name registry")
    out(f"  from the TOML (writes the cache) {cold:.2f} s;  from the cache {ready:.2f} s "
        f"(target <= {TARGETS['startup']:g} s: {_mark(ok)})")
    out()
    toml.unlink()
    return {"names": names, "cold_s": cold, "cache_s": ready, "cache_each_s": warm}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny smoke run (tests)")
    ap.add_argument("--messages", type=int, help="messages per workload")
    ap.add_argument("--runs", type=int, help="runs per figure (median)")
    ap.add_argument("--startup-names", type=int, help="registry size for the start-up row")
    ap.add_argument("--no-peer", action="store_true", help="skip Presidio")
    ap.add_argument("--json", type=Path, help="also write every figure to this file")
    args = ap.parse_args(argv)
    global _smoke
    quick = _smoke = args.quick
    n = args.messages or (200 if quick else 20_000)
    runs = args.runs or (1 if quick else 3)
    big_names = args.startup_names or (2_000 if quick else BIG_NAMES)
    peer = not args.no_peer and presidio_version() is not None

    def out(line: str = "") -> None:
        print(line, flush=True)

    results: dict[str, Any] = {"quick": quick, "runs": runs, "cores": os.cpu_count()}
    out(f"doxguard whole-process benchmark{' (quick)' if quick else ''}")
    out(f"{os.cpu_count()} cores; load average at the start {_load()} (other work on the "
        "machine slows both sides and caps what --jobs can gain)")
    out()
    workloads = {"chat": traffic.one_channel_chat(n), "clean": traffic.clean_mix(n),
                 "pii": traffic.pii_mix(n)}
    with tempfile.TemporaryDirectory(prefix="doxguard-scan-bench-") as tmpdir:
        tmp = Path(tmpdir)
        servants = tmp / "servants.toml"
        write_registry(servants, 200 if quick else REGISTRY_NAMES)
        results["whole_process"] = whole_process(workloads, servants, runs, peer, tmp, out)
        results["stages"] = stages(workloads, servants, tmp, out)
        results["jobs"] = jobs_scaling(traffic.clean_mix(n * 2, seed=7), servants, runs, tmp,
                                       out)
        results["startup"] = startup(big_names, runs, tmp, out)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    out(f"load average at the end {_load()}")
    out("benchmark complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
