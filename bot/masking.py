"""Masking: how PII values appear in notices, logs and scan output.

Shows just enough shape for a moderator to recognise what was caught
("44•• H••• St") and never enough to reuse it.
"""

from __future__ import annotations

import re

DOT = "•"
_TOKEN = re.compile(r"[^\W_]+")
_SENSITIVE = re.compile(r"\d{3,}|[^\s@]+@[^\s@]+")
_KEEP_WORDS = frozenset(
    {
        "st",
        "rd",
        "dr",
        "ave",
        "ln",
        "ct",
        "pl",
        "blvd",
        "apt",
        "n",
        "s",
        "e",
        "w",
        "ne",
        "nw",
        "se",
        "sw",
        "com",
        "org",
        "net",
        "gov",
        "edu",
        "mo",
        "ks",
    }
)


def _mask_token(token: str) -> str:
    if token.isdigit():
        if len(token) >= 4:
            return token[:2] + DOT * (len(token) - 2)
        return DOT * len(token)
    if token.lower() in _KEEP_WORDS:
        return token
    if len(token) <= 1:
        return token
    return token[0] + DOT * (len(token) - 1)


def mask(value: str) -> str:
    """Mask every word and number of a PII value, keeping separators and shape."""
    return _TOKEN.sub(lambda m: _mask_token(m.group()), value)


def mask_excerpt(text: str, spans: list[tuple[int, int]], limit: int = 240) -> str:
    """The message with each PII span masked, plus any other long digit run or email.

    Used for notices and stored summaries, so it errs towards masking more.
    """
    pieces: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            start = pos
        if start >= end:
            continue
        pieces.append(_SENSITIVE.sub(lambda m: mask(m.group()), text[pos:start]))
        pieces.append(mask(text[start:end]))
        pos = end
    pieces.append(_SENSITIVE.sub(lambda m: mask(m.group()), text[pos:]))
    out = " ".join("".join(pieces).split())
    if len(out) > limit:
        out = out[: limit - 1] + "…"
    return out
