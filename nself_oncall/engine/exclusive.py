"""One engine per SQLite file: an exclusive lock on `<database>.engine-lock`, held while the engine runs.

SQLite has no `FOR UPDATE SKIP LOCKED`, so two engines on one file would take the same work. A second process
waits as a standby and takes over when the first one stops (the OS releases the lock of a process that died).
PostgreSQL needs no such lock: any number of engines share it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from ..config import dialect_of
from ..store.listen import sqlite_file

log = logging.getLogger(__name__)

#: How often a standby tries to take the lock.
STANDBY_POLL = 2.0


@contextlib.asynccontextmanager
async def sqlite_engine_lock(
    database_url: str, stopping: asyncio.Event, sleep: Callable[[asyncio.Event, float], Awaitable[None]]
) -> AsyncIterator[None]:
    """On SQLite, hold the engine lock of the database file (waiting as a standby, in `sleep`, while another
    process has it, until `stopping` is set); elsewhere, nothing."""
    if dialect_of(database_url) != "sqlite" or (path := sqlite_file(database_url)) == ":memory:":
        yield
        return
    with open(f"{path}.engine-lock", "a+b") as lock:
        told = False
        while not stopping.is_set():
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    log.info("engine: another process runs the engine of %s; waiting to take over", path)
                    told = True
                await sleep(stopping, STANDBY_POLL)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
