"""Counts for /metrics, read at scrape time: the open escalations by status, the messages waiting to be sent by
channel, and how far behind the engine is (the oldest step and the oldest message that are due and not taken).

Each query reads open work only, through an index: `escalations (status, id)` for the open statuses, and the
`available_at` and `due_at` indexes, whose columns are NULL once a row has nothing left to do. None reads history
(resolved escalations, final messages): a scrape costs the same with a million of those as with none
(bench/metrics_scrape.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..oncall import EARLIEST
from .sql import default, maybe_instant, rows

#: The statuses of an escalation that is not over.
OPEN = ("triggered", "acknowledged")


@dataclass(frozen=True)
class Backlog:
    """The engine's work: the notifications not yet final by channel, and the oldest due step and message nobody has
    taken."""

    pending: dict[str, int]
    oldest_message_due: datetime | None
    oldest_step_due: datetime | None


async def open_escalations() -> dict[str, int]:
    """Escalations not resolved, by status (a status that none has is left out)."""
    sql = "SELECT status, COUNT(*) AS n FROM escalations WHERE status IN ($1, $2) GROUP BY status"
    return {row["status"]: row["n"] for row in await _query(sql, list(OPEN))}


async def backlog(now: datetime) -> Backlog:
    """A pending notification has an `available_at` (its due time, its retry, its rate limit's or its lease's end):
    the ones whose time has passed are waiting for an engine. A leased one's lease ends in the future, so a
    message being sent is not late; one whose engine died is, once its lease runs out.

    Pending is written `available_at >= EARLIEST` rather than `IS NOT NULL`, which is the same rows: SQLite's planner,
    without statistics (nothing runs ANALYZE), reads the whole table for IS NOT NULL, and the index for a range."""
    pending = "SELECT channel, COUNT(*) AS n FROM notifications WHERE available_at >= $1 GROUP BY channel"
    oldest = """SELECT (SELECT MIN(available_at) FROM notifications WHERE available_at <= $1) AS message,
                       (SELECT MIN(due_at) FROM escalations WHERE due_at <= $1) AS step"""
    row = (await _query(oldest, [now]))[0]
    by_channel = {r["channel"] or "": r["n"] for r in await _query(pending, [EARLIEST])}
    return Backlog(by_channel, maybe_instant(row["message"]), maybe_instant(row["step"]))


async def _query(sql: str, values: list[Any]) -> list[dict[str, Any]]:
    return await rows(default(), sql, values)
