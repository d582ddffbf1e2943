"""Pipeline and policy: who the PII is about decides the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config, parse_config
from bot.models import Action, Category, ChatMessage, EventKind
from bot.pipeline import Pipeline
from bot.policy import allowlist_entry, allowlist_key
from bot.registry import load_servants

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(load_config(None), load_servants(REPO / "config" / "servants.toml"))


def msg(
    text: str,
    mid: str = "m",
    author: str = "u1",
    reply_to: str | None = None,
    channel: str = "c",
    kind: EventKind = EventKind.NEW,
) -> ChatMessage:
    return ChatMessage(
        id=mid, channel=channel, author=author, text=text, reply_to=reply_to, kind=kind
    )


def test_servant_address_is_hidden_with_original_span(pipeline: Pipeline) -> None:
    text = "Officer Whitaker lives at 4471 Holly St, go see him"
    v = pipeline.scan(msg(text))
    assert v.action is Action.HIDE
    assert v.categories == (Category.HOME_ADDRESS,)
    assert v.servants == ("Daniel Whitaker",)
    f = v.findings[0]
    assert text[f.start : f.end].startswith("4471 Holly")
    assert "4471" not in f.masked


def test_same_pii_about_nobody_is_allowed(pipeline: Pipeline) -> None:
    assert pipeline.scan(msg("selling my couch, text me at 816-555-0142")).action is Action.ALLOW
    assert pipeline.scan(msg("the pizza place at 4471 Holly St is great")).action is Action.ALLOW


def test_official_contact_details_are_not_violations(pipeline: Pipeline) -> None:
    v = pipeline.scan(msg("complaints about Officer Whitaker go to +1 816-234-5000"))
    assert v.action is Action.ALLOW


def test_author_sharing_own_number_next_to_servant_is_allowed(pipeline: Pipeline) -> None:
    v = pipeline.scan(
        msg("Whitaker helped me after the crash. call me at 816-555-0142 for details")
    )
    assert v.action is Action.ALLOW


def test_family_member_named(pipeline: Pipeline) -> None:
    v = pipeline.scan(msg("Karen Whitaker's cell is 816-555-0177"))
    assert v.action is Action.HIDE
    assert v.subjects[0].person == "Karen Whitaker" and v.subjects[0].relation == "spouse"


def test_reply_context_links_pronoun_message(pipeline: Pipeline) -> None:
    ctx = pipeline.new_context()
    assert (
        pipeline.scan(msg("Okafor voted against the budget again", "a1"), ctx).action
        is Action.ALLOW
    )
    v = pipeline.scan(msg("she lives at 2210 Cherry St lol", "a2", author="u2", reply_to="a1"), ctx)
    assert v.action is Action.HIDE and v.servants == ("Renee Okafor",)


def test_channel_context_needs_a_pronoun(pipeline: Pipeline) -> None:
    ctx = pipeline.new_context()
    pipeline.scan(msg("anyone else think Sgt. Alvarez was out of line?", "b1"), ctx)
    v = pipeline.scan(msg("he lives at 3315 Wabash Ave", "b2", author="u9"), ctx)
    assert v.action is Action.HIDE and v.servants == ("Luis Alvarez",)
    v2 = pipeline.scan(msg("dinner at 3315 Wabash Ave tonight?", "b3", author="u8"), ctx)
    assert v2.action is Action.ALLOW


def test_role_word_without_registered_servant_goes_to_review(pipeline: Pipeline) -> None:
    v = pipeline.scan(msg("the cop who stopped me lives at 5120 Troost Ave"))
    assert v.action is Action.REVIEW
    assert v.servants == ()


def test_call_to_find_details_without_pii_goes_to_review(pipeline: Pipeline) -> None:
    v = pipeline.scan(msg("anyone got Whitaker's home address? everyone go pay him a visit"))
    assert v.action is Action.REVIEW
    assert "everyone go" in v.intent


def test_delete_forgets_context(pipeline: Pipeline) -> None:
    ctx = pipeline.new_context()
    pipeline.scan(msg("Whitaker again", "d1"), ctx)
    pipeline.scan(msg("", "d1", kind=EventKind.DELETE), ctx)
    v = pipeline.scan(msg("his number is 816-555-0163", "d2", author="u3", reply_to="d1"), ctx)
    assert v.action is Action.ALLOW


def test_category_not_enforced_is_allowed() -> None:
    cfg = parse_config('[detection]\nenforce = ["social_security_number"]\n')
    p = Pipeline(cfg, load_servants(REPO / "config" / "servants.toml"))
    assert p.scan(msg("Whitaker's cell is 816-555-0177")).action is Action.ALLOW


def test_review_action_per_category() -> None:
    cfg = parse_config('[detection.actions]\nphone_number = "review"\n')
    p = Pipeline(cfg, load_servants(REPO / "config" / "servants.toml"))
    assert p.scan(msg("Whitaker's cell is 816-555-0177")).action is Action.REVIEW


def test_allowlisted_value_is_ignored() -> None:
    p = Pipeline(load_config(None), load_servants(REPO / "config" / "servants.toml"))
    v = p.scan(msg("Whitaker's cell is 816-555-0177"))
    assert v.action is Action.HIDE
    key = allowlist_key("Daniel Whitaker", v.findings[0].category, v.findings[0].value)
    p.allowlist.add(allowlist_entry("discord", "100", key))  # allowlisted in one server
    assert p.scan(msg("Whitaker's cell is 816-555-0177")).action is Action.HIDE  # not here
    p.allowlist.add(allowlist_entry("console", "", key))  # the console's own
    assert p.scan(msg("Whitaker's cell is 816-555-0177")).action is Action.ALLOW


def test_a_dump_of_numbers_reports_the_first_few(pipeline: Pipeline) -> None:
    """A message with more findings of one kind than MAX_FINDINGS_PER_DETECTOR is hidden
    like any other; the verdict carries its first findings, in order, masked."""
    from bot.pipeline import MAX_FINDINGS_PER_DETECTOR

    numbers = [f"816-555-01{i:02d}" for i in range(MAX_FINDINGS_PER_DETECTOR + 9)]
    text = "Officer Whitaker's numbers: " + ", ".join(numbers)
    v = pipeline.scan(msg(text))
    assert v.action is Action.HIDE
    assert v.categories == (Category.PHONE_NUMBER,)
    spans = [text[f.start : f.end] for f in v.findings]
    assert spans == numbers[:MAX_FINDINGS_PER_DETECTOR]
    assert all(f.masked != text[f.start : f.end] for f in v.findings)
