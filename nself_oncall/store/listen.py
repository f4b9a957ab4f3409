"""Connections of their own, outside Tortoise's pool: LISTEN on PostgreSQL, a probe of a URL, the SQLite file's
path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

from ..config import CONNECT_TIMEOUT
from .wake import WAKE_CHANNEL


async def connect(database_url: str, pooled: bool = False) -> asyncpg.Connection:
    """A plain asyncpg connection to the PostgreSQL database of `database_url`, given up after the URL's `timeout`
    (else CONNECT_TIMEOUT) seconds, as the pool's are (`pooled`: through PgBouncer, no prepared statements kept)."""
    credentials = expand_db_url(database_url)["credentials"]
    return await asyncpg.connect(
        **({"statement_cache_size": 0} if pooled else {}),
        host=credentials.get("host"),
        port=credentials.get("port"),
        user=credentials.get("user"),
        password=credentials.get("password"),
        database=credentials.get("database"),
        ssl=credentials.get("ssl"),
        timeout=credentials.get("timeout", CONNECT_TIMEOUT),
    )


async def probe(database_url: str, pooled: bool = False) -> None:
    """Raise unless the PostgreSQL database of `database_url` answers a query."""
    connection = await connect(database_url, pooled)
    try:
        await connection.execute("SELECT 1")
    finally:
        connection.terminate()


class Listener:
    """A connection that LISTENs for engine work; `on_work(kind)` is called with each NOTIFY's payload."""

    def __init__(self, connection: asyncpg.Connection):
        self.connection = connection

    @classmethod
    async def open(cls, database_url: str, on_work: Callable[[str], None]) -> Listener:
        connection = await connect(database_url)

        def notified(_connection: Any, _pid: int, _channel: str, payload: str) -> None:
            on_work(payload)

        await connection.add_listener(WAKE_CHANNEL, notified)
        return cls(connection)

    async def check(self) -> None:
        """Raise if the connection is gone (a notification sent while it was down is lost)."""
        if self.connection.is_closed():
            raise ConnectionError("the LISTEN connection is closed")
        await self.connection.execute("SELECT 1", timeout=5)

    def close(self) -> None:
        self.connection.terminate()


def sqlite_file(database_url: str) -> str:
    """The file of a sqlite:// URL (":memory:" for an in-memory database)."""
    return expand_db_url(database_url)["credentials"]["file_path"]
