"""Where `doxguard scan`'s time goes: microseconds per message in each stage.

The stages are timed by wrapping the functions the pipeline calls (read, normalize,
mentions, context, detectors, policy, write) for one in-process pass over the same
JSON lines `doxguard scan` reads; "other" is the rest of the loop (building the
message, the verdict record). Wrapping costs about 0.1 µs a call, so the figures are
a little high; their sum is compared with the unwrapped pass. A function the pipeline
no longer has is left out (the row prints n/a) rather than failing the benchmark.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from typing import Any

from bot import batch
from bot import pipeline as pipeline_module
from bot.context import ConversationContext
from bot.pipeline import Pipeline
from bot.policy import Policy
from bot.registry import Registry

STAGES = ("read", "normalize", "mentions", "context", "detectors", "policy", "write", "other")

# (stage, object holding the function, attribute): what the pipeline calls, by stage
_WRAPPED: tuple[tuple[str, Any, str], ...] = (
    ("normalize", pipeline_module, "normalize"),
    ("mentions", Registry, "find_names"),
    ("context", pipeline_module, "attribute"),
    ("context", ConversationContext, "linked"),
    ("context", ConversationContext, "record"),
    ("detectors", Pipeline, "_detect_safely"),
    ("policy", pipeline_module, "points_at_role_person"),
    ("policy", Policy, "decide"),
    ("policy", pipeline_module, "explain_verdict"),
    ("policy", pipeline_module, "explained_allow"),
)


@contextlib.contextmanager
def _timed(totals: dict[str, int]) -> Iterator[None]:
    clock = time.perf_counter_ns
    undo: list[tuple[Any, str, Any]] = []

    def wrap(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                totals[stage] += clock() - start

        return timed

    try:
        for stage, owner, attr in _WRAPPED:
            fn = owner.__dict__.get(attr) if isinstance(owner, type) else getattr(owner, attr, None)
            if fn is None:
                totals.setdefault(f"missing:{stage}", 0)
                continue
            undo.append((owner, attr, fn))
            setattr(owner, attr, wrap(stage, fn))
        yield
    finally:
        for owner, attr, fn in reversed(undo):
            setattr(owner, attr, fn)


def stage_profile(pipeline: Pipeline, lines: list[bytes]) -> dict[str, float]:
    """µs per message in each stage (and "total", "unwrapped") over `lines`."""
    clock = time.perf_counter_ns
    batch.scan_lines(pipeline, batch.read_records(lines[:500], "warm-up"))
    gc.collect()
    start = clock()
    batch.write_lines(_Null(), batch.scan_lines(pipeline, batch.read_records(lines, "bench")))
    unwrapped = clock() - start

    totals = dict.fromkeys(STAGES, 0)
    gc.collect()
    start = clock()
    records = batch.read_records(lines, "bench")
    totals["read"] = clock() - start
    with _timed(totals):
        start = clock()
        scanned = list(pipeline.scan_records(records))
        loop = clock() - start
    start = clock()
    batch.write_lines(_Null(), batch.encode(scanned))
    totals["write"] = clock() - start
    inner = sum(totals[k] for k in ("normalize", "mentions", "context", "detectors", "policy"))
    totals["other"] = max(0, loop - inner)
    n = max(1, len(lines))
    out = {k: v / n / 1000 for k, v in totals.items()}
    for key in list(out):
        if key.startswith("missing:"):
            out[key] = float("nan")
    out["total"] = sum(totals[k] for k in STAGES) / n / 1000
    out["unwrapped"] = unwrapped / n / 1000
    out["detector_share"] = detector_calls(pipeline, records) / n
    return out


def detector_calls(pipeline: Pipeline, records: list[Any]) -> int:
    """How many messages reach the detectors (the rest are settled before them)."""
    calls = 0
    original = Pipeline.__dict__.get("_detect_safely")
    if original is None:
        return -1

    def counted(self: Pipeline, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return original(self, *args, **kwargs)

    Pipeline._detect_safely = counted  # type: ignore[method-assign]
    try:
        for _ in pipeline.scan_records(records):
            pass
    finally:
        Pipeline._detect_safely = original  # type: ignore[method-assign]
    return calls


class _Null:
    """A binary stream that discards what is written (the write stage without a disk)."""

    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        pass
