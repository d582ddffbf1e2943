"""Screenshots (issue 16): image attachments are read with OCR (Tesseract) and their text
goes through the same pipeline as the message they came with.

The forty screenshots are rendered by tests/screens.py with Pillow and DejaVu fonts:
chat windows, record pages, phone text threads and memes, dark and light, PNG, JPEG,
WebP and GIF, scaled. Half carry a registered servant's PII (named in the caption or
in the image), half are ordinary (memes with numbers, menus, scores, official contact
pages). Everything is fictional.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot import images
from bot.config import Config, ImageSettings, parse_config
from bot.engine import Moderator
from bot.images import ImageReader, image_from_bytes, source_of
from bot.models import Action, ChatMessage
from bot.pipeline import Pipeline
from bot.registry import load_servants
from bot.seal import Sealer
from tests import screens as screen_kit
from tests.fake_platform import FakePlatform

REPO = Path(__file__).resolve().parents[1]
SERVANTS = REPO / "config" / "servants.toml"
ADDRESS_SHOT = "chat-dark-address"


@pytest.fixture(scope="module")
def corpus() -> list[screen_kit.Screen]:
    screen_kit.ensure_ocr_tools()
    return screen_kit.screens()


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Config(), load_servants(SERVANTS))


def shot(corpus: list[screen_kit.Screen], name: str) -> screen_kit.Screen:
    return next(s for s in corpus if s.name == name)


def message_with(screen: screen_kit.Screen, index: int = 1, **kw) -> ChatMessage:
    image = image_from_bytes(index, f"{screen.name}.img", screen.data,
                             f"https://cdn.example.org/{screen.name}")
    return ChatMessage(screen.name, "general", "alice", screen.caption, images=(image,), **kw)


async def test_forty_screenshots_pii_hidden_with_the_category_ordinary_ones_not(
    corpus: list[screen_kit.Screen], pipeline: Pipeline
) -> None:
    assert len(corpus) >= 40
    with_pii = [s for s in corpus if s.category]
    ordinary = [s for s in corpus if not s.category]
    assert len(with_pii) == len(ordinary)
    assert any("dark" in s.name for s in with_pii) and any("light" in s.name for s in with_pii)
    reader = ImageReader(ImageSettings())
    try:  # every message at once: the bounded pool (2 workers) runs them
        read = await asyncio.gather(*(reader.read(message_with(s)) for s in corpus))
    finally:
        reader.close()
    hidden_right, wrongly_hidden, rows = 0, [], []
    for screen, message in zip(corpus, read, strict=True):
        assert message.images[0].data is None  # the picture goes no further than the reader
        verdict = pipeline.scan(message)
        cats = [c.value for c in verdict.categories]
        sources = {source_of(message, f.start) for f in verdict.findings}
        if screen.category:
            ok = verdict.action is Action.HIDE and screen.category in cats
            hidden_right += ok
            if ok and not screen.caption:
                assert sources == {"attachment:1"}, screen.name
        elif verdict.action is Action.HIDE:
            wrongly_hidden.append(screen.name)
        rows.append(f"{screen.name:28} {screen.category or '-':24} {verdict.action.value:6} "
                    f"{','.join(cats)}")
    print("\n".join(rows))
    print(f"PII screenshots hidden with the right category: {hidden_right}/{len(with_pii)}")
    assert hidden_right / len(with_pii) >= 0.9
    assert wrongly_hidden == []


async def test_ocr_runs_in_the_bounded_pool_off_the_event_loop(
    corpus: list[screen_kit.Screen], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four images, two workers: never more than two tesseract processes at once, none on
    the loop's thread, and the loop keeps running other work meanwhile."""
    real_run = subprocess.run
    lock = threading.Lock()
    running, peak, threads = [0], [0], set()

    def counting_run(*args, **kwargs):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            threads.add(threading.current_thread().name)
        try:
            return real_run(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(images.subprocess, "run", counting_run)
    reader = ImageReader(ImageSettings(workers=2))
    pictures = tuple(image_from_bytes(i, f"{i}.png", s.data)
                     for i, s in enumerate(corpus[:4], start=1))
    ticks = [0]

    async def ticker() -> None:
        while True:
            ticks[0] += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    try:
        message = await reader.read(ChatMessage("m", "c", "a", "", images=pictures))
    finally:
        task.cancel()
        reader.close()
    assert len(message.attachments) == 4
    assert peak[0] == 2
    assert threads and all(name.startswith("doxguard-ocr") for name in threads)
    assert threading.main_thread().name not in threads
    assert ticks[0] > 10  # the loop ran the ticker while the images were read


async def test_limits_are_noted_on_the_incident_never_passed_silently(
    corpus: list[screen_kit.Screen], tmp_path: Path, key: str
) -> None:
    """Bytes, pixels, seconds and images per message: each image over a limit is said in
    the incident's excerpt (so in the notice and `incident`)."""
    from PIL import Image

    big = tmp_path / "big.png"
    Image.new("RGB", (3000, 3000), "white").save(big)
    base = shot(corpus, ADDRESS_SHOT)
    cases = {
        "max_bytes = 2000": "larger than images.max_bytes",
        "max_pixels = 1000000": "larger than images.max_pixels (3000x3000)",
        "seconds_per_image = 0.01": "not read within images.seconds_per_image",
        "max_per_message = 1": "over images.max_per_message (1)",
    }
    for i, (setting, note) in enumerate(cases.items()):
        config = parse_config(
            f'servants_file = "{SERVANTS}"\n[storage]\npath = "{tmp_path / f"{i}.db"}"\n'
            f"[images]\n{setting}\n", tmp_path / "doxguard.toml",
        )
        fake = FakePlatform()
        moderator = await Moderator.create(config, fake, retry_delay=0.0, sweep=False)
        second = image_from_bytes(2, "big.png", big.read_bytes())
        first = image_from_bytes(1, "shot.jpg", base.data)
        pictures = (first, second)
        if setting.startswith("max_bytes"):  # as an adapter does: too big, not even fetched
            pictures = (first, images.skipped(2, "big.png", "https://cdn.example.org/big.png",
                                              10_000_000, "larger than images.max_bytes "
                                              "(10000000 bytes)"))
        text = "Officer Whitaker's cell is 816-555-0147, call him all night"
        incident = await moderator.handle(ChatMessage(f"m{i}", "general", "alice", text,
                                                      platform="fake", images=pictures))
        await moderator.close()
        assert incident is not None and incident.action is Action.HIDE, setting
        assert note in incident.excerpt, (setting, incident.excerpt)
        assert "attachment:2 not read" in fake.notices[0].render_text(), setting


async def test_a_finding_points_at_the_attachment_and_the_seal_keeps_hash_and_url(
    corpus: list[screen_kit.Screen], tmp_path: Path, key: str
) -> None:
    screen = shot(corpus, ADDRESS_SHOT)
    config = parse_config(f'servants_file = "{SERVANTS}"\n[storage]\npath = '
                          f'"{tmp_path / "dg.db"}"\n', tmp_path / "doxguard.toml")
    fake = FakePlatform()
    moderator = await Moderator.create(config, fake, retry_delay=0.0, sweep=False)
    incident = await moderator.handle(dataclasses.replace(message_with(screen),
                                                          platform="fake"))
    assert incident is not None and incident.status.value == "hidden"
    assert "home_address" in [c.value for c in incident.categories]
    assert "H•••• St" in incident.excerpt and "4471" not in incident.excerpt
    original = await moderator.open_original(incident)
    await moderator.close()
    raw = (tmp_path / "dg.db").read_bytes()
    assert screen.data[:64] not in raw and screen.data[-64:] not in raw  # no image bytes
    # the sealed payload: the text read from the image, and the image as hash + URL
    with sqlite3.connect(tmp_path / "dg.db") as db:
        [(blob,)] = db.execute("SELECT sealed FROM originals").fetchall()
    payload = json.loads(Sealer.from_secret(key).open(bytes(blob), f"fake\x1fgeneral\x1f"
                                                      f"{screen.name}"))
    [ref] = payload["images"]
    assert ref["source"] == "attachment:1"
    assert ref["url"] == f"https://cdn.example.org/{screen.name}"
    assert ref["sha256"] == hashlib.sha256(screen.data).hexdigest()
    assert "4471 Holly St" in original.text


def test_check_image_and_scan_attachments_on_the_command_line(
    corpus: list[screen_kit.Screen], tmp_path: Path
) -> None:
    for screen in (shot(corpus, "card-people-search"), shot(corpus, "menu")):
        (tmp_path / f"{screen.name}.png").write_bytes(screen.data)
    run = [sys.executable, "-m", "bot"]
    check = subprocess.run(
        [*run, "check", "--servants", str(SERVANTS), "--image",
         str(tmp_path / "card-people-search.png"), "look what I found"],
        capture_output=True, text=True, timeout=120, cwd=REPO, check=False,
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("verdict: HIDE")
    assert "home_address is in attachment:1" in check.stdout and "4471" not in check.stdout
    records = [
        {"id": "a", "text": "look", "attachments": [{"path": "card-people-search.png"}]},
        {"id": "b", "text": "lunch", "attachments": [{"path": "menu.png"}]},
        {"id": "c", "text": "no picture"},
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    scan = subprocess.run(
        [*run, "scan", "--servants", str(SERVANTS), str(tmp_path / "in.jsonl")],
        capture_output=True, text=True, timeout=120, cwd=REPO, check=False,
    )
    assert scan.returncode == 0, scan.stderr
    out = [json.loads(line) for line in scan.stdout.splitlines()]
    assert [o["action"] for o in out] == ["hide", "allow", "allow"]
    assert {f["source"] for f in out[0]["findings"]} == {"attachment:1"}
    assert all("start" not in f for f in out[0]["findings"])
    (tmp_path / "bad.jsonl").write_text('{"id": "x", "text": "", "attachments": '
                                        '[{"path": "missing.png"}]}\n')
    bad = subprocess.run([*run, "scan", "--servants", str(SERVANTS), str(tmp_path / "bad.jsonl")],
                         capture_output=True, text=True, timeout=120, cwd=REPO, check=False)
    assert bad.returncode == 2 and "missing.png" in bad.stderr and bad.stdout == ""


def test_console_image_command(corpus: list[screen_kit.Screen], tmp_path: Path) -> None:
    picture = tmp_path / "shot.jpg"
    picture.write_bytes(shot(corpus, ADDRESS_SHOT).data)
    plain = tmp_path / "menu.png"
    plain.write_bytes(shot(corpus, "menu").data)
    script = f"@alice: /image {picture} lol\n@bob: /image {plain} lunch?\n/image {tmp_path}/x\n"
    run = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--servants", str(SERVANTS), "--db",
         str(tmp_path / "c.db")],
        input=script, capture_output=True, text=True, timeout=120, cwd=REPO, check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "[#general] (message hidden by doxguard)" in lines
    assert "[#general] bob: lunch? [image: menu.png]" in lines
    assert any("Home address (home_address)" in line for line in lines)
    assert any(line.startswith("[console] cannot read image file") for line in lines)


def test_the_benchmark_prints_every_figure_beside_its_target() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "screens_bench.py"), "--quick"],
        capture_output=True, text=True, timeout=300, cwd=REPO, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert re.search(r"OCR  6 screenshots, 2 workers  [\d.]+ images/s \(target >= 4", out)
    assert re.search(r"CPU [\d.]+ s per image", out)
    assert re.search(r"p50 [\d.]+ s \(target <= 0.5: (PASS|FAIL)\)  p99 [\d.]+ s", out)
    assert re.search(r"fingerprint gate cost on clean traffic [\d.]+ % \([\d.]+ us/msg\)", out)
    assert out.rstrip().endswith("benchmark complete")
