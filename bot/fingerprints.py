"""Protected values: keyed digests of servants' private details, matched in any message.

A city's privacy office can give the bot the values of the people who asked to be
protected (home address, personal phone and email, date of birth, SSN, account
numbers) without handing a chat bot a plaintext list: `doxguard fingerprint`
normalizes each value the way the detectors do and writes only HMAC-SHA256 digests
under a key held in an environment variable (`detection.fingerprint_key_env`). A
phone number has ten billion possible values, so an unkeyed hash would be reversed
by hashing them all; with the key kept outside the file, the file reveals nothing.

At scan time the bot cuts candidates out of a message by shape (digit runs, house
number + street words, emails, dates), normalizes them the same way and looks their
digests up. A message with no digit and no `@` costs one regex search; the rest
costs a few HMACs per candidate. A match hides the message as about that servant
whether or not anyone is named ("4418 Holly, everyone pull up at 9").
"""

from __future__ import annotations

import csv
import functools
import hashlib
import hmac
import io
import os
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import phonenumbers

from bot.config import Config, ConfigError, DetectionSettings, secret
from bot.masking import mask
from bot.models import (
    Action,
    Category,
    Explanation,
    ReportedFinding,
    Subject,
    Verdict,
)
from bot.normalize import NormalizedText, normalize
from bot.registry import Registry
from bot.signals import intent_signals

FORMAT_VERSION = 2  # 2: street anchors hold two characters of the name (1: one)
_CHECK_LABEL = b"doxguard fingerprint check v1"
MIN_KEY_CHARS = 16
MAX_CANDIDATES = 2_000  # a dump of numbers is hashed only this far (bounded time)

# The categories a protected value may have, and the digest "kind" each normalizes to.
# SSNs and account numbers share "digits": a chat cannot tell them apart by shape.
_KINDS: dict[Category, str] = {
    Category.PHONE_NUMBER: "phone",
    Category.EMAIL_ADDRESS: "email",
    Category.HOME_ADDRESS: "address",
    Category.BIRTH_DATE: "date",
    Category.SOCIAL_SECURITY_NUMBER: "digits",
    Category.FINANCIAL_INFORMATION: "digits",
}
_ACCEPTED = ", ".join(c.value for c in _KINDS)


def _digest(key: bytes, kind: str, value: str) -> str:
    return hmac.digest(key, f"{kind}\x1f{value}".encode(), "sha256").hex()


# Anchors: short parts of the values (a house number, the last four digits of a phone,
# SSN or account, a birth year), also written as keyed digests. The bot recovers which
# ones are protected at start by digesting every possible anchor (about 17,000 HMACs),
# so a message is cut into candidates only when one of its numbers is an anchor: the
# cost of a protected-values file on clean traffic is a set lookup per number.
_INITIALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ANCHOR_DOMAINS = {
    # a house number's last two digits and its street name's first two characters:
    # "18HO" (one character in 260 chat numbers-then-words, where one alone was one in 7)
    "street": lambda: (
        f"{n:02d}{a}{b}" for n in range(100) for a in _INITIALS for b in ("", *_INITIALS)
    ),
    "last4": lambda: (f"{n:04d}" for n in range(10_000)),
    # a birth date's year (last two digits) and day of the month: "75:3"
    "yearday": lambda: (f"{y:02d}:{d}" for y in range(100) for d in range(1, 32)),
}


def _anchors(category: Category, form: str) -> Iterator[tuple[str, str]]:
    kind = _KINDS[category]
    if kind in ("phone", "digits"):
        yield "last4", re.sub(r"\D", "", form)[-4:]
    elif kind == "address":
        number, _, rest = form.partition(" ")
        head = _street_head(rest.split())
        digits = re.sub(r"\D", "", number)
        if digits and head:
            yield "street", digits[-2:].zfill(2) + head
    elif kind == "date":
        yield "yearday", f"{form[2:4]}:{int(form[8:10])}"


def _street_head(words: list[str]) -> str:
    """The street name's first two letters or digits, past a leading direction
    ("N HOLLY" -> "HO", "O'NEIL" -> "O"); `_HOUSE_HEAD` reads the same out of chat."""
    from bot.detectors.address import DIRECTIONS

    if words and words[0] in DIRECTIONS and len(words) > 1:
        words = words[1:]
    head = _HEAD.match(words[0]) if words else None
    return head.group() if head else ""


def check_digest(key: bytes) -> str:
    """The digest stored in the file to tell, at start, whether the key is the same."""
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------
# normalization of one operator-given value into the forms that may appear in chat


def _address_parts(value: str) -> dict[str, list[str]] | None:
    from bot.detectors.address import _parse, _standard

    parts = _parse(" ".join(value.split()))
    if parts is None:
        return None
    return {label: [_standard(label, t) for t in toks] for label, toks in parts.items()}


def _street_forms(parts: dict[str, list[str]]) -> set[str]:
    """Number + street, with and without its directions and type ("4418 HOLLY" too)."""
    number = " ".join(
        parts.get("AddressNumberPrefix", [])
        + parts.get("AddressNumber", [])
        + parts.get("AddressNumberSuffix", [])
    )
    name = " ".join(
        parts.get("StreetNamePreModifier", [])
        + parts.get("StreetNamePreType", [])
        + parts.get("StreetName", [])
    )
    pre = " ".join(parts.get("StreetNamePreDirectional", []))
    typ = " ".join(parts.get("StreetNamePostType", []))
    post = " ".join(parts.get("StreetNamePostDirectional", []))
    forms = set()
    for use_pre, use_typ, use_post in product((True, False), repeat=3):
        words = [number, pre if use_pre else "", name, typ if use_typ else ""]
        words.append(post if use_post else "")
        forms.add(" ".join(w for w in words if w))
    return forms


def _address_forms(value: str) -> set[str] | None:
    from bot.detectors.address import _render

    parts = _address_parts(value)
    if parts is None:
        return None
    forms = _street_forms(parts)
    raw = _address_parts_raw(value)
    if raw is not None:
        forms.add(_render(raw))  # the full address, as the address detector renders it
        without_unit = {k: v for k, v in raw.items() if not k.startswith(("Occupancy", "Sub"))}
        forms.add(_render(without_unit))
    return forms


def _address_parts_raw(value: str) -> dict[str, list[str]] | None:
    from bot.detectors.address import _parse

    return _parse(" ".join(value.split()))


def _date_form(value: str) -> str | None:
    from bot.detectors.dates import find_dates

    text = value.strip()
    found = [d for d in find_dates(text) if d.kind == "ymd"]
    if len(found) != 1 or found[0].end - found[0].start < len(text) - 1:
        return None
    return found[0].value


def normalized_forms(category: Category, value: str, region: str = "US") -> set[str] | None:
    """Every normalized form of `value` to fingerprint, or None when it cannot be read."""
    if category is Category.PHONE_NUMBER:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_possible_number(number):
            return None
        return {phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)}
    if category is Category.EMAIL_ADDRESS:
        email = value.strip().lower()
        return {email} if _EMAIL_FULL.fullmatch(email) else None
    if category is Category.HOME_ADDRESS:
        return _address_forms(value)
    if category is Category.BIRTH_DATE:
        iso = _date_form(value)
        return {iso} if iso else None
    digits = re.sub(r"[\s().\-/]", "", value)
    if not digits.isdigit() or not digits.isascii():
        return None
    if category is Category.SOCIAL_SECURITY_NUMBER and len(digits) != 9:
        return None
    if not 6 <= len(digits) <= 19:
        return None
    return {digits}


# --------------------------------------------------------------------------
# the file


@dataclass(frozen=True, slots=True)
class ProtectedValue:
    servant: str
    category: Category


@dataclass(frozen=True, slots=True)
class ProtectedMatch:
    """A candidate in the normalized text whose digest is a protected value."""

    servant: str
    category: Category
    start: int
    end: int


def _refuse(file: str | Path, line: int, problem: str) -> ConfigError:
    return ConfigError(file, "", problem, line)


def read_private_csv(
    path: str | Path, servants: Iterable[str], region: str = "US"
) -> list[tuple[str, Category, set[str]]]:
    """Rows of (servant, category, normalized forms); refuses a bad row naming its line.

    The error never repeats the value: the operator has the file, a log does not need it.
    """
    known = set(servants)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(path, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "", f"cannot read: {exc.__class__.__name__}") from None
    rows: list[tuple[str, Category, set[str]]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        for record in reader:
            line = reader.line_num
            if not record or not "".join(record).strip() or record[0].lstrip().startswith("#"):
                continue
            if len(record) != 3:
                raise _refuse(path, line, "expected 3 columns: servant, category, value")
            servant, category, value = (c.strip() for c in record)
            if not rows and (servant.lower(), category.lower()) == ("servant", "category"):
                continue  # a header row
            if servant not in known:
                raise _refuse(path, line, f"'{servant}' is not a servant in the registry")
            try:
                cat = Category(category)
            except ValueError:
                raise _refuse(
                    path, line, f"unknown category '{category}' (one of: {_ACCEPTED})"
                ) from None
            if cat not in _KINDS:
                raise _refuse(
                    path,
                    line,
                    f"category '{category}' cannot be fingerprinted (one of: {_ACCEPTED})",
                )
            forms = normalized_forms(cat, value, region) if value else None
            if not forms:
                what = cat.title.lower()
                raise _refuse(
                    path,
                    line,
                    f"the value cannot be read as a {what} (not repeated "
                    "here); fix or remove the row",
                )
            rows.append((servant, cat, forms))
    except csv.Error as exc:
        raise _refuse(path, reader.line_num, f"not valid CSV ({exc})") from None
    if not rows:
        raise ConfigError(path, "", "no rows: expected lines of servant, category, value")
    return rows


def fingerprint_key(env: str) -> bytes:
    """The key from `$env`; refuses a missing or short one (its name only, never its value)."""
    value = secret(env)
    if value is None:
        raise ConfigError(
            "",
            "detection.fingerprint_key_env",
            f"no key in ${env}: set it to a long random secret (the same the bot runs with)",
        )
    if len(value) < MIN_KEY_CHARS:
        raise ConfigError(
            "",
            "detection.fingerprint_key_env",
            f"the key in ${env} is too short: use at least {MIN_KEY_CHARS} random characters",
        )
    return value.encode()


def render_file(rows: list[tuple[str, Category, set[str]]], key: bytes, key_env: str) -> str:
    """fingerprints.toml text: the check digest, then digests per servant and category."""
    import json

    grouped: dict[tuple[str, Category], set[str]] = {}
    anchors: dict[str, set[str]] = {}
    for servant, cat, forms in rows:
        kind = _KINDS[cat]
        grouped.setdefault((servant, cat), set()).update(_digest(key, kind, f) for f in forms)
        for form in forms:
            for tag, part in _anchors(cat, form):
                anchors.setdefault(tag, set()).add(_digest(key, "anchor", f"{tag}:{part}"))
    lines = [
        "# doxguard protected values, written by `doxguard fingerprint`.",
        "# Only keyed digests (HMAC-SHA256): no value can be read back without the key.",
        f"version = {FORMAT_VERSION}",
        f"key_env = {json.dumps(key_env)}",
        f'check = "{check_digest(key)}"',
    ]
    for tag in sorted(anchors):
        lines += [f"{tag}_anchors = [", *(f'  "{d}",' for d in sorted(anchors[tag])), "]"]
    for (servant, cat), digests in sorted(grouped.items(), key=lambda i: (i[0][0], i[0][1])):
        lines += [
            "",
            "[[values]]",
            f"servant = {json.dumps(servant, ensure_ascii=False)}",
            f'category = "{cat.value}"',
            "digests = [",
            *(f'  "{d}",' for d in sorted(digests)),
            "]",
        ]
    return "\n".join(lines) + "\n"


class Fingerprints:
    """The digests of one fingerprints file, under the key that wrote it."""

    def __init__(
        self,
        key: bytes,
        table: dict[str, tuple[ProtectedValue, ...]],
        region: str,
        anchors: dict[str, set[str]] | None = None,
    ):
        self._key = key
        self._table = table
        found = _recover_anchors(key, anchors or {})
        self._streets: dict[str, set[str]] = {}  # house number's last two digits -> heads
        for anchor in found.get("street", ()):
            self._streets.setdefault(anchor[:2], set()).add(anchor[2:])
        self._last4 = found.get("last4", set())
        self._yeardays = found.get("yearday", set())
        self._years = {yearday.partition(":")[0] for yearday in self._yeardays}
        heads = sorted({h for hs in self._streets.values() for h in hs}, key=len, reverse=True)
        # a digit, then a protected street head: one C-level search rejects most messages
        # with numbers before `_HOUSE_HEAD` reads them (a superset of what it accepts)
        self._street_gate = re.compile(
            rf"\d[A-Za-z]?\s+(?:{_DIRECTIONS}[.,]*\s+)?[.,]*(?:{'|'.join(heads)})", re.I
        ) if heads else None
        self._kinds = {kind for values in table.values() for kind in values_kinds(values)}
        self._cc = str(phonenumbers.country_code_for_region(region.upper()) or 1)
        self.settings = DetectionSettings()  # per-category actions (load_for sets the config's)

    def __len__(self) -> int:
        return len(self._table)

    @classmethod
    def load(cls, path: str | Path, key_env: str, region: str = "US") -> Fingerprints:
        """Read the file; a key that differs from the one that wrote it stops the bot here."""
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(p, "detection.fingerprints_file", "file not found") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(
                p, "", f"not a fingerprints file ({exc.__class__.__name__})"
            ) from None
        if data.get("version") == 1:
            raise ConfigError(
                p, "", "written by an older doxguard (version 1): run `doxguard fingerprint` "
                "again on the CSV to write version 2"
            )
        if data.get("version") != FORMAT_VERSION or not isinstance(data.get("check"), str):
            raise ConfigError(p, "", "not a fingerprints file of this doxguard (version, check)")
        try:
            key = fingerprint_key(key_env)
        except ConfigError as exc:
            raise ConfigError(p, exc.key, exc.problem) from None
        if not hmac.compare_digest(check_digest(key), data["check"]):
            raise ConfigError(
                p,
                "detection.fingerprint_key_env",
                f"the key in ${key_env} is not the key this file was written with: set the "
                "right key, or run `doxguard fingerprint` again with this one",
            )
        table: dict[str, list[ProtectedValue]] = {}
        for i, entry in enumerate(data.get("values", [])):
            try:
                value = ProtectedValue(str(entry["servant"]), Category(entry["category"]))
                digests = [str(d) for d in entry["digests"]]
            except (KeyError, TypeError, ValueError):
                raise ConfigError(p, f"values[{i}]", "needs servant, category, digests") from None
            for d in digests:
                table.setdefault(d, []).append(value)
        anchors = {tag: {str(d) for d in data.get(f"{tag}_anchors", ())} for tag in _ANCHOR_DOMAINS}
        return cls(key, {d: tuple(v) for d, v in table.items()}, region, anchors)

    # -- scanning --------------------------------------------------------------
    def find(self, text: str, gated: bool = True) -> list[ProtectedMatch]:
        """Protected values in normalized `text`, longest span first where they overlap.

        `gated=False` hashes every candidate, anchored or not: slow, and the reference
        the tests hold the anchors and shape gates to (the same matches either way).
        """
        if not self._table or _GATE.search(text) is None:
            return []  # no digit and no "@": nothing protected can be here (the clean path)
        found: list[ProtectedMatch] = []
        budget = [MAX_CANDIDATES]
        for kind, start, end, value in self._candidates(text, budget, gated):
            for pv in self._table.get(_digest(self._key, kind, value), ()):
                if _KINDS[pv.category] == kind:
                    found.append(ProtectedMatch(pv.servant, pv.category, start, end))
        found.sort(key=lambda m: (m.start, -m.end))
        kept: list[ProtectedMatch] = []
        for m in found:  # drop a shorter match inside a longer one of the same servant
            if any(k.servant == m.servant and k.start <= m.start and m.end <= k.end for k in kept):
                continue
            kept.append(m)
        return kept

    def _candidates(
        self, text: str, budget: list[int], gated: bool = True
    ) -> Iterator[tuple[str, int, int, str]]:
        """Candidates cut out of `text` by shape, only where an anchor is protected (a few
        C-level regex passes and set lookups per message); `gated=False` cuts every one
        (the reference the tests hold the gate to)."""

        def spend() -> bool:
            budget[0] -= 1
            return budget[0] >= 0

        if "@" in text and "email" in self._kinds:
            for m in _EMAIL.finditer(text):
                if spend():
                    yield "email", m.start(), m.end(), m.group().lower().rstrip(".")
        runs = _GROUP.findall(text)
        if not runs:
            return
        if self._last4 and (not gated or not self._last4.isdisjoint([r[-4:] for r in runs])):
            yield from self._numbers(text, spend, gated)
        if self._street_gate and (
            not gated
            or (self._street_gate.search(text) is not None and self._street_anchored(text))
        ):
            for m in _HOUSE.finditer(text):
                if gated and not self._street_anchored(text, m.start(1)):
                    continue
                for start, end, form in _street_candidates(text, m):
                    if spend():
                        yield "address", start, end, form
        if self._yeardays and (not gated or self._date_anchored(text, runs)):
            from bot.detectors.dates import find_dates

            for d in find_dates(text):
                if d.kind == "ymd" and spend():
                    yield "date", d.start, d.end, d.value

    def _street_anchored(self, text: str, at: int | None = None) -> bool:
        """A house number (the one at `at`, or any) whose last two digits and street head
        ("18" + "HO") are a protected anchor: one findall, then dict lookups."""
        if at is None:
            pairs = _HOUSE_HEAD.findall(text)
        else:
            found = _HOUSE_HEAD.match(text, at)
            pairs = [found.groups()] if found else []
        streets = self._streets
        return any(head.upper() in streets.get(last2.zfill(2), ()) for last2, head in pairs)

    def _date_anchored(self, text: str, runs: list[str]) -> bool:
        """A protected birth year written within a date's reach of a protected day."""
        if not {r[-2:] for r in runs if len(r) in (2, 4)} & self._years:
            return False  # the common case: no protected year at all
        groups = [(m.start(), m.group()) for m in _GROUP.finditer(text)]
        years = [(p, r[-2:]) for p, r in groups if len(r) in (2, 4) and r[-2:] in self._years]
        days = [(p, str(int(r))) for p, r in groups if len(r) <= 2 and 1 <= int(r) <= 31]
        return any(
            abs(yp - dp) <= _DATE_REACH and f"{y}:{d}" in self._yeardays
            for yp, y in years
            for dp, d in days
        )

    def _numbers(self, text: str, spend, gated: bool = True) -> Iterator[tuple[str, int, int, str]]:
        """Digit runs ("(816) 555-0147", "123 45 6789"): each run of groups, as digits and
        as a phone number; seven digits also with an area code written nearby."""
        cc = self._cc
        threes = [(m.start(), m.group()) for m in _THREE.finditer(text)]
        for run in _RUN.finditer(text):
            groups = [(g.start(), g.end()) for g in _GROUP.finditer(text, run.start(), run.end())]
            groups = groups[:8]
            plus = text[run.start()] == "+"
            for i in range(len(groups)):
                digits = ""
                for j in range(i, len(groups)):
                    digits += text[groups[j][0] : groups[j][1]]
                    if len(digits) > 19:
                        break
                    if len(digits) < 6 or (gated and digits[-4:] not in self._last4):
                        continue
                    start, end = groups[i][0], groups[j][1]
                    if not spend():
                        return
                    yield "digits", start, end, digits
                    if 7 <= len(digits) <= 15:
                        if plus and i == 0:
                            yield "phone", start - 1, end, "+" + digits
                        yield "phone", start, end, f"+{cc}{digits}"
                        if digits.startswith(cc):
                            yield "phone", start, end, "+" + digits
                        if digits.startswith("0"):
                            yield "phone", start, end, f"+{cc}{digits[1:]}"
                    if len(digits) == 7:
                        for pos, area in threes:
                            if abs(pos - start) <= 48 and not start <= pos < end:
                                if spend():
                                    yield "phone", start, end, f"+{cc}{area}{digits}"


def _recover_anchors(key: bytes, digests: dict[str, set[str]]) -> dict[str, set[str]]:
    """Which anchors are protected, by digesting each possible one (in memory only)."""
    found: dict[str, set[str]] = {}
    for tag, wanted in digests.items():
        if wanted:
            found[tag] = set(_recover(key, tag, frozenset(wanted)))
    return found


@functools.lru_cache(maxsize=16)
def _recover(key: bytes, tag: str, wanted: frozenset[str]) -> frozenset[str]:
    """Cached: a `reload` of the same file (or another pipeline on it) costs nothing."""
    prefix = f"anchor\x1f{tag}:".encode()
    return frozenset(
        part
        for part in _ANCHOR_DOMAINS[tag]()
        if hmac.digest(key, prefix + part.encode(), "sha256").hex() in wanted
    )


def values_kinds(values: Iterable[ProtectedValue]) -> Iterator[str]:
    for v in values:
        yield _KINDS[v.category]


def _street_candidates(text: str, m: re.Match[str]) -> Iterator[tuple[int, int, str]]:
    """Number + 1-3 street words as written (+ a type word after them), USPS-spelled."""
    from bot.detectors.address import DIRECTIONS, STREET_TYPES

    number = m.group(1).upper()
    words = [
        (w.start(), w.end(), w.group().upper().rstrip("."))
        for w in _WORD.finditer(text, m.end(1), min(len(text), m.end(1) + 60))
    ]
    words = _contiguous(text, m.end(1), words)
    if not words:
        return
    std = [DIRECTIONS.get(w) if i == 0 else None for i, (_, _, w) in enumerate(words)]
    first = 1 if std[0] else 0
    head = [number] + ([std[0]] if std[0] else [])
    for n in range(1, 4):
        if first + n > len(words):
            break
        form = head + [w for _, _, w in words[first : first + n]]
        end = words[first + n - 1][1]
        typ = STREET_TYPES.get(words[first + n][2]) if first + n < len(words) else None
        if not typ:  # "4418 Holly, ..." ; never "4418 Holly" out of "4418 Holly Ave"
            yield m.start(1), end, " ".join(form)
            continue
        yield m.start(1), words[first + n][1], " ".join([*form, typ])
        if first + n + 1 < len(words):
            post = DIRECTIONS.get(words[first + n + 1][2])
            if post:
                yield m.start(1), words[first + n + 1][1], " ".join([*form, typ, post])


def _contiguous(
    text: str, pos: int, words: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """The words right after `pos` separated by blanks only (a comma ends the street)."""
    out = []
    for start, end, word in words[:5]:
        if text[pos:start].strip():
            break
        out.append((start, end, word))
        pos = end
    return out


_GATE = re.compile(r"[0-9@]")
# what the normalizer can turn into digits or an email (bot/normalize.py: spelled digits,
# "name at example dot org"); ASCII text without any of it cannot hold a protected value
# what the normalizer turns into digits or an email (bot/normalize.py): spelled digits,
# "name at example dot org", "name [at] example.org"
_DIGIT_OR_AT = re.compile(r"[0-9@]")
_DIGIT_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "oh",
)
_SPELLED = r"\b(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine)\b"
_SPELLED_RUN = re.compile(rf"{_SPELLED}[\s,.\-]{{1,3}}{_SPELLED}")  # two in a row
_EMAILISH = re.compile(r"\bdot\b|[\[(<{]\s*at\s*[\])>}]|\bat\s+[\w\-]+\.[a-z]{2,}")
_DIGIT = re.compile(r"[0-9]")
# characters the normalizer drops (zero-width, variation selectors) and ones it keeps but
# that never become a digit, a letter or an "@" (emoji, arrows, typographic punctuation)
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufe0e\ufe0f]")
_SYMBOLS = re.compile("[\u2010-\u2027\u2030-\u205e\u2190-\u2bff\U0001f000-\U0001faff]")


def _cannot_hold_a_value(text: str) -> bool:
    """True when no protected value can be in `text`: ASCII (once emoji and typographic
    punctuation are set aside) with no digit, "@", "dot", "[at]" or spelled digits."""
    if not text.isascii():
        text = _SYMBOLS.sub(" ", _INVISIBLE.sub("", text))
        if not text.isascii():
            return False  # another script, fullwidth forms, lookalikes: normalize first
    if _DIGIT_OR_AT.search(text):
        return False
    low = text.lower()
    if ("." in low or "dot" in low) and ("at" in low) and _EMAILISH.search(low):
        return False  # "name [at] example dot org", "name at example.org"
    return not (any(w in low for w in _DIGIT_WORDS) and _SPELLED_RUN.search(low))


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}")
_EMAIL_FULL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")
# a run of digit groups joined by phone/SSN/card separators, optionally after "+"
_RUN = re.compile(r"(?<![\w.])\+?\(?\d{1,12}(?:(?:[ .\-/]|\) ?)\(?\d{1,12}){0,11}(?!\w)")
_GROUP = re.compile(r"\d+")
_THREE = re.compile(r"(?<![\d\w])\d{3}(?![\d\w])")
_HOUSE = re.compile(r"(?<![\w\-./$#])(\d{1,6}[A-Za-z]?)(?=\s+[A-Za-z0-9])")
_DIRECTIONS = "(?:north|south|east|west|northeast|northwest|southeast|southwest|[nsew]|ne|nw|se|sw)"
# the house number's last two digits and the street's head, past a direction, as
# `_street_head` reads them (the gate before any candidate is cut)
_HOUSE_HEAD = re.compile(
    r"(?<![\w\-./$#])\d{0,4}?(\d{1,2})[A-Za-z]?\s+"
    rf"(?:{_DIRECTIONS}[.,]*\s+)?[.,]*([A-Za-z0-9]{{1,2}})",
    re.IGNORECASE,
)
_HEAD = re.compile(r"[A-Z0-9]{1,2}")
_DATE_REACH = 24  # characters from a date's day to its year, at most ("3rd of September, 1975")
_WORD = re.compile(r"[A-Za-z][A-Za-z'.]{0,30}|\d{1,3}(?:st|nd|rd|th|ST|ND|RD|TH)\b")


# --------------------------------------------------------------------------
# the pipeline hook


def load_for(config: Config) -> Fingerprints | None:
    """The configured fingerprints (`detection.fingerprints_file`), or None when unset."""
    det = config.detection
    if not det.fingerprints_file:
        return None
    loaded = Fingerprints.load(
        config.resolve(det.fingerprints_file), det.fingerprint_key_env, det.default_region
    )
    loaded.settings = det
    return loaded


_RANK = {Action.ALLOW: 0, Action.REVIEW: 1, Action.HIDE: 2}
_ORDER = {c: i for i, c in enumerate(Category)}


def protect(
    verdict: Verdict,
    text: str,
    fingerprints: Fingerprints,
    registry: Registry,
    settings: DetectionSettings | None = None,
    norm: NormalizedText | None = None,
) -> Verdict:
    """`verdict`, raised to hide (or the category's action) for each protected value in it.

    The finding carries no value (the allowlist cannot learn it) and the reason names
    the servant: "matches a protected value of Daniel Whitaker". `norm` is `text`
    normalized, when the pipeline already has it (then it is not normalized again).
    """
    settings = settings or fingerprints.settings
    if _cannot_hold_a_value(text):
        return verdict  # nothing normalization could turn into a digit or an "@"
    if norm is None:
        norm = normalize(text)
    matches = [
        m
        for m in fingerprints.find(norm.text)
        if settings.action_for(m.category) is not Action.ALLOW
    ]
    if not matches:
        return verdict
    action = verdict.action
    findings = list(verdict.findings)
    subjects = list(verdict.subjects)
    reasons = list(verdict.reasons)
    for m in matches:
        wanted = settings.action_for(m.category)
        if _RANK[wanted] > _RANK[action]:
            action = wanted
        start, end = norm.to_original(m.start, m.end)
        if not any(f.start <= start and end <= f.end for f in findings):
            masked = mask(text[start:end])
            findings.append(ReportedFinding(m.category, start, end, masked, 1.0, "protected"))
        if not any(s.servant == m.servant and s.relation is None for s in subjects):
            subjects.append(Subject(m.servant, registry.role_of(m.servant), m.servant))
        reason = f"matches a protected value of {m.servant}"
        if reason not in reasons:
            reasons.append(reason)
    findings.sort(key=lambda f: (f.start, _ORDER[f.category]))
    categories = tuple(sorted({f.category for f in findings}, key=_ORDER.__getitem__))
    servants = tuple(dict.fromkeys([*verdict.servants, *(m.servant for m in matches)]))
    intent = verdict.intent or intent_signals(norm.folded)
    protected = tuple(r for r in reasons if r.startswith("matches a protected value"))
    before = verdict.why or Explanation()
    why = Explanation(
        tuple(f"{f.category.value} ({f.kind or 'value'}): {f.masked}" for f in findings),
        (*protected, *before.about),
        protected[0] if protected else before.decision,
    )
    return Verdict(
        action, categories, servants, tuple(subjects), tuple(findings), intent, tuple(reasons), why
    )


def excerpt_suffix(verdict: Verdict) -> str:
    """Appended to the masked excerpt: the notice and `incident` say why a message that may
    name nobody was hidden ("[matches a protected value of Daniel Whitaker]")."""
    said = [r for r in verdict.reasons if r.startswith("matches a protected value of ")]
    return (" [" + "; ".join(said) + "]") if said else ""


def write_file(path: str | Path, text: str) -> None:
    """Write atomically, readable by the owner only (digests are not secret, but private)."""
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, p)
