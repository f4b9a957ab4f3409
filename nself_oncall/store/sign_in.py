"""The web view's sign-ins: its sessions (`web_sessions`) and the failed attempts (`sign_in_failures`) that
slow down guessing, both rows so that every process sees the same (see models/sign_in.py).

A session is kept as the sha256 of the id its cookie carries. Failed attempts are counted per client address
under a lock of that address (a PostgreSQL advisory lock; on SQLite the transaction's write lock), so that
attempts racing each other are decided one after the other and a burst cannot outrun the count. Rows that can
no longer matter are deleted a bounded batch at a time as new ones are written, so neither table grows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from ..models import WebSession
from .sql import execute, instant, is_postgres, rows

#: The advisory lock space of sign-in attempts (the two-key form: apart from every one-key lock).
_LOCK_SPACE = 5_141_711
#: Rows of one table deleted at most per write.
_CLEANUP_BATCH = 100


async def attempt(
    address: str,
    failed: bool,
    now: datetime,
    since: datetime,
    count: int,
    blocked_until: Callable[[Sequence[datetime]], datetime | None],
) -> datetime | None:
    """One sign-in attempt from `address`, decided under its lock: when `blocked_until` (given the newest `count`
    failures after `since`, newest first) says the address is refused past `now`, that instant, and nothing is
    written; else None, and a failed attempt is recorded at `now`."""
    async with in_transaction() as connection:
        if is_postgres(connection):
            await connection.execute_query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [_LOCK_SPACE, address])
        sql = "SELECT failed_at FROM sign_in_failures WHERE address = $1 AND failed_at > $2 ORDER BY failed_at DESC LIMIT $3"
        recent = [instant(row["failed_at"]) for row in await rows(connection, sql, [address, since, count])]
        until = blocked_until(recent)
        if until is not None and until > now:
            return until
        if failed:
            await execute(connection, "INSERT INTO sign_in_failures (address, failed_at) VALUES ($1, $2)", [address, now])
            await _delete_before(connection, "sign_in_failures", "id", "failed_at", since)
    return None


async def open_session(digest: str, now: datetime, expires_at: datetime) -> None:
    """A new session whose id hashes to `digest`; sessions that have ended go."""
    async with in_transaction() as connection:
        await WebSession.create(id_hash=digest, created_at=now, expires_at=expires_at, using_db=connection)
        await _delete_before(connection, "web_sessions", "id_hash", "expires_at", now)


async def session_open(digest: str, now: datetime) -> bool:
    return await WebSession.filter(id_hash=digest, expires_at__gt=now).exists()


async def close_session(digest: str) -> None:
    await WebSession.filter(id_hash=digest).delete()


async def _delete_before(connection: Any, table: str, key: str, column: str, cutoff: datetime) -> None:
    """Delete up to _CLEANUP_BATCH rows of `table` whose `column` is before `cutoff` (on PostgreSQL only rows no
    other transaction is deleting: two cleanups never wait for each other)."""
    locking = " FOR UPDATE SKIP LOCKED" if is_postgres(connection) else ""
    old = f"SELECT {key} FROM {table} WHERE {column} < $1 LIMIT {_CLEANUP_BATCH}{locking}"
    await execute(connection, f"DELETE FROM {table} WHERE {key} IN ({old})", [cutoff])
