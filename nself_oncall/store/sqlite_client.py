"""Tortoise's SQLite client, with transactions that take the write lock when they begin (`BEGIN IMMEDIATE`).

A transaction that reads, then writes, begins DEFERRED in Tortoise: it takes the write lock at its first write,
and when another connection (another process, or the engine's own in `serve`) wrote in between, SQLite cannot
wait for it and fails at once with "database is locked", whatever the busy timeout. A transaction that begins
IMMEDIATE waits, up to BUSY_TIMEOUT, for the lock instead. Every transaction the service opens may write, and
all are short; reads outside a transaction are not affected (WAL lets them run beside a writer).

A BEGIN that gives up (the other writer held the lock past the busy timeout) or whose task is cancelled while it
waits (Quart cancels a request's handler when its client goes away) must leave nothing behind. Tortoise 1.1.9 takes
its in-process transaction lock and makes the transaction the task's connection before BEGIN, and releases neither
when BEGIN fails, so every later transaction of the process would wait on that lock for ever; and a cancelled BEGIN
still runs in aiosqlite's thread, so it may take the file's write lock after all and keep it, with nobody to end it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError

log = logging.getLogger(__name__)

#: How long a statement or a BEGIN waits for another connection's lock, in milliseconds.
BUSY_TIMEOUT = 5000


class ImmediateTransaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateTransactionContext(SqliteTransactionContext):
    async def __aenter__(self) -> ImmediateTransaction:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._release_after_rollback()
            raise
        return self.connection

    def _release_after_rollback(self) -> None:
        """Roll back whatever the BEGIN left (queued behind it in aiosqlite's thread, so it runs after a BEGIN that
        is still under way), then let the next transaction in; without awaiting, so that a second cancellation
        cannot stop it halfway."""
        connection = self.connection._connection
        if connection is None:  # the connection never opened
            self._trxlock.release()
            return
        rollback = asyncio.ensure_future(connection.rollback())

        def release(done: asyncio.Future[None]) -> None:
            if not done.cancelled() and done.exception() is not None:
                log.warning("sqlite: rolling back after a failed BEGIN: %s", done.exception())
            self._trxlock.release()

        rollback.add_done_callback(release)


class ImmediateSqliteClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs) -> None:
        kwargs.setdefault("busy_timeout", BUSY_TIMEOUT)
        super().__init__(file_path, **kwargs)

    def _in_transaction(self) -> TransactionContext:
        return ImmediateTransactionContext(ImmediateTransaction(self), self._lock)


#: Tortoise's name for the class a backend module provides.
client_class = ImmediateSqliteClient
