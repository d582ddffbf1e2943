"""Email addresses (obfuscated spellings were already undone by `bot.normalize`).

The scan is anchored on each "@" and reads a bounded local part backwards and a domain
forwards, so a 100 KB run of letters or "@"s costs linear time: a plain
`local@domain` regex restarted at every letter would be quadratic on such input.
"""

from __future__ import annotations

import re

from bot.detectors.context_words import ContextWords, boost
from bot.models import Category, Finding

EMAIL_CONTEXT = ContextWords(["email", "e-mail", "mail", "gmail", "contact", "inbox", "address"])

# RFC 5322 "atext" for the local part (dots handled separately); 64 chars at most.
_LOCAL_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-."
)
_MAX_LOCAL = 64

# Domain: up to 8 labels then an alphabetic or punycode top-level domain.
_DOMAIN = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}(?:xn--[a-z0-9-]{1,59}|[a-z]{2,63})"
    r"(?![a-z0-9-]|\.[a-z0-9])",
    re.IGNORECASE,
)

# An "@" can only start an address when a domain follows it: searching for that directly
# skips the "@"s of a dump ("@@ a@ @b.") without walking back over each local part.
_AT_BEFORE_DOMAIN = re.compile(rf"@(?={_DOMAIN.pattern})", re.IGNORECASE)

# Endings that look like a TLD in "icon@2x.png" or "logo@home.svg" but are file
# extensions, not delegated top-level domains.
_NOT_TLDS = frozenset(
    "png jpg jpeg gif svg webp bmp ico tif tiff heic pdf txt js ts jsx tsx css scss json yml "
    "yaml toml ini cfg exe dll so log csv tsv xml htm html mp3 mp4 wav ogg tmp bak lock".split()
)


class EmailDetector:
    """Plain email addresses; the normalized value is lowercase."""

    category = Category.EMAIL_ADDRESS
    name = "email"
    triggers: tuple[str, ...] = ("@",)

    def detect(self, text: str, limit: int | None = None) -> list[Finding]:
        """Findings in text order; with `limit`, the first `limit` of them."""
        return self._find(text)[:limit]

    def _find(self, text: str) -> list[Finding]:
        findings: list[Finding] = []
        last_end = 0
        m = _AT_BEFORE_DOMAIN.search(text)
        while m is not None:
            at = m.start()
            found = self._at(text, at, last_end)
            if found is not None:
                findings.append(found)
                last_end = found.end
                m = _AT_BEFORE_DOMAIN.search(text, found.end)
            else:
                m = _AT_BEFORE_DOMAIN.search(text, at + 1)
        return findings

    def _at(self, text: str, at: int, floor: int) -> Finding | None:
        """The address around the "@" at `at`, if there is one."""
        start = at
        limit = max(floor, at - _MAX_LOCAL)
        while start > limit and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        while start < at and text[start] == ".":
            start += 1  # a sentence's full stop is not part of the address
        local = text[start:at]
        if not local or local.endswith(".") or ".." in local:
            return None
        if start == at - _MAX_LOCAL and start > floor and text[start - 1] in _LOCAL_CHARS:
            return None  # local part longer than 64 characters: not an address
        m = _DOMAIN.match(text, at + 1)
        if m is None:
            return None
        domain = m.group()
        tld = domain.rsplit(".", 1)[1].lower()
        if tld in _NOT_TLDS:
            return None
        end = m.end()
        context = EMAIL_CONTEXT.near(text, start, end)
        value = f"{local}@{domain}".lower()
        return Finding(self.category, start, end, value, boost(0.85, context), "email")
