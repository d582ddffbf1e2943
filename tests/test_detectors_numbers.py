"""Positives and negatives for the number-shaped detectors, with exact spans.

All data is fictional: 555-01xx phone numbers, example.com/example.org mailboxes, the
test card numbers networks publish, Presidio's published SSN/ITIN examples, routing
numbers and IBANs from public documentation examples.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.detectors.email import EmailDetector
from bot.detectors.financial import FinancialDetector, is_bitcoin_address, is_card_number
from bot.detectors.phone import PhoneDetector
from bot.detectors.ssn import SSNDetector, is_valid_itin, is_valid_ssn
from bot.models import Category

SSN = SSNDetector()
PHONE = PhoneDetector()
EMAIL = EmailDetector()
FIN = FinancialDetector()


def spans(detector, text: str, kind: str | None = None) -> list[tuple[str, str, str]]:
    """(matched text, normalized value, kind) for each finding, in order."""
    return [
        (text[f.start:f.end], f.value, f.kind)
        for f in detector.detect(text)
        if kind is None or f.kind == kind
    ]


def triggered(detector, text: str) -> bool:
    """What the pipeline's cheap pre-check would decide."""
    lowered = text.lower()
    return not detector.triggers or any(t in lowered for t in detector.triggers)


# -- social_security_number ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "match", "value", "kind"),
    [
        ("his ssn is 078-05-1123", "078-05-1123", "078051123", "ssn"),
        ("078.05.1123", "078.05.1123", "078051123", "ssn"),
        ("abc 078 05 1123 abc", "078 05 1123", "078051123", "ssn"),
        ("SSN: 078051123 lol", "078051123", "078051123", "ssn"),
        ("social security number 078-051123", "078-051123", "078051123", "ssn"),
        ("his social is\n219\n45\n1234", "219\n45\n1234", "219451234", "ssn"),
        ("ss# 219-45-1234 pass it on", "219-45-1234", "219451234", "ssn"),
        ("itin 911-70-1234", "911-70-1234", "911701234", "itin"),
        ("her ITIN is 911701234", "911701234", "911701234", "itin"),
        ("tax id 912-53-1234", "912-53-1234", "912531234", "itin"),
    ],
)
def test_ssn_positives(text: str, match: str, value: str, kind: str) -> None:
    assert triggered(SSN, text)
    assert spans(SSN, text) == [(match, value, kind)]
    assert all(f.category is Category.SOCIAL_SECURITY_NUMBER for f in SSN.detect(text))


@pytest.mark.parametrize(
    "text",
    [
        "078-05-1120",  # Woolworth wallet card
        "219-09-9999",  # SSA pamphlet
        "123-45-6789",  # sequential placeholder
        "111-11-1111",
        "666-12-3456",  # area 666 never issued
        "000-12-3456",
        "078-00-1123",  # group 00
        "078-05-0000",  # serial 0000
        "911-89-1234",  # 9xx with a non-ITIN group
        "693-09.4444",  # mismatched separators
        "order 219451234 shipped",  # bare 9 digits, no cue word
        "ssn 2194512345",  # 10 digits
        "id 12194512345",  # inside a longer run
        "card 4111-219-45-1234",  # inside a longer dash-separated number
        "Kansas City, MO 64106-1234",  # ZIP+4
        "zip 64106-1234",
        "call 816-555-0142",
    ],
)
def test_ssn_negatives(text: str) -> None:
    assert SSN.detect(text) == []


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("last 4 of his social is 1123", "1123"),
        ("the last four digits of her ssn: 4471", "4471"),
        ("his SSN ends in 0923", "0923"),
        ("ssn on the form was xxx-xx-1123", "1123"),
    ],
)
def test_ssn_last_four(text: str, match: str) -> None:
    assert triggered(SSN, text)
    assert spans(SSN, text) == [(match, match, "ssn_last4")]


@pytest.mark.parametrize(
    "text", ["last 4 of my card is 4242", "xxx-xx-1123 was the order", "last four games 2024"]
)
def test_ssn_last_four_negatives(text: str) -> None:
    assert SSN.detect(text) == []


def test_ssn_context_raises_confidence() -> None:
    (bare,) = SSN.detect("078-05-1123")
    (cued,) = SSN.detect("my ssn is 078-05-1123")
    assert cued.confidence > bare.confidence >= 0.5
    (half,) = SSN.detect("07805-1123")
    assert half.confidence < 0.5  # half-formatted, no cue: weak on its own


def test_ssn_structural_helpers() -> None:
    assert is_valid_ssn("078051123") and not is_valid_ssn("078051120")
    assert not is_valid_ssn("987654321") and not is_valid_ssn("900123456")
    assert is_valid_itin("911501234") and is_valid_itin("999991234")
    assert not is_valid_itin("911931234") and not is_valid_itin("911700000")


# -- phone_number ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "match", "value"),
    [
        ("call him at 816.555.0142", "816.555.0142", "+18165550142"),
        ("(816) 555-0142 is his cell", "(816) 555-0142", "+18165550142"),
        ("cell: 816-555-0142.", "816-555-0142", "+18165550142"),
        ("+1 816 555 0142", "+1 816 555 0142", "+18165550142"),
        ("number is 816 555 0142 ok", "816 555 0142", "+18165550142"),
        ("text 8165550142!", "8165550142", "+18165550142"),
        ("1-816-555-0142", "1-816-555-0142", "+18165550142"),
        ("his number\n816\n555\n0142", "816\n555\n0142", "+18165550142"),
        ("london office +44 20 7946 0958", "+44 20 7946 0958", "+442079460958"),
        ("(816) 555-0142 ext. 12", "(816) 555-0142 ext. 12", "+18165550142"),
        ("caller id said 816-555-0142", "816-555-0142", "+18165550142"),
    ],
)
def test_phone_positives(text: str, match: str, value: str) -> None:
    assert triggered(PHONE, text)
    assert spans(PHONE, text) == [(match, value, "phone")]


def test_phone_numbers_in_a_dense_list() -> None:
    """A dump of many numbers is scanned by shape, not by the (slow) matcher."""
    text = "numbers: 816-555-0142 / 816-555-0143 / +44 20 7946 0958 / 913-555-0119 ok"
    assert [v for _, v, _ in spans(PHONE, text)] == [
        "+18165550142", "+18165550143", "+442079460958", "+19135550119",
    ]


def test_phone_back_to_back_numbers() -> None:
    """phonenumbers' matcher gives up on space-only runs; the NANP fallback finds both."""
    text = "try 816 555 0142 816 555 0199"
    assert spans(PHONE, text) == [
        ("816 555 0142", "+18165550142", "phone"),
        ("816 555 0199", "+18165550199", "phone"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "meeting on 12/25/2024 at 10:30",
        "tickets are $45.99, 2 for $80",
        "order #8165550142 shipped",
        "tracking number 8165550142",
        "ZIP 64106-1234",
        "ssn 078-05-1123",
        "message 1143652357193039872 and 114365235719303987",
        "score was 24-17",
        "ip 192.168.100.200",
        "816-555-01",
        "is816-555-0142",  # glued to a word
        "https://youtu.be/dQw4w9WgXcQ?t=8165550142",  # an id inside a link
    ],
)
def test_phone_negatives(text: str) -> None:
    assert PHONE.detect(text) == []


def test_phone_region_and_context() -> None:
    assert spans(PhoneDetector(region="GB"), "ring 020 7946 0958") == [
        ("020 7946 0958", "+442079460958", "phone")
    ]
    assert PHONE.detect("ring 020 7946 0958") == []  # not a valid US number
    (bare,) = PHONE.detect("816-555-0142")
    (cued,) = PHONE.detect("his cell is 816-555-0142")
    assert cued.confidence > bare.confidence


# -- email_address -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "match", "value"),
    [
        ("email him: Dan.Whitaker@Example.com.", "Dan.Whitaker@Example.com",
         "dan.whitaker@example.com"),
        ("<k.w+kc@mail.example.org>", "k.w+kc@mail.example.org", "k.w+kc@mail.example.org"),
        ("user@xn--80ak6aa92e.com", "user@xn--80ak6aa92e.com", "user@xn--80ak6aa92e.com"),
        ("totally_fake_cop_99@gmail.com lol", "totally_fake_cop_99@gmail.com",
         "totally_fake_cop_99@gmail.com"),
    ],
)
def test_email_positives(text: str, match: str, value: str) -> None:
    assert triggered(EMAIL, text)
    assert spans(EMAIL, text) == [(match, value, "email")]


def test_email_two_addresses() -> None:
    text = "a@example.com,b@example.org"
    assert [m for m, _, _ in spans(EMAIL, text)] == ["a@example.com", "b@example.org"]


@pytest.mark.parametrize(
    "text",
    [
        "my email is info@presidio.",
        "ping @everyone",
        "<@123456789012345678> said hi",
        "icon@2x.png",
        "a..b@example.com",
        "@example.com",
        "meet @ 5pm",
    ],
)
def test_email_negatives(text: str) -> None:
    assert EMAIL.detect(text) == []


# -- financial_information: numbers --------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "match", "value", "kind"),
    [
        ("his card 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111", "4111111111111111",
         "card"),
        ("4111-1111-1111-1111", "4111-1111-1111-1111", "4111111111111111", "card"),
        ("amex 3782 822463 10005", "3782 822463 10005", "378282246310005", "card"),
        ("5555555555554444", "5555555555554444", "5555555555554444", "card"),
        ("routing 101205681", "101205681", "101205681", "aba_routing"),
        ("ABA: 0711-0130-7", "0711-0130-7", "071101307", "aba_routing"),
        ("0711-0130-7", "0711-0130-7", "071101307", "aba_routing"),
        ("checking acct 4471920385", "4471920385", "4471920385", "bank_account"),
        ("wire it to my chase savings 4471920385", "4471920385", "4471920385", "bank_account"),
        ("savings account number: 0012 4471 9203", "0012 4471 9203", "001244719203",
         "bank_account"),
        ("mortgage loan number 7730-1184-22", "7730-1184-22", "7730118422", "loan_account"),
        ("HELOC #55102938", "55102938", "55102938", "loan_account"),
        ("his mortgage # is 7730118422", "7730118422", "7730118422", "loan_account"),
        ("IBAN DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00",
         "DE89370400440532013000", "iban"),
        ("gb29nwbk60161331926819", "gb29nwbk60161331926819", "GB29NWBK60161331926819", "iban"),
        ("tip jar 16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ", "16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ",
         "16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ", "crypto_wallet"),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
         "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "crypto_wallet"),
    ],
)
def test_financial_number_positives(text: str, match: str, value: str, kind: str) -> None:
    assert triggered(FIN, text)
    assert spans(FIN, text) == [(match, value, kind)]


def test_routing_and_account_together() -> None:
    text = "routing 101205681 account 4471920385"
    assert spans(FIN, text) == [
        ("101205681", "101205681", "aba_routing"),
        ("4471920385", "4471920385", "bank_account"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # Luhn fails
        "order #4111111111111111",  # labelled as an order number
        "tracking 9400 1000 0000 0000 0000 00",
        "UPS 1Z999AA10123456784",
        "Case No. 2216-CR01234, hearing 2024-05-06",
        "order #112-4471923-5512034 shipped",
        "message 1143652357193039872",  # a Discord snowflake
        "the budget is $4,111,111,111",
        "tickets $45.99, 2 for $80, 1500 seats",
        "101205681",  # routing checksum but no cue and not XXXX-XXXX-X
        "my account was suspended 3 times",
        "checking in at 4471920385",
        "account: 816-555-0142",  # written as a phone number
        "my account has 12 posts",
        "acct 123456",  # placeholder run
        "fedex 123456789012",
        "AL47 2121 1009 0000 0002 3569 8740",  # IBAN check digits fail
        "16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ2",
        "8f953371d3e85eddb89b05ed6b9e680791055315c73e1025ab5dba7bb2aee189",
        "ISBN 978-0-306-40615-7",
        "population 508,090 in 2020",
        "https://example.com/orders/4111111111111111",
    ],
)
def test_financial_number_negatives(text: str) -> None:
    assert FIN.detect(text) == []


def test_mixed_case_iban_is_not_an_iban() -> None:
    assert spans(FIN, "LV80 bANK 0000 4351 9500 1", "iban") == []
    assert spans(FIN, "LV80 BANK 0000 4351 9500 1", "iban") == [
        ("LV80 BANK 0000 4351 9500 1", "LV80BANK0000435195001", "iban")
    ]


def test_number_helpers() -> None:
    assert is_card_number("4012888888881881") and not is_card_number("4012888888881882")
    assert is_card_number("122000000000003") and not is_card_number("1748503543012")
    assert not is_card_number("0000000000000000")
    assert is_bitcoin_address("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297")
    assert not is_bitcoin_address("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3298")


# -- financial_information: credit scores and debts ----------------------------------------

@pytest.mark.parametrize(
    ("text", "match", "kind"),
    [
        ("lmao his credit score is 580", "credit score is 580", "credit_score"),
        ("FICO 612 btw", "FICO 612", "credit_score"),
        ("she has a 540 credit score", "540 credit score", "credit_score"),
        ("Whitaker owes $40k in credit card debt", "Whitaker owes $40k in credit card debt",
         "debt"),
        ("and he has $12,000 in medical debt", "$12,000 in medical debt", "debt"),
        ("he is way behind on his mortgage", "he is way behind on his mortgage", "debt"),
        ("his car loan is in collections", "his car loan is in collections", "debt"),
        ("apparently she filed for bankruptcy in 2019", "she filed for bankruptcy", "debt"),
        ("there are three liens on his house", "three liens on his house", "debt"),
        ("there's a lien on her house", "a lien on her house", "debt"),
        ("his credit is like a 480", "credit is like a 480", "credit_score"),
        ("owes 40 grand on his truck", "owes 40 grand", "debt"),
        ("she's drowning in $80k of student loans", "$80k of student loans", "debt"),
        ("Whitaker is behind on child support", "Whitaker is behind on child support", "debt"),
        ("Stone is underwater on his house", "underwater on his house", "debt"),
        ("her wages got garnished", "her wages got garnished", "debt"),
    ],
)
def test_credit_and_debt_positives(text: str, match: str, kind: str) -> None:
    assert triggered(FIN, text)
    assert [(m, k) for m, _, k in spans(FIN, text)] == [(match, kind)]


@pytest.mark.parametrize(
    "text",
    [
        "he owes me $20 for pizza",
        "the City owes $40 million in pension debt",
        "the county is behind on payments to the state",
        "Chiefs won 31-17, 580 yards of offense",
        "credit score ranges go from 300 to 850",
        "the national debt is huge",
        "that costs $12,000",
        "the loan officer said rates are 7%",
        "the credit union is open 9-5",
        "he makes $85,000 a year",
    ],
)
def test_credit_and_debt_negatives(text: str) -> None:
    assert FIN.detect(text) == []


# -- robustness ---------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [*"0123456789", " ", "-", ".", "(", ")", "+", "@", "$", "k", ",", "\n", "#", ":", "/", "x",
     "bc1", "DE89 ", "ssn ", "acct ", "routing ", "loan #", "he owes ", "credit score ",
     "last 4 of ssn ", "xxx-xx-", "https://", ".com", "５", "é"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_findings_are_well_formed_on_any_text(text: str) -> None:
    for detector in (SSN, PHONE, EMAIL, FIN):
        for f in detector.detect(text):
            assert 0 <= f.start < f.end <= len(text)
            assert 0.0 < f.confidence <= 1.0
            assert f.category is detector.category and f.kind and f.value


@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,
        "12 " * 33_000,
        "@" * 100_000,
        "a" * 50_000 + "@" + "b" * 50_000,
        "a@" * 50_000,
        "AB12" + "C" * 100_000,
        "Main St 4400 block @ 816 " * 4_000,
        "1,1,1," * 16_000 + "k in debt",
        "$1,111," * 14_000 + " debt",
        "123 " * 25_000,
        "816 555 0142 " * 7_000,
        "4111 1111 1111 1111 " * 5_000,
        "AB12 " * 20_000,
        "He owes " * 12_000,
        "his his " * 12_000 + "in collections",
        "credit report " * 7_000 + "580 score",
        "a." * 50_000 + "@example.com",
    ],
)
def test_pathological_input_completes(text: str) -> None:
    """No catastrophic backtracking: a generous bound for all four detectors together."""
    started = time.perf_counter()
    for detector in (SSN, PHONE, EMAIL, FIN):
        detector.detect(text)
    assert time.perf_counter() - started < 5.0


def test_phone_gate_skips_short_numbers_but_not_spread_out_ones() -> None:
    from bot.detectors.phone import _SEVEN_DIGITS

    for chat in ("meet at 7:30, score was 24-17, tickets $15", "8/14 at 9pm", "call 911"):
        assert _SEVEN_DIGITS.search(chat) is None
    for number in ("(816) 555-0142", "+44 20 7946 0958", "816\n555\n0154", "816.555.0142"):
        assert _SEVEN_DIGITS.search(number) is not None


def _matcher_spans(text: str, region: str = "US") -> list[tuple[int, int]]:
    """What PhoneNumberMatcher finds on the whole text, the reference for the windows."""
    from phonenumbers import Leniency, PhoneNumberMatcher

    return [(m.start, m.end) for m in PhoneNumberMatcher(text, region, leniency=Leniency.VALID)]


def _windowed_spans(text: str) -> list[tuple[int, int]]:
    """What the matcher finds when run only on the phone detector's windows."""
    from bot.detectors.phone import _matcher_windows

    found = []
    for lo, hi, keep in _matcher_windows(text):
        found += [(lo + a, lo + b) for a, b in _matcher_spans(text[lo:hi]) if lo + a < keep]
    return found


@pytest.mark.parametrize(
    "text",
    [
        "4/20/2027 at 1:15, 816-555-0142 x12, then 12 34 56 and 913 555 0117",
        "a816-555-0142 and (816) 555-0199:30 and 816 555 0143%",  # letter before, time after
        "mall8165550142, 9135550123",  # a letter right before a number rules it out
        "816 555 0142 / x 816 555 0143",  # the matcher trims at a second number
        "64130 73247 Linwood Blvd Apt 5 Kansas City MO 64144 15524 Wornall",
        "one at dot 690019 dot 506090100888 at 886 at 51559115900919 oh 816.555.0142",
        "816 555 0142          ext       12 and 8165550143 extensión 7",
        "011 44 20 7946 0958 or 816-555-0117 or 0114420 7946 0958",  # dialled abroad
        "+44 20 7946 0958, +1 (816) 555-0142, +(44) 20 7946 0958 and +33 1 23 45 67 89",
        "x+44 20 7946 0958+1 816 555 0142",
        "the 310-1143 line, 3~1.011 43 and 1 310 1189",  # Canada's seven-digit numbers
        "[[6](](6<tel:6|1]()|8<tel:8165550142|1)[[[]([1](1](1<mailto:>>",
    ],
)
def test_phone_windows_find_what_the_matcher_finds_on_the_whole_text(text: str) -> None:
    """The matcher runs on windows around ten joined digits; nothing it would find on
    the whole text may be lost or gained at a window's edge."""
    assert _matcher_spans(text)  # each case holds at least one number
    assert _windowed_spans(text) == _matcher_spans(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    [*"0123456789", "816", "555", "0142", " ", "-", ".", "(", ")", "/", ":", ":30", "x", "ext ",
     "#", ",", "a", "Apt ", "dot ", "12/25/2027", "8165550142", "816-555-0142", "\u2013", "%",
     "+", "+44 ", "20 7946 0958", "011", "011 44 ", "X", "[", "+1 ", "310", "31", "1143"]
), max_size=40).map("".join))
def test_phone_windows_agree_with_the_whole_text_matcher_on_any_text(text: str) -> None:
    assert _windowed_spans(text) == _matcher_spans(text)


def test_shortest_international_number_is_what_the_phone_gate_assumes() -> None:
    """The gate lets "+"/"011" numbers through from six digits: country code plus the
    shortest national number of any region (phonenumbers' metadata) must not be less."""
    from phonenumbers import COUNTRY_CODES_FOR_NON_GEO_REGIONS, SUPPORTED_REGIONS
    from phonenumbers.phonemetadata import PhoneMetadata

    from bot.detectors.phone import MIN_INTERNATIONAL_DIGITS

    shortest = min(
        [len(str(md.country_code)) + min(md.general_desc.possible_length)
         for md in map(PhoneMetadata.metadata_for_region, SUPPORTED_REGIONS)]
        + [len(str(cc)) + min(PhoneMetadata.metadata_for_nongeo_region(cc)
                              .general_desc.possible_length)
           for cc in COUNTRY_CODES_FOR_NON_GEO_REGIONS]
    )
    assert shortest >= MIN_INTERNATIONAL_DIGITS


def test_the_only_short_nanp_numbers_are_what_the_phone_gate_assumes() -> None:
    """Ten digits, except the kinds listed in the gate (Canada's 310-xxxx)."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE
    from phonenumbers.phonemetadata import PhoneMetadata

    from bot.detectors.phone import SHORT_NANP_LENGTH, SHORT_NANP_PREFIX

    kinds = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
             "personal_number", "voip", "pager", "uan", "voicemail")
    short = set()
    for region in COUNTRY_CODE_TO_REGION_CODE[1]:
        md = PhoneMetadata.metadata_for_region(region)
        for kind in kinds:
            desc = getattr(md, kind)
            if desc is None or desc.national_number_pattern is None:
                continue
            lengths = desc.possible_length or md.general_desc.possible_length
            if min(lengths) < 10:
                short.add((desc.national_number_pattern, tuple(lengths)))
    suffix = SHORT_NANP_LENGTH - len(SHORT_NANP_PREFIX)
    assert short <= {(rf"{SHORT_NANP_PREFIX}\d{{{suffix}}}", (SHORT_NANP_LENGTH,))}
    assert PHONE.detect("the 310-1143 line") and PHONE.detect("3~1.011 43")


def test_phone_ten_digit_gate_is_what_a_nanp_number_needs() -> None:
    from bot.detectors.phone import _TEN_DIGITS

    for chat in ("council moved to 4/20/2027 at 1:15", "order #821701373", "Chiefs won 30-14"):
        assert _TEN_DIGITS.search(chat) is None
    for number in ("(816) 555-0142", "816.555.0142", "8165550142", "816 555 0142 x7"):
        assert _TEN_DIGITS.search(number) is not None
    assert PhoneDetector(region="GB").detect("ring 020 7946 0958")  # not NANP: no gate


def test_phone_in_another_scripts_digits_next_to_ascii_digits() -> None:
    """The gate reads ASCII digits; raw text with other digits goes to the matcher whole."""
    text = "order 1234567 or call \u0668\u0661\u0666\u0665\u0665\u0665\u0660\u0661\u0664\u0662"
    assert [(f.start, f.value) for f in PHONE.detect(text)] == [(22, "+18165550142")]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Bell has a tax lien on her house", "Bell has a tax lien"),
        ("he's got 3 payday loans", "he's got 3 payday loans"),
        ("his wages are being garnished", "his wages are being garnished"),
        ("his truck got repossessed, 4 payments behind", "his truck got repossessed"),
        ("she's 30k deep in credit card debt", "30k deep in credit card debt"),
    ],
)
def test_debt_wording_attributed_to_a_person(text: str, span: str) -> None:
    found = [f for f in FinancialDetector().detect(text) if f.kind == "debt"]
    assert [text[f.start : f.end] for f in found] == [span]


@pytest.mark.parametrize(
    "text", ["I have a payday loan lol", "the city has a lien on the lot",
             "we got 2 loans approved for the park"],
)
def test_debt_wording_about_nobody_in_particular_is_not_a_finding(text: str) -> None:
    assert [f for f in FinancialDetector().detect(text) if f.kind == "debt"] == []
