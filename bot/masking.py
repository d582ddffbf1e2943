"""Masking: how PII values appear in notices, logs and scan output.

Shows just enough shape for a moderator to recognise what was caught
("44•• H••• St") and never enough to reuse it.
"""

from __future__ import annotations

import re

DOT = "•"
_TOKEN = re.compile(r"[^\W_]+")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
_DIGIT_RUN = re.compile(r"\d{3,}")
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


def _mask_outside(text: str) -> str:
    """Outside the flagged spans: every email has each letter and digit masked (even
    "j@x.com" shows only its shape) and every run of 3+ digits is masked whole."""
    text = _EMAIL.sub(lambda m: re.sub(r"[^\W_]", DOT, m.group()), text)
    return _DIGIT_RUN.sub(lambda m: DOT * len(m.group()), text)


def mask_excerpt(text: str, spans: list[tuple[int, int]], limit: int = 240) -> str:
    """The message with each PII span masked, plus every email and run of 3+ digits.

    Used for notices and stored summaries, so it errs towards masking more.
    """
    pieces: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            start = pos
        if start >= end:
            continue
        pieces.append(_mask_outside(text[pos:start]))
        pieces.append(mask(_mask_outside(text[start:end])))
        pos = end
    pieces.append(_mask_outside(text[pos:]))
    out = " ".join("".join(pieces).split())
    if len(out) > limit:
        out = out[: limit - 1] + "…"
    return out
