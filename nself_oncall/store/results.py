"""The results of notifier calls, written only under the lease they were claimed with (see store/claims.py).

A result that schedules a retry and the check that the escalation still wants it are one transaction, which on
PostgreSQL first locks those escalations (FOR SHARE): an acknowledgement or a resolve (which locks its escalation
FOR UPDATE) either committed before that check, which then sees it, or waits for the result to be written, and
then stops the retry itself. Without the lock, an acknowledgement whose transaction began before the result was
written and committed after the check left one retry scheduled. SQLite's transactions run one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from .sql import any_of, execute, is_postgres


@dataclass(frozen=True)
class Result:
    """The outcome of one claimed notification: final (`retry_at` None) or pending again at `retry_at`."""

    id: str
    lease: str
    status: str
    retry_at: datetime | None = None
    sent_at: datetime | None = None
    provider_id: str | None = None
    error: str | None = None


_FINISH_PG = """
UPDATE notifications AS n SET status = v.status, available_at = v.retry_at, sent_at = v.sent_at,
       provider_id = v.provider_id, error = v.error, lease = NULL, lease_owner = NULL
FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[])
     AS v(id, lease, status, retry_at, sent_at, provider_id, error)
WHERE n.id = v.id AND n.lease = v.lease
RETURNING n.id
"""
_FINISH_SQLITE = """
UPDATE notifications SET status = ?, available_at = ?, sent_at = ?, provider_id = ?, error = ?,
       lease = NULL, lease_owner = NULL
WHERE id = ? AND lease = ?
"""


_LOCK_ESCALATIONS = """SELECT id FROM escalations
                       WHERE id IN (SELECT escalation_id FROM notifications WHERE id = ANY($1::text[]))
                       ORDER BY id FOR SHARE"""


async def finish(results: Sequence[Result]) -> set[str]:
    """Write the results whose lease is still held, in one transaction with the retries they schedule stopped
    if their escalation no longer wants them; returns the ids written (the others were claimed again by another
    engine after their lease ran out, which now owns them)."""
    if not results:
        return set()
    retrying = [r.id for r in results if r.status == "pending"]
    async with in_transaction() as connection:
        if retrying and is_postgres(connection):
            await execute(connection, _LOCK_ESCALATIONS, [retrying])
        written = await _write(connection, results)
        if retried := [i for i in retrying if i in written]:
            await stop_retries(connection, retried)
    return written


async def _write(connection: Any, results: Sequence[Result]) -> set[str]:
    if is_postgres(connection):
        fields = ("id", "lease", "status", "retry_at", "sent_at", "provider_id", "error")
        columns = [[getattr(r, name) for r in results] for name in fields]
        return {row["id"] for row in await connection.execute_query_dict(_FINISH_PG, columns)}
    written = set()
    for r in results:
        values = [r.status, r.retry_at, r.sent_at, r.provider_id, r.error, r.id, r.lease]
        count, _ = await connection.execute_query(_FINISH_SQLITE, values)
        if count:
            written.add(r.id)
    return written


_STOP_RETRIES = """
UPDATE notifications SET status = 'failed', available_at = NULL,
       error = COALESCE(error, 'failed') || ' (not retried: the escalation is '
               || (SELECT status FROM escalations WHERE escalations.id = notifications.escalation_id) || ')'
WHERE status = 'pending' AND attempts > 0 AND lease IS NULL
  AND escalation_id IN (SELECT id FROM escalations WHERE status <> 'triggered')
"""


async def stop_retries(connection: Any, ids: Sequence[str] | None = None, escalation_id: str | None = None) -> None:
    """Once an escalation is acknowledged or resolved, its failed messages are not tried again: fail the
    ones waiting for a retry (among `ids`, or of `escalation_id`). A message never attempted is still sent
    once: its step was reached before the acknowledgement."""
    if escalation_id is not None:
        await execute(connection, _STOP_RETRIES + " AND escalation_id = $1", [escalation_id])
    else:
        which, values = any_of(connection, "id", list(ids or []), 1)
        await execute(connection, f"{_STOP_RETRIES} AND {which}", values)
