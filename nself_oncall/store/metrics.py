"""Counts for /metrics, read at scrape time: escalations by status, notifications by channel and status, and how
far behind the engine is (the oldest step and the oldest message that are due and not taken).

Each is one aggregate query. The outbox and lag queries read the `available_at` and `due_at` indexes (both are
NULL once a row has nothing left to do); the counts by status read every row of their table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .sql import default, maybe_instant, rows


@dataclass(frozen=True)
class Backlog:
    """The engine's work: notifications not yet final, and the oldest due step and message nobody has taken."""

    pending: int
    oldest_message_due: datetime | None
    oldest_step_due: datetime | None


async def escalations_by_status() -> dict[str, int]:
    rows = await _query("SELECT status, COUNT(*) AS n FROM escalations GROUP BY status", [])
    return {row["status"]: row["n"] for row in rows}


async def notifications_by_channel() -> dict[tuple[str, str], int]:
    """(channel, status) -> count; a notification without a channel (nobody to reach) under ""."""
    sql = "SELECT channel, status, COUNT(*) AS n FROM notifications GROUP BY channel, status"
    return {(row["channel"] or "", row["status"]): row["n"] for row in await _query(sql, [])}


async def backlog(now: datetime) -> Backlog:
    """A pending notification has an `available_at` (its due time, its retry, its rate limit's or its lease's end):
    the ones whose time has passed are waiting for an engine. A leased one's lease ends in the future, so a
    message being sent is not late; one whose engine died is, once its lease runs out."""
    sql = """SELECT (SELECT COUNT(*) FROM notifications WHERE available_at IS NOT NULL) AS pending,
                    (SELECT MIN(available_at) FROM notifications WHERE available_at <= $1) AS message,
                    (SELECT MIN(due_at) FROM escalations WHERE due_at <= $1) AS step"""
    row = (await _query(sql, [now]))[0]
    return Backlog(row["pending"], maybe_instant(row["message"]), maybe_instant(row["step"]))


async def _query(sql: str, values: list[Any]) -> list[dict[str, Any]]:
    return await rows(default(), sql, values)
