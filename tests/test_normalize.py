"""The normalizer undoes filter dodges and every span still points into the original."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.normalize import NormalizedText, _apply, _confusable_pass, _normalize, normalize


def span_of(norm: NormalizedText, needle: str) -> tuple[int, int]:
    """Original span of the first occurrence of `needle` in the normalized text."""
    start = norm.text.index(needle)
    return norm.to_original(start, start + len(needle))


def assert_maps_to(message: str, needle: str, original_piece: str) -> NormalizedText:
    """`needle` appears in the normalized text and maps back to exactly `original_piece`."""
    norm = normalize(message)
    assert needle in norm.text, norm.text
    start, end = span_of(norm, needle)
    assert message[start:end] == original_piece
    return norm


# --- identity and the fast path ---------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "hey did anyone see the game last night? the refs were terrible lol",
        "council meets tuesday, agenda is posted",
        "call 816-555-0142 tomorrow",
        "SSN on the form was 078 05 1120",
        "someone@example.com wrote in",
        "",
    ],
)
def test_plain_chat_is_untouched(message: str) -> None:
    norm = normalize(message)
    assert norm.text == message
    assert norm.original == message
    assert norm.is_identity
    assert norm.to_original(2, 5) == (2, 5) or len(message) < 5


def test_folded_is_lowercase_and_same_length() -> None:
    norm = normalize("Officer WHITAKER")
    assert norm.folded == "officer whitaker"
    # 'İ'.lower() is two characters; folded must keep the offsets of `text`.
    norm = normalize("İstanbul Whitaker")
    assert len(norm.folded) == len(norm.text)
    assert norm.folded.endswith("whitaker")
    assert norm.folded.index("whitaker") == norm.text.index("Whitaker")


# --- Unicode: compatibility forms, invisibles, controls, confusables --------


def test_fullwidth_digits_become_ascii() -> None:
    message = "his number is ８１６-５５５-０１４２"
    assert_maps_to(message, "816-555-0142", "８１６-５５５-０１４２")


def test_mathematical_letters_become_ascii() -> None:
    message = "ask 𝐖𝐡𝐢𝐭𝐚𝐤𝐞𝐫 about it"
    assert_maps_to(message, "Whitaker", "𝐖𝐡𝐢𝐭𝐚𝐤𝐞𝐫")


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\u200e", "\u2060", "\u2063", "\ufeff", "\u00ad", "\ufe0f"],
)
def test_invisible_characters_inside_numbers_and_names_are_removed(invisible: str) -> None:
    digits = invisible.join("8165550142")
    message = f"Whi{invisible}taker: {digits}"
    norm = assert_maps_to(message, "8165550142", digits)
    assert norm.text.startswith("Whitaker")
    assert span_of(norm, "Whitaker") == (0, 9)


def test_tag_characters_and_controls_are_removed() -> None:
    message = "816\U000e0041555\x000142 \x07ok"
    norm = assert_maps_to(message, "8165550142", "816\U000e0041555\x000142")
    assert norm.text == "8165550142 ok"


def test_zalgo_marks_on_letters_are_dropped() -> None:
    message = "W̶h̶i̶t̶a̶k̶e̶r̶ again"
    assert_maps_to(message, "Whitaker", "W̶h̶i̶t̶a̶k̶e̶r̶")


def test_combining_accent_composes_instead_of_vanishing() -> None:
    assert normalize("Jose\u0301").text == "José"


def test_arabic_indic_digits_become_ascii() -> None:
    message = "رقم ٨١٦٥٥٥٠١٤٢"
    assert_maps_to(message, "8165550142", "٨١٦٥٥٥٠١٤٢")


def test_cyrillic_and_greek_letters_inside_a_latin_name_fold() -> None:
    message = "Officer Whitаkеr lives near Wοrnall"  # Cyrillic а, е; Greek ο
    norm = normalize(message)
    assert norm.text == "Officer Whitaker lives near Wornall"
    assert span_of(norm, "Whitaker") == (8, 16)
    assert span_of(norm, "Wornall") == (28, 35)


def test_capital_lookalike_of_I_stays_a_capital() -> None:
    # TR39 maps I, l and 1 to the prototype 'l'; a capital must not become 'l'.
    assert normalize("Іvan Price").text == "Ivan Price"  # Cyrillic І


def test_lookalike_letters_inside_digits_read_as_digits() -> None:
    assert normalize("816О555О142").text == "81605550142"  # Cyrillic О


def test_ascii_letters_standing_in_for_digits() -> None:
    message = "cell 816-555-O142, ssn 4l2-55-O123"
    norm = assert_maps_to(message, "816-555-0142", "816-555-O142")
    assert norm.text == "cell 816-555-0142, ssn 412-55-0123"


@pytest.mark.parametrize("message", ["lol IOI 1OO% Oslo l0l", "ID I0 and 2O"])
def test_words_with_o_and_l_stay(message: str) -> None:
    assert normalize(message).text == message


def test_whole_words_in_another_script_are_left_alone() -> None:
    message = "привет, как дела? Ελλάδα"
    assert normalize(message).text == message


def test_whole_word_of_lookalikes_folds() -> None:
    # Every letter is a lookalike of a Latin one: that is a disguise, not Russian prose.
    assert normalize("Рrісе").text == "Price"



@pytest.mark.parametrize("fast", [True, False])
def test_a_word_joined_by_removed_markup_is_read_for_lookalikes_again(fast: bool) -> None:
    # "<mailto:A>" leaves "A" beside a Cyrillic А: one word with a Latin letter now, so
    # the lookalike folds at once, as a second normalize would fold it (found by fuzzing)
    norm = _normalize("<mailto:A>ÀА", fast)
    assert norm.text == "AÀA"
    assert normalize(norm.text).text == norm.text


# --- spelled-out digits -----------------------------------------------------


def test_spelled_out_phone_number() -> None:
    message = "call eight one six five five five zero one four two tonight"
    norm = assert_maps_to(message, "8165550142", "eight one six five five five zero one four two")
    assert norm.text == "call 8165550142 tonight"


def test_spelled_digits_with_oh_dashes_and_commas() -> None:
    message = "Eight-One-Six, five five five, oh one four two"
    assert normalize(message).text == "8165550142"


def test_digit_groups_join_only_inside_a_spelled_run() -> None:
    message = "eight one six, 555, zero one four two"
    assert_maps_to(message, "8165550142", message)
    assert normalize("816-555-0142 one two three").text == "816-555-0142 123"
    assert normalize("816 five five five 0142").text == "816 555 0142"


def test_double_and_triple_repeat_a_digit() -> None:
    message = "eight one six triple five oh one double-four"
    assert_maps_to(message, "8165550144", message)


def test_oh_and_o_only_count_inside_a_run() -> None:
    assert normalize("oh one two three").text == "oh 123"
    assert normalize("one oh one").text == "101"


@pytest.mark.parametrize(
    "prose",
    [
        "one of the two",
        "one or two people showed up",
        "I have two dogs and one cat",
        "someone threw three eggs",
        "oh no, oh well",
    ],
)
def test_ordinary_number_words_stay(prose: str) -> None:
    assert normalize(prose).text == prose


# --- digits split to dodge filters -----------------------------------------


@pytest.mark.parametrize(
    ("piece", "digits"),
    [
        ("8 1 6 5 5 5 0 1 4 2", "8165550142"),
        ("0.7.8.0.5.1.1.2.0", "078051120"),
        ("8-1-6-5-5-5-0-1-4-2", "8165550142"),
        ("4_1_1_1", "4111"),
        ("0/7/8/0", "0780"),
        ("8\n1\n6\n5\n5\n5\n0\n1\n4\n2", "8165550142"),
    ],
)
def test_single_digits_split_by_separators_collapse(piece: str, digits: str) -> None:
    message = f"number: {piece} ok"
    norm = assert_maps_to(message, digits, piece)
    assert norm.text == f"number: {digits} ok"


@pytest.mark.parametrize(
    "message",
    ["816-555-0142", "078 05 1120", "4111 1111 1111 1111", "scores were 3 2 1", "1 2 3"],
)
def test_grouped_numbers_and_short_runs_stay(message: str) -> None:
    assert normalize(message).text == message


# --- obfuscated emails -------------------------------------------------------


@pytest.mark.parametrize(
    ("piece", "email"),
    [
        ("kwhitaker at gmail dot com", "kwhitaker@gmail.com"),
        ("kwhitaker [at] gmail [dot] com", "kwhitaker@gmail.com"),
        ("kwhitaker(at)gmail(dot)com", "kwhitaker@gmail.com"),
        ("kwhitaker {at} mail {dot} example {dot} org", "kwhitaker@mail.example.org"),
        ("KWHITAKER AT GMAIL DOT COM", "KWHITAKER@GMAIL.COM"),
        ("k.whitaker at example.org", "k.whitaker@example.org"),
        ("karen dot whitaker at gmail dot com", "karen.whitaker@gmail.com"),
        ("kwhitaker@gmail[.]com", "kwhitaker@gmail.com"),
        ("kwhitaker @ gmail.com", "kwhitaker@gmail.com"),
        ("kwhitaker [@] example [.] org", "kwhitaker@example.org"),
        ("kwhitaker at gmail.com", "kwhitaker@gmail.com"),
        ("k_whitaker82 at example.org", "k_whitaker82@example.org"),
    ],
)
def test_obfuscated_emails_become_email_shaped(piece: str, email: str) -> None:
    message = f"write to {piece} if you dare"
    norm = assert_maps_to(message, email, piece)
    assert norm.text == f"write to {email} if you dare"


@pytest.mark.parametrize(
    "prose",
    [
        "meet at the park dot",
        "meet at 5pm",
        "he works at kcpd dot org now",
        "look at this",
        "we're at home. Bring snacks",
        "dot the i's and cross the t's",
        "email me at the usual address",
        "find us at kcpd.org",
        "check it out at example.com for details",
        "I'm at home dot com",
    ],
)
def test_at_and_dot_in_prose_stay(prose: str) -> None:
    assert normalize(prose).text == prose


def test_plain_email_is_untouched() -> None:
    message = "write to k.whitaker@example.org"
    assert normalize(message).text == message


# --- chat markup --------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("||816-555-0142||", "816-555-0142"),
        ("816||-||555||-||0142", "816-555-0142"),
        ("`816-555-0142`", "816-555-0142"),
        ("```\n816-555-0142\n```", "\n816-555-0142\n"),
        ("```txt\n816-555-0142\n```", "\n816-555-0142\n"),
        ("**816**-*555*-__0142__", "816-555-0142"),
        ("_816-555-0142_ and ~~816-555-0142~~", "816-555-0142 and 816-555-0142"),
        ("> 816-555-0142", "816-555-0142"),
        ("# 816-555-0142", "816-555-0142"),
        ("line\n>>> 816-555-0142", "line\n816-555-0142"),
    ],
)
def test_discord_markup_is_removed(message: str, expected: str) -> None:
    norm = normalize(message)
    assert norm.text == expected
    start, end = span_of(norm, "816-555-0142")
    assert message[start] == "8" and message[end - 1] == "2"


@pytest.mark.parametrize(
    "message",
    ["config_file and my_var_2", "5 * 3 = 15", "~5pm", "a | b", "x > y", "price #1"],
)
def test_text_that_only_looks_like_markup_stays(message: str) -> None:
    assert normalize(message).text == message


def test_slack_mailto_keeps_the_address() -> None:
    message = "mail <mailto:kwhitaker@example.org|her work mail>"
    norm = assert_maps_to(message, "kwhitaker@example.org", "kwhitaker@example.org")
    assert norm.text == "mail kwhitaker@example.org"


def test_slack_tel_keeps_the_number() -> None:
    message = "call <tel:+18165550142|816-555-0142>"
    norm = assert_maps_to(message, "+18165550142", "+18165550142")
    assert norm.text == "call +18165550142"


def test_slack_links_keep_label_or_target() -> None:
    assert normalize("see <https://example.com/a|the agenda>").text == "see the agenda"
    assert normalize("see <https://example.com/a>").text == "see https://example.com/a"


@pytest.mark.parametrize(
    ("token", "placeholder"),
    [
        ("<@U024BE7LH>", "@user"),
        ("<@U024BE7LH|bob>", "@user"),
        ("<#C024BE7LR|general>", "#channel"),
        ("<!here>", "@here"),
        ("<!subteam^SAZ94GDB8|@moderators>", "@group"),
        ("<@123456789012345678>", "@user"),
        ("<@!123456789012345678>", "@user"),
        ("<@&123456789012345678>", "@role"),
        ("<#123456789012345678>", "#channel"),
        ("<:smile:123456789012345678>", ":emoji:"),
        ("<a:wave:123456789012345678>", ":emoji:"),
        ("<t:1700000000:R>", "[time]"),
        ("<t:1700000000>", "[time]"),
    ],
)
def test_mentions_emoji_and_timestamps_lose_their_digits(token: str, placeholder: str) -> None:
    message = f"hey {token} look"
    norm = normalize(message)
    assert norm.text == f"hey {placeholder} look"
    assert not any(c.isdigit() for c in norm.text)
    assert span_of(norm, placeholder) == (4, 4 + len(token))


# --- map and robustness properties ------------------------------------------------


def test_span_through_several_rewrites_maps_to_the_source() -> None:
    message = "**Whitаker**: ||eight one six 5 5 5 0 1 4 2|| or w\u200bhit at gmail dot com"
    norm = normalize(message)
    assert norm.text == "Whitaker: 8165550142 or whit@gmail.com"
    assert message[slice(*span_of(norm, "Whitaker"))] == "Whitаker"
    assert message[slice(*span_of(norm, "8165550142"))] == "eight one six 5 5 5 0 1 4 2"
    assert message[slice(*span_of(norm, "whit@gmail.com"))] == "w\u200bhit at gmail dot com"


def test_empty_and_out_of_range_spans_do_not_raise() -> None:
    norm = normalize("a\u200bb at example dot com")
    assert norm.to_original(0, 0) == (0, 0)
    assert norm.to_original(len(norm.text), len(norm.text)) == (len(norm.original),) * 2
    assert norm.to_original(-5, 10_000) == (0, len(norm.original))


ADVERSARIAL_PIECES = [
    "1", "2", " ", "@", ".", "|", "*", "`", "_", "-", "~", "<", ">", "#", "\n",
    "at", "dot", " at ", " dot ", "[at]", "(dot)", "one", "oh", "a", "\u200b", "а",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(3))
def test_adversarial_100kb_message_is_linear(seed: int) -> None:
    import random

    rng = random.Random(seed)
    message = "".join(rng.choice(ADVERSARIAL_PIECES) for _ in range(40_000))[:100_000]
    started = time.perf_counter()
    normalize(message)
    assert time.perf_counter() - started < 2.0  # a guard against quadratic regexes


@pytest.mark.parametrize(
    "message",
    [
        "1 " * 50_000,
        "1." * 50_000,
        " " * 100_000,
        "x at " * 20_000,
        "a dot " * 16_000,
        "<" * 100_000,
        "_a" * 50_000,
        "one " * 25_000,
        "\u0301" * 100_000,
        "@." * 50_000,
        "|*`" * 33_000,
    ],
)
def test_repetitive_100kb_messages_are_linear(message: str) -> None:
    started = time.perf_counter()
    normalize(message)
    assert time.perf_counter() - started < 2.0  # a guard against quadratic regexes


CHAT_ALPHABET = st.sampled_from(
    [
        *"abcdeotOIl0123456789 .-_/,\n|*`~<>#@[](){}:!&^",
        "at", "dot", " at ", " dot ", "one", "oh", "five", "double ", "<@", "<#",
        "<t:", "```", "mailto:",
        "\u200b", "\u00ad", "\ufe0f", "а", "ο", "Ι", "８", "٨", "\u0301", "\u0336", "İ", "\x00",
    ]
)  # fmt: skip
chat_text = st.lists(CHAT_ALPHABET, max_size=40).map("".join)
any_text = st.one_of(st.text(), chat_text)


def _check_invariants(message: str) -> None:
    norm = normalize(message)
    n, m = len(norm.text), len(message)
    assert norm.original == message
    assert len(norm.folded) == n
    for i in range(n):
        a, b = norm.to_original(i, i + 1)
        assert 0 <= a < b <= m
    for i in range(n + 1):
        for j in range(i, min(n, i + 6) + 1):
            a, b = norm.to_original(i, j)
            assert 0 <= a <= b <= m
    again = normalize(norm.text)
    assert again.text == norm.text


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_never_raises_spans_stay_inside_and_idempotent(message: str) -> None:
    _check_invariants(message)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_any_code_point_including_surrogates(message: str) -> None:
    _check_invariants(message)


def test_braille_blank_reads_as_a_space() -> None:
    assert normalize("8\u28001\u28006\u28005").text == "8165"


def test_cyrillic_word_next_to_digits_stays() -> None:
    message = "дом5 и 816О555"  # the Cyrillic О between digits is a disguised zero
    assert normalize(message).text == "дом5 и 8160555"


def test_dash_and_apostrophe_lookalikes_become_ascii() -> None:
    message = "Bell’s wife: 913‑555‑0182"  # curly apostrophe, non-breaking hyphens
    norm = assert_maps_to(message, "913-555-0182", "913‑555‑0182")
    assert norm.text == "Bell's wife: 913-555-0182"


def test_letters_of_other_scripts_are_not_taken_for_punctuation() -> None:
    assert normalize("ノート").text == "ノート"  # katakana ノ looks like '/' but is a letter


def test_emoji_take_the_fast_path_but_joiners_inside_words_are_still_removed() -> None:
    for text in ("❤️ love it", "👨\u200d👩\u200d👧 fam 🔥🔥", "ok 👍🏽"):
        norm = normalize(text)
        assert norm.text == text and norm.is_identity
    assert normalize("Whi\ufe0ftaker").text == "Whitaker"  # a selector inside a name is an evasion
    assert normalize("Whi\u200dtaker 😭").text == "Whitaker 😭"
    assert normalize("8\ufe0f\u20e3 eight").text == "8 eight"  # keycaps still fold to the digit
    assert normalize("\u2800816 😭").text.startswith(" 816")  # Braille blank reads as a space


# --- the cheap guards never hide work from a pass -------------------------------------

EMAIL_AND_DIGIT_ALPHABET = st.sampled_from(
    [
        *"abxyz0123456789 \t\n.-_/@[](){}<>'", "at", "dot", " at ", " @ ", "@ ", " @",
        "gmail", "com", "org", ".com", "[dot]", "(at)", "\r\n",
    ]
)  # fmt: skip
_pick = st.sampled_from
email_like = st.tuples(
    _pick(["", "hi ", "x.", "1 "]), _pick(["jo", "a.b", "x_1", "lol", "me", "9"]),
    _pick(["", " ", "  ", "\t", "     "]), _pick(["@", "at", "AT", "[at]", "(@)", "@@"]),
    _pick(["", " ", "  ", "\t"]), _pick(["mail", "gmail", "ex-ample", "a1", "kcpd"]),
    _pick([".", " dot ", "[.]", " . ", "(dot)", ".."]), _pick(["com", "org", "x", "c0m", "io"]),
    _pick(["", " lol", ".", "x", "-1"]),
).map("".join)
digits_like = st.lists(
    st.tuples(_pick("0123456789"), _pick(["", " ", ".", "-", "/", "_", "\n", "\r\n", "  ", ":"])),
    min_size=1, max_size=8,
).map(lambda parts: "".join(d + s for d, s in parts))
guard_text = st.one_of(
    chat_text,
    st.lists(EMAIL_AND_DIGIT_ALPHABET, max_size=30).map("".join),
    st.lists(st.one_of(email_like, digits_like, _pick([" ", "a", "."])), max_size=4).map("".join),
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(guard_text)
def test_a_pass_whose_guard_misses_has_nothing_to_rewrite(message: str) -> None:
    """The guards skip passes for speed; a skipped pass must have had no edit to make."""
    from bot import normalize as module

    text = normalize(message).text if not message.isascii() else message
    hits = module._GUARDS.Match(text) or ()
    for index, apply_pass in module._ASCII_PASSES:
        if index not in hits:
            edits = [e for e in apply_pass(text) if text[e[0] : e[1]] != e[2]]
            assert edits == [], (apply_pass.__name__, text)


@pytest.mark.parametrize(
    "message",
    ["jo @ mail.example.com", "jo @mail.example.com", "jo@ mail.example.com",
     "call 8 1 6 5 5 5", "pin 0.7.8.0", "x 1/2/3/4 y"],
)  # fmt: skip
def test_spaced_at_signs_and_split_digits_still_reach_their_pass(message: str) -> None:
    assert normalize(message).text != message


# --- the fast paths agree with the general passes -----------------------------
# `normalize` folds by translation tables and skips re-scans it can prove useless;
# `_normalize(..., fast=False)` runs every pass the general way, every round.

HOSTILE_PIECES = st.sampled_from(
    [
        *"aeoOIl0123456789 ._-@|*`<>#\n\t",
        "а", "е", "о", "Ο", "Ι", "ӏ", "ɑ", "ß", "五", "é", "ǅ", "Ⅷ", "ﬁ", "㈠", "ｅ", "８", "𝟠",
        "٣", "߃", "．", "‐", "’", "\u200b", "\u200d", "\ufe0f", "\u00ad", "\u0600", "\u2800",
        "\u2028", "\x85", "\x00", "\x0b", "\u0301", "\u0336", "\u20e3", "\u1100", "\u1161",
        "\ud800", "İ", "😀", "one ", "eight ", " at ", " dot ", "||", "**", "<mailto:", ">",
    ]
)  # fmt: skip
hostile_text = st.lists(HOSTILE_PIECES, max_size=60).map("".join)


def _assert_same_view(message: str) -> None:
    fast, slow = normalize(message), _normalize(message, fast=False)
    assert fast.text == slow.text
    n = len(fast.text)
    assert [fast.to_original(i, i + 1) for i in range(n)] == [
        slow.to_original(i, i + 1) for i in range(n)
    ]
    assert [fast.to_original(i, i) for i in range(n + 1)] == [
        slow.to_original(i, i) for i in range(n + 1)
    ]
    assert fast.is_identity == slow.is_identity


@settings(max_examples=1500, deadline=None)
@given(st.one_of(hostile_text, st.text(max_size=80)))
def test_fast_paths_give_the_general_text_and_map(message: str) -> None:
    _assert_same_view(message)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(
    "kind", ["mixed-scripts", "nested-markup", "spelled-digits", "at-signs", "dots", "cue-soup"]
)
def test_fast_paths_agree_on_adversarial_traffic(kind: str, seed: int) -> None:
    from bench.traffic import adversarial

    _assert_same_view(adversarial(3_000, seed)[kind])


@settings(max_examples=800, deadline=None)
@given(hostile_text)
def test_confusable_pass_is_idempotent(message: str) -> None:
    # The fast mode skips the confusable pass on its own output; that is only sound
    # because a second run has nothing to fold.
    once, _ = _apply(message, _confusable_pass(message))
    assert [e for e in _confusable_pass(once) if once[e[0] : e[1]] != e[2]] == []


def test_one_for_one_edits_leave_no_map_entries() -> None:
    new, level = _apply("xаbоc", [(1, 2, "a"), (3, 4, "o")])
    assert new == "xaboc"
    assert level.new_starts == []
    assert [level.source(i) for i in range(5)] == [(i, i + 1) for i in range(5)]


def _apply_plainly(text: str, edits: list) -> tuple[str, list[list[int]]]:
    """`_apply` as one loop over the edits (what the comprehensions in it replace)."""
    pieces, maps, pos, delta = [], [[], [], [], []], 0, 0
    for a, b, rep in edits:
        pieces += [text[pos:a], rep]
        if len(rep) != 1 or b - a != 1:
            for column, value in zip(maps, (a + delta, a + delta + len(rep), a, b), strict=True):
                column.append(value)
            delta += len(rep) - (b - a)
        pos = b
    return "".join([*pieces, text[pos:]]), maps


@st.composite
def text_and_edits(draw: st.DrawFn) -> tuple[str, list]:
    text = draw(st.text(alphabet="ab\f8 ", max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=16)))
    edits = [(a, b, draw(st.sampled_from(["", "x", "yz", "\f"])))
             for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    return text, edits


@settings(max_examples=500, deadline=None)
@given(text_and_edits())
def test_apply_matches_the_plain_loop(case: tuple[str, list]) -> None:
    text, edits = case
    new, level = _apply(text, edits)
    expected, maps = _apply_plainly(text, edits)
    assert new == expected
    assert [level.new_starts, level.new_ends, level.old_starts, level.old_ends] == maps
    assert (level.new_len, level.old_len) == (len(expected), len(text))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="18 ._/-\r\nab", max_size=60))
def test_split_digits_pass_removes_what_lies_between_the_digits(text: str) -> None:
    import re

    from bot.normalize import _SPLIT_DIGITS, _split_digits_pass

    expected = []  # the plain form: from each digit of a run to the next
    for m in _SPLIT_DIGITS.finditer(text):
        prev = m.start()
        for d in re.finditer(r"[0-9]", text[m.start() + 1 : m.end()]):
            at = m.start() + 1 + d.start()
            expected.append((prev + 1, at, ""))
            prev = at
    assert _split_digits_pass(text) == expected


# --- markup rounds: after its own round the markup pass re-scans only near its edits --

MARKUP_PIECES = st.sampled_from(
    [
        "<mailto:", "<tel:", "<https://", "|x", "<@U12", "<@", "<@&7", "<#C1", "<#", "<!here",
        "<!subteam^", "<!date^1", "<a:x:", ":9", "<t:1", ":R", "</x:", "|", "||", "*", "**",
        "_", "__", "~", "~~", "`", "```", "```py\n", "\\", ">", "> ", ">>> ", "# ", "-# ",
        "\n", "\r\n", " ", "a", "8", "1", "]", "(", ":", "<", "@", "#", "-",
    ]
)  # fmt: skip
markup_text = st.lists(MARKUP_PIECES, max_size=120).map("".join)


@settings(max_examples=1500, deadline=None)
@given(markup_text)
def test_markup_rescan_near_edits_finds_what_a_full_scan_finds(message: str) -> None:
    from bot.normalize import _markup_pass, _markup_pass_near

    text = message
    for _ in range(8):
        edits = [e for e in _markup_pass(text) if text[e[0] : e[1]] != e[2]]
        if not edits:
            break
        text, _ = _apply(text, edits)
        # The spans the edits left in the new text (empty for a deletion).
        starts, ends, growth = [], [], 0
        for a, b, rep in edits:
            starts.append(a + growth)
            ends.append(a + growth + len(rep))
            growth += len(rep) - (b - a)
        full = [e for e in _markup_pass(text) if text[e[0] : e[1]] != e[2]]
        near = [e for e in _markup_pass_near(text, starts, ends) if text[e[0] : e[1]] != e[2]]
        assert near == full


@settings(max_examples=1000, deadline=None)
@given(markup_text)
def test_markup_fast_rounds_give_the_general_text_and_map(message: str) -> None:
    _assert_same_view(message)


@pytest.mark.parametrize("seed", range(4))
def test_nested_markup_that_hits_the_round_cap_agrees(seed: int) -> None:
    from bench.traffic import adversarial

    _assert_same_view(adversarial(20_000, seed)["nested-markup"])


# --- spelled digits: the fast pass gives the general pass's edits --------------

SPELLED_PIECES = st.sampled_from(
    [
        "one", "two", "six", "eight", "Nine", "ZERO", "oh", "OH", "o", "O", "double", "Triple",
        "5", "12", "555", "1234", "12345", "at", "dot", "x", "'", "’", "trİple", "ſix",
        " ", "  ", ",", "-", "\t", " - ", ", ", "\n", ".",
    ]
)  # fmt: skip
spelled_text = st.lists(SPELLED_PIECES, max_size=80).map("".join)


@settings(max_examples=2000, deadline=None)
@given(spelled_text)
def test_spelled_digits_fast_pass_gives_the_general_edits(message: str) -> None:
    from bot.normalize import _spelled_digits_fast, _spelled_digits_pass

    assert _spelled_digits_fast(message) == _spelled_digits_pass(message)


@settings(max_examples=500, deadline=None)
@given(spelled_text)
def test_spelled_digits_fast_rounds_give_the_general_text_and_map(message: str) -> None:
    _assert_same_view(message)


@pytest.mark.parametrize(
    "message",
    [
        "one o six",  # the shortest run with three number words
        "1 o o o 1",
        "call one o si",
        "trİple five one two three",  # re's case folding matches "İ" to "i", lower() does not
        "x ſix one two three",
        "one two ſeven",
        "double five, six-seven eight",
        "oh one two three oh 1234",
    ],
)
def test_spelled_digits_fast_pass_on_edge_cases(message: str) -> None:
    from bot.normalize import _spelled_digits_fast, _spelled_digits_pass

    assert _spelled_digits_fast(message) == _spelled_digits_pass(message)
    _assert_same_view(message)
