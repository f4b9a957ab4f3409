"""Handoff notices: rows planned ahead, due ones turned into notifications, and both read back.

Like the escalations (store/steps.py), every pass is one transaction that locks the rows it works on
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, so engines in several processes take disjoint work; SQLite has
one engine), each schedule or notice in a savepoint of its own (store/contained.py): one that fails is recorded
with the reason, and the others go on. A notice row's unique key (schedule, shift start, user, notice) and the
one transaction that writes its notifications and clears its `send_at` make each notice go out once, whichever
engine gets it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from .. import escalation
from ..oncall.handoffs import Handoff
from ..records import NoticeItem
from . import notifications
from .contained import LATER, contained
from .ids import new_id
from .sql import any_of, default, due_times, execute, instant, is_postgres, maybe_instant, rows
from .wake import NOTIFICATIONS, wake_engines


@dataclass(frozen=True)
class Plan:
    """The planner's answer for one schedule: the handoff notices wanted for shifts starting from `since`
    (any other planned row from there on is dropped; None: leave the rows as they are), and when to plan
    again (None: it has no notices)."""

    since: datetime
    handoffs: list[Handoff] | None
    next_at: datetime | None


@dataclass(frozen=True)
class PlanCounts:
    schedules: int = 0
    added: int = 0
    moved: int = 0
    dropped: int = 0


@dataclass(frozen=True)
class DueNotice:
    """A planned notice whose time has come, as it was planned."""

    id: str
    schedule_id: str
    shift_start: datetime
    user: str
    index: int
    channel: str | None
    minutes_before: float


@dataclass(frozen=True)
class Send:
    """Send it: the message, and its notification rows (`undeliverable` ones with the reason)."""

    summary: str
    details: dict[str, Any]
    planned: list[escalation.Message]


@dataclass(frozen=True)
class Drop:
    """Never send it: the shift or the notice is gone."""

    reason: str


@dataclass(frozen=True)
class Retime:
    """The notice changed (channel, minutes before) and is now due at `due_at`, later."""

    channel: str | None
    minutes_before: float
    due_at: datetime


@dataclass(frozen=True)
class Later:
    """Neither sent nor recorded as failed: tried again contained.LATER from now (store/contained.py)."""


Decision = Send | Drop | Retime | Later


@dataclass
class SendCounts:
    """What a pass did, committed: notices sent (and their rows, see notifications.tally), dropped, moved, put off."""

    sent: int = 0
    dropped: list[tuple[DueNotice, str]] = field(default_factory=list)
    retimed: int = 0
    put_off: int = 0
    planned: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, due: DueNotice, decision: Decision) -> None:
        if isinstance(decision, Drop):
            self.dropped.append((due, decision.reason))
        elif isinstance(decision, Retime):
            self.retimed += 1
        elif isinstance(decision, Later):
            self.put_off += 1
        else:
            self.sent += 1
            self.planned += notifications.tally(decision.planned)


async def plan_times(now: datetime) -> tuple[bool, datetime | None]:
    """Whether a schedule's notices are to be planned at `now`, and when the next one is after `now`."""
    return await due_times("schedules", "notices_plan_at", now)


async def send_times(now: datetime) -> tuple[bool, datetime | None]:
    """Whether a planned notice is due at `now`, and when the next one is due after `now`."""
    return await due_times("notices", "send_at", now)


_SCHEDULES_TO_PLAN = "SELECT id FROM schedules WHERE notices_plan_at <= $1 ORDER BY notices_plan_at LIMIT $2"
_KNOWN = """SELECT id, shift_start, "user", notice, channel, minutes_before, send_at FROM notices
            WHERE schedule_id = $1 AND shift_start >= $2"""
_INSERT_PLANNED = """INSERT INTO notices (id, schedule_id, shift_start, "user", notice, channel, minutes_before, due_at,
                                         send_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)"""
_PLAN_AT = "UPDATE schedules SET notices_plan_at = $1 WHERE id = $2"
# Both touch planned rows only: a row another engine turned into notifications while this one waited for its lock
# is left as it is (PostgreSQL checks the condition again on the row as committed).
_MOVE = """UPDATE notices SET channel = $1, minutes_before = $2, due_at = $3, send_at = $3
           WHERE id = $4 AND send_at IS NOT NULL"""


async def plan_due(
    now: datetime, limit: int, plan: Callable[[str], Awaitable[Plan]],
    unplanned: Callable[[str, Exception], Awaitable[Plan]],
) -> PlanCounts:
    """Plan the notices of up to `limit` schedules whose planning time has come, one transaction: rows are
    added for new handoffs, moved when their notice changed, and dropped when their shift is gone. A row
    already turned into notifications is never touched (its key stays taken: it is not sent again). A schedule
    whose planning fails gets what `unplanned` decides from the error instead (store/contained.py)."""
    added = moved = dropped = 0
    async with in_transaction() as connection:

        async def write(schedule_id: str, decided: Plan) -> tuple[int, int, int]:
            """Write what was decided for the schedule; how many rows were added, moved, dropped."""
            changed = (0, 0, 0)
            if decided.handoffs is not None:
                changed = await _replan(connection, schedule_id, decided.since, decided.handoffs, now)
            await execute(connection, _PLAN_AT, [decided.next_at, schedule_id])
            return changed

        async def later(schedule_id: str) -> tuple[int, int, int]:
            await execute(connection, _PLAN_AT, [now + LATER, schedule_id])
            return 0, 0, 0

        due = await rows(connection, _SCHEDULES_TO_PLAN + _locking(connection), [now, limit])
        for row in due:
            name = f"schedule {row['id']!r}: planning its notices"
            a, m, d = await contained(row["id"], name, plan, unplanned, write, later)
            added, moved, dropped = added + a, moved + m, dropped + d
    return PlanCounts(len(due), added, moved, dropped)


async def _replan(
    connection: Any, schedule_id: str, since: datetime, handoffs: list[Handoff], now: datetime
) -> tuple[int, int, int]:
    """Make the planned rows of shifts from `since` on be `handoffs`; returns how many were added, moved, dropped."""
    wanted = {(h.shift_start, h.user, h.index): h for h in handoffs}
    moved, gone = 0, []
    for row in await rows(connection, _KNOWN, [schedule_id, since]):
        handoff = wanted.pop((instant(row["shift_start"]), row["user"], row["notice"]), None)
        if row["send_at"] is None:
            continue  # written already: never touched, and not planned again
        if handoff is None:
            gone.append(row["id"])
        elif (row["channel"], row["minutes_before"]) != (handoff.notice.channel, handoff.notice.minutes_before):
            values = [handoff.notice.channel, handoff.notice.minutes_before, handoff.due_at, row["id"]]
            await execute(connection, _MOVE, values)
            moved += 1
    await _delete(connection, gone)
    for h in wanted.values():
        values = [new_id(), schedule_id, h.shift_start, h.user, h.index, h.notice.channel, h.notice.minutes_before,
                  h.due_at, now]
        await execute(connection, _INSERT_PLANNED, values)
    return len(wanted), moved, len(gone)


_DUE = """SELECT id, schedule_id, shift_start, "user", notice, channel, minutes_before FROM notices
          WHERE send_at <= $1 ORDER BY send_at LIMIT $2"""
_SEND_AT = "UPDATE notices SET send_at = $1 WHERE id = $2"
_SENT = {
    "postgres": "UPDATE notices SET send_at = NULL, summary = $1, details = $2::jsonb WHERE id = $3",
    "sqlite": "UPDATE notices SET send_at = NULL, summary = ?, details = ? WHERE id = ?",
}


async def send_due(
    now: datetime, limit: int, decide: Callable[[DueNotice], Awaitable[Decision]],
    undecided: Callable[[DueNotice, Exception], Awaitable[Decision]], sender: str | None = None,
) -> SendCounts:
    """Lock up to `limit` planned notices due at `now` and do what `decide` says of each, in one transaction:
    write its notifications, drop it, or move it later; a notice whose deciding fails gets what `undecided`
    decides from the error instead, and one that cannot be recorded either is put off (store/contained.py). The
    notification that wakes the engines names `sender`."""
    counts = SendCounts()
    async with in_transaction() as connection:

        async def write(due: DueNotice, decision: Decision) -> Decision:
            """Write what was decided for the notice (a drop is written with the others of the pass)."""
            if isinstance(decision, Retime):
                await execute(connection, _MOVE, [decision.channel, decision.minutes_before, decision.due_at, due.id])
            elif isinstance(decision, Send):
                await notifications.write(connection, decision.planned, now, notice_id=due.id)
                sent = _SENT[connection.capabilities.dialect]
                await connection.execute_query(sent, [decision.summary, json.dumps(decision.details), due.id])
            return decision

        async def later(due: DueNotice) -> Decision:
            await execute(connection, _SEND_AT, [now + LATER, due.id])
            return Later()

        for row in await rows(connection, _DUE + _locking(connection), [now, limit]):
            due = DueNotice(row["id"], row["schedule_id"], instant(row["shift_start"]), row["user"], row["notice"],
                            row["channel"], row["minutes_before"])
            name = (f"schedule {due.schedule_id!r}: notice {due.index} for {due.user}'s shift at "
                    f"{due.shift_start.isoformat()}")
            counts.add(due, await contained(due, name, decide, undecided, write, later))
        await _delete(connection, [due.id for due, _ in counts.dropped])
        if counts.sent:
            await wake_engines(connection, NOTIFICATIONS, sender)
    return counts


_ITEMS = """SELECT o.shift_start, o."user", o.notice, o.due_at, n.channel, n.status, n.sent_at, n.error
            FROM notices AS o JOIN notifications AS n ON n.notice_id = o.id
            WHERE o.schedule_id = $1 AND o.shift_start >= $2 AND o.shift_start < $3
            ORDER BY o.due_at, o.shift_start, o.notice, n.contact_position"""


async def notified(schedule_id: str, since: datetime, until: datetime) -> list[NoticeItem]:
    """The messages written for the schedule's notices of shifts starting in [since, until), in due order."""
    found = await rows(default(), _ITEMS, [schedule_id, since, until])
    return [
        NoticeItem(
            shift_start=instant(r["shift_start"]), user=r["user"], notice=r["notice"], channel=r["channel"],
            due_at=instant(r["due_at"]), status=r["status"],
            sent_at=maybe_instant(r["sent_at"]), error=r["error"],
        )
        for r in found
    ]


async def _delete(connection: Any, ids: Sequence[str]) -> None:
    """Drop planned rows (never one written already)."""
    if ids:
        which, values = any_of(connection, "id", ids, 1)
        await execute(connection, f"DELETE FROM notices WHERE send_at IS NOT NULL AND {which}", values)


def _locking(connection: Any) -> str:
    """Lock the rows a pass works on, skipping those another engine holds (PostgreSQL; SQLite has one engine)."""
    return " FOR UPDATE SKIP LOCKED" if is_postgres(connection) else ""
