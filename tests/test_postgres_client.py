"""A PostgreSQL transaction whose BEGIN fails (the database stopped answering, or its task was cancelled) leaves
nothing behind (store/postgres_client.py): its connection goes back to the pool, and the task's next transaction,
once the database answers again, works (Tortoise 1.1.9 left the failed one as the task's connection, so every
later query of that task went to a connection handed back to the pool)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from nself_oncall import config
from nself_oncall.store import transient
from nself_oncall.store.sql import execute
from peers import HangingProxy

pytestmark = pytest.mark.postgres

DEADLINE = 20.0  # seconds: many times the 1 s query timeout set here


async def transaction() -> None:
    async with in_transaction() as connection:
        await execute(connection, "SELECT 1")


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("how", ["timed out", "cancelled"])
async def test_after_a_failed_begin_the_same_task_can_begin_again(db_url, monkeypatch, how):
    monkeypatch.setattr(config, "QUERY_TIMEOUT", 1.0)
    parts = urlsplit(db_url)
    proxy = HangingProxy((parts.hostname, parts.port or 5432))
    url = parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}").geturl()
    await Tortoise.init(config=config.tortoise_config(url))
    try:
        await transaction()  # a pooled connection open
        proxy.hang()
        with pytest.raises(TimeoutError):  # the driver's query timeout, or the task's own deadline
            async with asyncio.timeout(0.3 if how == "cancelled" else DEADLINE):
                await transaction()
        proxy.resume()
        async with asyncio.timeout(DEADLINE):
            while True:
                try:
                    await transaction()
                    break
                except Exception as exc:  # a connection the timeout left unusable, closed by the pool
                    assert transient(exc), repr(exc)
                    await asyncio.sleep(0.1)
    finally:
        await Tortoise.close_connections()
        proxy.close()
