"""The moderation report: SQL aggregates, `/doxguard stats`, and the HTML file in Chromium.

The HTML test renders the file `doxguard report` wrote in real headless Chromium at a
phone's width, reads the figures the page shows, and checks each against the database
(queried here with plain sqlite3, not through the store), that the page makes no
network request and needs no sideways scrolling, and that its screenshot is not blank.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from adapters.console import run_console
from bot.config import parse_config
from bot.models import Action, Category, Incident, IncidentStatus, Subject
from bot.report import build_report, duration, parse_since, stats_text
from bot.seal import generate_key
from bot.store import Store
from tests.chromium import browser
from tests.test_discord_e2e import DOXXING, World, fake, world  # noqa: F401 - fixtures

REPO = Path(__file__).resolve().parents[1]
SERVANTS = REPO / "tests" / "data" / "engine_servants.toml"
ADDRESS = "4417 Holly St, Kansas City, MO 64111"
DAY = 86_400.0


def incident(seq: int, server: str, channel: str, categories: tuple[Category, ...],
             status: IncidentStatus, created: float, role: str = "police_officer",
             servant: str = "Daniel Whitaker") -> Incident:
    return Incident(
        id="", platform="discord", server=server, channel=channel, message_id=str(seq),
        author=f"u{seq}", action=Action.HIDE, status=status, categories=categories,
        servants=(servant,), excerpt="masked", created_at=created, updated_at=created,
        channel_name=f"name-{channel}", subjects=(Subject(servant, role, servant),),
    )


async def test_report_rows_are_aggregated_per_server_and_period() -> None:
    store = await Store.open(":memory:")
    now = time.time()
    home, phone = Category.HOME_ADDRESS, Category.PHONE_NUMBER
    rows = [
        incident(1, "g1", "c1", (home,), IncidentStatus.HIDDEN, now - 2 * DAY),
        incident(2, "g1", "c1", (home, phone), IncidentStatus.DISMISSED, now - DAY),
        incident(3, "g1", "c2", (phone,), IncidentStatus.RESTORED, now - DAY,
                 "elected_official", "Renee Okafor"),
        incident(4, "g2", "c9", (home,), IncidentStatus.HIDDEN, now - DAY),  # other server
        incident(5, "g1", "c1", (home,), IncidentStatus.HIDDEN, now - 40 * DAY),  # too old
    ]
    for inc in rows:
        await store.add_incident(inc, message={}, sealed=None, expires_at=None)
    await store.audit("discord:mod", "dismiss", "DG-000002")
    await store.audit("discord:mod", "restore", "DG-000003")
    await store.audit("discord:mod", "reveal", "DG-000001")  # not a decision
    got = await store.report_rows(now - 30 * DAY, "g1", "discord")
    await store.close()
    assert got.by_status == {"dismissed": 1, "hidden": 1, "restored": 1}
    day1 = time.strftime("%Y-%m-%d", time.gmtime(now - 2 * DAY))
    day2 = time.strftime("%Y-%m-%d", time.gmtime(now - DAY))
    assert got.by_day == [(day1, "home_address", 1), (day2, "home_address", 1),
                          (day2, "phone_number", 2)]
    assert got.channels == [("discord", "c1", "name-c1", 2), ("discord", "c2", "name-c2", 1)]
    assert got.roles == [("police_officer", 1, 2), ("elected_official", 1, 1)]
    assert got.decided == 2
    expected = statistics.median([time.time() - (now - DAY)] * 2)
    assert got.median_decision_seconds == pytest.approx(expected, abs=5)


def test_since_and_durations_read_as_people_write_them() -> None:
    assert parse_since("30d") == 30 * 86_400 and parse_since("12h") == 43_200
    assert parse_since("2w") == 14 * 86_400
    for bad in ("30", "0d", "d", "1y"):
        with pytest.raises(ValueError, match="like 30d"):
            parse_since(bad)
    assert duration(None) == "no decisions yet"
    assert [duration(s) for s in (42, 600, 7_200, 3 * 86_400)] == [
        "42 s", "10 min", "2.0 h", "3.0 days"]


def moderated_script() -> str:
    people = ["alice", "bob", "carol", "dave", "erin", "fay"]
    lines = [f"#general @{p}: Officer Whitaker lives at {ADDRESS}" for p in people[:4]]
    lines += [f"#city-hall @{p}: Karen Whitaker's cell is 816-555-0142" for p in people[4:]]
    lines += ["@mod: /doxguard dismiss DG-000002", "@mod: /doxguard dismiss DG-000005",
              "@mod: /doxguard restore DG-000003", "@mod: /doxguard confirm DG-000004"]
    return "\n".join(lines) + "\n"


async def make_database(tmp_path: Path) -> Path:
    """Six incidents through the real engine (console), four moderator decisions."""
    db = tmp_path / "report.db"
    config = parse_config(f'servants_file = "{SERVANTS}"\n[storage]\npath = "{db}"\n',
                          tmp_path / "doxguard.toml")
    out = io.StringIO()
    assert await run_console(config, io.StringIO(moderated_script()), out) == 0
    with sqlite3.connect(db) as conn:  # incidents from earlier days, decided minutes later
        conn.execute("UPDATE incidents SET created_at = created_at - (seq * 600) - "
                     "(CASE WHEN seq > 3 THEN 86400 ELSE 0 END)")
    return db


def expected_figures(db: Path) -> dict[str, object]:
    """The headline figures straight from the tables (not through the store)."""
    with sqlite3.connect(db) as conn:
        statuses = Counter(s for (s,) in conn.execute("SELECT status FROM incidents"))
        categories = Counter(
            c for (cats,) in conn.execute("SELECT categories FROM incidents")
            for c in json.loads(cats))
        created = dict(conn.execute("SELECT seq, created_at FROM incidents"))
        decisions: dict[int, float] = {}
        for ident, at in conn.execute(
                "SELECT incident, at FROM audit WHERE action IN "
                "('confirm', 'dismiss', 'dismiss allowlist', 'restore') ORDER BY seq"):
            decisions.setdefault(int(ident.removeprefix("DG-")), at)
        channels = Counter(n for (n,) in conn.execute("SELECT channel_name FROM incidents"))
    total = sum(statuses.values())
    return {
        "total": f"{total:,}",
        "hidden": f"{statuses['hidden'] + statuses['confirmed']:,}",
        "restored": f"{statuses['restored']:,}",
        "dismissed": f"{statuses['dismissed']:,}",
        "dismiss_rate": f"{100 * statuses['dismissed'] / total:.1f} %",
        "median_decision": duration(statistics.median(
            at - created[seq] for seq, at in decisions.items())),
        "categories": categories,
        "channels": channels,
    }


async def test_stats_in_chat_shows_the_reports_headline_numbers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", generate_key())
    db = await make_database(tmp_path)
    want = expected_figures(db)
    config = parse_config(f'servants_file = "{SERVANTS}"\n[storage]\npath = "{db}"\n',
                          tmp_path / "doxguard.toml")
    out = io.StringIO()
    await run_console(config, io.StringIO("@mod: /doxguard stats\n@mod: /doxguard stats 1y\n"),
                      out)
    reply = [ln.removeprefix("[doxguard → mod] ") for ln in out.getvalue().splitlines()]
    assert f"  incidents: {want['total']}" in reply
    assert f"  dismissed: {want['dismissed']}" in reply
    assert f"  dismiss rate (false positives): {want['dismiss_rate']}" in reply
    assert f"  median time to a moderator decision: {want['median_decision']}" in reply
    assert "  top channel: #general (4)" in reply
    assert "stats '1y': give a period like 30d, 12h or 2w" in reply
    store = await Store.open(db)
    report = await build_report(store, 30 * 86_400)
    await store.close()
    assert stats_text(report).splitlines()[1:7] == [r for r in reply if r][1:7]


def doxguard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_report_errors_are_one_line(tmp_path: Path) -> None:
    res = doxguard("report", "--db", str(tmp_path / "none.db"), "--html", str(tmp_path / "r"))
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
    assert "no doxguard database" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "none.db").exists()  # a report never creates a database


async def test_html_report_in_headless_chromium(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", generate_key())
    db = await make_database(tmp_path)
    want = expected_figures(db)
    page_file = tmp_path / "report.html"
    res = doxguard("report", "--db", str(db), "--since", "30d", "--html", str(page_file))
    assert res.returncode == 0, res.stderr
    html = page_file.read_text(encoding="utf-8")
    assert "Daniel Whitaker" not in html and "Karen Whitaker" not in html  # roles only
    assert "4417" not in html and "555-0142" not in html  # no value, masked or not
    assert "<script" not in html and "http" not in html.replace("http://www.w3.org", "")
    async with browser(tmp_path / "profile") as page:
        await page.open(page_file.as_uri(), width=390, height=844)
        shown = await page.evaluate("""JSON.stringify({
            figures: Object.fromEntries([...document.querySelectorAll('span[data-figure]')]
                .map(e => [e.dataset.figure, e.innerText.trim()])),
            tables: Object.fromEntries([...document.querySelectorAll('table[data-figure]')]
                .map(t => [t.dataset.figure, [...t.tBodies[0].rows]
                    .map(r => [...r.cells].map(c => c.innerText.trim()))])),
            bars: document.querySelectorAll('svg rect').length,
            scrollWidth: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            requests: performance.getEntriesByType('resource').length,
            text: document.body.innerText})""")
        shot = await page.screenshot()
    seen = json.loads(shown)
    figures = seen["figures"]
    for key in ("total", "hidden", "restored", "dismissed", "dismiss_rate", "median_decision"):
        assert figures[key] == want[key], (key, figures[key], want[key])
    assert figures["scope"] == "all servers"
    categories = {row[0]: int(row[1]) for row in seen["tables"]["categories"]}
    assert categories == {Category(c).title: n for c, n in want["categories"].items()}
    channels = {row[0]: int(row[2]) for row in seen["tables"]["channels"]}
    assert channels == {f"#{n}": c for n, c in want["channels"].items()}
    assert seen["tables"]["roles"] == [["police officer", "1", "6"]]
    assert seen["bars"] >= 2 + 5  # incidents on two days, five action bars
    assert seen["requests"] == 0  # nothing fetched at view time
    assert seen["scrollWidth"] <= seen["viewport"]  # readable on a phone, no sideways scroll
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    assert image.width == 390 and image.height >= 844
    colours = Counter(image.getdata())
    _background, most = colours.most_common(1)[0]
    assert len(colours) > 50, "the screenshot is blank"
    assert most / (image.width * image.height) < 0.9, "the screenshot is mostly one colour"
    assert any(abs(r - 29) + abs(g - 78) + abs(b - 216) < 30 for (r, g, b) in colours), \
        "the home-address bars (#1d4ed8) are drawn"


async def test_names_only_with_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", generate_key())
    db = await make_database(tmp_path)
    out = tmp_path / "named.html"
    res = doxguard("report", "--db", str(db), "--names", "--html", str(out))
    assert res.returncode == 0, res.stderr
    assert "Daniel Whitaker" in out.read_text(encoding="utf-8")


async def test_stats_slash_command_on_discord_counts_this_server(
    world: World,  # noqa: F811 - the fixture of test_discord_e2e
) -> None:
    msg = await world.fake.post_message(world.general, world.member, DOXXING)
    await world.wait_deleted(world.general, msg)
    await world.wait_notices(1)
    iid = await world.fake.slash(world.guild, world.general, world.moderator,
                                 ["doxguard", "stats"])
    reply = await world.fake.interaction_reply(iid)
    content = reply["data"]["content"]
    assert reply["data"]["flags"] & 64  # ephemeral, like every command reply
    assert f"(discord:{world.guild.id})" in content
    assert "incidents: 1" in content and "hidden: 1" in content
    assert "dismiss rate (false positives): 0.0 %" in content
    assert "555-0142" not in content


async def test_long_periods_are_counted_per_week_from_monday() -> None:
    store = await Store.open(":memory:")
    monday = 1_767_571_200.0  # 2026-01-05 00:00 UTC, a Monday
    for seq, offset in enumerate((0.5, 3.0, 6.9, 7.2), start=1):  # three that week, one next
        await store.add_incident(
            incident(seq, "g1", "c1", (Category.HOME_ADDRESS,), IncidentStatus.HIDDEN,
                     monday + offset * DAY), message={}, sealed=None, expires_at=None)
    report = await build_report(store, 120 * 86_400, now=monday + 30 * DAY)
    await store.close()
    assert report.weekly
    assert report.rows.by_day == [("2026-01-05", "home_address", 3),
                                  ("2026-01-12", "home_address", 1)]
