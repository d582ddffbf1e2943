"""`doxguard replay` as an operator runs it on a large export (issue 15, point 6).

Progress on a terminal (a real pseudo-terminal as stderr), no per-incident log lines
unless `-v`, the summary last, exit status 3 when parts of the export were skipped,
and no warning about a sealing-key variable with an empty name.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPORTS = REPO / "tests" / "data" / "exports"
SERVANTS = REPO / "config" / "servants.toml"


def run(*args: str, stderr: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], stdout=subprocess.PIPE, stderr=stderr,
        text=True, cwd=REPO, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def big_discord_export(tmp_path: Path, messages: int) -> Path:
    """A DiscordChatExporter file of many ordinary messages and a few doxxing ones."""
    source = next((EXPORTS / "discord").glob("*.json"))
    data = json.loads(source.read_text(encoding="utf-8"))
    template = data["messages"][0]
    rows = []
    for i in range(messages):
        row = json.loads(json.dumps(template))
        row["id"] = str(920000000000000000 + i)
        row["type"] = "Default"
        row["reference"] = None
        row["content"] = (f"Officer Whitaker lives at 44{i % 90 + 10} Holly St, Kansas City"
                          if i % 100 == 7 else f"see you at the game number {i}")
        rows.append(row)
    data["messages"] = rows
    path = tmp_path / "big [900000000000000101].json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_progress_is_shown_on_a_terminal(tmp_path: Path) -> None:
    export = big_discord_export(tmp_path, 3_000)
    leader, follower = pty.openpty()
    try:
        res = run("replay", "--servants", str(SERVANTS), "--out", str(tmp_path / "o.jsonl"),
                  str(export), stderr=follower)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    shown = b"".join(chunks).decode(errors="replace")
    assert res.returncode == 0, shown
    assert re.search(r"replay: \d[\d,]* messages", shown), shown  # tqdm's progress line
    assert "replay: 3000 messages read, 30 incidents" in shown
    assert "INFO" not in shown


def test_a_pipe_gets_no_progress_and_no_per_incident_lines(tmp_path: Path) -> None:
    export = big_discord_export(tmp_path, 500)
    res = run("replay", "--servants", str(SERVANTS), "--out", str(tmp_path / "o.jsonl"),
              str(export))
    assert res.returncode == 0, res.stderr
    assert "\r" not in res.stderr and "INFO" not in res.stderr and "WARNING" not in res.stderr
    assert "$:" not in res.stderr  # no warning about an empty variable name
    assert res.stderr.splitlines()[1] == "replay: 500 messages read, 5 incidents"


def test_verbose_logs_each_incident(tmp_path: Path) -> None:
    export = big_discord_export(tmp_path, 300)
    res = run("replay", "-v", "--servants", str(SERVANTS), "--out", str(tmp_path / "o.jsonl"),
              str(export))
    assert res.returncode == 0, res.stderr
    assert len(re.findall(r"incident DG-\d+: hide", res.stderr)) == 3
    assert "$:" not in res.stderr
    assert res.stderr.rstrip().splitlines()[-1].strip() == "3  #general"  # summary last


def test_skipped_parts_exit_3_after_the_summary() -> None:
    res = run("replay", "--servants", str(SERVANTS), str(EXPORTS / "slack"))
    assert res.returncode == 3, res.stderr
    assert "those parts were skipped; exit status 3" in res.stderr
    assert res.stdout.strip()  # the rest was still replayed
