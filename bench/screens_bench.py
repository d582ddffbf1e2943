"""Benchmark for issue 16: OCR of screenshots, and what protected values cost clean traffic.

- OCR: the forty screenshots the tests render (tests/screens.py), read through the real
  `ImageReader` (Tesseract, bounded pool of `images.workers` processes): images/s with
  every image queued at once, and p50/p99 of one image read alone.
- Fingerprints: the clean-heavy mix of bench/traffic.py through the pipeline with and
  without a fingerprints file of `--protected` values (1,000 by default), so the cost
  of the shape gate and the candidate HMACs on traffic that names nobody is the
  difference between the two rates (CPU time, median of `--runs`).

Figures are printed beside their targets; the exit status is 0 either way (a
measurement, not a test).

    .venv/bin/python bench/screens_bench.py            # a minute or so
    .venv/bin/python bench/screens_bench.py --quick    # smoke
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import traffic  # noqa: E402
from bot import fingerprints  # noqa: E402
from bot.config import Config, ImageSettings  # noqa: E402
from bot.images import ImageReader, image_from_bytes  # noqa: E402
from bot.models import Category, ChatMessage  # noqa: E402
from bot.pipeline import Pipeline  # noqa: E402
from bot.registry import load_servants  # noqa: E402
from tests import screens  # noqa: E402

TARGETS = {
    "images_per_s": 4.0,  # 2 cores, chat screenshots
    "p50_s": 0.5,
    "p99_s": 2.0,
    "gate_cost_pct": 10.0,  # clean-traffic throughput lost to fingerprints, at most
}
SERVANTS = ROOT / "config" / "servants.toml"


def _mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the tesseract processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


async def ocr_figures(count: int, workers: int) -> tuple[float, list[float], float]:
    shots = screens.screens()[:count]
    settings = ImageSettings(workers=workers)
    reader = ImageReader(settings)
    messages = [ChatMessage(s.name, "c", "a", "", images=(image_from_bytes(1, s.name, s.data),))
                for s in shots]
    try:
        await reader.read(messages[0])  # warm-up: page cache, model file
        start, cpu = time.perf_counter(), _cpu()
        await asyncio.gather(*(reader.read(m) for m in messages))
        rate = len(messages) / (time.perf_counter() - start)
        cpu_per_image = (_cpu() - cpu) / len(messages)
        alone = []
        for m in messages:
            t = time.perf_counter()
            await reader.read(m)
            alone.append(time.perf_counter() - t)
    finally:
        reader.close()
    return rate, alone, cpu_per_image


def protected_file(folder: Path, count: int, key: str) -> Path:
    """A fingerprints file of `count` fictional values spread over the registry."""
    registry = load_servants(SERVANTS)
    names = [s.name for s in registry.servants]
    r = random.Random(16)
    rows = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            value = f"{r.randint(100, 9999)} {r.choice(['Holly', 'Oak', 'Main', 'Troost'])} St"
            rows.append((names[i % len(names)], Category.HOME_ADDRESS, value))
        elif kind == 1:
            rows.append((names[i % len(names)], Category.PHONE_NUMBER,
                         f"816-555-{r.randint(100, 199):04d}"))
        elif kind == 2:
            rows.append((names[i % len(names)], Category.EMAIL_ADDRESS,
                         f"user{i}@example.org"))
        else:
            rows.append((names[i % len(names)], Category.BIRTH_DATE,
                         f"19{r.randint(50, 99)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}"))
    normalized = [(s, c, fingerprints.normalized_forms(c, v)) for s, c, v in rows]
    text = fingerprints.render_file([(s, c, f) for s, c, f in normalized if f], key.encode(),
                                    "DOXGUARD_FINGERPRINT_KEY")
    path = folder / "fingerprints.toml"
    path.write_text(text, encoding="utf-8")
    return path


def clean_rate(pipeline: Pipeline, messages: list[ChatMessage], runs: int) -> float:
    rates = []
    for _ in range(runs):
        ctx = pipeline.new_context()
        cpu = time.process_time()
        for m in messages:
            pipeline.scan(m, ctx)
        rates.append(len(messages) / max(time.process_time() - cpu, 1e-9))
    return statistics.median(rates)


def gate_figures(messages: int, protected: int, runs: int
                 ) -> tuple[float, float, int, float, float, float]:
    key = "bench-fingerprint-key-0123456789"
    os.environ["DOXGUARD_FINGERPRINT_KEY"] = key
    clean = traffic.clean_mix(messages)
    registry = load_servants(SERVANTS)
    with tempfile.TemporaryDirectory() as tmp:
        path = protected_file(Path(tmp), protected, key)
        base = Config()
        with_fp = dataclasses.replace(
            base, detection=dataclasses.replace(base.detection, fingerprints_file=str(path))
        )
        plain, guarded = Pipeline(base, registry), Pipeline(with_fp, registry)
        assert guarded.fingerprints is not None
        digests = len(guarded.fingerprints)
        clean_rate(plain, clean[:500], 1)  # warm-up
        clean_rate(guarded, clean[:500], 1)
        # the same mix without its digit-bearing messages: most real chat has no number
        plain_chat = [m for m in clean if not any(c.isdigit() or c == "@" for c in m.text)]
        share = 1 - len(plain_chat) / len(clean)
        return (clean_rate(plain, clean, runs), clean_rate(guarded, clean, runs), digests,
                share, clean_rate(plain, plain_chat, runs), clean_rate(guarded, plain_chat, runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (seconds)")
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--protected", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if args.quick:
        args.images, args.messages, args.protected, args.runs = 6, 1_000, 100, 1
    screens.ensure_ocr_tools()
    print(f"doxguard screenshots and fingerprints benchmark ({os.cpu_count()} cores)")
    rate, alone, cpu_per_image = asyncio.run(ocr_figures(args.images, args.workers))
    p50, p99 = statistics.median(alone), percentile(alone, 99)
    print(f"OCR  {len(alone)} screenshots, {args.workers} workers  {rate:.1f} images/s "
          f"(target >= {TARGETS['images_per_s']:g}: {_mark(rate >= TARGETS['images_per_s'])})")
    capacity = args.workers / cpu_per_image
    print(f"OCR  CPU {cpu_per_image:.3f} s per image (OCR and decoding): {capacity:.1f} images/s "
          f"on {args.workers} idle cores (load-independent; target >= "
          f"{TARGETS['images_per_s']:g}: {_mark(capacity >= TARGETS['images_per_s'])})")
    print(f"OCR  one image alone  p50 {p50:.3f} s (target <= {TARGETS['p50_s']:g}: "
          f"{_mark(p50 <= TARGETS['p50_s'])})  p99 {p99:.3f} s (target <= "
          f"{TARGETS['p99_s']:g}: {_mark(p99 <= TARGETS['p99_s'])})")
    plain, guarded, digests, share, plain_chat, guarded_chat = gate_figures(
        args.messages, args.protected, args.runs)
    cost = max(0.0, (plain - guarded) / plain * 100)
    per_msg = max(0.0, (1 / guarded - 1 / plain) * 1e6)
    print(f"clean mix {args.messages:,} msgs ({share:.0%} with a digit or @)  without "
          f"fingerprints {plain:,.0f} msg/s  with {args.protected:,} protected values "
          f"({digests:,} digests) {guarded:,.0f} msg/s")
    print(f"fingerprint gate cost on clean traffic {cost:.1f} % ({per_msg:.2f} us/msg) "
          f"(target <= {TARGETS['gate_cost_pct']:g} %: "
          f"{_mark(cost <= TARGETS['gate_cost_pct'])})")
    chat_cost = max(0.0, (plain_chat - guarded_chat) / plain_chat * 100)
    print(f"fingerprint gate cost on its digit-free messages {chat_cost:.1f} % "
          f"({max(0.0, (1 / guarded_chat - 1 / plain_chat) * 1e6):.2f} us/msg) "
          f"(target <= {TARGETS['gate_cost_pct']:g} %: "
          f"{_mark(chat_cost <= TARGETS['gate_cost_pct'])})")
    print("benchmark complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
