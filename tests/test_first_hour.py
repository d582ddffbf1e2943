"""A newcomer's first commands, run as real subprocesses: one clear line, never a traceback.

`scan` of a folder, `--version`, `check` outside the repository, `keygen` and a weak
sealing key, each as an operator would meet it on a fresh clone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from bot.seal import Sealer, key_problem

REPO = Path(__file__).resolve().parents[1]
SERVANTS = REPO / "config" / "servants.toml"


def doxguard(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None,
             stdin: str = "") -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD", "SLACK"))}
    environ.pop("DOXGUARD_SEAL_KEY", None)
    environ["PYTHONPATH"] = str(REPO)
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        cwd=cwd, env=environ, timeout=120,
    )


def assert_one_line(res: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert "Traceback" not in res.stderr, res.stderr
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("doxguard:")]
    assert len(errors) == 1, res.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def test_scan_of_a_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    res = doxguard("scan", "--servants", str(SERVANTS), str(tmp_path))
    assert_one_line(res, str(tmp_path), "folder")
    assert res.stdout == ""


def test_version_is_the_package_version() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    res = doxguard("--version")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"doxguard {project['version']}"


def test_check_outside_the_repository_suggests_servants(tmp_path: Path) -> None:
    res = doxguard("check", "Whitaker lives at 4471 Holly St", cwd=tmp_path)
    assert_one_line(res, "config/servants.toml", "servants file not found", "--servants")
    ok = doxguard("check", "--servants", str(SERVANTS), "Whitaker lives at 4471 Holly St",
                  cwd=tmp_path)
    assert ok.returncode == 0 and "verdict: HIDE" in ok.stdout, ok.stderr


def test_keygen_prints_a_fresh_key_the_sealer_accepts() -> None:
    first, second = doxguard("keygen"), doxguard("keygen")
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(first.stdout.splitlines()) == 1 and key != second.stdout.strip()
    assert key_problem(key) is None
    sealer = Sealer.from_secret(key)
    assert sealer.open(sealer.seal("x", "ctx"), "ctx") == "x"


def test_weak_keys_are_refused_with_the_reason() -> None:
    assert "at least 20 characters" in (key_problem("abc") or "")
    assert "different characters" in (key_problem("a" * 30) or "")
    assert "repeat" in (key_problem("A" * 43 + "=") or "")  # 32 zero bytes
    assert key_problem("correct horse battery staple") is None


def test_run_with_a_weak_key_stops_with_one_line(tmp_path: Path) -> None:
    res = doxguard("run", "--servants", str(SERVANTS), "--db", str(tmp_path / "x.db"),
                   cwd=tmp_path, env={"DOXGUARD_SEAL_KEY": "abc"})
    line = assert_one_line(res, "$DOXGUARD_SEAL_KEY", "too weak", "doxguard keygen")
    assert "abc" not in line.replace("$DOXGUARD_SEAL_KEY", "")
