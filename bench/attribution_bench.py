"""Attribution at registry scale: does a registry of common names cost more per clean message?

Issue 11's target: clean-heavy throughput in one busy channel with 500 common-name
servants (Smith, Brown, Young, King, ... each shared by several) within 1.2x of
the same traffic with the 8-name registry, and an ordinary message after a
mention runs no detector. Prints the figures beside the targets (never a timed
test: tests/test_attribution_bench.py only checks that it runs and prints them).

    python -m bench.attribution_bench [--quick]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.registry_gen import ANCHORS, write_registry
from bench.traffic import one_channel_chat
from bot.config import load_config
from bot.pipeline import Pipeline
from bot.registry import load_servants

TARGET_RATIO = 1.2
ROLES = ("police_officer", "elected_official", "city_employee", "public_servant")


def common_name_registry(path: Path, servants: int = 500, seed: int = 11) -> None:
    """The anchors (so the traffic's mentions resolve) plus servants with Census names.

    Surnames come from the 60 most common US surnames, so each is shared by
    several servants, as in a real city's registry; given names from the Census
    given-name lists (the `names` package). All invented people.
    """
    import names as census

    folder = Path(census.__file__).parent

    def top(file: str, n: int) -> list[str]:
        with (folder / file).open(encoding="utf-8") as fh:
            return [line.split()[0].title() for _, line in zip(range(n), fh, strict=False)]

    surnames = top("dist.all.last", 60)
    given = top("dist.male.first", 200) + top("dist.female.first", 200)
    r = random.Random(seed)
    write_registry(path, 8)  # the anchors
    seen: set[str] = set()
    with path.open("a", encoding="utf-8") as fh:
        while len(seen) < servants - len(ANCHORS):
            first, last = r.choice(given), r.choice(surnames)
            if f"{first} {last}" in seen:
                continue
            seen.add(f"{first} {last}")
            role = r.choice(ROLES)
            fh.write(f'\n[[servants]]\nname = "{first} {last}"\nrole = "{role}"\n')
            if role == "police_officer":
                fh.write(f'aliases = ["Officer {last}"]\n')


def rate(pipeline: Pipeline, messages: list, repeats: int) -> tuple[float, int]:
    """Median messages/s over `repeats` runs, and how many messages reached the detectors."""
    calls = 0
    original = pipeline._detect_safely

    def counted(norm):
        nonlocal calls
        calls += 1
        return original(norm)

    rates = []
    for i in range(repeats):
        ctx = pipeline.new_context()
        if i == 0:
            pipeline._detect_safely = counted  # type: ignore[method-assign]
        started = time.perf_counter()
        for msg in messages:
            pipeline.scan(msg, ctx)
        rates.append(len(messages) / (time.perf_counter() - started))
        pipeline._detect_safely = original  # type: ignore[method-assign]
    return statistics.median(rates), calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (figures not comparable)")
    args = parser.parse_args(argv)
    n, repeats = (3_000, 1) if args.quick else (50_000, 5)
    messages = one_channel_chat(n)
    mentions = sum(1 for m in messages if any(a.surname in m.text for a in ANCHORS))
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp, "8.toml"), Path(tmp, "500.toml")
        write_registry(small, 8)
        common_name_registry(large)
        config = load_config(None)
        figures = {}
        for label, path in (("8 names", small), ("500 common-name servants", large)):
            registry = load_servants(path)
            figures[label] = (len(registry), *rate(Pipeline(config, registry), messages, repeats))
    print("attribution at registry scale" + (" (quick smoke run: not comparable)" if args.quick
                                             else ""))
    print(f"  traffic: {n:,} ordinary messages in one channel, {mentions} naming a servant")
    for label, (size, msgs, detector_calls) in figures.items():
        print(f"  {label:26} ({size:3} servants): {msgs:9,.0f} msg/s, "
              f"detectors ran on {detector_calls} messages")
    base = figures["8 names"][1]
    ratio = base / figures["500 common-name servants"][1]
    verdict = "met" if ratio <= TARGET_RATIO else "SHORT"
    if args.quick:
        verdict = "smoke run"
    print(f"  cost ratio 500 vs 8: {ratio:.2f}x (target <= {TARGET_RATIO}x: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
