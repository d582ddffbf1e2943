"""Financial information: card, routing, bank, loan and IBAN numbers, crypto wallets,
credit scores and debts attributed to a person.

Checksums come from python-stdnum (Luhn, ABA, IBAN mod-97, Bitcoin base58check and
bech32). Numbers without a checksum (bank and loan accounts) need a cue word right
before them, because a bare 6-17 digit run is far more often an order, case or
tracking number.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import re2
from stdnum import bitcoin, iban, luhn, numdb
from stdnum.us import rtn

from bot.detectors.context_words import (
    ContextIndex,
    ContextWords,
    boost,
    join_digit_lines,
    outside_urls,
)
from bot.models import Category, Finding

CARD_CONTEXT = ContextWords(
    [
        "card", "cards", "credit card", "debit card", "cc", "visa", "mastercard", "amex",
        "american express", "discover", "diners", "jcb", "maestro", "unionpay", "cvv", "cvc",
        "exp", "expiry", "expires", "card number", "card no", "pan",
    ]
)
ROUTING_CONTEXT = ContextWords(
    ["routing", "routing number", "aba", "rtn", "rt", "r/t", "transit", "routing no"],
    before=40,
    after=0,
)
ACCOUNT_CONTEXT = ContextWords(
    [
        "account", "accounts", "acct", "acc", "a/c", "checking acct", "checking account",
        "checking #", "checking no", "checking number", "savings", "bank", "banking",
        "direct deposit", "wire",
    ],
    before=40,
    after=0,
)
LOAN_CONTEXT = ContextWords(
    ["loan", "mortgage", "heloc", "home equity", "auto loan", "student loan", "lien"],
    before=40,
    after=0,
)
IBAN_CONTEXT = ContextWords(["iban", "bank", "account", "wire", "transfer", "swift", "bic"])
CRYPTO_CONTEXT = ContextWords(
    ["wallet", "bitcoin", "btc", "crypto", "address", "send", "donate", "tip"]
)

# Digits with single spaces or dashes between groups; linear (one separator per step).
# The left edge is checked after the first digit ("\d(?<![\w.,$€£]\d)" is "(?<![\w.,$€£])\d"),
# so `re` skips to digits with its first-character scan instead of testing every offset.
_DIGIT_ISLAND = re.compile(r"\d(?<![\w.,$€£]\d)\d*(?:[ -]\d+)*(?![\w$€£%])(?!\.\d)(?!,\d)")
_GROUP = re.compile(r"\d+")
# Digit groups (in islands that may hold a card, routing or account number) examined per
# message: each start costs Python work (~5 µs), and a message with more is a dump of
# numbers, which its first ones already expose.
MAX_NUMBER_CANDIDATES = 2_000
# The shortest number `_classify` accepts (an account or loan number): islands with fewer
# digits are skipped before any candidate is built.
_MIN_NUMBER_DIGITS = 6
# Labels that make a long number something other than a card or account.
_OTHER_NUMBER = re.compile(
    r"(?i:order|invoice|tracking|track|case|ticket|ref|reference|confirmation|receipt|"
    r"claim|serial|model|part|sku|upc|isbn|badge|shipment|package|parcel|usps|ups|fedex|"
    r"dhl|docket|incident|report|flight|booking)"
    r"\s*(?:no\.?|num(?:ber)?|#|id)?\s*[:#]?\s*$"
)
# Country, check digits, then up to 30 alphanumerics, optionally in spaced groups. The
# match may run into the following word ("... 8741 ALL CAPS"); validation shrinks it.
_IBAN_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}")
# What every IBAN candidate contains (its first 15 characters; RE2's \p{Nd} holds every
# digit `re`'s \d matches): one RE2 pass rules out most texts.
_IBAN_GATE = re2.compile(r"[A-Za-z]{2}\p{Nd}{2}(?:[ -]?[A-Za-z0-9]){11}")
_CRYPTO_CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9])(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{8,87}"
    r"|BC1[02-9AC-HJ-NP-Z]{8,87})(?![A-Za-z0-9])"
)
# `_CRYPTO_CANDIDATE` without its edges and with the shortest lengths, for RE2.
_CRYPTO_GATE = re2.compile(
    r"[13][1-9A-HJ-NP-Za-km-z]{25}|bc1[02-9ac-hj-np-z]{8}|BC1[02-9AC-HJ-NP-Z]{8}"
)

_SCORE_WORD = r"(?:credit\s+score|credit\s+rating|fico(?:\s+score)?|vantage\s*score)"
_CREDIT_SCORE = re.compile(
    rf"(?i)\b{_SCORE_WORD}(?:\s+(?:is|was|of|at|=|around|about|like|only|just|now|"
    r"dropped\s+to|fell\s+to|tanked\s+to|sits\s+at|under|below|barely|a|an)){0,3}\s*[:=]?\s*"
    rf"(?P<a>[3-8]\d\d)\b(?!\s*(?:k|%|points?\s+(?:up|higher)))"
    rf"|\b(?P<b>[3-8]\d\d)\s+{_SCORE_WORD}\b"
    # "his credit is like a 480"
    r"|\bcredit\s+(?:is|was|'s|sits\s+at)\s+(?:like\s+|only\s+|around\s+|about\s+|at\s+)?"
    r"(?:an?\s+)?(?P<d>[3-8]\d\d)\b(?!\s*(?:k|%|/))"
    # "collections on her credit report and a 510 score": a bare "score" after a credit cue.
    r"|\bcredit\s+(?:report|history|file)\b[^.!?\n]{0,60}?\b(?P<c>[3-8]\d\d)\s+score\b"
)

# Every alternative of _CREDIT_SCORE holds one of these words (same case rules): a cheap
# search rules most texts out before the big pattern runs.
_SCORE_CUE = re.compile(r"(?i)credit|fico|vantage")

_PERSON = (
    r"(?:he|she|they|his|her|their|him|them|he's|she's|they're|hes|shes|wife|husband|"
    r"son|daughter|kid|mom|dad|mother|father|brother|sister|officer|cop|councilman|"
    r"councilwoman|councilmember|mayor|chief|sergeant|detective|judge|[A-Z][a-z]+(?:'s)?)"
)
_POSS = r"(?:his|her|their)"
# "$40k", "$12,000", "40k", "90 grand", "3,000 dollars" (a bare number needs a unit).
# Quantifiers are bounded: "1,1,1,..." 100 KB long must not cost quadratic time.
_NUM = r"(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,12})(?:\.\d{1,2})?"
_AMOUNT = (
    rf"(?:\$\s?{_NUM}(?:\s?(?:k|K|m|M|grand|thousand|million)\b)?"
    rf"|\b{_NUM}\s?(?:k|K|grand|thousand|million)\b|\b{_NUM}\s+dollars\b)"
)
_DEBT_NOUN = (
    r"(?:debt|debts|back\s+taxes|child\s+support|medical\s+bills|student\s+loans|loans?|"
    r"credit\s+cards?|liens?|payday\s+loans?)(?:\s+debts?)?"
)
_OVERDUE = (
    r"(?:mortgage|rent|car\s+payments?|payments|loans?|taxes|child\s+support|"
    r"credit\s+cards?|bills?|alimony|hoa\s+dues)"
)
# Debts and credit trouble said about a person. Each alternative is anchored on a
# person cue (pronoun, possessive, name) or a debt amount, and all gaps are bounded.
_DEBT = re.compile(
    rf"(?:\b{_PERSON}\s+(?:\w+\s+){{0,2}}?)?\b(?:owes|owed|owing)\s+(?:\w+\s+){{0,3}}?{_AMOUNT}"
    rf"(?:\s+(?:in|of)\s+(?:\w+\s+){{0,3}}?{_DEBT_NOUN})?"
    rf"|{_AMOUNT}\s+(?:in|of|on|worth\s+of|deep\s+in)\s+(?:\w+\s+){{0,2}}?{_DEBT_NOUN}\b"
    rf"|(?:\b{_PERSON}\s+(?:\w+\s+){{0,3}}?)?\b(?:behind|late|delinquent|defaulted)\s+on\s+"
    rf"{_POSS}\s+(?:\w+\s+){{0,2}}?{_OVERDUE}\b"
    rf"|\b{_PERSON}\s+(?:\w+\s+){{0,4}}?(?:behind|late|delinquent|defaulted)\s+on\s+(?:the\s+)?"
    rf"{_OVERDUE}\b"
    rf"|{_AMOUNT}\s+in\s+the\s+hole\b"
    rf"|\b(?:underwater|upside\s+down)\s+on\s+{_POSS}\s+(?:\w+\s+){{0,1}}?"
    r"(?:house|home|mortgage|car|truck|loan)\b"
    rf"|\b{_PERSON}\s+(?:\w+\s+){{0,2}}?(?:filed\s+(?:for\s+)?(?:bankruptcy|chapter\s+(?:7|11|13))|"
    r"went\s+bankrupt|declared\s+bankruptcy|is\s+bankrupt|in\s+(?:collections|foreclosure)|"
    r"(?:got|was|were)\s+sent\s+to\s+collections|(?:is|are)\s+being\s+foreclosed|"
    r"maxed\s+out\s+(?:his|her|their)\s+credit\s+cards?)"
    rf"|\b{_POSS}\s+(?:\w+\s+){{0,2}}?(?:house|home|car|accounts?|debts?|loans?|"
    r"mortgage|bills?|cards?)\s+"
    r"(?:is|are|went|was|got)\s+(?:in|into|to|sent\s+to)\s+(?:collections|foreclosure|default)"
    rf"|\b{_POSS}\s+(?:wages?|paychecks?|pay)\s+(?:(?:got|get|are|is|were|was|has|have)\s+)?"
    r"(?:being\s+|been\s+)?garnished"
    rf"|\b{_POSS}\s+(?:\w+\s+){{0,2}}?(?:car|truck|suv|van|house|home|boat|furniture)\s+"
    r"(?:got|was|were|is|just\s+got|is\s+being)\s+(?:repo'?d|repossessed|foreclosed\s+on)"
    rf"|\b{_PERSON}\s+(?:\w+\s+){{0,2}}?(?:has|have|had|got|'s\s+got|took\s+out)\s+"
    r"(?:a|an|\d{1,2}|two|three|four|five|several|multiple|like\s+\d{1,2})\s+(?:\w+\s+){0,2}?"
    r"(?:liens?|payday\s+loans?|title\s+loans?|judgments?|repossessions?|charge-?offs?|"
    r"collections?\s+accounts?)\b"
    r"|\b(?:\d+|an?|a\s+few|several|multiple|two|three|four|five)\s+(?:collections?|"
    rf"charge-?offs?|late\s+payments?|liens?|judgments?|repos?|repossessions?)\s+on\s+{_POSS}\s+"
    r"(?:credit(?:\s+report)?|house|home|car|record)"
)
# `re` tries every alternative of _DEBT at every position (~80 ms on 100 KB of debt
# words); RE2 scans linearly. On ASCII text the two agree exactly (both leftmost-first;
# \b, \w and \d differ only outside ASCII), once `re`'s \s (which on str also takes \v
# and \x1c-\x1f) is spelled out. Other text stays with `re`.
_DEBT_RE2 = re2.compile(_DEBT.pattern.replace(r"\s", r"[\t\n\x0b\x0c\r\x1c-\x1f ]"))


def _debt_spans(text: str) -> list[tuple[int, int]]:
    if text.isascii():
        return [m.span() for m in _DEBT_RE2.finditer(text.encode("ascii"))]
    return [m.span() for m in _DEBT.finditer(text)]


# Subjects that are institutions, not people: "the City owes $40M in pension debt".
_INSTITUTION = re.compile(
    r"(?i)^(?:city|county|state|government|department|dept|country|nation|company|"
    r"district|kcpd|police|union|league|team|club|agency|board|council)\b"
)

_DEBT_TRIGGERS = (
    "debt", "owe", "mortgage", "collection", "bankrupt", "chapter", "foreclos", "behind on",
    "late on", "garnish", "default", "delinquent", "maxed out", "lien", "charge-off",
    "charge off", "late payment", "repo", "loan", "credit card", "child support", "back taxes",
    "bills", "in the hole", "underwater", "upside down",
)

# Literal ASCII words looked up in lowercased text: RE2 finds exactly what `re` would.
_DEBT_TRIGGER = re2.compile("|".join(re2.escape(t) for t in _DEBT_TRIGGERS))


def _card_lengths(digits: str) -> tuple[int, ...]:
    """Lengths issued under a card's IIN prefix (empty when no network uses the prefix)."""
    d2, d3, d4 = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":
        return (13, 16, 19)
    if 51 <= d2 <= 55 or 2221 <= d4 <= 2720 or 2200 <= d4 <= 2204:
        return (16,)
    if d2 in (34, 37):
        return (15,)
    if 300 <= d3 <= 305 or d2 in (36, 38, 39):
        return (14, 15, 16, 17, 18, 19)
    if 3528 <= d4 <= 3589:
        return (16, 17, 18, 19)
    if digits[0] == "6" or d2 == 50 or 56 <= d2 <= 59:
        return (13, 14, 15, 16, 17, 18, 19)
    if digits[0] == "1":
        return (15,)  # UATP airline cards
    return ()


def is_card_number(digits: str) -> bool:
    """Luhn-valid, a length the IIN's network issues, and not all one digit."""
    return (
        13 <= len(digits) <= 19
        and len(digits) in _card_lengths(digits)
        and len(set(digits)) > 1
        and _luhn_valid(digits)
    )


# Luhn doubles every second digit from the right and adds the doubled value's digits.
_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def _luhn_valid(digits: str) -> bool:
    """`luhn.is_valid(digits)`, computed inline for ASCII digit strings (the library
    spends most of its time on exceptions for the nine in ten that fail)."""
    if not (digits.isascii() and digits.isdigit()):
        return luhn.is_valid(digits)
    backwards = digits[::-1]
    total = sum(map(int, backwards[::2])) + sum(map(int, backwards[1::2].translate(_LUHN_DOUBLED)))
    return total % 10 == 0


def is_routing_number(digits: str) -> bool:
    """ABA checksum plus the Federal Reserve prefix ranges (00-12, 21-32, 61-72, 80)."""
    if len(digits) != 9 or not rtn.is_valid(digits):
        return False
    prefix = int(digits[:2])
    return prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80


_BECH32_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"  # BIP 173
_BECH32M_CONST = 0x2BC830A3  # BIP 350
# The "bc" human-readable part expanded for the checksum (BIP 173).
_BC_HRP = [ord(c) >> 5 for c in "bc"] + [0] + [ord(c) & 31 for c in "bc"]


def is_bitcoin_address(address: str) -> bool:
    """Base58check and bech32 (SegWit v0) via stdnum; bech32m (Taproot, BIP 350) by the
    same stdnum checksum function compared with the BIP 350 constant, which stdnum's
    `validate` does not accept yet."""
    if bitcoin.is_valid(address):
        return True
    lowered = address.lower()
    if not lowered.startswith("bc1p") or not 14 <= len(lowered) <= 90:
        return False
    if any(c not in _BECH32_ALPHABET for c in lowered[3:]):
        return False
    data = [_BECH32_ALPHABET.index(c) for c in lowered[3:]]
    return bool(bitcoin.bech32_checksum(_BC_HRP + data) == _BECH32M_CONST)


class FinancialDetector:
    """Finds every kind of financial information the ordinance names."""

    category = Category.FINANCIAL_INFORMATION
    name = "financial"
    triggers: tuple[str, ...] = (*"0123456789", *_DEBT_TRIGGERS)

    def detect(self, text: str, limit: int | None = None) -> list[Finding]:
        """Findings in text order; with `limit`, the first `limit` of them."""
        return self._find(text)[:limit]

    def _find(self, text: str) -> list[Finding]:
        view = join_digit_lines(text)
        findings: list[Finding] = []
        findings += self._ibans(view)
        findings += self._crypto(view, findings)
        findings += self._numbers(view, findings)
        findings = outside_urls(view, findings)
        findings += self._credit_scores(view, findings)
        findings += self._debts(view, findings)
        return sorted(findings, key=lambda f: (f.start, f.end))

    # -- checksummed and context-bound numbers -------------------------------------------

    def _numbers(self, text: str, taken: list[Finding]) -> list[Finding]:
        out: list[Finding] = []
        cues = _Cues(text)  # indexes each cue family on first use only
        examined = 0
        for island in _DIGIT_ISLAND.finditer(text):
            lo, hi = island.span()
            if hi - lo < _MIN_NUMBER_DIGITS:
                continue  # fewer characters than the digits any number we classify needs
            raw = island.group()
            if len(raw) - raw.count(" ") - raw.count("-") < _MIN_NUMBER_DIGITS:
                continue  # times, prices, scores: too few digits for any number we classify
            # The island is digit runs joined by single spaces or dashes, so its groups are
            # the pieces between separators (what `_GROUP.finditer` over the island finds).
            sizes = [len(part) for part in raw.replace("-", " ").split(" ")]
            seps = [c for c in raw if c == " " or c == "-"]  # seps[k] follows group k
            if not _island_may_classify(sizes, seps, lo, cues):
                continue  # no group starts a number of a length `_classify` accepts
            examined += len(sizes)
            if examined > MAX_NUMBER_CANDIDATES:
                break  # a dump of numbers: its first candidates decide (README, Performance)
            groups = []
            pos = lo
            for size in sizes:
                groups.append((pos, pos + size))
                pos += size + 1
            i = 0
            while i < len(groups):
                found = self._number_at(text, groups, seps, i, taken, cues)
                if found is None:
                    i += 1
                    continue
                out.append(found)
                while i < len(groups) and groups[i][0] < found.end:
                    i += 1
        return out

    def _number_at(self, text: str, groups: list[tuple[int, int]], seps: list[str], i: int,
                   taken: list[Finding], cues: _Cues) -> Finding | None:
        """The longest card/routing/account/loan number starting at group `i`."""
        start = groups[i][0]
        if _overlaps(taken, start, groups[i][1]):
            return None
        if groups[i][1] - start < 3 and i + 1 < len(groups):
            return None  # "12 34 56 ...": no card, routing or account number starts like that
        if not _may_classify(groups, seps, i, cues):
            return None
        labelled_other = _LazyFlag(
            lambda: _OTHER_NUMBER.search(text, max(0, start - 28), start) is not None
        )
        candidates: list[tuple[int, str, str, bool]] = []  # (end, digits, separator, whole)
        digits = ""
        for j in range(i, min(len(groups), i + 5)):
            digits += text[groups[j][0]:groups[j][1]]
            if len(digits) > 19:
                break
            seps = {text[groups[k][1]] for k in range(i, j)}
            if len(seps) > 1:
                break
            whole = i == 0 and j == len(groups) - 1
            candidates.append((groups[j][1], digits, seps.pop() if seps else "", whole))
        for end, digits, sep, whole in reversed(candidates):
            n = len(digits)
            if not (n == 9 or 13 <= n <= 19 or (whole and 6 <= n <= 17)):
                continue  # a length `_classify` rejects before looking at the digits
            finding = self._classify(text, start, end, digits, sep, whole, labelled_other, cues)
            if finding is not None:
                return finding
        return None

    def _classify(self, text: str, start: int, end: int, digits: str, sep: str, whole: bool,
                  labelled_other: _LazyFlag, cues: _Cues) -> Finding | None:
        """What the digits are, if anything. Account and loan numbers carry no checksum,
        so they must be the whole run of digits (not a piece of a phone number or a date)."""
        cat = Category.FINANCIAL_INFORMATION
        n = len(digits)
        # A Discord snowflake or other long id is one unbroken run of 17+ digits.
        if 13 <= n <= 19 and (sep or n <= 16) and is_card_number(digits):
            context = CARD_CONTEXT.near(text, start, end)
            if not context and labelled_other.value:
                return None
            base = 0.7 if sep else 0.55
            return Finding(cat, start, end, digits, round(boost(base, context), 2), "card")
        if n == 9 and is_routing_number(digits):
            context = cues.routing_near(start)
            aba_format = sep == "-" and _group_sizes(text[start:end]) == (4, 4, 1)
            if context or aba_format:
                conf = boost(0.6, context) if aba_format else boost(0.5, context)
                return Finding(cat, start, end, digits, round(conf, 2), "aba_routing")
        if not (whole and 6 <= n <= 17):
            return None
        cued = cues.loan_or_account(start)
        if cued and not _phone_grouped(text[start:end]) and not labelled_other.value:
            if cues.loan_near(start) and _number_word_near(text, start):
                return Finding(cat, start, end, digits, 0.8, "loan_account")
            if cues.account_near(start) and _account_shaped(digits):
                return Finding(cat, start, end, digits, 0.8, "bank_account")
        return None

    # -- IBANs and wallets ------------------------------------------------------------------

    def _ibans(self, text: str) -> list[Finding]:
        out: list[Finding] = []
        gate = _IBAN_GATE.search(text)
        if gate is None:
            return out
        pos = gate.start()  # no candidate starts before the first gate match
        while True:
            m = _IBAN_CANDIDATE.search(text, pos)
            if m is None:
                return out
            found = self._longest_iban(text, m.start(), m.end())
            if found is None:
                pos = m.start() + 1
                continue
            out.append(found)
            pos = found.end

    def _longest_iban(self, text: str, start: int, end: int) -> Finding | None:
        """The IBAN starting at `start`: exactly as long as its country's layout says.

        The candidate may run into the following word ("... 8741 ALL CAPS"), so we walk
        to the country's length in alphanumerics and validate that prefix only.
        """
        length = _iban_length(text[start:start + 2].upper())
        if length is None:
            return None
        count, stop = 0, start
        while stop < end and count < length:
            if text[stop].isalnum():
                count += 1
            stop += 1
        if count < length or (stop < len(text) and text[stop].isalnum()):
            return None  # too short, or it stops in the middle of a word
        raw = text[start:stop]
        compact = re.sub(r"[ -]", "", raw)
        letters = [c for c in compact[4:] if c.isalpha()]
        if letters and not (all(c.isupper() for c in letters)
                            or all(c.islower() for c in letters)):
            return None  # "LV80 bANK ...": mixed case is prose, not a typed IBAN
        seps = {c for c in raw if c in " -"}
        if len(seps) > 1 or (seps and not _iban_grouped(raw)):
            return None
        compact = compact.upper()
        # Mod-97 and the country's BBAN layout; the national check digits some countries
        # add are left out, as Presidio does (mod-97 already catches typos).
        if not iban.is_valid(compact, check_country=False):
            return None
        context = IBAN_CONTEXT.near(text, start, stop)
        conf = round(boost(0.75, context), 2)
        return Finding(Category.FINANCIAL_INFORMATION, start, stop, compact, conf, "iban")

    def _crypto(self, text: str, taken: list[Finding]) -> list[Finding]:
        out: list[Finding] = []
        gate = _CRYPTO_GATE.search(text)
        if gate is None:
            return out
        for m in _CRYPTO_CANDIDATE.finditer(text, gate.start()):
            if _overlaps(taken, *m.span()) or not is_bitcoin_address(m.group()):
                continue
            context = CRYPTO_CONTEXT.near(text, *m.span())
            value = m.group().lower() if m.group()[:3].lower() == "bc1" else m.group()
            out.append(Finding(Category.FINANCIAL_INFORMATION, m.start(), m.end(), value,
                               round(boost(0.7, context), 2), "crypto_wallet"))
        return out

    # -- credit scores and debts ------------------------------------------------------------

    def _credit_scores(self, text: str, taken: list[Finding]) -> list[Finding]:
        out: list[Finding] = []
        folded = _fold(text)
        if not any(word in folded for word in ("credit", "fico", "vantage")):
            return out
        if _SCORE_CUE.search(text) is None:
            return out
        for m in _CREDIT_SCORE.finditer(text):
            value = m.group("a") or m.group("b") or m.group("c") or m.group("d")
            if not 300 <= int(value) <= 850 or _overlaps(taken, *m.span()):
                continue
            out.append(Finding(Category.FINANCIAL_INFORMATION, m.start(), m.end(), value,
                               0.75, "credit_score"))
        return out

    def _debts(self, text: str, taken: list[Finding]) -> list[Finding]:
        if _DEBT_TRIGGER.search(text.lower()) is None:
            return []
        out: list[Finding] = []
        for start, end in _debt_spans(text):
            phrase = text[start:end]
            if _overlaps(taken, start, end) or _INSTITUTION.match(phrase):
                continue
            if _sentence_subject_is_institution(text, start):
                continue
            value = " ".join(phrase.lower().split())
            if _petty(value):
                continue  # "he owes me $20 for pizza" is not a credit history
            out.append(Finding(Category.FINANCIAL_INFORMATION, start, end, value, 0.7, "debt"))
        return out


def _fold(text: str) -> str:
    """Lowercase, with the non-ASCII letters `re.IGNORECASE` lets stand for ASCII ones
    ('ſ', 'ı', 'İ') folded too: a word absent here cannot match case-insensitively."""
    folded = text.lower()
    if not text.isascii():
        folded = folded.replace("\u0307", "").replace("ſ", "s").replace("ı", "i")
    return folded


def _may_classify(groups: list[tuple[int, int]], seps: list[str], i: int, cues: _Cues) -> bool:
    """Whether any candidate `_number_at` builds from group `i` has a length `_classify`
    accepts: 9 (routing), 13-19 (card), or the whole island at 6-17 with an account or
    loan cue before it (bank and loan account numbers). A candidate spans groups joined
    by one kind of separator only ("816-555-0142 913-..." never joins into a card)."""
    last = min(len(groups), i + 5)
    n = 0
    for k in range(i, last):
        if k > i and seps[k - 1] != seps[i]:
            return False
        a, b = groups[k]
        n += b - a
        if n == 9 or 13 <= n <= 19:
            return True
        if n > 19:
            return False
    if i != 0 or last != len(groups) or not 6 <= n <= 17:
        return False
    start = groups[0][0]
    return cues.loan_or_account(start)


def _island_may_classify(sizes: list[int], seps: list[str], start: int, cues: _Cues) -> bool:
    """Whether `_number_at` can find anything in an island whose groups have these
    sizes and separators: some group passes its two length checks (the short-group rule
    and `_may_classify`), computed on sizes alone so most islands build no groups."""
    count = len(sizes)
    if count == 1:
        n = sizes[0]
        if n == 9 or 13 <= n <= 19:
            return True
        return 6 <= n <= 17 and cues.loan_or_account(start)
    for i in range(count):
        if sizes[i] < 3 and i + 1 < count:
            continue
        n = 0
        for k in range(i, min(count, i + 5)):
            if k > i and seps[k - 1] != seps[i]:
                break
            n += sizes[k]
            if n == 9 or 13 <= n <= 19:
                return True
            if n > 19:
                break
    # The whole island as one account or loan number (only from its first group).
    if sizes[0] < 3 or count > 5 or len(set(seps)) > 1:
        return False
    return 6 <= sum(sizes) <= 17 and cues.loan_or_account(start)


class _LazyFlag:
    """A boolean computed on first use (most candidates never need it)."""

    def __init__(self, compute: Callable[[], bool]) -> None:
        self._compute = compute

    @functools.cached_property
    def value(self) -> bool:
        return self._compute()


class _Cues:
    """Routing, loan and account cue words of one text, each family indexed on first use
    (most texts with long digit runs never ask about any of them)."""

    def __init__(self, text: str) -> None:
        self._text = text

    @functools.cached_property
    def _lowered(self) -> str:
        return self._text.lower()

    def _index(self, words: ContextWords) -> ContextIndex | None:
        """`words.index(text)`, or None when no cue's first word occurs in the lowered
        text (what `ContextWords` matches on), so no cue is near anything: that scan
        is the costly part of indexing."""
        if _cue_stems(words).search(self._lowered) is None:
            return None
        return words.index(self._text)

    @functools.cached_property
    def routing(self) -> ContextIndex | None:
        return self._index(ROUTING_CONTEXT)

    @functools.cached_property
    def loan(self) -> ContextIndex | None:
        return self._index(LOAN_CONTEXT)

    @functools.cached_property
    def account(self) -> ContextIndex | None:
        return self._index(ACCOUNT_CONTEXT)

    def routing_near(self, pos: int) -> bool:
        return self.routing is not None and self.routing.near(pos, pos)

    def loan_near(self, pos: int) -> bool:
        return self.loan is not None and self.loan.near(pos, pos)

    def account_near(self, pos: int) -> bool:
        return self.account is not None and self.account.near(pos, pos)

    def loan_or_account(self, pos: int) -> bool:
        return self.loan_near(pos) or self.account_near(pos)


@functools.cache
def _cue_stems(words: ContextWords) -> re2._Regexp:
    """The first word of every cue as literals: every cue match contains one verbatim
    (later words of a phrase may be joined by other separators)."""
    stems = sorted({w.split()[0] for w in words.words})
    return re2.compile("|".join(re2.escape(stem) for stem in stems))


def _overlaps(findings: list[Finding], start: int, end: int) -> bool:
    return any(f.start < end and start < f.end for f in findings)


_IBAN_DB = numdb.get("iban")
_BBAN_PART = re.compile(r"(\d+)!?[nac]")


@functools.cache
def _iban_length(country: str) -> int | None:
    """Total IBAN length for a country code, from stdnum's IBAN registry (None: no IBAN)."""
    if not country.isalpha():
        return None
    props = _IBAN_DB.info(country)[0][1]
    if "bban" not in props:
        return None
    return 4 + sum(int(n) for n in _BBAN_PART.findall(props["bban"]))


def _group_sizes(raw: str) -> tuple[int, ...]:
    return tuple(len(g) for g in re.findall(r"\d+", raw))


def _phone_grouped(raw: str) -> bool:
    """816-555-0142 / 816 555 0142: written as a phone number, so the phone detector's."""
    return _group_sizes(raw) in ((3, 3, 4), (1, 3, 3, 4))


def _iban_grouped(raw: str) -> bool:
    """Spaced IBANs are written in groups of four, the last one shorter."""
    sizes = [len(g) for g in re.split(r"[ -]", raw)]
    return all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4


def _account_shaped(digits: str) -> bool:
    """Not all one digit and not a run like 123456 (placeholders people type)."""
    if len(set(digits)) == 1:
        return False
    return digits not in "01234567890123456789" and digits not in "98765432109876543210"


_NUMBER_WORD = re.compile(
    r"(?i)(?:number|num|no\.?|#|account|acct|id|:)\s*[:#]?\s*(?:(?:is|was|=)\s*[:#]?\s*)?$"
)


def _number_word_near(text: str, start: int) -> bool:
    """"loan number 123456", "mortgage acct: 123456", "HELOC # is 123456"."""
    return _NUMBER_WORD.search(text, max(0, start - 20), start) is not None


def _sentence_subject_is_institution(text: str, start: int) -> bool:
    """True when the clause before the match starts with "the city/county/..."."""
    head = text[max(0, start - 40):start]
    clause = re.split(r"[.!?\n]", head)[-1].strip().lower()
    clause = clause.removeprefix("the ").strip()
    return bool(_INSTITUTION.match(clause))


_AMOUNT_VALUE = re.compile(rf"\$\s?({_NUM})\s?(k|m|grand|thousand|million)?")


def _petty(phrase: str) -> bool:
    """An amount under $1,000 owed with no debt word: a friend's IOU, not finances."""
    m = _AMOUNT_VALUE.search(phrase)
    if m is None or m.group(2) or "debt" in phrase or "loan" in phrase:
        return False
    try:
        return float(m.group(1).replace(",", "")) < 1000
    except ValueError:
        return False
