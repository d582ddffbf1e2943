"""bench/store_backends.py keeps working: a tiny run prints every figure (never asserted)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_run_prints_both_backends_processes_and_the_registry(pg_dsn: str) -> None:
    env = {**os.environ, "DOXGUARD_DATABASE_URL": pg_dsn}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "store_backends.py"), "--quick"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for backend in ("sqlite", "postgresql"):
        assert re.search(rf"^\s+{backend}\s+[\d,]+\s+[\d.]+ ms\s+[\d.]+ ms$", out, re.M), out
    assert re.search(r"2 engine processes on one PostgreSQL: [\d,]+ messages/s", out)
    assert re.search(r"ready in [\d.]+ s \(target <= 3 s\)\s+peak RSS [\d,]+ MB", out)
    assert out.rstrip().endswith("benchmark complete")
    assert "postgresql://" not in out  # the database address is never printed
