"""Protected values (issue 16): `doxguard fingerprint` writes keyed digests only, and a
message holding one of the values is hidden as about that servant, named or not.

All values are fictional (555-01xx numbers, example.org, test SSN ranges).
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot import fingerprints
from bot.cli import main
from bot.config import ConfigError, load_config, parse_config
from bot.engine import Moderator
from bot.models import Action, Caller, Category, ChatMessage, CommandRequest
from bot.pipeline import Pipeline
from bot.registry import load_servants
from tests.fake_platform import FakePlatform

REPO = Path(__file__).resolve().parents[1]
SERVANTS = REPO / "config" / "servants.toml"
KEY = "fictional-test-key-0123456789abcdef"

PRIVATE = {
    (Category.HOME_ADDRESS, "4418 N Holly St Apt 2, Kansas City, MO 64111"),
    (Category.PHONE_NUMBER, "(816) 555-0147"),
    (Category.EMAIL_ADDRESS, "DWhit75@Example.org"),
    (Category.EMAIL_ADDRESS, "karen.home@example.org"),
    (Category.BIRTH_DATE, "03/03/1975"),
    (Category.SOCIAL_SECURITY_NUMBER, "219-09-9999"),
    (Category.FINANCIAL_INFORMATION, "0012 3456 7890"),
}
CSV = "servant,category,value\n" + "".join(
    f'Daniel Whitaker,{cat.value},"{value}"\n' for cat, value in sorted(PRIVATE)
)
# what may never be written anywhere: the values, their digits and normalized forms
PLAINTEXT = [
    "4418", "HOLLY", "Holly", "555-0147", "5550147", "8165550147", "dwhit75", "DWhit75",
    "karen.home", "1975-03-03", "03/03/1975", "219099999", "219-09-9999", "001234567890",
]

# a message with a protected value and no name, and the same with one digit changed
HIDDEN = [
    ("4418 Holly, everyone pull up at 9", Category.HOME_ADDRESS),
    ("meet at 4418 North Holly Street tonight", Category.HOME_ADDRESS),
    ("it's 4418 n holly st apt 2 kansas city mo", Category.HOME_ADDRESS),
    ("text 816.555.0147 and tell him", Category.PHONE_NUMBER),
    ("+1 (816) 555 0147", Category.PHONE_NUMBER),
    ("area code is 816, number 555-0147", Category.PHONE_NUMBER),
    ("write to dwhit75@example.org", Category.EMAIL_ADDRESS),
    ("write to dwhit75 at example dot org", Category.EMAIL_ADDRESS),
    ("mail karen.home at example.org", Category.EMAIL_ADDRESS),  # no digit: the raw gate
    ("karen dot home at example dot org", Category.EMAIL_ADDRESS),
    ("bday 3/3/75 lol", Category.BIRTH_DATE),
    ("born March 3, 1975", Category.BIRTH_DATE),
    ("219 09 9999", Category.SOCIAL_SECURITY_NUMBER),
    ("acct 001234567890", Category.FINANCIAL_INFORMATION),
]
ONE_DIGIT_OFF = [
    "4419 Holly, everyone pull up at 9",
    "meet at 4418 North Holly Avenue tonight",  # another street, not a digit: no match either
    "text 816.555.0148 and tell him",
    "area code is 817, number 555-0147",
    "write to dwhit76@example.org",
    "bday 3/4/75 lol",
    "219 09 9998",
    "acct 001234567891",
]
CLEAN = ["see you at 9", "score was 21-14", "lol", "the 2024 budget", "my cat is 3"]


@pytest.fixture
def fp_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DOXGUARD_FINGERPRINT_KEY", KEY)
    return KEY


@pytest.fixture
def setup(tmp_path: Path, fp_key: str) -> Path:
    """private.csv -> fingerprints.toml through the CLI; returns the config file."""
    (tmp_path / "private.csv").write_text(CSV, encoding="utf-8")
    out = tmp_path / "fingerprints.toml"
    assert main(["fingerprint", "--servants", str(SERVANTS), str(tmp_path / "private.csv"),
                 "--out", str(out)]) == 0
    config = tmp_path / "doxguard.toml"
    config.write_text(
        f'servants_file = "{SERVANTS}"\n[detection]\nfingerprints_file = "fingerprints.toml"\n'
        f'[storage]\npath = "{tmp_path / "dg.db"}"\n',
        encoding="utf-8",
    )
    return config


def pipeline_for(config: Path) -> Pipeline:
    cfg = parse_config(config.read_text(encoding="utf-8"), config)
    return Pipeline(cfg, load_servants(cfg.servants_path))


def test_the_file_holds_digests_and_no_plaintext(setup: Path) -> None:
    text = (setup.parent / "fingerprints.toml").read_text(encoding="utf-8")
    assert [p for p in PLAINTEXT if p.lower() in text.lower()] == []
    digests = re.findall(r'"([0-9a-f]{64})"', text)
    assert len(digests) > len(PRIVATE)  # addresses have several forms
    assert all(len(set(d)) > 4 for d in digests)
    # a keyed digest: the same CSV under another key gives none of the same digests
    other = fingerprints.render_file(
        fingerprints.read_private_csv(setup.parent / "private.csv", ["Daniel Whitaker"]),
        b"another-fictional-key-0000000000", "DOXGUARD_FINGERPRINT_KEY",
    )
    assert set(re.findall(r'"([0-9a-f]{64})"', other)).isdisjoint(digests)


@pytest.mark.parametrize(("text", "category"), HIDDEN)
def test_a_protected_value_with_no_name_is_hidden(
    setup: Path, text: str, category: Category
) -> None:
    verdict = pipeline_for(setup).scan(ChatMessage("m", "c", "a", text))
    assert verdict.action is Action.HIDE, text
    assert category in verdict.categories
    assert verdict.servants == ("Daniel Whitaker",)
    assert "matches a protected value of Daniel Whitaker" in verdict.reasons
    [finding] = [f for f in verdict.findings if f.category is category]
    assert finding.value == ""  # nothing downstream (allowlist, seal) learns the value
    assert not re.search(r"\d{3}", finding.masked)


@pytest.mark.parametrize("text", ONE_DIGIT_OFF + CLEAN)
def test_one_digit_off_or_clean_text_does_not_match(setup: Path, text: str) -> None:
    assert pipeline_for(setup).scan(ChatMessage("m", "c", "a", text)).action is Action.ALLOW


def test_a_bad_row_is_refused_naming_the_line_without_the_value(
    tmp_path: Path, fp_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = {
        "Daniel Whitaker,phone_number,call me maybe 12\n": "as a phone number",
        "Daniel Whitaker,home_address,Holly Street somewhere\n": "as a home address",
        "Daniel Whitaker,social_security_number,219-09-99\n": "social security number",
        "Nobody Known,phone_number,816-555-0147\n": "not a servant",
        "Daniel Whitaker,health_or_insurance_information,diabetic\n": "cannot be fingerprinted",
        "Daniel Whitaker,phone_number\n": "expected 3 columns",
    }
    for row, problem in bad.items():
        csv_file = tmp_path / "private.csv"
        csv_file.write_text(CSV + row + "Daniel Whitaker,phone_number,816-555-0148\n")
        out = tmp_path / "out.toml"
        status = main(["fingerprint", "--servants", str(SERVANTS), str(csv_file),
                       "--out", str(out)])
        err = capsys.readouterr().err
        assert status == 2 and not out.exists(), row
        line = len(PRIVATE) + 2
        assert f"private.csv:{line}:" in err and problem in err.lower(), err
        value = row.rstrip("\n").split(",", 2)[-1]
        if row.count(",") == 2 and "servant" not in problem:
            assert value not in err
        assert len(err.strip().splitlines()) == 1


def test_the_wrong_key_or_none_is_refused_at_start(
    setup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOXGUARD_FINGERPRINT_KEY", "another-fictional-key-0000000000")
    cfg = parse_config(setup.read_text(encoding="utf-8"), setup)
    with pytest.raises(ConfigError, match="not the key this file was written with"):
        Pipeline(cfg, load_servants(SERVANTS))
    # the bot itself: `doxguard run` stops at start with one line and status 2
    env = {"PATH": "/usr/bin:/bin", "DOXGUARD_FINGERPRINT_KEY": "another-fictional-key-00000"}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(setup)],
        input="hello\n", capture_output=True, text=True, env=env, timeout=60, cwd=REPO,
    )
    assert run.returncode == 2, run.stderr
    assert "not the key this file was written with" in run.stderr
    assert "Traceback" not in run.stderr and KEY not in run.stderr
    monkeypatch.delenv("DOXGUARD_FINGERPRINT_KEY")
    with pytest.raises(ConfigError, match="no key in"):
        Pipeline(cfg, load_servants(SERVANTS))


def test_a_short_key_is_refused_when_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOXGUARD_FINGERPRINT_KEY", "short")
    (tmp_path / "p.csv").write_text(CSV)
    assert main(["fingerprint", "--servants", str(SERVANTS), str(tmp_path / "p.csv"),
                 "--out", str(tmp_path / "o.toml")]) == 2
    err = capsys.readouterr().err
    assert "too short" in err and "short\n" not in err.replace("too short", "")


async def test_no_plaintext_in_the_database_logs_or_notices(
    setup: Path, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cfg = load_config(setup)
    fake = FakePlatform()
    moderator = await Moderator.create(cfg, fake, retry_delay=0.0, sweep=False)
    for i, (text, _) in enumerate(HIDDEN):
        incident = await moderator.handle(ChatMessage(f"m{i}", "general", "alice", text,
                                                      platform="fake"))
        assert incident is not None and incident.servants == ("Daniel Whitaker",), text
    assert len(fake.hidden) == len(HIDDEN)
    assert all("[matches a protected value of Daniel Whitaker]" in n.render_text()
               for n in fake.notices)  # moderators see why a message naming nobody was hidden
    mod = Caller("console", "mod")
    replies = [await moderator.run_command(CommandRequest(mod, "incidents", ("50",)))]
    replies.append(await moderator.run_command(CommandRequest(mod, "check", (HIDDEN[0][0],))))
    await moderator.close()
    notices = "\n".join(n.render_text() + repr(n) for n in fake.notices)
    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    said = "\n".join(r.text for r in replies)
    raw = b"".join(p.read_bytes() for p in sorted(setup.parent.glob("dg.db*")))
    for value in PLAINTEXT:
        if value.isdigit() and len(value) < 5:
            continue  # "4418" alone also occurs in ids and timestamps by chance
        assert value.lower() not in notices.lower(), value
        assert value.lower() not in logged.lower(), value
        assert value.lower() not in said.lower(), value
        assert value.encode() not in raw and value.lower().encode() not in raw, value
    with sqlite3.connect(setup.parent / "dg.db") as db:  # the originals are sealed
        assert db.execute("SELECT count(*) FROM originals").fetchone()[0] == len(HIDDEN)


def test_the_shape_gates_find_what_hashing_every_candidate_finds(setup: Path) -> None:
    """The anchors and shape gates only skip work: on protected values in many spellings,
    their near misses and digit-heavy ordinary chat (the corpus, the benchmark's mix), the
    gated matcher finds exactly what hashing every candidate finds."""
    from bench.traffic import clean_mix
    from bot.normalize import normalize

    protected = pipeline_for(setup).fingerprints
    assert protected is not None
    corpus = REPO / "tests" / "corpus" / "messages.jsonl"
    texts = [*(t for t, _ in HIDDEN), *ONE_DIGIT_OFF, *CLEAN,
             "4418 N. Holly St, then 4418 holly ave, 18 Holly and 4418 Hollywood",
             "born 3 March 1975; or 1975-03-03, 3rd of March, 1975 and 03.03.75",
             "call 555-0147 (816) or 816 555 0147 or +18165550147, acct 0012-3456-7890",
             *(json.loads(line)["text"] for line in corpus.read_text().splitlines()),
             *(m.text for m in clean_mix(3_000))]
    hits = 0
    for text in texts:
        norm = normalize(text).text
        gated = protected.find(norm)
        assert gated == protected.find(norm, gated=False), text
        hits += bool(gated)
    assert hits >= len(HIDDEN)  # the comparison covered matches, not only misses
