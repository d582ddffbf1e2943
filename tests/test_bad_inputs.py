"""Inputs that used to break doxguard (issue 12, "inputs that still break it").

Each is a file or message a user or operator can produce; each must give one
clear line naming the file, line and setting (never a secret's value) and exit
2, or, for messages, be processed like any other.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, parse_config
from bot.engine import Moderator, load_file_registry
from bot.models import ChatMessage, IncidentStatus
from bot.registry import load_servants, parse_servants
from bot.seal import generate_key
from tests.fake_platform import FakePlatform

SERVANTS = Path(__file__).parent / "data" / "engine_servants.toml"
TOKEN = "xoxb-" + "1234567890-" * 2 + "abcdefghijABCDEFGHIJ"


def doxguard(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def one_line_exit_2(res: subprocess.CompletedProcess[str]) -> str:
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    return lines[0]


def test_a_role_written_as_a_list_is_one_line(tmp_path: Path) -> None:
    entry = '[[servants]]\nname = "Ada Quill"\nrole = ["police_officer"]\n'
    (tmp_path / "s.toml").write_text(entry)
    line = one_line_exit_2(doxguard("check", "--servants", "s.toml", "hi", cwd=tmp_path))
    assert "s.toml:1" in line and "servants[0].role" in line


@pytest.mark.parametrize("kind", ["config", "servants"])
def test_toml_nested_500_deep_is_one_line(tmp_path: Path, kind: str) -> None:
    (tmp_path / "deep.toml").write_text("a = " + "[" * 500 + "]" * 500 + "\n")
    flag = "--config" if kind == "config" else "--servants"
    line = one_line_exit_2(doxguard("check", flag, "deep.toml", "hi", cwd=tmp_path))
    assert "deep.toml" in line and "nested too deeply" in line


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("[storage]\nretention_days", "nan"),
        ("[storage]\nretention_days", "inf"),
        ("[storage]\nretention_days", "-3"),
        ("[slack]\nhttp_port", "99999"),
        ("[context]\nmax_age_seconds", "1e23"),
    ],
)
def test_numbers_out_of_range_are_refused_by_setting(
    tmp_path: Path, setting: str, value: str
) -> None:
    text = f'servants_file = "{SERVANTS}"\n{setting} = {value}\n'
    with pytest.raises(ConfigError) as err:
        parse_config(text, tmp_path / "doxguard.toml")
    assert setting.split("\n")[-1] in str(err.value)


def test_a_pasted_token_is_never_printed_back(tmp_path: Path) -> None:
    for text in (
        f'[storage]\nretention_days = "{TOKEN}"\n',  # the value of a non-secret setting
        f"[storage]\n{TOKEN} = 1\n",  # a key name (TOML bare keys take dashes)
        f"# my token: {TOKEN}\n",  # a comment
    ):
        (tmp_path / "doxguard.toml").write_text(text)
        line = one_line_exit_2(doxguard("check", "--config", "doxguard.toml", "hi", cwd=tmp_path))
        assert TOKEN not in line and "1234567890" not in line
        assert "doxguard.toml" in line


def test_a_byte_order_mark_is_read_like_any_utf8_file(tmp_path: Path) -> None:
    (tmp_path / "doxguard.toml").write_bytes(b"\xef\xbb\xbf[storage]\nretention_days = 7\n")
    assert parse_config((tmp_path / "doxguard.toml").read_text("utf-8")).storage.retention_days == 7
    (tmp_path / "s.toml").write_bytes(b'\xef\xbb\xbf[[servants]]\nname = "Ada Quill"\n')
    assert len(load_servants(tmp_path / "s.toml")) == 1


def test_a_servants_file_that_is_not_there_refuses_to_start(tmp_path: Path) -> None:
    cfg = parse_config(f'servants_file = "{tmp_path / "typo.toml"}"\n', tmp_path / "dg.toml")
    with pytest.raises(ConfigError) as err:
        load_file_registry(cfg)
    assert "servants file not found" in str(err.value) and "servants_file" in str(err.value)


async def test_a_lone_surrogate_is_hidden_and_sealed_like_any_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", generate_key())
    cfg = parse_config(
        f'servants_file = "{SERVANTS}"\n[storage]\npath = "{tmp_path / "dg.db"}"\n',
        tmp_path / "doxguard.toml",
    )
    fake = FakePlatform()
    moderator = await Moderator.create(cfg, fake, retry_delay=0.0, sweep=False)
    try:
        text = "Officer Whitaker \ud800 lives at 4417 Holly St, Kansas City, MO 64111"
        incident = await moderator.handle(ChatMessage(id="1", channel="c", author="a", text=text))
        assert incident is not None and incident.status is IncidentStatus.HIDDEN
        original = await moderator.open_original(incident)
        assert "\ufffd" in original.text and "Holly" in original.text
        later = await moderator.handle(ChatMessage(id="2", channel="c", author="a", text="ok"))
        assert later is None
    finally:
        await moderator.close()


def test_registry_text_with_a_role_list_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        parse_servants('[[servants]]\nname = "Ada Quill"\nrole = ["judge"]\n')


def test_a_lone_surrogate_in_scan_input_is_replaced_and_the_message_scanned(
    tmp_path: Path,
) -> None:
    # "\ud800" is valid JSON but no text: it reads as U+FFFD, the message is scanned,
    # and every later line still gets its verdict
    lines = [
        r'{"id": "1", "channel": "c", "author": "a", '
        r'"text": "Officer Whitaker \ud800 lives at 4417 Holly St, Kansas City, MO 64111"}',
        r'{"id": "2", "channel": "c", "author": "a", "text": "ok \udc00 see you"}',
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="ascii")
    res = doxguard("scan", "--servants", str(SERVANTS), "in.jsonl", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    first, second = (json.loads(line) for line in res.stdout.splitlines())
    assert (first["id"], first["action"]) == ("1", "hide")
    assert "home_address" in first["categories"]
    assert (second["id"], second["action"]) == ("2", "allow")
    (tmp_path / "bad.jsonl").write_text(lines[0] + "\n" + r'{"id": "3", "text": "\ud800"' + "\n")
    line = one_line_exit_2(doxguard("scan", "--servants", str(SERVANTS), "bad.jsonl",
                                    cwd=tmp_path))
    assert "bad.jsonl:2: not valid JSON" in line


def test_a_token_in_a_registry_comment_is_refused_without_echo() -> None:
    text = (f'# pasted by mistake: {TOKEN}\n[[servants]]\nname = "Ada Quill"\n'
            'role = "police_officer"\n')
    with pytest.raises(ConfigError) as err:
        parse_servants(text, "servants.toml")
    assert "servants.toml:1" in str(err.value) and "secret token" in str(err.value)
    assert TOKEN not in str(err.value) and "1234567890" not in str(err.value)
    # a '#' inside a value is no comment
    fine = '[[servants]]\nname = "Ada Quill"  # apt #4\nrole = "police_officer"\n'
    assert len(parse_servants(fine, "servants.toml")) == 1


@pytest.mark.parametrize("server_file", [False, True])
def test_run_with_a_missing_servants_file_exits_2_before_opening_the_database(
    tmp_path: Path, server_file: bool
) -> None:
    # a Discord token, so `run` goes for the platforms (the fake token never reaches one)
    setting = '[servers."discord:1"]\nservants_file = "typo.toml"\n' if server_file else ""
    main = SERVANTS if server_file else tmp_path / "typo.toml"
    (tmp_path / "doxguard.toml").write_text(
        f'servants_file = "{main}"\n[storage]\npath = "dg.db"\n{setting}', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD", "SLACK"))}
    env["DISCORD_TOKEN"] = "MTA5ODc2NTQzMjEwOTg3NjU0.GfAkeT.fictional-token-missing-file"
    res = subprocess.run([sys.executable, "-m", "bot", "run", "--config", "doxguard.toml"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                         stdin=subprocess.DEVNULL)
    line = one_line_exit_2(res)
    assert "servants file not found" in line and "typo.toml" in line
    assert ('servers."discord:1".servants_file' if server_file else "[servants_file]") in line
    assert not (tmp_path / "dg.db").exists()  # a refused start leaves no database behind
