"""Due escalations -> notification rows: the escalator's queries.

A pass locks the escalations due (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so that engines in any number of
processes take disjoint work without waiting on each other; SQLite has a single engine, see engine/runner.py),
writes what the engine decided for each and moves their due times on, in one transaction, each escalation in a
savepoint of its own: one that fails is recorded with the reason, and the others go on (store/contained.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from .. import escalation
from . import notifications, planned
from .contained import LATER, contained
from .planned import Planned
from .sql import due_times, instant, is_postgres, json_value, rows
from .wake import NOTIFICATIONS, wake_engines


@dataclass(frozen=True)
class DueEscalation:
    id: str
    snapshot: Any  # its policy as it was when triggered (JSON, as the driver returns it): see `policy`
    triggered_at: datetime
    steps_done: int
    planned: tuple[Planned, ...] = ()  # its notification rules' messages not written yet, in due order

    def policy(self) -> escalation.Policy:
        return escalation.policy_from_json(json_value(self.snapshot))


@dataclass(frozen=True)
class Advance:
    """What the engine decided for one due escalation: the messages to write (pending, or undeliverable with
    their reason), how far it got, the messages to keep until they are due (`later`), and the planned ones written
    now (`taken`, their ids)."""

    planned: list[escalation.Message]
    steps_done: int
    next_due: datetime | None
    later: list[escalation.Message] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)


Plan = Callable[[DueEscalation], Awaitable[Advance]]
Unplanned = Callable[[DueEscalation, Exception], Awaitable[Advance]]

_SELECT_DUE = "SELECT id, policy, created_at, steps_done FROM escalations WHERE due_at <= $1 ORDER BY due_at LIMIT $2"
_ADVANCE_PG = """UPDATE escalations AS e SET steps_done = v.steps_done, due_at = v.due_at
                 FROM unnest($1::text[], $2::int[], $3::timestamptz[]) AS v(id, steps_done, due_at)
                 WHERE e.id = v.id"""
_ADVANCE_SQLITE = "UPDATE escalations SET steps_done = ?, due_at = ? WHERE id = ?"


async def step_times(now: datetime) -> tuple[bool, datetime | None]:
    """Whether an escalation step is due at `now`, and when the next one due after `now` is due (None: none is).

    Each loop of the engine asks this (or its like) before it opens a transaction: most wake-ups find nothing to
    do, and one query answers that for a quarter of the round trips of an empty transaction. Only times after
    `now` count as next: what was due by then and not taken is locked by another engine, which is working on it."""
    return await due_times("escalations", "due_at", now)


@dataclass(frozen=True)
class Advanced:
    """What a pass did, committed: how many escalations it handled, and the rows it wrote (see notifications.tally)."""

    escalations: int
    planned: Counter[tuple[str, str]]


async def advance_due(
    now: datetime, limit: int, plan: Plan, unplanned: Unplanned, sender: str | None = None,
    share_above: int | None = None,
) -> Advanced:
    """Lock up to `limit` escalations due at `now`, write what `plan` decides for each, and move their due times
    on, in one transaction. Each escalation is planned and written in a savepoint of its own (store/contained.py):
    when that fails, what `unplanned` decides from the error is written instead, and the others go on; when that
    fails too, the escalation is put off for contained.LATER. The notification that wakes the engines names
    `sender`, the engine calling (see wake_engines); with `share_above`, only a pass that wrote more messages
    than that wakes them (fewer, and the calling engine sends them itself: it has that many free slots)."""
    written: Counter[tuple[str, str]] = Counter()
    async with in_transaction() as connection:

        async def write(item: DueEscalation, advance: Advance) -> Advance:
            await notifications.write(connection, advance.planned, now, escalation_id=item.id)
            await planned.write(connection, item.id, advance.later)
            await planned.remove(connection, advance.taken)
            return advance

        async def later(item: DueEscalation) -> Advance:
            return Advance([], item.steps_done, now + LATER)

        locking = " FOR UPDATE SKIP LOCKED" if is_postgres(connection) else ""
        due = await rows(connection, _SELECT_DUE + locking, [now, limit])
        kept = await planned.of(connection, [row["id"] for row in due])
        advanced = []
        for row in due:
            item = DueEscalation(
                row["id"], row["policy"], instant(row["created_at"]), row["steps_done"], tuple(kept[row["id"]])
            )
            advance = await contained(item, f"escalation {item.id}", plan, unplanned, write, later)
            advanced.append((item.id, advance.steps_done, advance.next_due))
            written += notifications.tally(advance.planned)
        await _advance(connection, advanced)
        if written and (share_above is None or written.total() > share_above):
            await wake_engines(connection, NOTIFICATIONS, sender)
    return Advanced(len(due), written)


async def _advance(connection: Any, advanced: list[tuple[str, int, datetime | None]]) -> None:
    if not advanced:
        return
    if is_postgres(connection):
        await connection.execute_query(_ADVANCE_PG, [list(column) for column in zip(*advanced, strict=True)])
    else:
        await connection.execute_many(_ADVANCE_SQLITE, [[steps, due, ident] for ident, steps, due in advanced])
