"""Fast paths in the detectors find exactly what the slow paths they replace find.

Each speed change (a regex rewritten so `re` can skip to its first character, a gate
that skips a scan, an inline checksum) is checked against the original on hostile text
built from the pieces that make these detectors work hard: digit groups, separators,
cue words, and the non-ASCII letters `re.IGNORECASE` folds onto ASCII ones.
"""

from __future__ import annotations

import calendar
import re
from unittest import mock

import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from bot.detectors import birth_date, dates, financial, school_work, ssn
from bot.detectors.birth_date import BirthDateDetector
from bot.detectors.financial import FinancialDetector

_PIECES = (
    "0", "1", "2", "9", "19", "20", "79", "123", "4111", "1111", "0142", "555", "64106",
    "1/2/", "3/14", "1979", "12-", "05/2021", "2024-03-15", "14.03.1979", "'79", "’79",
    " ", "  ", "-", ".", ",", "/", "\n", "\t", "(", ")", "#", "$", "€", "%", ":", "*",
    "a", "b", "d", "x", "B", "D", "T", "İ", "ı", "ſ", "K", "\u0307", "٣", "８", "é",
    "born ", "BORN", "b.", "dob ", "D.O.B", "d. o. b", "bday", "b-day", "b’day", "birth",
    "bİrth", "turns 50 on ", "turn", "50th birthday ", "day", "march ", "May ", "first",
    "account ", "acct #", "loan number ", "mortgage ", "routing ", "bank ", "checking #",
    "card ", "visa ", "credit score ", "cred", "FICO ", "vantage", "owes $40k in debt ",
    "GB82 WEST 1234 5698 7654 32", "GB82", "DE89370400440532013000",
    "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    "ssn ", "last 4 of his ssn is ", "laſt", "ends in ", "xxx-xx-", "***-**-", "zip ",
    "MO ", "078-05-1120", "219-09-9998", "912-70-1234", "4111 1111 1111 1111",
    "4111-1111-1111-1111", "5500 0000 0000 0004", "011000015", "0110-0001-5",
)  # fmt: skip

hostile = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


_Found = list[tuple[tuple[int, int], dict[str, str | None]]]


def _matches(pattern: re.Pattern[str], text: str) -> _Found:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


# -- regexes rewritten to start with a character class -------------------------------------

_D = dates
_ORIGINAL_DATE_PATTERNS = {
    "iso": re.compile(
        _D._LB + r"(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})" + _D._TIME
        + _D._RB, re.I),
    "num": re.compile(
        _D._LB + r"(?P<a>\d{1,2})(?P<s>[-/.])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})" + _D._RB),
    "num_my": re.compile(_D._LB + r"(?P<m>\d{1,2})/(?P<y>\d{4})" + _D._RB),
    "num_md": re.compile(_D._LB + r"(?P<a>\d{1,2})(?P<s>[-/])(?P<b>\d{1,2})" + _D._RB),
    "day_mon": re.compile(
        _D._LB + r"(?P<d>\d{1,2})" + _D._ORD + r"(?:" + _D._SP + r"of)?" + _D._SEP
        + r"(?P<mon>" + _D._MONTH + r")\.?(?![a-z])"
        r"(?:" + _D._YEAR_TAIL + r"|-(?P<yd>\d{2}))?" + _D._RB, re.I),
    "year_on": re.compile(
        _D._LB + r"(?P<y>(?:1[89]|20)\d\d)(?:,[ \t]{0,3}(?:on[ \t]{1,3})?|[ \t]{1,3}on[ \t]{1,3})"
        r"(?:the[ \t]{1,3})?"
        r"(?:(?P<mon>" + _D._MONTH + r")\.?[ \t]{0,3}(?P<d>\d{1,2})" + _D._ORD + r"(?!\d)"
        r"|(?P<d2>\d{1,2})" + _D._ORD + r"(?:[ \t]{1,3}of)?[ \t]{1,3}(?P<mon2>" + _D._MONTH
        + r")\.?(?![a-z])|(?P<a>\d{1,2})/(?P<b>\d{1,2}))" + _D._RB, re.I),
    "apos_year": re.compile(r"(?<![\w'’‘])" + _D._APOS + r"(?P<yy>\d{2})(?![^\W_])"),
}  # fmt: skip


@_SETTINGS
@given(hostile)
def test_rewritten_date_patterns_match_the_originals(text: str) -> None:
    patterns = dict(dates._PATTERNS)
    for kind, original in _ORIGINAL_DATE_PATTERNS.items():
        assert _matches(patterns[kind], text) == _matches(original, text), kind


@_SETTINGS
@given(hostile)
def test_rewritten_number_patterns_match_the_originals(text: str) -> None:
    island = re.compile(r"(?<![\w.,$€£])\d+(?:[ -]\d+)*(?![\w$€£%])(?!\.\d)(?!,\d)")
    assert _matches(financial._DIGIT_ISLAND, text) == _matches(island, text)
    candidate = re.compile(
        r"(?<!\d)(?<!\d[-.])(\d{3})([-. ]?)(\d{2})([-. ]?)(\d{4})(?!\d)(?![-.]\d)"
    )
    assert [m.groups() for m in ssn._CANDIDATE.finditer(text)] == [
        m.groups() for m in candidate.finditer(text)
    ]


@_SETTINGS
@given(hostile)
def test_spelled_out_cue_pattern_matches_the_case_insensitive_one(text: str) -> None:
    assert _matches(birth_date._CUE_AT, text) == _matches(birth_date._ANY_CUE, text)
    found = birth_date._ANY_CUE_RE2.search(birth_date._re2_view(text)) is not None
    assert found == (birth_date._ANY_CUE.search(text) is not None)


@_SETTINGS
@given(hostile)
def test_school_work_splits_match_re2(text: str) -> None:
    assert school_work._WS_RE.sub(" ", text) == re2.compile(r"\s+").sub(" ", text)
    words = re2.compile(r"[^\s.,]+")
    assert [m.span() for m in school_work._WORD_RE.finditer(text)] == [
        m.span() for m in words.finditer(text)
    ]


# -- gates: a skipped scan could not have matched ---------------------------------------------


@_SETTINGS
@given(hostile)
def test_gates_never_hide_a_match(text: str) -> None:
    lowered = text.lower()
    assert (financial._DEBT_TRIGGER.search(lowered) is not None) == any(
        t in lowered for t in financial._DEBT_TRIGGERS
    )
    if financial._SCORE_CUE.search(text):
        folded = financial._fold(text)
        assert any(word in folded for word in ("credit", "fico", "vantage"))
    iban = financial._IBAN_CANDIDATE.search(text)
    if iban:
        gate = financial._IBAN_GATE.search(text)
        assert gate is not None and gate.start() <= iban.start()
    wallet = financial._CRYPTO_CANDIDATE.search(text)
    if wallet:
        gate = financial._CRYPTO_GATE.search(text)
        assert gate is not None and gate.start() <= wallet.start()
    if ssn._LAST_FOUR_CUE.search(text):
        assert ssn._may_say_last_four(text)
    turns, day = birth_date._maybe_turns(text)
    assert turns or birth_date._TURNS.search(text) is None
    assert day or not re.search(r"(?i)birth\s{0,2}day|bday|b-day|b['’]day", text)
    cues = financial._Cues(text)
    for words, near in (
        (financial.LOAN_CONTEXT, cues.loan_near),
        (financial.ACCOUNT_CONTEXT, cues.account_near),
        (financial.ROUTING_CONTEXT, cues.routing_near),
    ):
        index = words.index(text)
        assert all(near(p) == index.near(p, p) for p in range(len(text) + 1))


def test_re2_unicode_digits_include_every_re_digit() -> None:
    """The IBAN gate and the birth-year gate read `re`'s \\d as RE2's \\p{Nd}."""
    digit = re2.compile(r"\p{Nd}")
    decimals = [chr(c) for c in range(0x110000) if chr(c).isdecimal()]
    assert all(re.fullmatch(r"\d", c) for c in decimals)
    assert all(digit.fullmatch(c) for c in decimals)


def test_checksums_and_month_lengths_match_the_libraries() -> None:
    for n in range(0, 200000, 7):
        for digits in (str(n * 7919), f"4{n:015d}", f"٣{n}"):
            assert financial._luhn_valid(digits) == luhn.is_valid(digits)
    for year in (0, 1, 1900, 1979, 2000, 2023, 2024, 9999):
        for month in range(1, 13):
            assert dates.days_in_month(year, month) == calendar.monthrange(year, month)[1]


# -- whole detectors with the shortcuts turned off ------------------------------------------------


@_SETTINGS
@given(hostile)
def test_financial_finds_the_same_without_its_shortcuts(text: str) -> None:
    fast = FinancialDetector().detect(text)
    everything = re2.compile("")  # a gate that always passes at offset 0
    with (
        mock.patch.object(financial, "_island_may_classify", lambda *_: True),
        mock.patch.object(financial, "_may_classify", lambda *_: True),
        mock.patch.object(financial, "_IBAN_GATE", everything),
        mock.patch.object(financial, "_CRYPTO_GATE", everything),
    ):
        assert FinancialDetector().detect(text) == fast


@_SETTINGS
@given(hostile)
def test_birth_dates_are_the_same_without_the_turns_gate(text: str) -> None:
    fast = BirthDateDetector().detect(text)
    with mock.patch.object(birth_date, "_maybe_turns", lambda _: (True, True)):
        assert BirthDateDetector().detect(text) == fast


_DEBT_PIECES = (
    "he ", "she ", "Whitaker ", "his ", "her ", "owes ", "owed ", "$40k ", "$1,200 ", "90 grand ",
    "3,000 dollars ", "in ", "of ", "student loans ", "debt ", "behind on ", "late on ",
    "mortgage ", "the city ", "filed for bankruptcy ", "chapter 7 ", "in the hole ", "wages ",
    "garnished ", "car ", "got repo'd ", "two liens ", "on ", "credit report ", "\v", "\x1c",
    "\n", "  ", ". ", "x", "_", "9",
)  # fmt: skip


@_SETTINGS
@given(st.lists(st.sampled_from(_DEBT_PIECES), max_size=30).map("".join))
def test_debts_on_re2_match_the_re_pattern_on_ascii_text(text: str) -> None:
    expected = [m.span() for m in financial._DEBT.finditer(text)]
    assert financial._debt_spans(text) == expected


def test_debts_on_re2_fixed_examples() -> None:
    for text in ("he owes\v$40k in debt", "she\x1cis behind on her mortgage",
                 "Whitaker owes $3,000 dollars of student loans", "lol owes nothing"):
        assert financial._debt_spans(text) == [m.span() for m in financial._DEBT.finditer(text)]
    assert financial._debt_spans("he owes\v$40k in debt") != []


def test_number_candidates_are_capped_per_message_but_the_first_ones_are_found() -> None:
    card = "card 4111 1111 1111 1111 "
    dump = "+1 816 555 0142 8165550122 " * (financial.MAX_NUMBER_CANDIDATES // 4)
    found = FinancialDetector().detect(card + dump + card)
    assert [f.kind for f in found] == ["card"]  # the second card is past the cap
    with mock.patch.object(financial, "MAX_NUMBER_CANDIDATES", 10**9):
        assert [f.kind for f in FinancialDetector().detect(card + dump + card)] == ["card"] * 2
