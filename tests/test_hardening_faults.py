"""Hardening under faults: platform API errors, a locked, full or damaged database, SIGKILL.

Real Moderator, real store on temp files, the recording fake platform (which can be
told to fail with an HTTP status, an exception or an outcome). All data is fictional:
the servants of tests/data/engine_servants.toml, 555-01xx numbers, invented streets.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.config import Config
from bot.engine import Moderator
from bot.models import Caller, ChatMessage, IncidentStatus
from bot.platform import HideOutcome, PlatformError
from bot.seal import generate_key
from bot.store import StoreError
from tests.fake_platform import FakePlatform
from tests.test_engine import SERVANTS, make_config, msg

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


def dox(n: int) -> str:
    """A doxxing message with its own fictional house number."""
    return f"Officer Whitaker lives at {4400 + n} Holly St, Kansas City, MO 64111"


class TimedPlatform(FakePlatform):
    """The fake, also noting when each hide was attempted (to see the backoff)."""

    def __init__(self) -> None:
        super().__init__()
        self.hide_times: list[float] = []

    async def hide(self, message: ChatMessage) -> HideOutcome:
        self.hide_times.append(time.monotonic())
        return await super().hide(message)


async def start(config: Config, fake: FakePlatform, retry_delay: float = 0.0) -> Moderator:
    return await Moderator.create(config, fake, retry_delay=retry_delay, sweep=False)


# --------------------------------------------------------------------------
# platform API errors


async def test_missing_permission_is_recorded_on_each_incident_but_told_once(
    config: Config, key: str
) -> None:
    fake = FakePlatform()
    fake.fail_next("hide", 403, 403, 403, 403)
    moderator = await start(config, fake)
    first = await moderator.handle(msg(1, dox(1)))
    second = await moderator.handle(msg(2, dox(2)))
    third = await moderator.handle(msg(3, dox(3)))
    for inc in (first, second, third):  # recorded on every incident
        assert inc is not None and inc.status is IncidentStatus.HIDE_FAILED
        assert inc.hide_error == "missing permission"
    assert fake.calls.count("hide") == 3  # a 403 is not retried
    told = [n for n in fake.notices if "missing permission" in n.render_text()]
    assert [n.incident_id for n in told] == [first.id]  # the alarm is raised once
    for notice in fake.notices[1:]:  # later incidents are still noticed, pointing back
        assert notice.headline == f"Could not hide message: same problem as {first.id}"
    # another channel has its own permissions: its first failure is told again
    other = await moderator.handle(msg(4, dox(4), channel="random"))
    assert other is not None and "missing permission" in fake.notices[-1].render_text()
    # once hiding works again in #general, a new failure there is news again
    ok = await moderator.handle(msg(5, dox(5)))
    assert ok is not None and ok.status is IncidentStatus.HIDDEN
    fake.fail_next("hide", 403)
    await moderator.handle(msg(6, dox(6)))
    assert "missing permission" in fake.notices[-1].render_text()
    await moderator.close()


async def test_repeat_notice_survives_a_failed_delivery(config: Config, key: str) -> None:
    """The 'same problem' wording holds when the notice itself goes out later."""
    fake = FakePlatform()
    fake.fail_next("hide", 403, 403)
    moderator = await Moderator.create(config, fake, retry_delay=0.0, sweep=False)
    first = await moderator.handle(msg(1, dox(1)))
    fake.fail_next("notify_moderators", 403)  # not retryable: stays unsent for now
    second = await moderator.handle(msg(2, dox(2)))
    assert second is not None and not second.notice_sent
    assert await moderator.resume() == 1
    assert fake.notices[-1].incident_id == second.id
    assert first is not None and first.id in fake.notices[-1].headline
    await moderator.close()


async def test_message_already_gone_is_per_message_not_a_standing_problem(
    config: Config, key: str
) -> None:
    fake = FakePlatform()
    fake.fail_next("hide", 404, 404)
    moderator = await start(config, fake)
    await moderator.handle(msg(1, dox(1)))
    second = await moderator.handle(msg(2, dox(2)))
    assert second is not None and second.hide_error == "message already gone"
    assert all("already gone" in n.headline for n in fake.notices)
    assert fake.calls.count("hide") == 2  # a 404 is not retried
    await moderator.close()


async def test_rate_limits_and_server_errors_back_off_then_succeed(
    config: Config, key: str
) -> None:
    fake = TimedPlatform()
    fake.fail_next("hide", 429, 500, 503)
    moderator = await start(config, fake, retry_delay=0.02)
    incident = await moderator.handle(msg(1, dox(1)))
    assert incident is not None and incident.status is IncidentStatus.HIDDEN
    gaps = [b - a for a, b in zip(fake.hide_times, fake.hide_times[1:], strict=False)]
    assert len(gaps) == 3
    # exponential backoff: each wait at least the doubled step (sleep never wakes early)
    assert gaps[0] >= 0.02 and gaps[1] >= 0.04 and gaps[2] >= 0.08
    assert len(fake.notices) == 1 and fake.notices[0].headline == "Message hidden"
    await moderator.close()


async def test_retry_after_of_a_rate_limit_is_honoured(config: Config, key: str) -> None:
    fake = TimedPlatform()
    for method in ("hide", "notify_moderators"):
        limited = PlatformError("rate limited", retryable=True, status=429)
        limited.retry_after = 0.15  # type: ignore[attr-defined]
        fake.fail_next(method, limited)
    moderator = await start(config, fake, retry_delay=0.0)
    before = time.monotonic()
    incident = await moderator.handle(msg(1, dox(1)))
    assert incident is not None and incident.status is IncidentStatus.HIDDEN
    assert incident.notice_sent
    assert fake.hide_times[1] - fake.hide_times[0] >= 0.15  # waited as the platform asked
    assert time.monotonic() - before >= 0.30  # and again for the notice
    await moderator.close()


async def test_an_outage_that_outlasts_the_retries_is_recorded_and_told_once(
    tmp_path: Path, key: str
) -> None:
    config = make_config(tmp_path, "[notices]\nretry_attempts = 3\n")
    fake = FakePlatform()
    fake.fail_next("hide", *([502] * 6))
    moderator = await start(config, fake)
    first = await moderator.handle(msg(1, dox(1)))
    second = await moderator.handle(msg(2, dox(2)))
    assert fake.calls.count("hide") == 6  # three tries each
    for inc in (first, second):
        assert inc is not None and inc.status is IncidentStatus.HIDE_FAILED
        assert inc.hide_error == "platform error (HTTP 502)"
    assert "HTTP 502" in fake.notices[0].render_text()
    assert "HTTP 502" not in fake.notices[1].render_text()
    # the moderators can still act: confirm retries the hide now the platform is back
    reply = await moderator.press(
        Caller("console", "mod"), "confirm", second.id
    )
    assert reply.ok and "now hidden" in reply.text
    await moderator.close()


@pytest.mark.parametrize(
    "drop",
    [ConnectionResetError("peer reset"), TimeoutError(),
     PlatformError("connection dropped", retryable=True)],
    ids=["reset", "timeout", "adapter-wrapped"],
)
async def test_a_dropped_connection_is_retried(
    config: Config, key: str, drop: BaseException
) -> None:
    fake = FakePlatform()
    fake.fail_next("hide", drop)
    fake.fail_next("notify_moderators", ConnectionResetError("peer reset"))
    moderator = await start(config, fake)
    incident = await moderator.handle(msg(1, dox(1)))
    assert incident is not None and incident.status is IncidentStatus.HIDDEN
    assert incident.notice_sent and len(fake.notices) == 1
    assert fake.calls.count("hide") == 2
    await moderator.close()


async def test_a_connection_that_stays_down_is_recorded(config: Config, key: str) -> None:
    fake = FakePlatform()
    fake.fail_next("hide", *[ConnectionResetError() for _ in range(10)])
    moderator = await start(config, fake)
    incident = await moderator.handle(msg(1, dox(1)))
    assert incident is not None and incident.status is IncidentStatus.HIDE_FAILED
    assert incident.hide_error == "platform unreachable (connection failed)"
    assert fake.calls.count("hide") == config.notices.retry_attempts
    await moderator.close()


# --------------------------------------------------------------------------
# the store


async def test_a_database_locked_by_another_process_is_waited_for(
    config: Config, key: str
) -> None:
    fake = FakePlatform()
    moderator = await start(config, fake)
    other = sqlite3.connect(config.database_path, check_same_thread=False, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    other.execute("INSERT INTO meta (key, value) VALUES ('other', 'writer')")
    released = threading.Event()

    def release() -> None:
        other.execute("COMMIT")
        released.set()

    # the store waits (SQLite busy timeout, then its own backoff) instead of failing
    threading.Timer(0.4, release).start()
    incident = await moderator.handle(msg(1, dox(1)))
    assert released.is_set()
    assert incident is not None and incident.status is IncidentStatus.HIDDEN
    assert len(fake.hidden) == 1
    other.close()
    await moderator.close()


async def _fill_until_full(moderator: Moderator) -> tuple[list[str], StoreError]:
    """Cap the database at its current size (PRAGMA max_page_count) and feed doxxing
    messages until a write fails; returns the incident ids handle() returned."""
    db = moderator.store._db  # the store's own connection: the cap is per connection
    async with db.execute("PRAGMA page_count") as cur:
        row = await cur.fetchone()
    await db.execute(f"PRAGMA max_page_count = {int(row[0])}")
    accepted: list[str] = []
    for n in range(100, 400):
        try:
            incident = await moderator.handle(msg(n, dox(n) + " " + "x" * 600))
        except StoreError as exc:
            return accepted, exc
        assert incident is not None
        accepted.append(incident.id)
    raise AssertionError("the database never filled up")


async def test_a_full_disk_stops_the_bot_naming_the_file_and_loses_nothing(
    config: Config, key: str
) -> None:
    fake = FakePlatform()
    moderator = await start(config, fake)
    before = [await moderator.handle(msg(i, dox(i))) for i in range(1, 4)]
    accepted, error = await _fill_until_full(moderator)
    message = str(error)
    assert str(config.database_path) in message and "disk is full" in message
    assert moderator.failed.is_set() and moderator.failure is error
    with pytest.raises(StoreError):  # it stays stopped: nothing more is acted on unrecorded
        await moderator.handle(msg(999, dox(999)))
    hidden_before_restart = {m.id for m in fake.hidden}
    assert "999" not in hidden_before_restart
    await moderator.close()

    # restart (space freed: the cap was per connection): every committed incident is there
    fake2 = FakePlatform()
    restarted = await start(config, fake2)
    stored = await restarted.store.list_incidents(limit=1000)
    ids = {i.id for i in stored}
    assert {i.id for i in before if i is not None} | set(accepted) <= ids
    assert all(i.status is IncidentStatus.HIDDEN and i.notice_sent for i in stored)
    # nothing hidden without a record: every hidden message has its incident
    assert hidden_before_restart | {m.id for m in fake2.hidden} == {i.message_id for i in stored}
    await restarted.close()


async def test_a_full_disk_stops_the_console_with_a_clear_message(
    tmp_path: Path, key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from adapters import console

    config = make_config(tmp_path)
    real_create = Moderator.create

    async def capped_create(*args: object, **kwargs: object) -> Moderator:
        moderator = await real_create(*args, **kwargs)  # type: ignore[arg-type]
        db = moderator.store._db
        async with db.execute("PRAGMA page_count") as cur:
            row = await cur.fetchone()
        await db.execute(f"PRAGMA max_page_count = {int(row[0])}")
        return moderator

    lines = "".join(f"#c{n} @alice: {dox(n)} {'x' * 600}\n" for n in range(300))
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(console.Moderator, "create", capped_create)
        status = await console.run_console(config, io.StringIO(lines), out)
    err = capsys.readouterr().err
    assert status == 2
    assert "doxguard: stopped:" in err and str(config.database_path) in err
    assert "disk is full" in err and "Traceback" not in err


def _corrupt(path: Path) -> None:
    """Overwrite every page after the header page with garbage (the header stays valid)."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for offset in range(page, len(data)):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))


async def test_a_damaged_database_stops_the_bot_naming_the_file(
    config: Config, key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from adapters.console import run_console

    moderator = await start(config, FakePlatform())
    await moderator.handle(msg(1, dox(1)))
    await moderator.close()
    _corrupt(config.database_path)
    with pytest.raises(StoreError) as info:
        await start(config, FakePlatform())
    assert str(config.database_path) in str(info.value)
    status = await run_console(config, io.StringIO("hello\n"), io.StringIO())
    err = capsys.readouterr().err
    assert status == 2 and str(config.database_path) in err and "Traceback" not in err


# --------------------------------------------------------------------------
# a killed process


def _bot_env(key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN")}
    env.update(DOXGUARD_SEAL_KEY=key, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    return env


def _console_bot(tmp_path: Path, key: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--servants", str(SERVANTS),
         "--db", str(tmp_path / "killed.db")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, cwd=tmp_path, env=_bot_env(key),
    )


def test_sigkill_mid_burst_loses_no_accepted_incident_and_duplicates_none(
    tmp_path: Path,
) -> None:
    key = generate_key()
    # one channel per message, so a channel names its message; every third is clean
    script = []
    violating = set()
    for n in range(600):
        if n % 3 == 2:
            script.append(f"#c{n:04d} @alice: the budget meeting moved to room {n}\n")
        else:
            script.append(f"#c{n:04d} @alice: {dox(n)}\n")
            violating.add(f"c{n:04d}")
    bot = _console_bot(tmp_path, key)
    assert bot.stdin is not None and bot.stdout is not None

    def feed() -> None:
        try:
            for line in script:
                bot.stdin.write(line)  # type: ignore[union-attr]
                bot.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError):
            pass  # killed mid-write: that is the point

    threading.Thread(target=feed, daemon=True).start()
    placeholders: set[str] = set()
    seen = 0
    for line in bot.stdout:
        if "(message hidden by doxguard)" in line:
            placeholders.add(line.split("]", 1)[0].lstrip("[#"))
        if line.startswith("[#c"):
            seen += 1
        if seen >= 150:  # well into the burst, with more already piped
            break
    bot.send_signal(signal.SIGKILL)
    bot.wait(timeout=30)
    assert bot.returncode == -signal.SIGKILL

    db = tmp_path / "killed.db"
    with sqlite3.connect(db) as raw:
        before = raw.execute("SELECT channel, status FROM incidents").fetchall()
    # every message shown hidden has its incident; the bot got killed before the end
    assert placeholders <= {c for c, _ in before}
    assert len(before) < len(violating)

    # restart on the same database with nothing more to read: it finishes what it accepted
    again = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--servants", str(SERVANTS), "--db", str(db)],
        input="", capture_output=True, text=True, cwd=tmp_path, env=_bot_env(key), timeout=120,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    with sqlite3.connect(db) as raw:
        after = raw.execute(
            "SELECT channel, message_id, status, notice_sent FROM incidents"
        ).fetchall()
        originals = raw.execute("SELECT count(*) FROM originals").fetchone()[0]
    channels = [c for c, *_ in after]
    assert len(channels) == len(set(channels))  # no duplicates
    assert set(channels) == {c for c, _ in before}  # none lost, none invented
    assert set(channels) <= violating  # no clean message got an incident
    assert all(status == "hidden" and sent == 1 for _c, _m, status, sent in after)
    assert originals == len(after)  # each with its sealed original
    # the notices of incidents the kill interrupted went out at the restart
    pending_before = {c for c, status in before if status == "pending"}
    for channel in pending_before:
        assert f"#{channel}" in again.stdout
