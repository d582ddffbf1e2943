"""The test PostgreSQL server itself: real, on loopback, one fresh database per test."""

from __future__ import annotations

import asyncpg
import pytest

from tests.pg_server import PostgresServer


async def test_each_test_gets_its_own_empty_database(pg_server: PostgresServer,
                                                     pg_dsn: str) -> None:
    conn = await asyncpg.connect(pg_dsn)
    try:
        tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        assert await conn.fetchval(tables) == 0
        assert await conn.fetchval("SHOW listen_addresses") == "127.0.0.1"
        await conn.execute("CREATE TABLE t (x int)")
    finally:
        await conn.close()
    other = pg_server.create_database("dg_test_other")
    conn = await asyncpg.connect(other)
    try:
        assert await conn.fetchval("SELECT to_regclass('public.t')") is None
    finally:
        await conn.close()


async def test_cut_connections_are_seen_by_the_client(pg_server: PostgresServer,
                                                      pg_dsn: str) -> None:
    conn = await asyncpg.connect(pg_dsn)
    try:
        pg_server.kill_connections(pg_dsn.rsplit("/", 1)[1])
        with pytest.raises((asyncpg.PostgresError, ConnectionError, asyncpg.InterfaceError)):
            await conn.fetchval("SELECT 1")
    finally:
        await conn.close()
