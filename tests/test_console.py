"""The console adapter driven the way a newcomer or a script drives it: lines in, views out."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.console import PLACEHOLDER, run_console
from bot.config import Config, parse_config
from bot.seal import generate_key

SERVANTS = Path(__file__).parent / "data" / "engine_servants.toml"
ADDRESS = "4417 Holly St, Kansas City, MO 64111"


def make_config(tmp_path: Path, servants: Path = SERVANTS) -> Config:
    text = f'servants_file = "{servants}"\n[storage]\npath = "{tmp_path / "console.db"}"\n'
    return parse_config(text, tmp_path / "doxguard.toml")


async def replay(config: Config, script: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    status = await run_console(config, io.StringIO(script), out)
    return status, out.getvalue().splitlines()


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", generate_key())


async def test_script_is_replayed_with_channel_and_mod_views(tmp_path: Path) -> None:
    status, lines = await replay(make_config(tmp_path), f"""\
# comments and blank lines are skipped

#general @alice: Officer Whitaker was rude to me today
@alice: he lives at {ADDRESS}
#random @bob: nice weather
plain words from the default user
""")
    assert status == 0
    assert lines[0] == "[#general] alice: Officer Whitaker was rude to me today"
    assert lines[1] == f"[#general] {PLACEHOLDER}"
    mod_log = [line for line in lines if line.startswith("[mod-log]")]
    assert mod_log[0] == "[mod-log] [doxguard] Message hidden — incident DG-000001"
    assert any("Home address (home_address)" in line for line in mod_log)
    assert any("protected: Daniel Whitaker (police officer)" in line for line in mod_log)
    # the one-line reason: the rule, and how the message was linked (same author here)
    assert any(
        "why: personal information linked to a protected person; the same author named "
        "Daniel Whitaker 1 message before" in line
        for line in mod_log
    )
    assert "[#random] bob: nice weather" in lines
    assert lines[-1] == "[#general] you: plain words from the default user"
    assert not any("4417" in line or "Holly" in line for line in lines)


async def test_moderator_commands_and_refusal(tmp_path: Path) -> None:
    status, lines = await replay(make_config(tmp_path), f"""\
@alice: Karen Whitaker lives at {ADDRESS}
@bob: /doxguard reveal DG-000001
/doxguard status
@mod: /doxguard incidents
@mod: /doxguard reveal DG-000001
""")
    assert status == 0
    assert "[doxguard → bob] Only doxguard moderators can do that." in lines
    assert "[doxguard → you] Only doxguard moderators can do that." in lines
    listing = [line for line in lines if line.startswith("[doxguard → mod] DG-000001")]
    assert listing and "home_address" in listing[0] and "4417" not in listing[0]
    revealed = lines.index("[doxguard → mod] Original of DG-000001 (shown to you only; "
                           "this reveal is logged):")
    assert lines[revealed + 1] == f"[doxguard → mod] Karen Whitaker lives at {ADDRESS}"
    # the reveal before it (by bob) was refused, so exactly this one is in the audit log
    status, lines = await replay(make_config(tmp_path), "@mod: /doxguard incident DG-000001\n")
    assert sum("reveal by console:mod" in line for line in lines) == 1


async def test_edit_delete_reply_and_restore(tmp_path: Path) -> None:
    status, lines = await replay(make_config(tmp_path), f"""\
#general @carol: Grace Okafor voted no
#general @dave: /reply 1 her email is grace.home@gmail.com
#general @erin: Grace Okafor is great
#general @erin: /edit last Grace Okafor's home phone is 816-555-0143 call her
#general @erin: /edit 3 ok never mind
#general @mod: /doxguard restore DG-000002
#random @frank: Officer Whitaker again
#random @frank: /delete last
#random @frank: he lives at {ADDRESS}
""")
    assert status == 0
    assert lines.count(f"[#general] {PLACEHOLDER}") == 2  # the reply and the edit
    assert "[#general] (edit of a hidden message; it stays hidden)" in lines
    assert ("[#general] erin (restored by doxguard): Grace Okafor's home phone is "
            "816-555-0143 call her") in lines
    assert "[#random] (frank deleted a message)" in lines
    # the deleted message no longer links "he" to the officer
    assert lines[-1] == f"[#random] frank: he lives at {ADDRESS}"


async def test_restart_keeps_incidents_and_cursors(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    await replay(config, f"@alice: Officer Whitaker lives at {ADDRESS}\n")
    status, lines = await replay(config, "@mod: /doxguard incidents\n@mod: /doxguard status\n")
    assert status == 0
    assert any(line.startswith("[doxguard → mod] DG-000001  hidden") for line in lines)
    assert any("incidents: 1 (hidden 1)" in line for line in lines)
    from bot.store import Store

    store = await Store.open(config.database_path)
    assert await store.get_cursor("console", "general") is not None
    await store.close()


async def test_broken_servants_file_exits_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "servants.toml"
    broken.write_text('[[servants]]\nname = "X"\nrole = "astronaut"\n', encoding="utf-8")
    status, lines = await replay(make_config(tmp_path, broken), "hello\n")
    assert status == 2 and lines == []
    assert "servants.toml" in capsys.readouterr().err


async def test_quit_stops_before_end_of_input(tmp_path: Path) -> None:
    status, lines = await replay(make_config(tmp_path), "first\n/quit\nsecond\n")
    assert status == 0 and lines == ["[#general] you: first"]


async def test_review_notices_carry_their_reason_too_and_keep_it_across_a_restart(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    status, lines = await replay(config, f"""\
#general @alice: the deputy who towed my truck lives at {ADDRESS}
""")
    assert status == 0
    mod_log = [line for line in lines if line.startswith("[mod-log]")]
    assert mod_log[0].startswith("[mod-log] [doxguard] ")
    why = [line for line in mod_log if "why:" in line]
    assert why == [
        "[mod-log]   why: personal information next to a public-servant role (nobody "
        "registered); a public-servant role, and no registered servant named"
    ]
    # the reason is stored with the incident: a later look at it still shows it
    status, again = await replay(config, "@mod: /doxguard incident DG-000001\n")
    assert status == 0
    assert any("public-servant role" in line for line in again), again
    shown_to_mods = [*mod_log, *again]
    assert not any("4417" in line or "Holly" in line for line in shown_to_mods)
