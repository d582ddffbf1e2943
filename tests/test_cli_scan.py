"""`doxguard scan` and `check`, run as real subprocesses (the batch contract)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERVANTS = REPO / "config" / "servants.toml"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def line(**kw: object) -> str:
    base: dict[str, object] = {"channel": "general", "author": "u1", "reply_to": None}
    base.update(kw)
    return json.dumps(base)


def test_scan_contract_one_line_per_message_in_order() -> None:
    text = "Officer Whitaker lives at 4471 Holly St"
    stdin = (
        "\n".join(
            [
                line(id="m1", text="hello all"),
                line(id="m2", text=text),
                line(id="m3", text="his cell 816-555-0177", reply_to="m2"),
            ]
        )
        + "\n"
    )
    res = run("scan", "--servants", str(SERVANTS), "-", stdin=stdin)
    assert res.returncode == 0, res.stderr
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [o["id"] for o in out] == ["m1", "m2", "m3"]
    assert out[0] == {
        "id": "m1",
        "action": "allow",
        "categories": [],
        "servants": [],
        "findings": [],
    }
    assert out[1]["action"] == "hide"
    assert out[1]["categories"] == ["home_address"]
    assert out[1]["servants"] == ["Daniel Whitaker"]
    f = out[1]["findings"][0]
    assert set(f) == {"category", "start", "end", "masked"}
    assert text[f["start"] : f["end"]].startswith("4471 Holly")
    assert out[2]["action"] == "hide" and out[2]["categories"] == ["phone_number"]
    assert "0177" not in res.stdout and "4471 Holly" not in res.stdout


def test_scan_example_conversation_from_config() -> None:
    res = run("scan", "--config", "config/doxguard.toml", "config/example-conversation.jsonl")
    assert res.returncode == 0, res.stderr
    actions = [json.loads(x)["action"] for x in res.stdout.splitlines()]
    assert actions == ["allow", "allow", "hide", "allow", "allow"]


def test_bad_json_names_line_exits_2_and_writes_nothing() -> None:
    stdin = line(id="m1", text="Whitaker lives at 4471 Holly St") + "\n{not json\n"
    res = run("scan", "--servants", str(SERVANTS), "-", stdin=stdin)
    assert res.returncode == 2
    assert res.stdout == ""
    assert "<stdin>:2" in res.stderr and "not valid JSON" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_missing_text_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(line(id="a", text="hi") + "\n" + json.dumps({"id": "b"}) + "\n")
    res = run("scan", "--servants", str(SERVANTS), str(path))
    assert res.returncode == 2 and res.stdout == ""
    assert f'{path}:2: missing "text"' in res.stderr


def test_unreadable_config_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "doxguard.toml"
    bad.write_text('[detection]\nenforce = ["nope"]\n')
    res = run("scan", "--config", str(bad), "-", stdin=line(id="a", text="hi"))
    assert res.returncode == 2 and res.stdout == ""
    assert str(bad) in res.stderr and "detection.enforce" in res.stderr


def test_missing_servants_file_exits_2(tmp_path: Path) -> None:
    res = run("scan", "--servants", str(tmp_path / "none.toml"), "-", stdin="")
    assert res.returncode == 2 and "servants file not found" in res.stderr


def test_check_prints_human_verdict() -> None:
    res = run("check", "--servants", str(SERVANTS), "Whitaker's", "SSN", "is", "219-48-5012")
    assert res.returncode == 0, res.stderr
    assert "verdict: HIDE" in res.stdout
    assert "social_security_number" in res.stdout
    assert "219-48-5012" not in res.stdout


def test_help_text_on_every_command() -> None:
    for cmd in ("scan", "check", "run", "replay", "invite-url"):
        res = run(cmd, "--help")
        assert res.returncode == 0 and "usage: doxguard" in res.stdout


def _conversation_jsonl(tmp_path: Path) -> tuple[Path, Path]:
    """Synthetic traffic over many channels (replies, pronouns, PII) and its registry."""
    from bench import traffic
    from bench.registry_gen import write_registry

    servants = tmp_path / "servants.toml"
    write_registry(servants, 40)
    path = tmp_path / "in.jsonl"
    mixes = (("p", traffic.pii_mix(300)), ("c", traffic.clean_mix(300, seed=9)))
    with path.open("w", encoding="utf-8") as fh:
        for prefix, messages in mixes:  # the two mixes number their ids alike: prefix them
            for m in messages:
                reply = f"{prefix}{m.reply_to}" if m.reply_to else None
                fh.write(json.dumps({"id": f"{prefix}{m.id}", "channel": m.channel,
                                     "author": m.author, "text": m.text,
                                     "reply_to": reply}) + "\n")
    return path, servants


def test_jobs_2_writes_exactly_what_jobs_1_writes(tmp_path: Path) -> None:
    path, servants = _conversation_jsonl(tmp_path)
    one = run("scan", "--servants", str(servants), str(path))
    two = run("scan", "--jobs", "2", "--servants", str(servants), str(path))
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert two.stdout == one.stdout
    verdicts = [json.loads(x) for x in one.stdout.splitlines()]
    assert len(verdicts) == 600
    assert sum(v["action"] == "hide" for v in verdicts) >= 20  # the split has work to keep
    channels = {json.loads(x)["channel"] for x in path.read_text().splitlines()}
    assert len(channels) > 50


def test_jobs_must_be_a_positive_number() -> None:
    res = run("scan", "--jobs", "0", "--servants", str(SERVANTS), "-", stdin="")
    assert res.returncode == 2 and "--jobs" in res.stderr and res.stdout == ""


def test_invalid_utf8_line_names_the_line_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(line(id="a", text="hi").encode() + b'\n{"id": "b", "text": "\xff"}\n')
    res = run("scan", "--servants", str(SERVANTS), str(path))
    assert res.returncode == 2 and res.stdout == ""
    assert f"{path}:2: not UTF-8 text" in res.stderr
