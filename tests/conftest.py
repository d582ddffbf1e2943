"""Fixtures shared by the engine, hardening and console tests."""

from __future__ import annotations

import pytest

from bot.seal import generate_key


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh sealing key in $DOXGUARD_SEAL_KEY for this test."""
    value = generate_key()
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", value)
    return value
