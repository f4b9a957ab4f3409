"""Tortoise's SQLite client, with transactions that take the write lock when they begin (`BEGIN IMMEDIATE`).

A transaction that reads, then writes, begins DEFERRED in Tortoise: it takes the write lock at its first write,
and when another connection (another process, or the engine's own in `serve`) wrote in between, SQLite cannot
wait for it and fails at once with "database is locked", whatever the busy timeout. A transaction that begins
IMMEDIATE waits, up to BUSY_TIMEOUT, for the lock instead. Every transaction the service opens may write, and
all are short; reads outside a transaction are not affected (WAL lets them run beside a writer).
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.exceptions import TransactionManagementError

#: How long a statement or a BEGIN waits for another connection's lock, in milliseconds.
BUSY_TIMEOUT = 5000


class ImmediateTransaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs) -> None:
        kwargs.setdefault("busy_timeout", BUSY_TIMEOUT)
        super().__init__(file_path, **kwargs)

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransaction(self), self._lock)


#: Tortoise's name for the class a backend module provides.
client_class = ImmediateSqliteClient
