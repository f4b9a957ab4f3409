"""One item of a batch in a savepoint of the batch's transaction, so that its failure is its own.

The engine handles due escalations and notices in batches, one transaction each (store/steps.py, store/notices.py).
An item that fails (a schedule that cannot be loaded, any bug) must not roll the others back, nor come first again
at every pass and stop all paging behind it: what is decided for it is written in a savepoint (store/sql.py's
`savepoint`), rolled back alone when it raises. The
item is then recorded with the reason instead, in a savepoint of its own too: that can fail as well (a reason the
database refuses, the same bug again), and then the item is only put off for LATER, and the batch goes on.

An error of the moment (the database away, a deadlock, a serialization failure, a statement timeout: see
`store.transient`) is raised, never contained: it says nothing about the item, which would be recorded as failed for
good; the whole batch is rolled back, and the engine tries the pass again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from . import transient
from .sql import default, savepoint

log = logging.getLogger(__name__)

#: When an item that could neither be done nor recorded as failed is tried again.
LATER = timedelta(minutes=1)

I = TypeVar("I")  # noqa: E741 (the item)
D = TypeVar("D")  # what is decided for it
R = TypeVar("R")  # what writing that returns


async def contained(
    item: I,
    name: str,
    decide: Callable[[I], Awaitable[D]],
    instead: Callable[[I, Exception], Awaitable[D]],
    write: Callable[[I, D], Awaitable[R]],
    later: Callable[[I], Awaitable[R]],
) -> R:
    """Write what `decide` decides for `item`, in a savepoint of the current transaction. If that raises, roll back
    to the savepoint and write what `instead` decides from the error (the item recorded with the reason), in a
    savepoint too; if that raises as well, log it (`name` says which item) and return what `later` does (which puts
    the item off for LATER, no more). A transient error (`store.transient`) is raised at once."""
    try:
        async with savepoint(default()):
            return await write(item, await decide(item))
    except Exception as error:
        if transient(error):
            raise
        failed = error
    try:
        async with savepoint(default()):
            return await write(item, await instead(item, failed))
    except Exception as error:
        if transient(error):
            raise
        log.error("%s: could not be recorded as failed either (%s: %s); trying it again in %s",
                  name, type(error).__name__, error, LATER, exc_info=error)
    return await later(item)
