"""Normalized view of a message, with an offset map back to the original.

Detectors look for PII in `NormalizedText.text`, where the usual filter dodges
are undone. Passes, in order:

1. Unicode: drop invisible/format characters, controls and lone surrogates;
   NFKC (fullwidth, mathematical letters, circled digits); any script's decimal
   digits to ASCII; decoration marks (zalgo, keycaps) on ASCII letters.
2. Confusables (Unicode TR39 via `confusable_homoglyphs`): lookalike letters
   fold to ASCII inside Latin words; whole words in another script stay.
3. Chat markup: Discord markdown, spoilers and code; Slack/Discord `<...>`
   tokens (mailto/tel keep the address, links their label, mentions, emoji and
   timestamps become digit-free placeholders).
4. Spelled-out digits ("eight one six ..."), 5. obfuscated emails
   ("name at gmail dot com"), 6. O/l standing in for 0/1 inside numbers,
   7. single digits split by separators ("8 1 6 5").

Every rewrite records where its output came from, so a span found in `text`
maps back (`to_original`) to the characters of the message a moderator sees.

Speed matters because every chat message passes through here: plain ASCII
chat with nothing to rewrite costs one RE2 set match (about a microsecond) and
returns an identity view. Each pass is a linear regex scan (possessive
quantifiers, bounded repeats, anchored matches) plus edits, and the passes
repeat until the text stops changing, which makes `normalize` idempotent.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from functools import cache
from itertools import accumulate
from operator import add

import re2

__all__ = ["NormalizedText", "normalize"]

# An edit replaces text[start:end] with `replacement` (possibly empty).
Edit = tuple[int, int, str]


class _Level:
    """Offset map of one rewrite: edited regions in new and old coordinates.

    Characters outside the edits are copied one-to-one; a character inside a
    replacement comes from the whole replaced region.
    """

    __slots__ = ("new_ends", "new_len", "new_starts", "old_ends", "old_len", "old_starts")

    def __init__(
        self,
        new_starts: list[int],
        new_ends: list[int],
        old_starts: list[int],
        old_ends: list[int],
        new_len: int,
        old_len: int,
    ) -> None:
        self.new_starts = new_starts
        self.new_ends = new_ends
        self.old_starts = old_starts
        self.old_ends = old_ends
        self.new_len = new_len
        self.old_len = old_len

    def source(self, p: int) -> tuple[int, int]:
        """Old-text span that new-text character `p` came from."""
        i = bisect_right(self.new_starts, p) - 1
        if i < 0:
            return p, p + 1
        if p < self.new_ends[i]:
            return self.old_starts[i], self.old_ends[i]
        q = p - self.new_ends[i] + self.old_ends[i]
        return q, q + 1

    def position(self, p: int) -> int:
        """Old-text position of the gap before new-text character `p`."""
        if p >= self.new_len:
            return self.old_len
        return self.source(p)[0]


class NormalizedText:
    """What detectors see (`text`), the message it came from, and the map between them.

    `folded` is `text` lowercased character by character, so it has exactly the
    same length and offsets as `text` (name matching on `folded` shares spans
    with detection on `text`).
    """

    __slots__ = ("_levels", "folded", "original", "text")

    def __init__(self, text: str, original: str, levels: tuple[_Level, ...] = ()) -> None:
        self.text = text
        self.original = original
        self.folded = _lower_same_length(text)
        self._levels = levels

    def __repr__(self) -> str:
        return f"NormalizedText(text={self.text!r}, original={self.original!r})"

    @property
    def is_identity(self) -> bool:
        """True when nothing was rewritten (`text == original`, offsets equal)."""
        return not self._levels

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of `text` to the span of `original` its characters came from.

        The result covers every source character, including separators and
        markup removed from between them. Out-of-range input is clamped, so
        this never raises; an empty span maps to an empty span (a position).
        """
        n = len(self.text)
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        if not self._levels:
            return start, end
        if start == end:
            p = start
            for level in reversed(self._levels):
                p = level.position(p)
            return p, p
        a, b = start, end
        for level in reversed(self._levels):
            a, b = level.source(a)[0], level.source(b - 1)[1]
        return a, b

    @property
    def starts(self) -> tuple[int, ...]:
        """Original start of each character of `text` (debugging aid; O(n log n))."""
        return tuple(self.to_original(i, i + 1)[0] for i in range(len(self.text)))

    @property
    def ends(self) -> tuple[int, ...]:
        """Original end of each character of `text` (debugging aid; O(n log n))."""
        return tuple(self.to_original(i, i + 1)[1] for i in range(len(self.text)))


def _lower_same_length(text: str) -> str:
    """Lowercase without changing length ('İ'.lower() is two characters)."""
    low = text.lower()
    if len(low) == len(text):  # lower() never shrinks, so equal length means 1:1
        return low
    return "".join(c.lower()[0] for c in text)


def _apply(text: str, edits: list[Edit]) -> tuple[str, _Level]:
    """Apply sorted, non-overlapping edits and record the offset map.

    A one-character replacement of one character maps exactly like an unedited
    character (see `_Level.source`), so it is left out of the map: folding a
    wall of lookalikes then costs no map entries.
    """
    # Built with comprehensions and slices rather than one loop over the edits: a wall
    # of 50,000 split digits is 50,000 edits (tests hold this to the plain loop).
    starts = [a for a, _, _ in edits]
    ends = [b for _, b, _ in edits]
    gaps = list(map(text.__getitem__, map(slice, [0, *ends], [*starts, len(text)])))
    new = "".join([gap + rep for gap, (_, _, rep) in zip(gaps, edits, strict=False)]) + gaps[-1]
    mapped = [(a, b, len(rep)) for a, b, rep in edits if len(rep) != 1 or b - a != 1]
    old_starts = [a for a, _, _ in mapped]
    old_ends = [b for _, b, _ in mapped]
    lengths = [r for _, _, r in mapped]
    growth = accumulate([r - (b - a) for a, b, r in mapped], initial=0)
    new_starts = list(map(add, old_starts, growth))
    new_ends = list(map(add, new_starts, lengths))
    return new, _Level(new_starts, new_ends, old_starts, old_ends, len(new), len(text))


# ---------------------------------------------------------------------------
# Pass 1: Unicode — invisible/format characters, controls, NFKC, digits, zalgo.

# Default-ignorable code points (Unicode DerivedCoreProperties) plus every
# format (Cf) character: they render as nothing, so they only ever hide things.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
_IGNORABLE_CLASS = "".join(
    re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
    for a, b in _IGNORABLE_RANGES
)
# Controls that act as line breaks become "\n"; other controls are dropped.
_LINE_BREAKS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029")
# Visible blanks NFKC keeps (braille pattern blank) read as a space.
_BLANK = "\u2800"
# Runs of anything outside printable ASCII (plus tab/newline/CR).
_NON_ASCII_RUN = re.compile(r"[^\x20-\x7e\t\n\r]++")
# A run needs per-character work if it holds any of these (NFKC is checked apart).
_SPECIAL = re.compile(
    rf"[{_IGNORABLE_CLASS}{_BLANK}\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]|(?![0-9])\d"
)


def _is_dropped(c: str) -> bool:
    cat = unicodedata.category(c)
    if cat in ("Cf", "Cs") or (cat == "Cc" and c not in _LINE_BREAKS):
        return True
    o = ord(c)
    return any(a <= o <= b for a, b in _IGNORABLE_RANGES)


# Per-character and per-cluster answers are pure functions of the characters, and a
# message in a foreign script or a wall of lookalikes repeats the same few hundred, so
# they are remembered (bounded: one entry per distinct character or cluster seen).
_CACHE_LIMIT = 65_536
_MARKS: dict[str, bool] = {}
_CLUSTERS: dict[str, str] = {}


def _is_mark(c: str) -> bool:
    known = _MARKS.get(c)
    if known is None:
        known = unicodedata.category(c)[0] == "M"
        if len(_MARKS) < _CACHE_LIMIT:
            _MARKS[c] = known
    return known


def _normalize_cluster(cluster: str) -> str:
    """One base character and its marks: drop invisibles, NFKC, ASCII digits, no zalgo."""
    known = _CLUSTERS.get(cluster)
    if known is not None:
        return known
    kept = "".join(
        "\n" if c in _LINE_BREAKS else " " if c == _BLANK else c
        for c in cluster
        if not _is_dropped(c)
    )
    out = kept
    if kept:
        out = unicodedata.normalize("NFKC", kept)
        if not out.isascii():
            out = "".join(
                str(d) if (d := unicodedata.decimal(c, None)) is not None else c for c in out
            )
            # Marks left on an ASCII letter (NFKC found no precomposed form) are decoration.
            if out[0].isascii() and all(_is_mark(c) for c in out[1:]):
                out = out[0]
    if len(cluster) <= 8 and len(_CLUSTERS) < _CACHE_LIMIT:
        _CLUSTERS[cluster] = out
    return out


def _unicode_pass(text: str) -> list[Edit]:
    edits: list[Edit] = []
    marks = _MARKS
    clusters = _CLUSTERS
    for m in _NON_ASCII_RUN.finditer(text):
        a, b = m.span()
        run = m.group()
        starts_with_mark = _is_mark(run[0])
        if (
            not starts_with_mark
            and _SPECIAL.search(run) is None
            and unicodedata.is_normalized("NFKC", run)
        ):
            continue
        if starts_with_mark and a > 0 and text[a - 1] not in "\t\n\r":
            a -= 1  # the ASCII base the marks sit on
        # Split into clusters: a non-mark character followed by its marks.
        seg = text[a:b]
        cs = 0
        i = 0
        for c in seg[1:]:
            i += 1
            mark = marks.get(c)
            if mark is None:
                mark = _is_mark(c)
            if not mark:
                cluster = seg[cs:i]
                out = clusters.get(cluster)
                if out is None:
                    out = _normalize_cluster(cluster)
                if out != cluster:
                    edits.append((a + cs, a + i, out))
                cs = i
        cluster = seg[cs:]
        out = _normalize_cluster(cluster)
        if out != cluster:
            edits.append((a + cs, b, out))
    return edits


# The pass at the speed of `str.translate`. When no character of a text is a mark
# (so every cluster is one character) and none is a format character that is only
# dropped where its run has other work, the pass maps every character on its own:
# a character it changes always gives its run work (it is special, or NFKC changes
# it, so the run is not NFKC-normalized) and a character it keeps is kept anywhere.
# Each character gets a signature: "!" when this reasoning does not hold for it,
# else a letter whose low five bits are the length of its output, uppercase when
# that output is settled (the pass would keep each of its characters as it is).
_SIG_PROBLEM = "!"
_SIG_CHANGED_LENGTH = re.compile(r"[^Aa]")
_SIG_UNSETTLED = re.compile(r"[`-~]")


def _char_verdict(o: int) -> tuple[str, str]:
    """What the Unicode pass makes of character `o` alone, and its signature."""
    c = chr(o)
    if 0x20 <= o <= 0x7E or c in "\t\n\r":
        return c, "A"
    if _is_mark(c):
        return c, _SIG_PROBLEM
    out = _normalize_cluster(c)
    if out != c and _SPECIAL.match(c) is None and unicodedata.normalize("NFKC", c) == c:
        return c, _SIG_PROBLEM  # kept in a quiet run, dropped in a busy one (e.g. U+0600)
    settled = all(
        " " <= d <= "~" or d in "\t\n\r" or (not _is_mark(d) and _normalize_cluster(d) == d)
        for d in out
    )
    if len(out) > 0x1F:
        return c, _SIG_PROBLEM  # no letter for that length (NFKC expands to 18 at most)
    return out, chr((0x40 if settled else 0x60) + len(out))


class _CharTable(dict[int, str]):
    """A `str.translate` table filled on first sight (bounded like the other caches)."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, o: int) -> str:
        verdict = _char_verdict(o)
        if len(_OUTS) < _CACHE_LIMIT:
            _OUTS[o], _SIGS[o] = verdict
        return verdict[self.index]


_OUTS = _CharTable(0)
_SIGS = _CharTable(1)


def _unicode_fast(text: str, levels: list[_Level]) -> tuple[str | None, bool] | None:
    """`_unicode_pass` applied by translation: (new text or None, output settled).

    None when the fast path does not apply. "Settled" means every character left
    is one the pass keeps in any context, so later rounds need not run it again
    (the other passes only remove characters or add printable ASCII).
    """
    if _SPECIAL.search(text) is None and unicodedata.is_normalized("NFKC", text):
        return None  # the run-by-run pass skips nearly everything here, cheaper than a table
    sig = text.translate(_SIGS)
    if _SIG_PROBLEM in sig:
        return None
    new = text.translate(_OUTS)
    if new == text:
        return None, True
    # One map entry per character whose output is not one character long, built with
    # list operations rather than a loop: new start = old start + growth before it.
    old_starts = [m.start() for m in _SIG_CHANGED_LENGTH.finditer(sig)]
    lengths = [ord(c) & 0x1F for c in _SIG_CHANGED_LENGTH.findall(sig)]
    growth = accumulate([r - 1 for r in lengths], initial=0)
    new_starts = list(map(add, old_starts, growth))
    new_ends = list(map(add, new_starts, lengths))
    old_ends = [a + 1 for a in old_starts]
    levels.append(_Level(new_starts, new_ends, old_starts, old_ends, len(new), len(text)))
    return new, _SIG_UNSETTLED.search(sig) is None


# ---------------------------------------------------------------------------
# Pass 2: confusable letters, folded to ASCII from Unicode's confusables table.


class _Confusables:
    """Non-ASCII characters confusable with one ASCII letter or digit, or ASCII punctuation."""

    __slots__ = (
        "classes", "digit_map", "digit_table", "find", "letter_map", "letter_table", "punct",
        "punct_map", "word",
    )  # fmt: skip

    def __init__(self, table: dict[str, str], punct: dict[str, str]) -> None:
        self.letter_map = table
        # Inside a run of digits, the 'O'- and 'l'-shaped prototypes read as 0 and 1.
        self.digit_map = {
            k: {"O": "0", "o": "0", "l": "1", "I": "1"}.get(v, v) for k, v in table.items()
        }
        self.punct_map = punct
        chars = "".join(re.escape(c) for c in sorted(table))
        self.find = re.compile(f"[{chars}{''.join(re.escape(c) for c in sorted(punct))}]")
        self.word = re.compile(rf"[\w{chars}\u0300-\u036f]++")
        self.punct = re.compile(f"[{''.join(re.escape(c) for c in sorted(punct))}]")
        # For `_confusable_fast`: translate tables (punctuation lookalikes never sit in a
        # word, so one table folds both) and a table giving each character its class.
        self.letter_table = _FoldTable({ord(k): v for k, v in (table | punct).items()})
        self.digit_table = _FoldTable({ord(k): v for k, v in (self.digit_map | punct).items()})
        self.classes = _ClassTable(table)


class _FoldTable(dict[int, str]):
    """A `str.translate` table that also holds the characters it keeps (bounded):
    translating through a lookup that misses costs an exception per character."""

    __slots__ = ()

    def __missing__(self, o: int) -> str:
        c = chr(o)
        if len(self) < _CACHE_LIMIT:
            self[o] = c
        return c


class _ClassTable(dict[int, str]):
    """Translates text to one class letter per character, for `_SPECIAL_WORD`: 'a' ASCII
    letter, 'd' ASCII digit, '_', 'o' lookalike of O/o/I/l, 'l' other lookalike, 'f' letter
    or digit of another script, 'm' combining mark of the word pattern, ' ' the rest."""

    __slots__ = ("table",)

    def __init__(self, table: dict[str, str]) -> None:
        super().__init__()
        self.table = table

    def __missing__(self, o: int) -> str:
        c = chr(o)
        target = self.table.get(c)
        if target is not None:
            kind = "o" if target in "OolI" else "l"
        elif c.isascii():
            kind = "a" if c.isalpha() else "d" if c.isdigit() else "_" if c == "_" else " "
        elif c.isalnum():
            kind = "f"
        else:
            kind = "m" if "\u0300" <= c <= "\u036f" else " "
        if len(self) < _CACHE_LIMIT:
            self[o] = kind
        return kind


# On the class letters: each match ends with a word whose fold is not the plain letter
# fold (group 1): no ASCII letter, and a letter of another script (the word stays) or
# digits and an O/l lookalike (the digit fold). The words and gaps before it are skipped
# inside the regex engine, whole words at a time, so the scan is linear.
_W = "[adolf_m]"
_SPECIAL_WORD = re.compile(
    rf"(?: ++|[dolf_m]*+a{_W}*+|[_lom]++(?!{_W})|[d_lm]++(?!{_W}))*+([dolf_m]++)?"
)


# Punctuation that separates digits or marks possessives: hyphen/dash lookalikes
# ("913‑555‑0182" with non-breaking hyphens), curly apostrophes, slash lookalikes.
_PUNCT_TARGETS = frozenset("-'/.,:")


@cache
def _confusables() -> _Confusables:
    """Build the fold tables once, from the `confusable_homoglyphs` data (Unicode TR39)."""
    from confusable_homoglyphs.utils import load

    table: dict[str, str] = {}
    punct: dict[str, str] = {}
    for char, glyphs in load("confusables.json").items():
        if len(char) != 1 or char.isascii() or unicodedata.normalize("NFKC", char) != char:
            continue
        targets = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii()]
        letters = [t for t in targets if t.isalnum()]
        if letters:
            target = letters[0]
            if target == "l" and char.isupper():
                target = "I"  # TR39's prototype for I/l/1 is 'l'; keep capitals capital
            table[char] = target
            continue
        marks = [t for t in targets if t in _PUNCT_TARGETS]
        # Only real punctuation and symbols: letters like Japanese ノ stay letters.
        if marks and unicodedata.category(char)[0] in "PS":
            punct[char] = marks[0]
    return _Confusables(table, punct)


def _confusable_pass(text: str) -> list[Edit]:
    if text.isascii():
        return []
    conf = _confusables()
    if conf.find.search(text) is None:
        return []
    edits: list[Edit] = [
        (m.start(), m.end(), conf.punct_map[m.group()]) for m in conf.punct.finditer(text)
    ]
    letter_map, digit_map = conf.letter_map, conf.digit_map
    for m in conf.word.finditer(text):
        word = m.group()
        if word.isascii() or conf.find.search(word) is None:
            continue
        ascii_alnum = [c for c in word if c.isascii() and c.isalnum()]
        if not any(c.isalpha() for c in ascii_alnum):
            # A word in another script stays (even next to digits), unless every
            # letter in it is a lookalike: then it is a disguise, not prose.
            if any(c.isalnum() and not c.isascii() and c not in letter_map for c in word):
                continue
        table = digit_map if ascii_alnum and all(c.isdigit() for c in ascii_alnum) else letter_map
        base = m.start()
        folding = False
        for i, c in enumerate(word):
            t = table.get(c)
            if t is not None:
                edits.append((base + i, base + i + 1, t))
                folding = True
            elif folding and _is_mark(c):
                edits.append((base + i, base + i + 1, ""))  # marks on a folded letter
            else:
                folding = False
    edits.sort()
    return edits


# Combining marks inside words: the only characters the pass drops (after a fold).
_WORD_MARK = re.compile("[\u0300-\u036f]")


def _confusable_fast(text: str, levels: list[_Level]) -> str | None:
    """`_confusable_pass` applied by translation; the new text, or None if unchanged.

    Without combining marks every rewrite is one lookalike to one ASCII character,
    decided by the word around it: most words take the letter fold, so the text is
    translated whole except for the few words `_SPECIAL_WORD` finds.
    """
    if text.isascii():
        return None
    conf = _confusables()
    if conf.find.search(text) is None:
        return None
    if _WORD_MARK.search(text) is not None:
        return _apply_pass(text, _confusable_pass, levels)
    letter_table = conf.letter_table
    pieces: list[str] = []
    pos = 0
    classes = text.translate(conf.classes)
    for m in _SPECIAL_WORD.finditer(classes):
        a, b = m.span(1)
        if a < 0:
            continue
        pieces.append(text[pos:a].translate(letter_table))
        # A word in another script stays; digits with lookalikes take the digit fold.
        word = text[a:b]
        pieces.append(word if "f" in classes[a:b] else word.translate(conf.digit_table))
        pos = b
    pieces.append(text[pos:].translate(letter_table))
    new = "".join(pieces)
    if new == text:
        return None
    levels.append(_Level([], [], [], [], len(new), len(text)))  # one-for-one: no map entries
    return new


# ---------------------------------------------------------------------------
# Pass 3: chat markup (Discord markdown, Slack and Discord angle-bracket tokens).

_LABEL = r"[^<>\n]{0,500}+"
_MARKUP = re.compile(
    rf"""
    (?=[<|*~`_\\>\#-])  # every branch starts with one of these: skip other positions fast
    (?:
    (?P<mailto><mailto:(?P<addr>[^<>|\s]{{1,320}}+)(?:\|{_LABEL})?>)
  | (?P<tel><tel:(?P<number>[^<>|\s]{{1,64}}+)(?:\|{_LABEL})?>)
  | (?P<link><(?P<url>(?:https?|ftp)://[^<>|\s]{{1,2000}}+)(?:\|(?P<label>{_LABEL}))?>)
  | (?P<user><@(?:[UW][A-Z0-9]{{2,20}}+(?:\|{_LABEL})?|!?[0-9]{{1,20}}+)>)
  | (?P<role><@&[0-9]{{1,20}}+>)
  | (?P<channel><\#(?:[CG][A-Z0-9]{{2,20}}+(?:\|{_LABEL})?|[0-9]{{1,20}}+)>)
  | (?P<special><!(?P<which>here|channel|everyone)(?:\|{_LABEL})?>)
  | (?P<group><!subteam\^[A-Za-z0-9]{{1,20}}+(?:\|{_LABEL})?>)
  | (?P<date><!date\^[^<>|\n]{{0,200}}+(?:\|(?P<fallback>{_LABEL}))?>)
  | (?P<emoji><a?:\w{{1,64}}+:[0-9]{{1,20}}+>)
  | (?P<time><t:-?[0-9]{{1,20}}+(?::[tTdDfFR])?>)
  | (?P<command></[\w\- ]{{1,100}}+:[0-9]{{1,20}}+>)
  | (?P<fence>```[A-Za-z][\w+\#.\-]{{0,30}}+(?=\r?\n))
  | (?P<run>[|*~`_\\]++)
  | (?P<line>^(?:>>>[ ]|>[ ]|\#{{1,3}}[ ]|-\#[ ])++)
    )
    """,
    re.VERBOSE | re.MULTILINE,
)
_PLACEHOLDERS = {
    "user": "@user",
    "role": "@role",
    "channel": "#channel",
    "group": "@group",
    "emoji": ":emoji:",
    "time": "[time]",
    "command": "/command",
}


def _keep_group(m: re.Match[str], group: str) -> list[Edit]:
    """Drop the token around `group`, keeping that group's characters as they are."""
    a, b = m.span()
    ga, gb = m.span(group)
    return [(a, ga, ""), (gb, b, "")]


def _run_edit(text: str, a: int, b: int) -> Edit | None:
    """Decide what a run of markup characters renders as."""
    run = text[a:b]
    prev = text[a - 1] if a > 0 else " "
    nxt = text[b] if b < len(text) else " "
    kinds = set(run)
    if kinds == {"_"}:
        if prev.isalnum() and nxt.isalnum():
            return None  # snake_case, not emphasis
    elif kinds == {"*"}:
        if prev.isspace() and nxt.isspace():
            return None  # "5 * 3", "* item"
    elif run in ("~", "\\", "|"):
        return None
    rep = "|" if run.count("|") % 2 else ""  # "||" pairs are spoiler marks
    return (a, b, rep)


def _markup_pass(text: str, start: int = 0, stop: int = sys.maxsize) -> list[Edit]:
    """Edits for the markup matches the whole-text scan finds starting in [start, stop).

    `start` must be a position the whole-text scan is searching from (see `_markup_sync_before`).
    """
    edits: list[Edit] = []
    for m in _MARKUP.finditer(text, start):
        a, b = m.span()
        if a >= stop:
            break
        kind = m.lastgroup
        if kind == "run":
            edit = _run_edit(text, a, b)
            if edit is not None:
                edits.append(edit)
        elif kind in ("fence", "line"):
            edits.append((a, b, ""))
        elif kind == "mailto":
            edits.extend(_keep_group(m, "addr"))
        elif kind == "tel":
            edits.extend(_keep_group(m, "number"))
        elif kind == "link":
            edits.extend(_keep_group(m, "label" if m.group("label") else "url"))
        elif kind == "special":
            edits.append((a, b, "@" + m.group("which")))
        elif kind == "date":
            if m.group("fallback"):
                edits.extend(_keep_group(m, "fallback"))
            else:
                edits.append((a, b, "[time]"))
        elif kind is not None:
            edits.append((a, b, _PLACEHOLDERS[kind]))
    return edits


# Re-scanning only near the last round's edits. No `_MARKUP` match holds a "<" after its
# first character or a newline anywhere, and every branch stops reading at one (reading
# it at most). So at a "sync point" (the start, a "<", or just after a newline) the
# left-to-right scan is between matches whatever came before, and the matches from one
# sync point to the next depend only on the text between them (one character either
# side included). Where that text is the same as in the text the last round scanned, so
# are the matches, and they had nothing left to rewrite.


def _markup_sync_before(text: str, x: int, floor: int) -> int:
    """The last sync point at or before `x`, but not before `floor` (itself a sync point)."""
    if x <= floor:
        return floor
    return max(text.rfind("<", floor, x + 1), text.rfind("\n", floor, x) + 1, floor)


def _markup_pass_near(text: str, starts: list[int], ends: list[int]) -> list[Edit]:
    """`_markup_pass` on the output of a markup round whose edits left the spans
    [starts[i], ends[i]) (sorted; empty for a deletion) in `text`.

    Everything else in `text` is that round's input, in which the scan found nothing left
    to rewrite, so only the sync segments touching a span are scanned again.
    """
    edits: list[Edit] = []
    n = len(text)
    next_lt = next_nl = -1  # cached forward searches (the positions only grow)
    end = 0
    i = 0
    count = len(starts)
    while i < count:
        start = _markup_sync_before(text, starts[i] - 2, end)
        y = ends[i] + 2
        i += 1
        while True:
            if y > end:  # the first sync point at or after y
                if y >= n:
                    end = n
                else:
                    if next_lt < y:
                        next_lt = text.find("<", y)
                        if next_lt < 0:
                            next_lt = n
                    if next_nl < y - 1:
                        next_nl = text.find("\n", y - 1)
                        if next_nl < 0:
                            next_nl = n
                    end = min(next_lt, next_nl + 1, n)
            # Spans starting before `end` (with their margin) join this scan range, and
            # so does the next one when no sync point separates it from `end`.
            j = bisect_right(starts, end + 2, i)
            if j == i:
                if j == count or _markup_sync_before(text, starts[j] - 2, end) > end:
                    break
                j += 1
            i = j
            y = ends[j - 1] + 2  # spans are sorted and disjoint: the last ends last
        edits.extend(_markup_pass(text, start, end))
        if end >= n:
            break
    return edits


# ---------------------------------------------------------------------------
# Pass 4: spelled-out digits ("eight one six five ...").

_NUMBER_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3",
    "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_DIGIT_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|oh|o)"
_NUM_TOKEN = (
    rf"(?:(?:double|triple)[ \t\-]{{1,3}}+(?:{_DIGIT_WORD}|[0-9])"
    rf"|{_DIGIT_WORD}|[0-9]{{1,4}}+)(?![\w'’])"
)
_REPEATS = {"double": 2, "triple": 3}
_NUM_RUN = re.compile(rf"(?<![\w'’]){_NUM_TOKEN}(?:[ \t,\-]++{_NUM_TOKEN})*+", re.IGNORECASE)
_NUM_TOKENS = re.compile(_NUM_TOKEN, re.IGNORECASE)
_MIN_NUMBER_WORDS = 3


def _run_edge_only(token: str) -> bool:
    """True for tokens that may sit inside a run of number words but not at its ends."""
    return (len(token) > 1 and (token.isdigit() or token.lower() == "oh")) or token in ("o", "O")


def _token_digits(token: str) -> str:
    """Digits a number-word token stands for: "five" → "5", "triple five" → "555"."""
    parts = token.lower().replace("-", " ").split()
    digit = _NUMBER_WORDS.get(parts[-1], parts[-1])
    return digit * _REPEATS.get(parts[0], 1)


def _spelled_digits_pass(text: str) -> list[Edit]:
    return _spelled_digits_pass_in(text, 0, len(text))


def _spelled_digits_pass_in(text: str, start: int, end: int) -> list[Edit]:
    """Edits for the runs of number words `_NUM_RUN` finds in text[start:end]."""
    edits: list[Edit] = []
    for m in _NUM_RUN.finditer(text, start, end):
        tokens = list(_NUM_TOKENS.finditer(text, m.start(), m.end()))
        # "oh"/"o" count as zero, and digit groups join in ("eight one six, 555,
        # zero one ..."), only inside a run: a run starts and ends with a digit word
        # or a single digit, so "816-555-0142 one two three" keeps its groups.
        while tokens and _run_edge_only(tokens[0].group()):
            tokens.pop(0)
        while tokens and _run_edge_only(tokens[-1].group()):
            tokens.pop()
        words = sum(1 for t in tokens if not t.group().isdigit())
        if words < _MIN_NUMBER_WORDS:
            continue
        prev_end = -1
        for t in tokens:
            if prev_end >= 0 and t.start() > prev_end:
                edits.append((prev_end, t.start(), ""))
            word = t.group()
            if not word.isdigit():
                edits.append((t.start(), t.end(), _token_digits(word)))
            prev_end = t.end()
    return edits


# The same edits with less work per run: most runs in a wall of number words are too
# short to hold three number words, and a plain ASCII run without "double"/"triple" is
# tokens between separator groups, so `str.split` finds them instead of a regex scan.
_RUN_SEPARATORS = re.compile(r"([ \t,\-]++)")
# Three number words with the outer tokens not "oh"/"o": "1 o o o 1", "one o six".
_MIN_RUN_CHARS = 9


def _spelled_digits_fast(text: str) -> list[Edit]:
    """`_spelled_digits_pass`, faster on walls of number words (same edits)."""
    edits: list[Edit] = []
    append = edits.append
    words_map = _NUMBER_WORDS
    for m in _NUM_RUN.finditer(text):
        run = m.group()
        if len(run) < _MIN_RUN_CHARS:
            continue
        low = run.lower()
        if not run.isascii() or "double" in low or "triple" in low:
            edits.extend(_spelled_digits_pass_in(text, m.start(), m.end()))
            continue
        parts = _RUN_SEPARATORS.split(low)  # token, separators, token, ...
        i, j = 0, len(parts) - 1
        while i <= j and (
            (len(t := parts[i]) > 1 and (t.isdigit() or t == "oh")) or t == "o"
        ):
            i += 2
        while j > i and ((len(t := parts[j]) > 1 and (t.isdigit() or t == "oh")) or t == "o"):
            j -= 2
        if i > j:
            continue
        tokens = parts[i : j + 1 : 2]
        if len(tokens) - sum(1 for t in tokens if t.isdigit()) < _MIN_NUMBER_WORDS:
            continue
        pos = m.start() + sum(map(len, parts[:i]))
        for k in range(i, j + 1):
            part = parts[k]
            end = pos + len(part)
            if k & 1:
                append((pos, end, ""))
            elif not part.isdigit():
                append((pos, end, words_map.get(part, part)))
            pos = end
    return edits


# ---------------------------------------------------------------------------
# Pass 5: obfuscated emails ("name at gmail dot com", "name [at] x [dot] org").

# An "at" token; surrounding blanks are taken by anchored matches around it.
_AT = re.compile(r"(?<![\w'’])at(?![\w'’])|[\[({<][ \t]{0,3}+(?:at|@)[ \t]{0,3}+[\])}>]|@", re.I)
# A "dot" between labels, anchored at the end of the previous label.
_DOT = re.compile(
    r"(?P<word>[ \t]{1,4}+dot[ \t]{1,4}+)"
    r"|(?P<bracket>[ \t]{0,4}+[\[({<][ \t]{0,3}+(?:dot|\.)[ \t]{0,3}+[\])}>][ \t]{0,4}+)"
    r"|(?P<plain>\.)",
    re.I,
)
# The same, matched backwards on the reversed text (for dots inside the local part).
_DOT_REV = re.compile(
    r"(?P<word>[ \t]{1,4}+tod[ \t]{1,4}+)"
    r"|(?P<bracket>[ \t]{0,4}+[\])}>][ \t]{0,3}+(?:tod|\.)[ \t]{0,3}+[\[({<][ \t]{0,4}+)",
    re.I,
)
_LABEL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]{0,62}+(?![\w\-'’])")
# An "at" token only matters when a label, a dot and the start of another label follow
# it (see the domain walk in `_email_pass`): searching for that directly skips the
# thousands of "@"s in a dump without walking each one's local part and domain.
_AT_BEFORE_DOMAIN = re.compile(
    rf"(?:{_AT.pattern})(?=[ \t]{{0,4}}+{_LABEL_RE.pattern}(?:{_DOT.pattern})[A-Za-z0-9])",
    re.I,
)
# Reversed, so the lookahead checks the character before the local part ("I'm" is no local).
_LOCAL_REV = re.compile(r"[A-Za-z0-9_%+\-.]{1,64}+(?![\w%+\-.'’])")
_BLANKS = re.compile(r"[ \t]{0,4}+")
_TLD_SHAPE = re.compile(r"[A-Za-z]{2,24}")
# Spelled-only forms ("x at y dot com") must end in a common TLD, and the word
# before "at" must not be ordinary prose ("works at kcpd dot org" is a workplace).
_COMMON_TLDS = frozenset(
    "com net org edu gov mil int us uk ca au nz ie de fr es it nl be ch at se no dk fi "
    "pl pt br mx jp cn in ru io co me info biz app dev ai xyz online site email mail "
    "live tv us me cc ly gg".split()
)
_PROSE_BEFORE_AT = frozenset(
    "me him her them us you it this that is are was were be been am work works worked "
    "working live lives lived living stay stays stayed staying meet meeting look looking "
    "located based here there home found employed stationed job school go goes went "
    "arrive arrived arriving eat ate shop shops shopping".split()
)
# "find us at kcpd.org" is a website: with only a spelled "at" and real dots, the
# local part must look like a mailbox (not a plain word) or the domain a mail provider.
_MAIL_PROVIDERS = frozenset(
    "gmail googlemail yahoo ymail rocketmail hotmail outlook live msn aol icloud me mac "
    "proton protonmail pm gmx mail zoho yandex comcast att sbcglobal verizon cox charter "
    "earthlink fastmail tutanota hey".split()
)
_MAX_LOCAL_DOTS = 3
_MAX_DOMAIN_LABELS = 8


def _local_part(text: str, rev: str, at_start: int, floor: int) -> tuple[int, list[Edit]] | None:
    """Start of the local part ending just before `at_start`, with its dot rewrites."""
    n = len(text)
    r = n - at_start
    m = _LOCAL_REV.match(rev, r)
    if m is None:
        return None
    start = n - m.end()
    edits: list[Edit] = []
    for _ in range(_MAX_LOCAL_DOTS):
        d = _DOT_REV.match(rev, n - start)
        if d is None:
            break
        lab = _LOCAL_REV.match(rev, d.end())
        if lab is None:
            break
        edits.append((n - d.end(), n - d.start(), "."))
        start = n - lab.end()
    if start < floor:
        return None
    local = text[start:at_start] if not edits else None
    if local is not None and (local[0] == "." or local[-1] == "."):
        return None
    edits.reverse()
    return start, edits


def _email_pass(text: str) -> list[Edit]:
    edits: list[Edit] = []
    rev: str | None = None
    floor = 0
    pos = 0
    n = len(text)
    while True:
        at = _AT_BEFORE_DOMAIN.search(text, pos)
        if at is None:
            break
        pos = at.end()
        token = at.group()
        spelled = token.lower() == "at"
        bracketed = token[0] in "[({<"
        # Blanks around the "at": required for the spelled form, allowed otherwise.
        before = at.start()
        k = 0
        while k < 4 and before > floor and text[before - 1] in " \t":
            before -= 1
            k += 1
        after = _BLANKS.match(text, at.end()).end()
        if spelled and (before == at.start() or after == at.end()):
            continue
        if rev is None:
            rev = text[::-1]
        local = _local_part(text, rev, before, floor)
        if local is None:
            continue
        local_start, local_edits = local
        if spelled and text[local_start:before].lower() in _PROSE_BEFORE_AT:
            continue
        # Domain: label (dot label)+, taking the longest prefix with a TLD-like end.
        lab = _LABEL_RE.match(text, after)
        if lab is None:
            continue
        labels = [lab]
        dots: list[re.Match[str]] = []
        while len(labels) < _MAX_DOMAIN_LABELS:
            d = _DOT.match(text, labels[-1].end())
            if d is None:
                break
            nxt = _LABEL_RE.match(text, d.end())
            if nxt is None:
                break
            dots.append(d)
            labels.append(nxt)
        chosen = 0
        for j in range(len(labels) - 1, 0, -1):
            final = labels[j].group()
            explicit = bracketed or any(d.lastgroup == "bracket" for d in dots[:j])
            if _TLD_SHAPE.fullmatch(final) and (explicit or final.lower() in _COMMON_TLDS):
                chosen = j
                break
        if chosen == 0:
            continue
        if (
            spelled
            and not local_edits
            and text[local_start:before].isalpha()
            and labels[0].group().lower() not in _MAIL_PROVIDERS
            and all(d.group() == "." for d in dots[:chosen])
        ):
            continue
        rewrite = list(local_edits)
        if text[before:after] != "@":
            rewrite.append((before, after, "@"))
        for d in dots[:chosen]:
            if d.group() != ".":
                rewrite.append((d.start(), d.end(), "."))
        if not rewrite:
            floor = pos = labels[chosen].end()
            continue
        edits.extend(rewrite)
        floor = pos = labels[chosen].end()
        if pos >= n:
            break
    return edits


# ---------------------------------------------------------------------------
# Pass 6: ASCII letters standing in for digits inside a number ("816-555-O142").

_DIGIT_LOOKALIKE_TOKEN = re.compile(r"(?<!\w)[0-9OoIl]{3,}+(?!\w)")
_AS_DIGIT = str.maketrans("OoIl", "0011")


def _digit_lookalike_pass(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for m in _DIGIT_LOOKALIKE_TOKEN.finditer(text):
        token = m.group()
        digits = sum(c.isdigit() for c in token)
        # Mostly digits: "O142", "8l6". Words like "lOl" or "1OO" stay as they are.
        if digits >= 2 and digits * 2 > len(token) and digits < len(token):
            edits.append((m.start(), m.end(), token.translate(_AS_DIGIT)))
    return edits


# ---------------------------------------------------------------------------
# Pass 7: single digits split by one separator each ("8 1 6 5", "0.7.8.0").

_SPLIT_DIGITS = re.compile(
    r"(?<![\w.\-/])(?<![0-9][ _])(?<![0-9]\n)"
    r"[0-9](?:(?:\r?\n|[ ._/\-])[0-9]){3,}+(?![\w])"
)


_DIGIT_SEPARATOR = re.compile(r"\r?\n|[ ._/\-]")


def _split_digits_pass(text: str) -> list[Edit]:
    """Remove the separators of a run of split digits ("8 1 6 5 5 5"): a run alternates
    digit and separator, so its separators are exactly what lies between its digits."""
    return [
        (sep.start(), sep.end(), "")
        for m in _SPLIT_DIGITS.finditer(text)
        for sep in _DIGIT_SEPARATOR.finditer(text, m.start() + 1, m.end())
    ]


# ---------------------------------------------------------------------------

# Cheap pre-checks: one pattern per pass, each a superset of what its pass could
# rewrite. They run together as one RE2 set (a linear-time automaton), which
# scans plain ASCII chat in well under a microsecond and says which passes are
# needed; a `re` alternation doing the same takes tens of microseconds.
_GUARD_PATTERNS = (
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]",  # controls (the Unicode pass)
    r"[<`|*~_\\]|(?m:^(?:>|#|-#))",  # chat markup
    r"(?i:\b(?:zero|one|two|three|four|five|six|seven|eight|nine)\b)",  # spelled digits
    # email obfuscation: "dot", or a blank-separated "at" before a dotted label, or bracketed
    # forms (no counted gaps: RE2's automaton stays small on "lives at lives at ...")
    r"(?i:\bdot\b)|(?i:[ \t]at[ \t]+[a-z0-9][a-z0-9\-]*\.)|(?i:[\[({<{]\s*at\s*[\])}>}])"
    r"|[\[({<][ \t]*[.@]"
    # a blank beside a plain "@" only matters before a dotted domain ("jo @ mail.com");
    # "lol @user you coming?" is chat
    r"|[ \t]@[ \t]*[A-Za-z0-9][A-Za-z0-9\-]*\.|@[ \t]+[A-Za-z0-9][A-Za-z0-9\-]*\.",
    # split digits: four single digits, one separator each, not inside a number or date
    r"(?:^|[^0-9A-Za-z_.\-/])[0-9](?:(?:\r?\n|[ ._/\-])[0-9]){3}",
    r"[0-9][OoIl]|[OoIl][0-9]",  # letters standing in for digits
)
_CONTROLS = 0


def _compile_guards() -> re2.Set:
    guards = re2.Set.SearchSet()
    for pattern in _GUARD_PATTERNS:
        guards.Add(pattern)
    guards.Compile()
    return guards


_GUARDS = _compile_guards()
# The passes after the Unicode ones, keyed by their guard's index.
_ASCII_PASSES: tuple[tuple[int, Callable[[str], list[Edit]]], ...] = (
    (1, _markup_pass),
    (2, _spelled_digits_pass),
    (3, _email_pass),
    (5, _digit_lookalike_pass),
    (4, _split_digits_pass),
)
_MAX_ROUNDS = 8
# An ASCII letter or digit beside a non-ASCII character: a word the confusable pass may
# judge differently once ASCII markup between them is gone.
_MIXED_EDGE = re.compile(r"[A-Za-z0-9][^\x00-\x7f]|[^\x00-\x7f][A-Za-z0-9]")


def _apply_pass(
    current: str, apply_pass: Callable[[str], list[Edit]], levels: list[_Level]
) -> str | None:
    """Run one pass; the new text (its map appended to `levels`), or None if unchanged."""
    edits = [e for e in apply_pass(current) if current[e[0] : e[1]] != e[2]]
    if not edits:
        return None
    new, level = _apply(current, edits)
    levels.append(level)
    return new


# Below a few thousand characters one scan is cheaper than keeping track of edits.
_MARKUP_NEAR_MIN = 2048


def _apply_markup(
    current: str, levels: list[_Level], last_edits: list[Edit] | None
) -> tuple[str, list[Edit]] | None:
    """The markup pass, re-scanning only near `last_edits` when given (the edits that made
    `current` out of the text the pass last scanned): the new text and its edits, or None."""
    if last_edits is None or len(last_edits) * 32 > len(current):  # edits all over
        found = _markup_pass(current)
    else:
        # Where each replacement sits in `current`: old start plus the growth before it.
        lengths = [len(e[2]) for e in last_edits]
        growth = accumulate([len(rep) - (b - a) for a, b, rep in last_edits], initial=0)
        starts = list(map(add, [e[0] for e in last_edits], growth))
        found = _markup_pass_near(current, starts, list(map(add, starts, lengths)))
    edits = [e for e in found if current[e[0] : e[1]] != e[2]]
    if not edits:
        return None
    new, level = _apply(current, edits)
    levels.append(level)
    return new, edits


# Emoji are a quarter of real chat and need none of the Unicode work; a variation
# selector, ZWJ or skin tone only counts as harmless right after a pictograph (inside a
# word it is an evasion, and the Unicode pass removes it).
_EMOJI_JOINERS = frozenset("\u200d\ufe0e\ufe0f")
_PICTOGRAPH: dict[str, bool] = {}


def _is_pictograph(char: str) -> bool:
    known = _PICTOGRAPH.get(char)
    if known is None:
        conf = _confusables()
        known = (
            _SPECIAL.match(char) is None  # the Unicode pass has work for these (e.g. U+2800)
            and unicodedata.category(char) in ("So", "Sk")
            and unicodedata.normalize("NFKC", char) == char
            and char not in conf.letter_map
            and char not in conf.punct_map
        )
        if len(_PICTOGRAPH) < 65_536:  # bounded: one entry per distinct character seen
            _PICTOGRAPH[char] = known
    return known


_PICTOGRAPH_RUNS: dict[str, bool] = {}


def _only_pictographs(text: str) -> bool:
    """Every non-ASCII run is emoji (with joiners after them): nothing to normalize there."""
    for run in _NON_ASCII_RUN.findall(text):
        known = _PICTOGRAPH_RUNS.get(run)
        if known is None:
            known = _is_pictograph(run[0]) and all(
                char in _EMOJI_JOINERS or _is_pictograph(char) for char in run[1:]
            )
            if len(run) <= 8 and len(_PICTOGRAPH_RUNS) < _CACHE_LIMIT:
                _PICTOGRAPH_RUNS[run] = known  # chat repeats the same few emoji runs
        if not known:
            return False
    return True


def normalize(text: str) -> NormalizedText:
    """Normalized view of `text` for detection, with the map back to `text`.

    Never raises on a str; `normalize(normalize(x).text).text == normalize(x).text`.
    """
    return _normalize(text, fast=True)


def _normalize(text: str, fast: bool) -> NormalizedText:
    """`normalize`; `fast=False` runs every pass the general way (the reference for tests)."""
    # RE2 takes UTF-8, so text that may hold lone surrogates goes to the Unicode pass first.
    hits: list[int] | tuple[()] | None = None
    if text.isascii() or _only_pictographs(text):
        hits = _GUARDS.Match(text) or ()
        if not hits:
            return NormalizedText(text, text)
    levels: list[_Level] = []
    current = text
    hits_text = text if hits is not None else None  # the text `hits` was taken on
    # Work the fast mode skips, all of it provably without effect: a pass run again on
    # a text it left unchanged (passes are deterministic), the confusable pass on its
    # own output (it is idempotent), the Unicode pass once every character left is one
    # it keeps anywhere (`settled`; later passes only remove characters or add ASCII).
    quiet: dict[Callable[[str], list[Edit]], str] = {}
    settled = False
    markup_text: str | None = None  # the markup pass's last output, and its edits
    markup_edits: list[Edit] = []
    # The Unicode passes run until they change nothing; the ASCII passes after them only
    # remove or replace ASCII, which hands the Unicode passes new work only where it joins
    # non-ASCII text into new words (then they run again).
    unicode_settled = hits is not None
    for _ in range(_MAX_ROUNDS):
        changed = False
        if not unicode_settled or (hits is not None and _CONTROLS in hits):
            unicode_changed = False
            for apply_pass in (_unicode_pass, _confusable_pass):
                if not fast:
                    new = _apply_pass(current, apply_pass, levels)
                elif quiet.get(apply_pass) is current or (apply_pass is _unicode_pass and settled):
                    new = None
                elif apply_pass is _unicode_pass:
                    step = _unicode_fast(current, levels)
                    if step is None:
                        new = _apply_pass(current, apply_pass, levels)
                    else:
                        new, settled = step
                else:
                    new = _confusable_fast(current, levels)
                    quiet[apply_pass] = current if new is None else new
                if new is not None:
                    current, changed, unicode_changed = new, True, True
            unicode_settled = not unicode_changed
            if hits_text is not current:
                hits = _GUARDS.Match(current) or ()
                hits_text = current
        for index, apply_pass in _ASCII_PASSES:
            if index in hits and quiet.get(apply_pass) is not current:
                if fast and apply_pass is _markup_pass and len(current) >= _MARKUP_NEAR_MIN:
                    # Markup left by removing markup ("<tel:~~>" keeps "~~") takes a round
                    # each; after its own round only the text near its edits can change.
                    near = markup_edits if markup_text is current else None
                    step = _apply_markup(current, levels, near)
                    new = None if step is None else step[0]
                    if step is not None:
                        markup_text, markup_edits = step
                elif fast and apply_pass is _spelled_digits_pass:
                    new = _apply_pass(current, _spelled_digits_fast, levels)
                else:
                    new = _apply_pass(current, apply_pass, levels)
                if new is not None:
                    current, changed = new, True
                    hits = _GUARDS.Match(current) or ()
                    hits_text = current
                    # removing ASCII can join words ("<mailto:A>" + a lookalike): where
                    # ASCII now touches non-ASCII, the passes that judge whole words
                    # (confusables, composition) read the text again
                    unicode_settled = unicode_settled and (
                        current.isascii() or _MIXED_EDGE.search(current) is None)
                elif fast:
                    quiet[apply_pass] = current
        if not changed:
            break
        if not hits and current.isascii():
            break  # `hits` was taken after the last change: nothing left to do
    return NormalizedText(current, text, tuple(levels))
