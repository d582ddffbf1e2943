"""Hardening for privacy: no PII in logs, notices, replies or the database file; sealing,
reveal, retention and keyed allowlist hashes.

The whole labelled corpus (tests/corpus, every person and value fictional) goes through
the real Moderator with DEBUG logging on the root logger; the PII values are what the
pipeline itself reports as finding spans, so the check follows the detectors.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import sqlite3
from pathlib import Path

import pytest

from bot import engine as engine_module
from bot.config import Config, parse_config
from bot.engine import Moderator
from bot.models import Caller, Category, ChatMessage, CommandRequest, IncidentStatus
from bot.pipeline import Pipeline
from bot.policy import allowlist_key
from bot.registry import load_servants
from bot.seal import Sealer, SealError, generate_key
from bot.store import PURGED_EXCERPT
from tests.fake_platform import FakePlatform
from tests.test_engine import SERVANTS

CORPUS = Path(__file__).parent / "corpus"
MOD = Caller("console", "mod")
NOBODY = Caller("slack", "UNOBODY", roles=("SOTHER",))
PHONE = "816-555-0142"
DOX_PHONE = f"Officer Whitaker's personal cell is {PHONE}, call him all night"


def corpus_config(tmp_path: Path) -> Config:
    text = (
        f'servants_file = "{CORPUS / "servants.toml"}"\n'
        f'[storage]\npath = "{tmp_path / "corpus.db"}"\n'
        "[notices]\nnotify_author = true\n"
    )
    return parse_config(text, tmp_path / "doxguard.toml")


def corpus_messages() -> list[ChatMessage]:
    out = []
    for line in (CORPUS / "messages.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        out.append(ChatMessage(
            id=rec["id"], channel=rec["channel"], author=rec["author"], text=rec["text"],
            platform="console", reply_to=rec.get("reply_to"), author_name=rec["author"],
            channel_name=rec["channel"],
        ))
    return out


def pii_values(config: Config, messages: list[ChatMessage]) -> set[str]:
    """Every finding span's original text the pipeline reports, and its raw digits.

    Very short strings (under 5 characters or digits) are left out: they occur by
    chance in ids and counts and would make the test fail for nothing.
    """
    pipeline = Pipeline(config, load_servants(config.servants_path))
    ctx = pipeline.new_context()
    values: set[str] = set()
    for message in messages:
        verdict = pipeline.scan(message, ctx)
        for f in verdict.findings:
            span = message.full_text[f.start:f.end].strip()
            digits = "".join(ch for ch in span if ch.isdigit())
            values.update(v for v in (span, digits) if len(v) >= 5)
    return values


def raw_files(folder: Path, pattern: str) -> bytes:
    """The database file and its WAL, byte for byte."""
    return b"".join(p.read_bytes() for p in sorted(folder.glob(pattern)))


def leaks(values: set[str], text: str) -> list[str]:
    low = text.lower()
    return sorted(v for v in values if v.lower() in low)


async def test_no_corpus_pii_in_logs_notices_replies_or_the_database_file(
    tmp_path: Path, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = corpus_config(tmp_path)
    messages = corpus_messages()
    values = pii_values(config, messages)
    assert len(values) > 100  # the corpus is full of PII: the check below has teeth

    caplog.set_level(logging.DEBUG)  # root logger, every library included
    fake = FakePlatform()
    moderator = await Moderator.create(config, fake, retry_delay=0.0, sweep=False)
    for message in messages:
        await moderator.handle(message)
    incidents = await moderator.store.list_incidents(limit=1000)
    assert len(incidents) > 100

    replies = [await moderator.run_command(CommandRequest(MOD, "incidents", ("100",))),
               await moderator.run_command(CommandRequest(MOD, "status", ()))]
    for incident in incidents:
        replies.append(await moderator.run_command(CommandRequest(MOD, "incident",
                                                                  (incident.id,))))
    by_id = {m.id: m for m in messages}
    for incident in incidents[:60]:
        original = by_id[incident.message_id].text
        replies.append(await moderator.run_command(CommandRequest(MOD, "check", (original,))))
    assert all(r.ok for r in replies)
    await moderator.close()

    logged = "\n".join(
        r.getMessage() + (r.exc_text or "") + repr(r.args) for r in caplog.records
    )
    logged = re.sub(r"0x[0-9a-f]+", "0x", logged)  # object addresses are not data
    assert leaks(values, logged) == []
    notices = "\n".join(n.render_text() + repr(n) for n in fake.notices)
    assert len(fake.notices) == len(incidents)
    assert leaks(values, notices) == []
    authors = "\n".join(text for _m, text in fake.author_notes)
    assert fake.author_notes and leaks(values, authors) == []
    assert leaks(values, "\n".join(r.text for r in replies)) == []

    # the raw bytes of the database (and its WAL): the sealed originals are ciphertext, so
    # no value appears anywhere in the file, inside the originals table or out of it
    raw = raw_files(tmp_path, "corpus.db*")
    assert [v for v in values if v.encode("utf-8") in raw] == []
    with sqlite3.connect(tmp_path / "corpus.db") as db:
        assert db.execute("SELECT count(*) FROM originals").fetchone()[0] == len(incidents)


async def test_sealed_originals_are_unreadable_without_the_key(tmp_path: Path, key: str) -> None:
    config = corpus_config(tmp_path)
    moderator = await Moderator.create(config, FakePlatform(), retry_delay=0.0, sweep=False)
    incident = await moderator.handle(ChatMessage("m1", "general", "alice", DOX_PHONE,
                                                  platform="fake"))
    assert incident is not None
    await moderator.close()
    with sqlite3.connect(tmp_path / "corpus.db") as db:
        [(blob,)] = db.execute("SELECT sealed FROM originals").fetchall()
    raw = (tmp_path / "corpus.db").read_bytes()
    assert PHONE.encode() not in raw and b"8165550142" not in raw and bytes(blob) in raw
    context = "fake\x1fgeneral\x1fm1"
    with pytest.raises(SealError):  # another key
        Sealer.from_secret(generate_key()).open(bytes(blob), context)
    with pytest.raises(SealError):  # the right key, but the blob moved to another message
        Sealer.from_secret(key).open(bytes(blob), "fake\x1fgeneral\x1fm2")
    assert PHONE in Sealer.from_secret(key).open(bytes(blob), context)


async def test_reveal_requires_a_moderator_and_is_audited(tmp_path: Path, key: str) -> None:
    config = corpus_config(tmp_path)
    moderator = await Moderator.create(config, FakePlatform(), retry_delay=0.0, sweep=False)
    incident = await moderator.handle(ChatMessage("m1", "general", "alice", DOX_PHONE,
                                                  platform="console"))
    assert incident is not None
    refused = await moderator.run_command(CommandRequest(NOBODY, "reveal", (incident.id,)))
    assert not refused.ok and PHONE not in refused.text
    assert await moderator.store.audit_log(incident.id) == []
    shown = await moderator.run_command(CommandRequest(MOD, "reveal", (incident.id,)))
    assert shown.ok and shown.ephemeral and PHONE in shown.text
    [entry] = await moderator.store.audit_log(incident.id)
    assert (entry.actor, entry.action) == ("console:mod", "reveal")
    await moderator.close()


async def test_retention_purges_originals_on_schedule(
    tmp_path: Path, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "SWEEP_SECONDS", 0.05)
    config = parse_config(
        f'servants_file = "{SERVANTS}"\n[storage]\npath = "{tmp_path / "dg.db"}"\n'
        "retention_days = 0.000005\n",  # under half a second
        tmp_path / "doxguard.toml",
    )
    moderator = await Moderator.create(config, FakePlatform(), retry_delay=0.0)  # with sweep
    incident = await moderator.handle(ChatMessage("m1", "general", "alice", DOX_PHONE))
    assert incident is not None and incident.has_original
    async with asyncio.timeout(10):  # the running bot's own sweep purges it, no restart
        while await moderator.store.count_originals():  # noqa: ASYNC110 - nothing to await
            await asyncio.sleep(0.05)
    kept = await moderator.store.get_incident(incident.id)
    # the excerpt is purged with the original (issue 12); the summary fields stay
    assert kept is not None and not kept.has_original and kept.excerpt == PURGED_EXCERPT
    assert kept.categories == incident.categories and kept.status is incident.status
    reply = await moderator.run_command(CommandRequest(MOD, "reveal", (incident.id,)))
    assert not reply.ok and "retention" in reply.text
    await moderator.close()


async def test_allowlist_holds_only_keyed_hashes(tmp_path: Path, key: str) -> None:
    config = parse_config(f'servants_file = "{SERVANTS}"\n[storage]\npath = '
                          f'"{tmp_path / "dg.db"}"\n', tmp_path / "doxguard.toml")
    moderator = await Moderator.create(config, FakePlatform(), retry_delay=0.0, sweep=False)
    incident = await moderator.handle(ChatMessage("m1", "general", "alice", DOX_PHONE))
    assert incident is not None
    reply = await moderator.run_command(CommandRequest(MOD, "dismiss",
                                                       (incident.id, "allowlist")))
    assert reply.ok and "1 value(s) allowlisted" in reply.text
    await moderator.close()
    with sqlite3.connect(tmp_path / "dg.db") as db:
        stored = {k for (k,) in db.execute("SELECT key FROM allowlist")}
    assert len(stored) == 1
    # whoever copies the database tries every candidate number: no unkeyed hash matches
    servant, category = "Daniel Whitaker", Category.PHONE_NUMBER
    candidates = ["+1816555" + f"{n:04d}" for n in range(10_000)]
    candidates += [c[2:] for c in candidates[:200]] + [PHONE, "8165550142"]
    for value in candidates:
        for who in (servant, servant.lower()):
            assert allowlist_key(who, category, value) not in stored
            raw = f"{who}\x1f{category.value}\x1f{value}".encode()
            assert hashlib.sha256(raw).hexdigest() not in stored
    # with the key it is the HMAC of the normalized value, so the allowlist still works
    secret = Sealer.from_secret(key).allowlist_secret
    assert allowlist_key(servant, category, "+18165550142", secret) in stored

    restarted = await Moderator.create(config, FakePlatform(), retry_delay=0.0, sweep=False)
    again = await restarted.handle(ChatMessage("m2", "general", "bob", DOX_PHONE))
    assert again is None  # the allowlisted value no longer counts for that servant
    await restarted.close()


async def test_incidents_keep_no_text_beyond_the_masked_excerpt(tmp_path: Path, key: str) -> None:
    """Without a key nothing but the masked summary is stored (the bot says so)."""
    import os

    os.environ.pop("DOXGUARD_SEAL_KEY", None)
    config = corpus_config(tmp_path)
    moderator = await Moderator.create(config, FakePlatform(), retry_delay=0.0, sweep=False)
    incident = await moderator.handle(ChatMessage("m1", "general", "alice", DOX_PHONE,
                                                  platform="fake"))
    assert incident is not None and incident.status is IncidentStatus.HIDDEN
    assert not incident.has_original and PHONE not in incident.excerpt
    await moderator.close()
    raw = raw_files(tmp_path, "corpus.db*")
    assert PHONE.encode() not in raw and b"8165550142" not in raw and b"0142" not in raw
