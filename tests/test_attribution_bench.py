"""The attribution benchmark runs and prints its figures beside the target (no timing asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_quick_run_prints_both_registries_and_the_ratio() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bench.attribution_bench", "--quick"],
        cwd=REPO, capture_output=True, text=True, check=True, timeout=300,
    ).stdout
    assert "quick smoke run: not comparable" in out
    small = re.search(r"8 names .*?\(\s*(\d+) servants\): .* detectors ran on (\d+) messages", out)
    large = re.search(r"500 common-name servants\s+\((\d+) servants\): .* ran on (\d+)", out)
    assert small and large, out
    assert int(large.group(1)) == 500
    # the common-name registry sends no more ordinary chat to the detectors than 8 names do
    assert int(large.group(2)) <= int(small.group(2)) + 2, out
    assert re.search(r"cost ratio 500 vs 8: [\d.]+x \(target <= 1.2x: smoke run\)", out), out
