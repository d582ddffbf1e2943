"""Deterministic synthetic chat traffic for the benchmarks (a seeded RNG, no data files).

Two mixes, spread over many channels and authors so the conversation context
behaves as it does in a busy server (replies, pronouns that reach back to a
servant named a few messages earlier):

- `clean_mix`: 95 % ordinary chat of 20-300 characters (greetings, links,
  times, prices, scores, event dates, emoji, @-mentions, the odd servant named
  in passing) and 5 % messages with PII about a registered servant;
- `pii_mix`: every message carries a PII candidate (phone, email, address,
  SSN, card, birth date, health, workplace), about a servant or about nobody.

`adversarial` builds the long hostile messages for the worst-case figures.
Everything is fictional: 555-01xx phones, example.com mailboxes, the networks'
published test card numbers, SSNs in fictional ranges, invented people.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bench.registry_gen import ANCHORS
from bot.models import ChatMessage

CHANNELS = 400
AUTHORS = 3_000

_PLACES = ("Westport", "the Plaza", "Midtown", "Crossroads", "River Market", "Brookside",
           "Waldo", "the East Bottoms", "Northland", "18th & Vine")
_NICKS = ("jess", "kcjay", "ozzie", "b3ckyy", "rook", "hank.d", "lena_k", "dbo", "ana.r", "stace",
          "quietcar", "plazaprowler", "mo_river_rat", "JRod", "tmoney", "ghostpepper")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_STREETS = ("Holly St", "Main St", "Troost Ave", "Wornall Rd", "Gillham Rd", "Oak St",
            "Jefferson St", "Broadway Blvd", "Prospect Ave", "Linwood Blvd", "E 43rd St")
_EMOJI = ("😂", "🔥", "🙏", "🎉", "👀", "💯", "😭", "🏈", "⚾", "🍕", "❤️", "👍")
_CONDITIONS = ("diabetes", "stage 2 breast cancer", "bipolar disorder", "a heart condition",
               "epilepsy", "MS")
_SCHOOLS = ("Hale Cook Elementary", "Southwest High", "Border Star Montessori",
            "Lincoln College Prep", "Paseo Academy")


def _clock(r: random.Random) -> str:
    return f"{r.randint(1, 12)}:{r.choice(('00', '15', '30', '45', '05', '50'))}"


def _date(r: random.Random) -> str:
    return r.choice((
        f"{r.choice(_MONTHS)} {r.randint(1, 28)}",
        f"{r.randint(1, 12)}/{r.randint(1, 28)}",
        f"{r.choice(_MONTHS)[:3]} {r.randint(1, 28)}, 2027",
        f"{r.randint(1, 12)}/{r.randint(1, 28)}/2027",
    ))


_CHAT: tuple[Callable[[random.Random], str], ...] = (
    lambda r: r.choice(("hey everyone", "gm gm", "good morning y'all", "lol same", "hi all!",
                        "yo", "what's up", "night all", "ty!!", "omg yes")),
    lambda r: f"thanks {r.choice(_NICKS)} {r.choice(_EMOJI)}",
    lambda r: f"anyone know a good taco place in {r.choice(_PLACES)}?",
    lambda r: f"check this out https://example.com/{r.choice(('news', 'events', 'p'))}/"
              f"{r.randint(1000, 99999)}",
    lambda r: f"<https://example.org/events/{r.randint(10, 9999)}|tickets here>",
    lambda r: f"meet at {_clock(r)} {r.choice(('pm', 'am', ''))} by the fountain?",
    lambda r: f"running like 10 min late, there by {_clock(r)}",
    lambda r: f"the {_clock(r)} show or the {_clock(r)}?",
    lambda r: f"tickets are ${r.randint(5, 120)}.{r.choice(('00', '99', '50'))} each",
    lambda r: f"gas is $3.{r.randint(10, 99)} at the QT on {r.choice(_STREETS)}",
    lambda r: f"Chiefs won {r.randint(14, 45)}-{r.randint(3, 30)} {r.choice(_EMOJI)}",
    lambda r: f"Royals lost {r.randint(1, 9)} to {r.randint(2, 12)} again smh",
    lambda r: f"First Fridays is on {_date(r)}, who's going",
    lambda r: f"council meeting moved to {_date(r)} at {_clock(r)}",
    lambda r: f"festival runs {r.choice(_MONTHS)} {r.randint(1, 20)}-{r.randint(21, 28)}",
    lambda r: "".join(r.choice(_EMOJI) for _ in range(r.randint(1, 5))),
    lambda r: f"<@{r.randint(10**17, 10**18 - 1)}> you coming?",
    lambda r: f"@{r.choice(_NICKS)} lol",
    lambda r: f"<@U0{r.randint(10**8, 10**9 - 1)}> can you share the doc",
    lambda r: f"pothole on {r.choice(_STREETS)} is huge, took out my tire",
    lambda r: "the streetcar is down again, walking it",
    lambda r: "my kid's soccer game got moved to saturday",
    lambda r: f"zip {r.choice(('64111', '64108', '64127'))} has the best bbq fight me",
    lambda r: f"the cops were out on {r.choice(_STREETS)} last night, anyone know why?",
    lambda r: f"I paid ${r.randint(200, 2000)} for rent in {r.choice(_PLACES)} lol",
    lambda r: f"score was {r.randint(0, 5)}:{r.randint(0, 5)} at the half",
    lambda r: f"the library on {r.choice(_STREETS)} closes at {_clock(r)} now",
    lambda r: "lmaooo",
    lambda r: f"see you {r.choice(('tmrw', 'tonight', 'sunday', 'later'))} {r.choice(_EMOJI)}",
)


def _chat(r: random.Random) -> str:
    """Ordinary chat of 20-300 characters: one to several fragments."""
    parts: list[str] = []
    length = -1  # of " ".join(parts)
    target = r.choice((20, 40, 60, 90, 140, 220, 300))
    while length < 20 or (length < target and r.random() < 0.8):
        part = r.choice(_CHAT)(r)
        if length + len(part) + 1 > 300 and length >= 20:
            break
        parts.append(part)
        length += len(part) + 1
    return " ".join(parts)[:300]


def _ref(r: random.Random) -> str:
    """One way of naming a servant (or a family member) in chat."""
    a = r.choice(ANCHORS)
    return r.choice((a.name, a.alias, a.surname.lower(), f"officer {a.surname.lower()}",
                     a.spouse, f"{a.surname}'s wife", f"{a.surname.lower()}'s kid", a.surname))


def _phone(r: random.Random) -> str:
    n = f"01{r.randint(0, 99):02d}"
    return r.choice((f"816-555-{n}", f"(913) 555-{n}", f"816.555.{n}", f"816555{n}",
                     f"+1 816 555 {n}"))


def _address(r: random.Random) -> str:
    return (f"{r.randint(100, 12999)} {r.choice(_STREETS)}, Kansas City, MO "
            f"{r.choice(('64111', '64108', '64110', '64131'))}")


def _ssn(r: random.Random) -> str:
    return f"{r.randint(100, 665)}-{r.randint(10, 99)}-{r.randint(1000, 9999)}"


def _pii_value(r: random.Random) -> tuple[str, str]:
    """A (cue, value) pair of one PII category."""
    return r.choice((
        ("lives at", _address(r)),
        ("cell is", _phone(r)),
        ("personal email is", f"{r.choice(_NICKS).replace('.', '')}{r.randint(1, 99)}@example.com"),
        ("ssn", _ssn(r)),
        ("card number", r.choice(("4111 1111 1111 1111", "5555555555554444",
                                  "3782 822463 10005"))),
        ("born", f"{r.randint(1, 12)}/{r.randint(1, 28)}/{r.randint(1950, 1995)}"),
        ("has", r.choice(_CONDITIONS)),
        ("kid goes to", r.choice(_SCHOOLS)),
        ("DOB", f"{r.choice(_MONTHS)} {r.randint(1, 28)}, {r.randint(1950, 1995)}"),
    ))


def _about_servant(r: random.Random) -> str:
    cue, value = _pii_value(r)
    return r.choice((
        f"{_ref(r)} {cue} {value}",
        f"{_ref(r)} {cue} {value} go tell them what you think",
        f"fyi {_ref(r)} {cue} {value} lol",
        f"{_ref(r)}: {value}",
    ))


def _about_nobody(r: random.Random) -> str:
    cue, value = _pii_value(r)
    return r.choice((
        f"for the couch pickup: {value}",
        f"call me at {_phone(r)} after {_clock(r)}",
        f"ship it to {_address(r)} thx",
        f"email me at {r.choice(_NICKS).replace('.', '')}@example.org for the tickets",
        "sandbox card is 4111 1111 1111 1111, the docs say so",
        f"my grandma was born {r.choice(_MONTHS)} {r.randint(1, 28)}, 1941 and she still drives",
        f"the cop who pulled me over {cue} {value}",
        f"order #{r.randint(10**6, 10**9)} still hasn't shipped",
        f"the shop's number is {_phone(r)}, ask for Dee",
    ))


def _pronoun_followup(r: random.Random, pronoun: str) -> str:
    cue, value = _pii_value(r)
    subject = "he" if pronoun == "his" else "she"
    return r.choice((f"{subject} {cue} {value}", f"{pronoun} wife's number is {_phone(r)}",
                     f"{pronoun} home address is {_address(r)}"))


class _Stream:
    """Messages spread over channels (a few busy ones) and authors, with ids and times."""

    def __init__(self, seed: int, channels: int = CHANNELS, authors: int = AUTHORS):
        self.r = random.Random(seed)
        self.channels = [f"c{i:04d}" for i in range(channels)]
        self.weights = [1.0 / (i + 1) ** 0.8 for i in range(channels)]  # Zipf-ish activity
        self.authors = [f"u{i:05d}" for i in range(authors)]
        self.seq = 0
        self.named: dict[str, tuple[str, str, str]] = {}  # channel -> (msg id, author, pronoun)

    def message(self, text: str, channel: str | None = None, author: str | None = None,
                reply_to: str | None = None) -> ChatMessage:
        self.seq += 1
        r = self.r
        return ChatMessage(
            id=str(10**15 + self.seq),
            channel=channel or r.choices(self.channels, self.weights)[0],
            author=author or r.choice(self.authors),
            text=text,
            platform="bench",
            server="s1",
            reply_to=reply_to,
            timestamp=1_800_000_000.0 + self.seq * 0.01,
        )

    def passing_mention(self, extra: str = "") -> ChatMessage:
        """A servant named (without PII unless `extra` adds some): it runs the detectors
        and feeds the context."""
        r = self.r
        a = r.choice(ANCHORS)
        text = r.choice((f"{a.alias} was on the news again",
                         f"did anyone see what {a.name} said at the meeting",
                         f"{a.surname.lower()} is a joke honestly"))
        msg = self.message(f"{text}, {extra}" if extra else text)
        self.named[msg.channel] = (msg.id, msg.author, a.pronoun)
        return msg

    def servant_pii(self) -> ChatMessage:
        """PII about a servant: named in the message, or reached by a reply or a pronoun."""
        r = self.r
        if self.named and r.random() < 0.4:
            channel = r.choice(sorted(self.named))
            msg_id, author, pronoun = self.named[channel]
            text = _pronoun_followup(r, pronoun)
            if r.random() < 0.5:
                return self.message(text, channel, reply_to=msg_id)
            return self.message(text, channel, author)
        return self.message(_about_servant(r))


def clean_mix(n: int, seed: int = 1) -> list[ChatMessage]:
    """95 % ordinary chat (2 % of it naming a servant in passing), 5 % servant PII."""
    s = _Stream(seed)
    out: list[ChatMessage] = []
    for _ in range(n):
        x = s.r.random()
        if x < 0.05:
            out.append(s.servant_pii())
        elif x < 0.07:
            out.append(s.passing_mention())
        else:
            out.append(s.message(_chat(s.r)))
    return out


def pii_mix(n: int, seed: int = 2) -> list[ChatMessage]:
    """Every message carries a PII candidate; about 30 % concern a servant."""
    s = _Stream(seed)
    out: list[ChatMessage] = []
    for _ in range(n):
        x = s.r.random()
        if x < 0.25:
            out.append(s.servant_pii())
        elif x < 0.30:
            out.append(s.passing_mention(_pii_value(s.r)[1]))  # feeds pronoun follow-ups
        else:
            out.append(s.message(_about_nobody(s.r)))
    return out


def engine_stream(n: int, doxxing_share: float = 0.2, seed: int = 3) -> list[ChatMessage]:
    """Chat for the engine run: `doxxing_share` of the messages name a servant with PII."""
    s = _Stream(seed)
    out: list[ChatMessage] = []
    for _ in range(n):
        if s.r.random() < doxxing_share:
            out.append(s.message(_about_servant(s.r)))
        else:
            out.append(s.message(_chat(s.r)))
    return out


# --------------------------------------------------------------------------
# adversarial messages: long, dense, built to find super-linear paths


def _fill(unit: Callable[[random.Random], str], length: int, r: random.Random) -> str:
    parts: list[str] = []
    size = 0
    while size < length:
        piece = unit(r)
        parts.append(piece)
        size += len(piece)
    return "".join(parts)[:length]


_ADVERSARIAL: dict[str, Callable[[random.Random], str]] = {
    "digits": lambda r: r.choice(("", " ", "-", ".", "  ", "/", "(")) + str(r.randint(0, 9999)),
    "digit-soup": lambda r: str(r.randint(0, 9)),
    "at-signs": lambda r: r.choice(("@", "@@", "a@", "@b.", " @ ", "x@y@z")),
    "dots": lambda r: r.choice((".", "..", ". ", "a.", ".b", " dot ")),
    "spaces": lambda r: r.choice((" ", "  ", "\t", "\n", " 8 ", " a ")),
    "street-words": lambda r: (f"{r.randint(1, 99999)} {r.choice(_STREETS)} Apt "
                               f"{r.randint(1, 9)} Kansas City MO 641{r.randint(10, 99)} "),
    "mixed-scripts": lambda r: r.choice(("８", "１", "６", "а", "о", "е", "\u200b", "五",
                                         "٣", "߃", "𝟠", "Ⅷ", "ß", "ǅ", "é", "ｅ", "@", "．")),
    "nested-markup": lambda r: r.choice(("||", "**", "__", "~~", "`", "```", "<mailto:",
                                         "|", ">", "<tel:", "[", "](", ")", "8", "1", "6")),
    "spelled-digits": lambda r: r.choice(("eight ", "one ", "six ", "five ", "oh ", "zero ",
                                          "nine ", "at ", "dot ")),
    "cue-soup": lambda r: r.choice(("born ", "dob ", "ssn ", "cell ", "lives at ", "home ",
                                    "card ", "has ", "works at ", "school ", "1/2/", "19")),
}


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")

# Kinds found by timing the whole process on long messages (issue 14): dumps of
# phone numbers after a name, digits in other scripts or split by form feeds,
# relation phrases repeated, and dense PII about one servant.
_ADVERSARIAL.update({
    "relation-phrases": lambda r: f"{ANCHORS[0].surname} his wife ",
    "relation-work": lambda r: f"{ANCHORS[0].surname} his wife works at the ",
    "phone-dump": lambda r: f"{_phone(r)} ",
    "fullwidth-digits": lambda r: _phone(r).translate(_FULLWIDTH) + r.choice((" ", "")),
    "devanagari-digits": lambda r: _phone(r).translate(_DEVANAGARI) + r.choice((" ", "")),
    "formfeed-digits": lambda r: "\f".join(str(r.randint(0, 9)) for _ in range(10)) + " ",
    "dense-pii": lambda r: " ".join(_pii_value(r)) + r.choice((" ", ", ", ". ", "\n")),
})


def _trigger_units() -> dict[str, Callable[[random.Random], str]]:
    """For each detector, a unit that is one of its trigger words (long runs of them)."""
    from bot.detectors import build_detectors

    units: dict[str, Callable[[random.Random], str]] = {}
    for detector in build_detectors():
        words = tuple(sorted(detector.triggers))[:512]
        if not words:
            continue
        units[f"triggers:{detector.name}"] = (
            lambda r, words=words: r.choice(words) + r.choice((" ", " ", ", ", "\n", ""))
        )
    return units


def adversarial_kinds() -> dict[str, Callable[[random.Random], str]]:
    """Every adversarial kind: the fixed list and the trigger runs generated per detector."""
    return {**_ADVERSARIAL, **_trigger_units()}


def adversarial(length: int, seed: int = 4) -> dict[str, str]:
    """One hostile message per kind, `length` characters each, naming a servant first
    so every detector runs (the worst case for the pipeline)."""
    r = random.Random(seed)
    prefix = f"{ANCHORS[0].alias} "
    return {kind: prefix + _fill(unit, length - len(prefix), r)
            for kind, unit in adversarial_kinds().items()}


def one_channel_chat(n: int, seed: int = 6, authors: int = 97) -> list[ChatMessage]:
    """A busy server's one channel: ordinary chat of `authors` people, a servant named in
    passing about once in a thousand messages (so the context links the chat after it)."""
    s = _Stream(seed, channels=1, authors=authors)
    out: list[ChatMessage] = []
    for _ in range(n):
        if s.r.random() < 0.001:
            out.append(s.passing_mention())
        else:
            out.append(s.message(_chat(s.r)))
    return out
