"""SQLite transactions begin IMMEDIATE (store/sqlite_client.py): one that cannot get the write lock in time fails
alone, one whose request is cancelled while it waits leaves no transaction open behind it, and the next one works."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3

import pytest
from tortoise import Tortoise
from tortoise.exceptions import TransactionManagementError
from tortoise.transactions import in_transaction

from nself_oncall.config import tortoise_config
from nself_oncall.store import database_unavailable
from nself_oncall.store.sql import execute

SQL = "INSERT INTO users (id, name, created_at, updated_at) VALUES ($1, 'n', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"


@pytest.fixture
async def tortoise(_sqlite_template, tmp_path):
    """A migrated SQLite file, open in Tortoise with a busy timeout of 0.5 s; its path."""
    path = tmp_path / "nself_oncall.db"
    shutil.copyfile(_sqlite_template, path)
    await Tortoise.init(config=tortoise_config(f"sqlite://{path}?busy_timeout=500"))
    try:
        yield str(path)
    finally:
        await Tortoise.close_connections()


async def write(user: str) -> None:
    async with in_transaction() as connection:
        await execute(connection, SQL, [user])


async def test_a_transaction_that_cannot_get_the_write_lock_fails_alone(tortoise):
    other = sqlite3.connect(tortoise, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing, for longer than the busy timeout
    with pytest.raises(TransactionManagementError) as refused:
        await asyncio.create_task(write("first"))  # a task of its own, as a request is
    assert database_unavailable(refused.value)  # the API answers 503
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(asyncio.create_task(write("second")), 5)  # not stuck behind the failed one


async def test_a_transaction_cancelled_while_it_waits_for_the_lock_leaves_none_open(tortoise):
    """Quart cancels a request's handler when its client goes away: its BEGIN still runs in aiosqlite's thread, and
    must not leave a transaction holding the file's write lock."""
    other = sqlite3.connect(tortoise, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    waiting = asyncio.create_task(write("gone"))
    await asyncio.sleep(0.1)  # its BEGIN IMMEDIATE waits for the lock
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    other.execute("COMMIT")  # the lock is free: the cancelled BEGIN takes it now, in aiosqlite's thread
    await asyncio.sleep(1)  # past the busy timeout: it began, or gave up
    other.execute("BEGIN IMMEDIATE")  # another process can write: nothing of ours holds the lock
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(asyncio.create_task(write("next")), 5)
