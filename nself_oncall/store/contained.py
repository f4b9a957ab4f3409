"""One item of a batch in a savepoint of the batch's transaction, so that its failure is its own.

The engine handles due escalations and notices in batches, one transaction each (store/steps.py, store/notices.py).
An item that fails (a schedule that cannot be loaded, any bug) must not roll the others back, nor come first again
at every pass and stop all paging behind it: its work runs in a savepoint (Tortoise's `in_transaction()` inside a
transaction is one, on PostgreSQL and on SQLite), rolled back alone when it raises, and the item is recorded with
the reason instead, and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from tortoise.transactions import in_transaction

from . import database_unavailable

T = TypeVar("T")


async def contained(work: Callable[[], Awaitable[T]], instead: Callable[[Exception], Awaitable[T]]) -> T:
    """Run `work` in a savepoint of the current transaction; if it raises, roll back to the savepoint and run
    `instead(error)` (which records the item with the reason). The database being away is raised, not contained:
    nothing else would work either, and the whole batch is tried again later."""
    try:
        async with in_transaction():
            return await work()
    except Exception as error:
        if database_unavailable(error):
            raise
        failed = error
    return await instead(failed)
