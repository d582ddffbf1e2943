"""`doxguard replay` over DiscordChatExporter and Slack export fixtures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from adapters.exports import ExportReader, detect_format

REPO = Path(__file__).resolve().parents[1]
EXPORTS = REPO / "tests" / "data" / "exports"
SERVANTS = REPO / "config" / "servants.toml"


def replay(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "replay", "--servants", str(SERVANTS), *extra, str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_formats_are_detected() -> None:
    assert detect_format(EXPORTS / "discord") == "discord"
    assert detect_format(next((EXPORTS / "discord").glob("*.json"))) == "discord"
    assert detect_format(EXPORTS / "slack") == "slack"


def test_discord_export_incidents_with_snowflake_ids(tmp_path: Path) -> None:
    out = tmp_path / "incidents.jsonl"
    res = replay(EXPORTS / "discord", "--out", str(out))
    assert res.returncode == 0, res.stderr
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [(r["message_id"], r["action"]) for r in rows] == [
        ("910000000000000002", "hide"),  # pronoun reply linked to the replied-to message
        ("910000000000000005", "hide"),  # family member named
    ]
    first = rows[0]
    assert first["platform"] == "discord" and first["channel"] == "general"
    assert first["author"] == "Ben" and first["categories"] == ["home_address"]
    assert first["servants"] == ["Daniel Whitaker"]
    # the bot's own echo is not an incident; summary goes to stderr, masked
    assert "by category:" in res.stderr and "home_address" in res.stderr
    assert "4471 Holly" not in out.read_text() + res.stderr
    assert "816-555-0177" not in out.read_text() + res.stderr


def test_slack_export_threads_link_and_broken_file_is_reported() -> None:
    res = replay(EXPORTS / "slack")
    assert res.returncode == 3, res.stderr  # finished, but a file was skipped
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert row["platform"] == "slack" and row["message_id"] == "1777600200.000300"
    assert row["channel"] == "general" and row["author"] == "bent"
    assert row["categories"] == ["email_address"] and row["servants"] == ["Renee Okafor"]
    # the truncated city-hall file is named with its position, and the rest still ran
    assert "city-hall/2026-05-01.json:1:" in res.stderr and "not valid JSON" in res.stderr
    assert "1 incidents" in res.stderr


def test_reader_skips_bad_records_and_keeps_going(tmp_path: Path) -> None:
    src = next((EXPORTS / "discord").glob("*.json"))
    data = json.loads(src.read_text())
    data["messages"].insert(1, {"id": "1", "content": "no author"})
    (tmp_path / "c.json").write_text(json.dumps(data))
    reader = ExportReader(tmp_path)
    ids = [m.id for m in reader.messages()]
    assert "1" not in ids and len(ids) == 5
    assert reader.problems == [
        f"{tmp_path / 'c.json'}: messages[1]: missing id, author or content; skipped"
    ]


def test_not_an_export_exits_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    res = replay(tmp_path / "notes.txt")
    assert res.returncode == 2 and "not a .json export" in res.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert replay(empty).returncode == 2


def test_slack_export_copy_with_renamed_folder_still_reads(tmp_path: Path) -> None:
    dest = tmp_path / "export"
    shutil.copytree(EXPORTS / "slack", dest)
    (dest / "city-hall" / "2026-05-01.json").unlink()
    res = replay(dest)
    assert res.returncode == 0 and "problem" not in res.stderr
