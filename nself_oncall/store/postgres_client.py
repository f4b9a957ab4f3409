"""Tortoise's asyncpg client, with transactions whose failed BEGIN leaves nothing behind.

Tortoise 1.1.9 takes a pooled connection, makes the transaction the task's connection, then sends BEGIN; when
BEGIN raises (the database stopped answering, the connection dropped, the task was cancelled) it neither gives the
connection back nor unsets it: every later query of that task goes to a connection handed back to the pool ("the
connection has been released back to the pool"), and a connection that stayed open is lost to the pool. Here the
task's connection is unset and the connection given back (asyncpg's pool closes one it cannot reset).
"""

from __future__ import annotations

import asyncio

from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import TransactionContext, TransactionContextPooled
from tortoise.connection import get_connections


class PooledTransaction(TransactionContextPooled):
    async def __aenter__(self) -> TransactionWrapper:
        await self.ensure_connection()
        pool = self.client._parent._pool
        self.client._connection = await pool.acquire()
        self.token = get_connections().set(self.connection_name, self.client)
        try:
            await self.client.begin()
        except BaseException:
            get_connections().reset(self.token)
            await asyncio.shield(pool.release(self.client._connection))  # given back even if cancelled again
            raise
        return self.client


class Client(AsyncpgDBClient):
    def _in_transaction(self) -> TransactionContext:
        return PooledTransaction(TransactionWrapper(self), self._pool_init_lock)


#: Tortoise's name for the class a backend module provides.
client_class = Client
