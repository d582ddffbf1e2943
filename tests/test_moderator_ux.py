"""Moderator commands and the console as a newcomer meets them (issue 15, points 7 and 8).

Driven through the console adapter with the real engine and store: `incidents` says when
there are more, `servant show/remove` take the quotes `servant add` took, one-word names
are warned about, `dismiss` says what happens to the message, `status` keeps the
database path to the operator; a timed-out user cannot post, a mistyped `/command` is
not posted as chat, `/edit last` edits the caller's own last message. The Discord
`incidents` options are a member picker and a bounded integer.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.console import PLACEHOLDER, run_console
from bot.config import Config, parse_config
from bot.seal import generate_key

SERVANTS = Path(__file__).parent / "data" / "engine_servants.toml"
ADDRESS = "4417 Holly St, Kansas City, MO 64111"
DOXX = f"Officer Whitaker lives at {ADDRESS}"


def make_config(tmp_path: Path) -> Config:
    text = (f'servants_file = "{SERVANTS}"\n[storage]\npath = "{tmp_path / "ux.db"}"\n'
            "[notices]\ntimeout_minutes = 30\n")
    return parse_config(text, tmp_path / "doxguard.toml")


async def replay(tmp_path: Path, script: str) -> list[str]:
    out = io.StringIO()
    assert await run_console(make_config(tmp_path), io.StringIO(script), out) == 0
    return out.getvalue().splitlines()


def replies(lines: list[str], user: str = "mod") -> list[str]:
    prefix = f"[doxguard → {user}] "
    return [line[len(prefix):] for line in lines if line.startswith(prefix)]


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", generate_key())


async def test_incidents_says_when_there_are_more(tmp_path: Path) -> None:
    script = "".join(f"@poster{i}: {DOXX}\n" for i in range(12))
    lines = await replay(tmp_path, script + "@mod: /doxguard incidents\n"
                         "@mod: /doxguard incidents 20\n@mod: /doxguard incidents poster3\n")
    rows = [r for r in replies(lines) if r.startswith("DG-")]
    more = [r for r in replies(lines) if r.startswith("… and more")]
    assert len(rows) == 10 + 12 + 1
    assert rows[0].startswith("DG-000012") and rows[9].startswith("DG-000003")
    assert more == ["… and more: these are the newest 10; incidents 100 lists up to 100."]


async def test_servant_show_and_remove_take_the_quotes_add_took(tmp_path: Path) -> None:
    lines = await replay(tmp_path, '@mod: /doxguard servant add "Maria Chen" role=city_employee\n'
                         '@mod: /doxguard servant show "Maria Chen"\n'
                         "@mod: /doxguard servant show 'Maria Chen'\n"
                         '@mod: /doxguard servant remove "Maria Chen"\n')
    out = replies(lines)
    assert out[0] == "Added Maria Chen (city employee)."
    assert out.count("Maria Chen — city employee") == 2
    assert "Removed Maria Chen; they are no longer protected." in out


async def test_one_word_servant_name_is_warned(tmp_path: Path) -> None:
    lines = await replay(tmp_path, "@mod: /doxguard servant add Marquez\n"
                         '@mod: /doxguard servant add "Ana Marquez"\n')
    out = replies(lines)
    assert out[0] == "Added Marquez (public servant)."
    assert out[1].startswith("Warning: 'Marquez' is one word") and "full name" in out[1]
    assert out[2] == "Added Ana Marquez (public servant)."  # no warning for a full name
    assert not any(o.startswith("Warning") for o in out[3:])


async def test_dismiss_says_the_message_stays_hidden_unless_restored(tmp_path: Path) -> None:
    lines = await replay(tmp_path, f"@alice: {DOXX}\n@mod: /doxguard dismiss DG-000001\n")
    assert f"[#general] {PLACEHOLDER}" in lines
    [reply] = [r for r in replies(lines) if r.startswith("Dismissed")]
    assert "stays hidden unless you restore it" in reply and "restore DG-000001" in reply


async def test_status_does_not_show_the_database_path(tmp_path: Path) -> None:
    lines = await replay(tmp_path, "@mod: /doxguard status\n")
    text = "\n".join(replies(lines))
    assert "servants protected" in text
    assert str(tmp_path) not in text and "ux.db" not in text and "database:" not in text


async def test_timed_out_user_cannot_post_until_the_timeout_ends(tmp_path: Path) -> None:
    lines = await replay(tmp_path, f"@alice: {DOXX}\n@mod: /doxguard timeout DG-000001\n"
                         "@alice: still here\n@alice: /reply 1 me too\n@bob: fine by me\n")
    assert "[#general] (alice is timed out for 30 minutes)" in lines
    refused = [ln for ln in lines if "alice is timed out for 30 more minutes" in ln]
    assert len(refused) == 2 and all("not posted" in ln for ln in refused)
    assert not any("still here" in ln or "me too" in ln for ln in lines)
    assert "[#general] bob: fine by me" in lines


async def test_mistyped_command_is_not_posted_as_chat(tmp_path: Path) -> None:
    lines = await replay(tmp_path, "@mod: /doxgaurd incidents\n/hlep\n")
    assert not any(ln.startswith("[#general]") for ln in lines)
    assert lines[0].startswith("[console] unknown command /doxgaurd (not posted); "
                               "did you mean /doxguard?")
    assert lines[1].startswith("[console] unknown command /hlep (not posted)")


async def test_edit_last_edits_the_callers_own_last_message(tmp_path: Path) -> None:
    lines = await replay(tmp_path, "@alice: first words\n@bob: bob's words\n"
                         "@alice: /edit last second words\n/edit last nobody's\n")
    assert "[#general] alice (edited): second words" in lines
    assert "[#general] bob: bob's words" in lines
    assert not any("bob (edited)" in ln or "nobody's" in ln for ln in lines)
    assert "[console] you has posted no message to edit" in lines
