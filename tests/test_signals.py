"""The wording cues (bot/signals.py): RE2 fast paths agree with the `re` patterns.

intent_signals and calls_to_find answer ASCII text with RE2 (linear, no per-position
retries) and other text with Python's `re` behind a superset prefilter. These tests
hold the fast paths to the reference patterns on phrases built from the patterns' own
words, hostile spacing and non-ASCII letters glued to them.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import signals
from bot.signals import calls_to_find, intent_signals


def reference_intent(folded: str) -> tuple[str, ...]:
    found: list[str] = []
    for m in signals._INTENT_RE.finditer(folded):
        name = signals._INTENT_NAMES[int(m.lastgroup[1:])] if m.lastgroup else ""
        if name and name not in found:
            found.append(name)
    return tuple(found)


def reference_calls(folded: str) -> bool:
    return signals._CALL_TO_FIND.search(folded) is not None


# Words of the patterns themselves, so generated text hits (and nearly hits) them.
WORDS = (
    "pull up on let's lets pay him her them a little visit make his life lives living hell "
    "everyone everybody y'all yall you all of go should head show up call hit at to we know "
    "where he she they live sleep stay watch your back blow flood spam phone line inbox dms "
    "nonstop non-stop night every hour it pay'll will what do dox doxxed doxing hurt beat "
    "jump shoot kill burn anyone somebody whats need find post drop share leak address addy "
    "number digits cell ssn home house dig up everything track down figure out get tell me "
    "wondering idea lives parks the cop's kids school"
).split()
GLUE = ("", " ", "  ", "\n", "\t", "\x0b", "\x1c", ".", "!", "?", ",", "'", "é", "ß", "日", "\xa0",
        "\u2003", "_", "9")


@st.composite
def phrases(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GLUE)), max_size=24))
    return "".join(word + glue for word, glue in parts)


@settings(max_examples=600, deadline=None)
@given(phrases())
def test_intent_signals_agree_with_the_re_pattern(text: str) -> None:
    assert intent_signals(text) == reference_intent(text)


@settings(max_examples=600, deadline=None)
@given(phrases())
def test_calls_to_find_agrees_with_the_re_pattern(text: str) -> None:
    assert calls_to_find(text) == reference_calls(text)


def test_known_phrases_on_both_paths() -> None:
    ascii_text = "we know where he lives. let's pull up on him, everyone go"
    assert intent_signals(ascii_text) == ("we know where", "pull up", "everyone go")
    # a non-ASCII letter elsewhere sends the text down the `re` path: same answer
    assert intent_signals(ascii_text + " café") == ("we know where", "pull up", "everyone go")
    # \w is Unicode in `re`: "josé" is one word, so "pay josé a visit" is a visit
    assert intent_signals("pay josé a visit") == ("pay a visit",)
    assert intent_signals("café olé") == ()
    assert calls_to_find("anyone got his home address?")
    # `re`'s \s takes \v and \x1c-\x1f as blanks: so must the RE2 path
    assert calls_to_find("get his info")
    assert calls_to_find("get\x0bhis\x1cinfo")
    assert not calls_to_find("get\x00his info")
    assert not calls_to_find("the address of the venue is on the flyer")


ROLE_WORDS = "the cop officer sgt deputy who that at lives his wife's mayor named he she".split()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ROLE_WORDS), st.sampled_from(GLUE)), max_size=16))
def test_role_and_pronoun_checks_read_bytes_as_they_read_text(parts: list) -> None:
    """ASCII text reaches RE2 as bytes (no per-call encoding): same answers as str."""
    text = "".join(word + glue for word, glue in parts)
    assert signals.refers_to_role(text) == (signals._ROLE_REFERENCE.search(text) is not None)
    assert signals.has_third_person(text) == (signals._THIRD_PERSON.search(text) is not None)
