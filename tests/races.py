"""Races run deterministically: one side is held at a chosen point (the test's own hook), the other runs until it
has finished or waits for a lock that the held side has, and only then is the held side let go."""

from __future__ import annotations

import asyncio
import time

import asyncpg
from tortoise import connections

#: A bound on the wait (never a measurement): the other side finishes or waits within moments.
PATIENCE = 30.0


async def finished_or_waiting(task: asyncio.Task, db_url: str) -> None:
    """Return once `task` has finished or waits for a lock: a row lock on PostgreSQL (seen in pg_stat_activity),
    on SQLite the lock by which Tortoise's client runs one transaction at a time (BEGIN IMMEDIATE makes other
    processes wait as well)."""
    probe = await asyncpg.connect(db_url) if db_url.startswith("postgres") else None
    try:
        deadline = time.monotonic() + PATIENCE
        while not task.done() and not await _waiting(probe):
            assert time.monotonic() < deadline, f"neither finished nor waiting after {PATIENCE} s"
            await asyncio.sleep(0.01)
    finally:
        if probe is not None:
            await probe.close()


async def _waiting(probe: asyncpg.Connection | None) -> bool:
    if probe is None:
        return bool(connections.get("default")._lock._waiters)
    sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    return await probe.fetchval(sql) > 0


def held_after(monkeypatch, module, name: str) -> tuple[asyncio.Event, asyncio.Event]:
    """Make the coroutine function `module.name`, once it has run, wait until released: (reached, release)."""
    reached, release = asyncio.Event(), asyncio.Event()
    original = getattr(module, name)

    async def hold(*args, **kwargs):
        result = await original(*args, **kwargs)
        reached.set()
        await release.wait()
        return result

    monkeypatch.setattr(module, name, hold)
    return reached, release
