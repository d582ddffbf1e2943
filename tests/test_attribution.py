"""Whom a message is about, and why (issue 11).

One test (or more) per cause the issue lists, each built from a message of the
same kind, not the same words; plus ambiguity, titles, nicknames, leetspeak and
the explanations every verdict carries. The registry is fictional and full of
shared, common surnames on purpose.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_config
from bot.detectors.base import Detector
from bot.models import Action, ChatMessage
from bot.pipeline import Pipeline
from bot.registry import parse_servants

REGISTRY = """
[[servants]]
name = "Dana King"
role = "public_servant"
aliases = ["Judge King"]

[[servants]]
name = "Raymond King"
role = "police_officer"
aliases = ["Det. King"]

[[servants]]
name = "Michael Whitaker"
role = "police_officer"
aliases = ["Officer Whitaker"]
family = [
  { name = "Karen Whitaker", relation = "spouse" },
  { name = "Tyler Whitaker", relation = "child" },
]

[[servants]]
name = "Grace Stone"
role = "city_employee"

[[servants]]
name = "Paul Young"
role = "police_officer"
aliases = ["Officer Young"]

[[servants]]
name = "Lena Young"
role = "elected_official"
aliases = ["Councilwoman Young"]

[[servants]]
name = "Evan Cook"
role = "city_employee"

[[servants]]
name = "Rita Baker"
role = "elected_official"
aliases = ["Councilwoman Baker"]

[[servants]]
name = "Terrence Brown"
role = "police_officer"
family = [{ name = "Colleen Brown", relation = "spouse" }]

[[servants]]
name = "Aisha Brown"
role = "city_employee"
family = [{ name = "Marcus Brown", relation = "spouse" }]

[[servants]]
name = "Dennis Brown"
role = "elected_official"
"""

PHONE = "816-471-2290"
PHONE_2 = "913-384-6625"
ADDRESS = "4410 Holly St"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(load_config(None), parse_servants(REGISTRY))


class Channel:
    """A conversation in one channel, scanned in order like `doxguard scan`."""

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline
        self.ctx = pipeline.new_context()
        self.n = 0

    def say(self, text: str, author: str = "ann", reply_to: str | None = None):
        self.n += 1
        msg = ChatMessage(
            id=f"m{self.n}", channel="general", author=author, text=text, reply_to=reply_to
        )
        return self.pipeline.scan(msg, self.ctx)


def one(pipeline: Pipeline, text: str):
    return Channel(pipeline).say(text)


# --------------------------------------------------------------- 1. context decays
def test_one_mention_does_not_keep_a_busy_channel_about_the_servant(pipeline: Pipeline) -> None:
    chan = Channel(pipeline)
    chan.say("Officer Whitaker was directing traffic downtown today")
    calls = 0
    original = Pipeline._detect_safely

    def counting(self, norm):
        nonlocal calls
        calls += 1
        return original(self, norm)

    Pipeline._detect_safely = counting  # type: ignore[method-assign]
    try:
        hidden = 0
        for i in range(400):
            author = f"user{i % 37}"
            text = "he said the game starts at 7" if i % 5 == 0 else f"lol ok see you at {i % 12}"
            hidden += chan.say(text, author=author).action is not Action.ALLOW
    finally:
        Pipeline._detect_safely = original  # type: ignore[method-assign]
    assert hidden == 0
    # only messages inside the first windows reach the detectors, not the whole channel
    assert calls <= 6


def test_a_linked_message_does_not_restart_the_window(pipeline: Pipeline) -> None:
    chan = Channel(pipeline)
    chan.say("Officer Whitaker wrote me a ticket", author="ann")
    for i in range(4):
        chan.say("he was so rude about it", author=f"u{i}")  # linked, never named
    for i in range(3):
        chan.say(f"what time is practice {i}", author=f"v{i}")
    late = chan.say(f"he lives at {ADDRESS}", author="zed")
    assert late.action is Action.ALLOW  # the window counts from the naming message


def test_within_the_window_a_pronoun_links_and_says_how(pipeline: Pipeline) -> None:
    chan = Channel(pipeline)
    chan.say("Officer Whitaker wrote me a ticket", author="ann")
    chan.say("classic", author="bo")
    v = chan.say(f"he lives at {ADDRESS}", author="cy")
    assert v.action is Action.HIDE and v.servants == ("Michael Whitaker",)
    assert v.why is not None
    assert "'he' after Michael Whitaker was named 2 messages before" in v.why.about[0]


def test_naming_somebody_else_takes_over_the_pronouns(pipeline: Pipeline) -> None:
    chan = Channel(pipeline)
    chan.say("Officer Whitaker wrote me a ticket", author="ann")
    chan.say("my landlord Gary Pruitt is the worst", author="bo")
    v = chan.say(f"he lives at {ADDRESS} and never fixes anything", author="cy")
    assert v.action is Action.ALLOW


def test_a_reply_links_to_what_the_replied_to_message_named(pipeline: Pipeline) -> None:
    chan = Channel(pipeline)
    chan.say("Grace Stone from the codes office came by", author="ann")
    for i in range(8):
        chan.say(f"unrelated chatter {i}", author=f"u{i}")
    v = chan.say(f"she lives at {ADDRESS}", author="bo", reply_to="m1")
    assert v.action is Action.HIDE and v.servants == ("Grace Stone",)
    assert "replies to message m1, which named Grace Stone" in v.why.about[0]
    # a reply to a message that was only linked (named nobody) links nothing
    w = chan.say(f"her number is {PHONE}", author="cy", reply_to="m10")
    assert w.action is Action.ALLOW


def test_the_author_giving_their_own_details_is_not_a_continuation(pipeline: Pipeline) -> None:
    chan = Channel(pipeline)
    chan.say("Councilwoman Baker is speaking at the meeting", author="ann")
    v = chan.say(f"i can drive people there, call {PHONE}", author="ann")
    assert v.action is Action.ALLOW
    w = chan.say(f"{ADDRESS}, the blue house", author="ann")
    assert w.action is Action.HIDE and w.servants == ("Rita Baker",)


# ------------------------------------------------------------------ 2. namesakes
@pytest.mark.parametrize(
    "text",
    [
        "Gladys King was born 3/14/1951, what a voice",  # another given name
        "lol dave young's desk line is 913-384-6625",  # a lowercase given name
        "bernice stone's birthday is 7/2/1988",
        "Cook's Plumbing fixed it, 816-471-2290",  # a business on the surname
        "the diner at 310 Baker St has great pie",  # a street on the surname
        "Young Roofing did our house, 816-471-2290",
    ],
)
def test_namesakes_businesses_and_streets_are_not_the_servant(
    pipeline: Pipeline, text: str
) -> None:
    v = one(pipeline, text)
    assert v.action is Action.ALLOW, text


def test_the_servants_own_given_name_or_nickname_names_them(pipeline: Pipeline) -> None:
    v = one(pipeline, f"mike whitaker lives at {ADDRESS}")  # Mike is Michael
    assert v.action is Action.HIDE and v.servants == ("Michael Whitaker",)
    assert "given name and surname" in v.why.about[0]


def test_a_title_narrows_to_the_servants_it_fits(pipeline: Pipeline) -> None:
    # two Youngs: an officer and a council member; "Officer" fits only one
    v = one(pipeline, f"officer young's cell is {PHONE}")
    assert v.action is Action.HIDE and v.servants == ("Paul Young",)
    w = one(pipeline, f"Councilwoman Young lives at {ADDRESS}")
    assert w.servants == ("Lena Young",)


def test_a_namesake_takes_over_and_makes_a_later_bare_surname_ambiguous(
    pipeline: Pipeline,
) -> None:
    chan = Channel(pipeline)
    chan.say("Det. King came to the community meeting", author="ann")
    chan.say("my cousin Nadia King is moving next week", author="bo")
    v = chan.say(f"king lives at {ADDRESS} right?", author="cy")
    assert v.action is Action.REVIEW
    assert v.servants == ()


# ---------------------------------------------------------- ambiguity is said
def test_a_shared_surname_nothing_narrows_is_review_with_every_candidate(
    pipeline: Pipeline,
) -> None:
    v = one(pipeline, f"brown lives at {ADDRESS}")
    assert v.action is Action.REVIEW and v.servants == ()
    about = " ".join(v.why.about)
    for name in ("Terrence Brown", "Aisha Brown", "Dennis Brown"):
        assert name in about
    assert "3 registered servants" in about


def test_the_conversation_narrows_a_shared_surname(pipeline: Pipeline) -> None:
    chan = Channel(pipeline)
    chan.say("Terrence Brown was at the meeting", author="ann")
    v = chan.say(f"brown lives at {ADDRESS}", author="bo")
    assert v.action is Action.HIDE and v.servants == ("Terrence Brown",)
    assert "named in this channel just before" in v.why.about[0]


def test_a_family_members_given_name_narrows_a_shared_surname(pipeline: Pipeline) -> None:
    v = one(pipeline, f"brown's wife colleen works at the bank, her cell is {PHONE}")
    assert v.action is Action.HIDE
    assert [s.person for s in v.subjects] == ["Terrence Brown", "Colleen Brown"]
    assert v.servants == ("Terrence Brown",)


# ------------------------------------------------- 3. role word, nobody registered
@pytest.mark.parametrize(
    "text",
    [
        f"the deputy who impounded my truck lives at {ADDRESS}, no idea what his name is",
        f"Officer Nowakowski lives on my block, {ADDRESS}",  # nobody by that name
        f"some water dept guy left his cell on my door, {PHONE}",
    ],
)
def test_a_role_with_nobody_registered_is_review_not_hide(pipeline: Pipeline, text: str) -> None:
    chan = Channel(pipeline)
    chan.say("Officer Whitaker was at the game", author="zed")  # a pronoun target nearby
    v = chan.say(text, author="ann")
    assert v.action is Action.REVIEW, text
    assert v.servants == ()


# --------------------------------------------------------- 4. self-disclosure
def test_self_disclosure_does_not_cancel_a_finding_about_a_servant(pipeline: Pipeline) -> None:
    v = one(pipeline, f"whitaker's personal cell: call me at {PHONE} if you want to yell at him")
    assert v.action is Action.HIDE
    w = one(pipeline, f"whitaker? my address is {ADDRESS} lol jk he lives there")
    assert w.action is Action.HIDE


def test_the_author_giving_their_own_details_is_allowed(pipeline: Pipeline) -> None:
    v = one(pipeline, f"Officer Whitaker is doing a food drive. i'm helping, text me at {PHONE}")
    assert v.action is Action.ALLOW


# --------------------------------------------------- 5. a detector that raises
class Exploding(Detector):
    category = None  # type: ignore[assignment]
    triggers = ()

    def detect(self, text: str, limit: int | None = None):
        raise RuntimeError(f"boom on {text}")


def test_a_detector_that_raises_sends_to_review_and_logs_no_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    p = Pipeline(load_config(None), parse_servants(REGISTRY))
    p.detectors = [Exploding(), *p.detectors]
    p._build_triggers()
    with caplog.at_level(logging.ERROR, logger="doxguard.pipeline"):
        v = one(p, "Officer Whitaker is nice")
    assert v.action is Action.REVIEW
    assert "Exploding" in caplog.text and "RuntimeError" in caplog.text
    assert "Whitaker" not in caplog.text and "boom" not in caplog.text
    # the other detectors still count: a finding still hides
    w = one(p, f"Officer Whitaker lives at {ADDRESS}")
    assert w.action is Action.HIDE


# ------------------------------------------------------- partial values, leet
def test_a_partial_value_about_a_servant_is_review(pipeline: Pipeline) -> None:
    v = one(pipeline, "officer whitaker's ssn ends in 4471")
    assert v.action is Action.REVIEW


def test_leetspeak_and_spaced_out_names_are_read(pipeline: Pipeline) -> None:
    v = one(pipeline, f"0ff1cer Wh1t4ker lives at {ADDRESS}")
    assert v.action is Action.HIDE and v.servants == ("Michael Whitaker",)
    w = one(pipeline, f"W h i t a k e r   lives at {ADDRESS}")
    assert w.action is Action.HIDE and w.servants == ("Michael Whitaker",)
    assert "'whitaker'" in w.why.about[0].lower()


def test_who_said_it_is_not_whom_it_is_about(pipeline: Pipeline) -> None:
    chan = Channel(pipeline)
    chan.say("Officer Whitaker was at the parade", author="ann")
    v = chan.say(f"my cousin says he lives at {ADDRESS} now", author="bo")
    assert v.action is Action.HIDE and v.servants == ("Michael Whitaker",)
    w = chan.say(f"call our organizer nadia at {PHONE}, he set it up", author="cy")
    assert w.action is Action.ALLOW


def test_family_references_bind_to_the_servant(pipeline: Pipeline) -> None:
    v = one(pipeline, f"Whitaker's wife lives at {ADDRESS}")
    assert v.action is Action.HIDE
    assert [s.person for s in v.subjects] == ["Michael Whitaker", "Karen Whitaker"]
    chan = Channel(pipeline)
    chan.say("Officer Whitaker was at the parade", author="ann")
    w = chan.say(f"his kid tyler goes to the school on Holly, {PHONE} is the mom's cell")
    assert w.action is Action.HIDE and w.servants == ("Michael Whitaker",)


# ------------------------------------------------------------- explanations
def test_every_verdict_explains_itself_without_a_value(pipeline: Pipeline) -> None:
    v = one(pipeline, f"Officer Whitaker lives at {ADDRESS}")
    why = v.why.as_dict()
    assert why["decision"] == "personal information linked to a protected person"
    assert why["about"][0].startswith("names Michael Whitaker by the registered alias")
    assert "(at 0-16)" in why["about"][0]
    assert "USPS" in why["found"][0]
    assert "4410" not in json.dumps(why) and "Holly" not in json.dumps(why)
    assert v.why.summary().startswith("personal information linked")


SERVANTS_FILE = "servants.toml"


def test_scan_explain_adds_why_and_check_prints_it(tmp_path: Path) -> None:
    (tmp_path / SERVANTS_FILE).write_text(REGISTRY, encoding="utf-8")
    lines = [
        {"id": "1", "channel": "c", "author": "a", "text": "Det. King spoke at the meeting"},
        {"id": "2", "channel": "c", "author": "b", "text": f"his cell is {PHONE}"},
        {"id": "3", "channel": "c", "author": "c", "text": "Gladys King was born 3/14/1951"},
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    cmd = [sys.executable, "-m", "bot", "scan", "--servants", str(tmp_path / SERVANTS_FILE)]
    out = subprocess.run(
        [*cmd, "--explain", str(tmp_path / "in.jsonl")], capture_output=True, text=True, check=True
    ).stdout
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["action"] for r in records] == ["allow", "hide", "allow"]
    assert all("why" in r for r in records)
    assert "'his' after Raymond King was named 1 message before" in records[1]["why"]["about"][0]
    assert "somebody else" in records[2]["why"]["about"][0]
    plain = subprocess.run(
        [*cmd, str(tmp_path / "in.jsonl")], capture_output=True, text=True, check=True
    ).stdout
    assert all("why" not in json.loads(line) for line in plain.splitlines())
    check = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--servants", str(tmp_path / SERVANTS_FILE),
         f"brown lives at {ADDRESS}"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "verdict: REVIEW" in check and "Aisha Brown" in check and "decided:" in check
    assert "4410" not in check


# ------------------------------------------------- weak values and requests
@pytest.mark.parametrize(
    "text",
    [
        "Officer Whitaker lives in the 4300 block of Holly, i see his cruiser",
        "Officer Whitaker's house is the gray one on Holly St across from the church",
        "Officer Whitaker's number ends in 2290",
        "Officer Whitaker lives out in Grandview right off the highway",
    ],
)
def test_weak_or_partial_values_about_a_servant_are_review(
    pipeline: Pipeline, text: str
) -> None:
    assert one(pipeline, text).action is Action.REVIEW, text


@pytest.mark.parametrize(
    "text",
    [
        "where does Councilwoman Baker moonlight on weekends?",
        "which school does Officer Whitaker's son go to?",
        "Det. King's home address please, dm me",
        "post Councilwoman Baker's cell if you have it",
        "Officer Whitaker's social starts with 4-1, anyone got the rest?",
    ],
)
def test_asking_for_a_servants_details_is_review(pipeline: Pipeline, text: str) -> None:
    assert one(pipeline, text).action is Action.REVIEW, text


@pytest.mark.parametrize(
    "text",
    [
        "please don't post Officer Whitaker's address, that's how people get hurt",
        "Officer Whitaker lives for football season lol",
        "which one of you is going to the Councilwoman Baker town hall?",
    ],
)
def test_these_are_not_requests_or_weak_values(pipeline: Pipeline, text: str) -> None:
    assert one(pipeline, text).action is Action.ALLOW, text
