"""SQLite transactions begin IMMEDIATE (store/sqlite_client.py): one that cannot get the write lock in time fails
alone, and the next one works."""

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
    """A migrated SQLite file, open in Tortoise with a busy timeout of 0.1 s; its path."""
    path = tmp_path / "nself_oncall.db"
    shutil.copyfile(_sqlite_template, path)
    await Tortoise.init(config=tortoise_config(f"sqlite://{path}?busy_timeout=100"))
    try:
        yield str(path)
    finally:
        await Tortoise.close_connections()


async def test_a_transaction_that_cannot_get_the_write_lock_fails_alone(tortoise):
    async def write(user: str) -> None:
        async with in_transaction() as connection:
            await execute(connection, SQL, [user])

    other = sqlite3.connect(tortoise, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing, for longer than the busy timeout
    with pytest.raises(TransactionManagementError) as refused:
        await asyncio.create_task(write("first"))  # a task of its own, as a request is
    assert database_unavailable(refused.value)  # the API answers 503
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(asyncio.create_task(write("second")), 5)  # not stuck behind the failed one
