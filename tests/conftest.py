"""Fixtures shared by the tests: a sealing key, and a throwaway PostgreSQL server."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from bot.seal import generate_key
from tests.pg_server import PostgresError, PostgresServer


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh sealing key in $DOXGUARD_SEAL_KEY for this test."""
    value = generate_key()
    monkeypatch.setenv("DOXGUARD_SEAL_KEY", value)
    return value


# ---------------------------------------------------------------- PostgreSQL

_pg_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the whole session (started on first use).

    Fails (never skips) when no server can be found, installed or started.
    """
    server = PostgresServer()
    try:
        server.start()
    except PostgresError as exc:
        pytest.fail(f"PostgreSQL is needed for this test and could not be started: {exc}",
                    pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_dsn(pg_server: PostgresServer) -> str:
    """A fresh, empty database on the session's server, as a DSN."""
    return pg_server.create_database(f"dg_test_{os.getpid()}_{next(_pg_databases)}")
