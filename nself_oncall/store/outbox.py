"""The engine's queries: due escalations -> notification rows, and notification rows -> claims and results.

Every claim is a committed transaction of its own. On PostgreSQL the claimed rows are picked with
`FOR UPDATE SKIP LOCKED`, so engines in any number of processes take disjoint work without waiting
on each other. SQLite has a single engine (see engine/runner.py). No transaction is open while a
notifier is called: a claimed notification carries a lease (a token and an expiry in
`available_at`); its result is written only with the same token, and a lease that ran out lets
another engine claim the row again.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from .. import escalation
from ..escalation import Rule, allowed_at
from ..escalation.throttle import longest
from . import action_links
from .ids import new_id
from .sql import due_times, instant, sqlite_params
from .wake import NOTIFICATIONS, wake_engines


@dataclass(frozen=True)
class DueEscalation:
    id: str
    policy: escalation.Policy
    triggered_at: datetime
    steps_done: int


@dataclass(frozen=True)
class Advance:
    """What the engine decided for one due escalation: the messages to write (pending, or undeliverable with
    their reason) and how far it got."""

    planned: list[escalation.Message]
    steps_done: int
    next_due: datetime | None


@dataclass(frozen=True)
class Claimed:
    """A notification held under `lease`, with what its message needs."""

    id: str
    lease: str
    escalation_id: str | None  # None for a handoff notice's message (then notice_id and schedule_id are set)
    loop: int
    step: int
    target: escalation.Target
    user: str | None
    user_name: str | None
    channel: str | None
    address: str | None
    attempts: int
    due_at: datetime
    created_at: datetime
    summary: str
    details: dict[str, Any]
    notice_id: str | None = None
    schedule_id: str | None = None


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


Plan = Callable[[DueEscalation], Awaitable[Advance]]


_SELECT_DUE = {
    "postgres": """SELECT id, policy, created_at, steps_done FROM escalations WHERE due_at <= $1
                   ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED""",
    "sqlite": "SELECT id, policy, created_at, steps_done FROM escalations WHERE due_at <= ? ORDER BY due_at LIMIT ?",
}
_ADVANCE = {
    "postgres": """UPDATE escalations AS e SET steps_done = v.steps_done, due_at = v.due_at
                   FROM unnest($1::text[], $2::int[], $3::timestamptz[]) AS v(id, steps_done, due_at)
                   WHERE e.id = v.id""",
    "sqlite": "UPDATE escalations SET steps_done = ?, due_at = ? WHERE id = ?",
}
#: The columns of a new notification row, and their PostgreSQL types (for unnest).
_NEW_COLUMNS = {
    "id": "text", "escalation_id": "text", "notice_id": "text", "loop": "int", "step": "int", "target_position": "int",
    "contact_position": "int", "target_type": "text", "target_id": "text", "user": "text", "user_name": "text",
    "channel": "text", "address": "text", "contact_key": "text", "status": "text", "attempts": "int",
    "due_at": "timestamptz", "available_at": "timestamptz", "error": "text", "created_at": "timestamptz",
}
_NAMES = ", ".join(f'"{name}"' for name in _NEW_COLUMNS)
_INSERT = {
    "postgres": f"INSERT INTO notifications ({_NAMES}) SELECT * FROM unnest("
    + ", ".join(f"${i}::{kind}[]" for i, kind in enumerate(_NEW_COLUMNS.values(), 1))
    + ")",
    "sqlite": f"INSERT INTO notifications ({_NAMES}) VALUES ({', '.join('?' * len(_NEW_COLUMNS))})",
}


async def advance_due(now: datetime, limit: int, plan: Plan, sender: str | None = None) -> int:
    """Lock up to `limit` escalations due at `now`, write what `plan` decides for each, and move their
    due times on, in one transaction. Returns how many escalations were handled. The notification that
    wakes the engines names `sender`, the engine calling (see wake_engines).

    Plain SQL rather than the ORM: building a model object per notification cost more than the
    database did (the rows of one transaction are inserted by one statement on PostgreSQL)."""
    async with in_transaction() as connection:
        dialect = connection.capabilities.dialect
        rows = await connection.execute_query_dict(_SELECT_DUE[dialect], [now, limit])
        new: list[tuple[Any, ...]] = []
        advanced: list[tuple[str, int, datetime | None]] = []
        for row in rows:
            policy = escalation.policy_from_json(_json(row["policy"]))
            advance = await plan(DueEscalation(row["id"], policy, instant(row["created_at"]), row["steps_done"]))
            new += [notification_row(p, now, escalation_id=row["id"]) for p in advance.planned]
            advanced.append((row["id"], advance.steps_done, advance.next_due))
        if advanced:
            if dialect == "postgres":
                await connection.execute_query(_ADVANCE[dialect], [list(column) for column in zip(*advanced, strict=True)])
            else:
                await connection.execute_many(_ADVANCE[dialect], [[steps, due, ident] for ident, steps, due in advanced])
        await insert_notifications(connection, new, sender)
    return len(rows)


async def insert_notifications(connection: Any, new: list[tuple[Any, ...]], sender: str | None) -> None:
    """Insert notification rows (made by notification_row) in `connection`'s transaction, and wake the engines."""
    if not new:
        return
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query(_INSERT["postgres"], [list(column) for column in zip(*new, strict=True)])
    else:
        await connection.execute_many(_INSERT["sqlite"], [list(values) for values in new])
    await wake_engines(connection, NOTIFICATIONS, sender)


def notification_row(
    m: escalation.Message, now: datetime, escalation_id: str | None = None, notice_id: str | None = None
) -> tuple[Any, ...]:
    """The values of a new notification row of an escalation or of a handoff notice, in the order of _NEW_COLUMNS."""
    pending = m.reason is None
    key = None if m.address is None else contact_key(m.channel or "", m.address)
    return (
        new_id(), escalation_id, notice_id, m.loop, m.step, m.target_position, m.contact_position, m.target.type,
        m.target.id, m.user, m.user_name, m.channel, m.address, key, "pending" if pending else "undeliverable", 0,
        m.due_at, m.due_at if pending else None, m.reason, now,
    )


def contact_key(channel: str, address: str) -> str:
    """A short digest naming one contact (a channel and an address) for the rate limits."""
    return hashlib.blake2b(f"{channel}\n{address}".encode(), digest_size=16).hexdigest()


def _json(value: Any) -> Any:
    """A JSON column as the driver returns it: text (asyncpg, SQLite), or decoded already."""
    return json.loads(value) if isinstance(value, str | bytes) else value


# Each loop of the engine asks one of the two questions below before it opens a transaction: most
# wake-ups (every engine is woken by every notification) find nothing to do, and one query answers
# that for a quarter of the round trips of an empty transaction. When the next time is asked for,
# only times after the loop's instant count: what was due by then and that the loop did not take is
# locked by another engine, which is working on it; looking again at once would spin on it until
# that engine commits, taking the CPU that engine needs. If it rolls back instead, the row is found
# again at the next look (at most IDLE later) or wake-up.


async def step_times(now: datetime) -> tuple[bool, datetime | None]:
    """Whether an escalation step is due at `now`, and when the next one due after `now` is due (None: none is)."""
    return await due_times("escalations", "due_at", now)


async def delivery_times(now: datetime) -> tuple[bool, datetime | None]:
    """Whether a notification can be claimed at `now`, and when the next one can be after `now` (None: none
    can): due, retried, or its lease running out."""
    return await due_times("notifications", "available_at", now)


_SELECT_READY = {
    "postgres": """SELECT id, channel, contact_key, attempts FROM notifications WHERE available_at <= $1
                   ORDER BY available_at LIMIT $2 FOR UPDATE SKIP LOCKED""",
    "sqlite": "SELECT id, channel, contact_key, attempts FROM notifications WHERE available_at <= ? "
    "ORDER BY available_at LIMIT ?",
}
# The escalation's texts come back with the lease, by primary key: no second query per claim.
# A handoff notice's (see store/notices.py) come from its notice row, with the schedule the message links to. A
# row has an escalation or a notice: the subquery of the other finds nothing. (Not CASE WHEN notice_id IS NULL:
# SQLite 3.40 reads that condition wrong in the RETURNING clause of an UPDATE.)
_CLAIMED_COLUMNS = (
    'id, escalation_id, notice_id, loop, step, target_type, target_id, "user", user_name, channel, address, '
    "attempts, due_at, created_at, "
    + ", ".join(
        f"COALESCE((SELECT {c} FROM escalations AS e WHERE e.id = notifications.escalation_id),"
        f" (SELECT {c} FROM notices AS o WHERE o.id = notifications.notice_id)) AS {c}"
        for c in ("summary", "details")
    )
    + ", (SELECT schedule_id FROM notices AS o WHERE o.id = notifications.notice_id) AS schedule_id"
)


async def claim(
    now: datetime,
    limit: int,
    owner: str,
    lease_until: datetime,
    limits: Mapping[str, Sequence[Rule]],
    link_key: bytes | None = None,
) -> list[Claimed]:
    """Claim up to `limit` notifications ready at `now`, leased until `lease_until`; committed at return.

    A first attempt to a contact whose channel has rate limits (`limits`, by channel) and that has had
    its share is not claimed: it waits, ready again when the limits allow it. With `link_key`, the
    acknowledge and resolve links of the escalations' messages claimed are stored in the same
    transaction (see store/action_links.py), so that they work before any notifier sends them.
    """
    lease = secrets.token_hex(16)
    async with in_transaction() as connection:
        dialect = connection.capabilities.dialect
        ready = await connection.execute_query_dict(_SELECT_READY[dialect], [now, limit])
        if not ready:
            return []
        waiting = await _throttled(connection, ready, now, limits)
        for ident, at in waiting.items():
            await _execute(connection, "UPDATE notifications SET available_at = $1 WHERE id = $2", [at, ident])
        take = [row["id"] for row in ready if row["id"] not in waiting]
        if not take:
            return []
        rows = await _lease(connection, take, lease, owner, now, lease_until)
        if link_key is not None:
            await action_links.insert(connection, link_key, [r["id"] for r in rows if r["escalation_id"] is not None])
    return [_claimed(row, lease) for row in rows]


async def _lease(
    connection: Any, ids: list[str], lease: str, owner: str, now: datetime, lease_until: datetime
) -> list[dict[str, Any]]:
    set_lease = (
        "UPDATE notifications SET lease = $1, lease_owner = $2, attempts = attempts + 1, available_at = $3, "
        "first_attempt_at = COALESCE(first_attempt_at, $4)"
    )
    if connection.capabilities.dialect == "postgres":
        sql = f"{set_lease} WHERE id = ANY($5::text[]) RETURNING {_CLAIMED_COLUMNS}"
        return await connection.execute_query_dict(sql, [lease, owner, lease_until, now, ids])
    marks = ", ".join("?" * len(ids))
    sql = f"{sqlite_params(set_lease)} WHERE id IN ({marks}) RETURNING {_CLAIMED_COLUMNS}"
    return await connection.execute_query_dict(sql, [lease, owner, lease_until, now, *ids])


async def _throttled(
    connection: Any, ready: list[dict[str, Any]], now: datetime, limits: Mapping[str, Sequence[Rule]]
) -> dict[str, datetime]:
    """The ready first attempts that a rate limit holds back, each with when it may go."""
    candidates = [r for r in ready if r["attempts"] == 0 and r["contact_key"] and limits.get(r["channel"])]
    if not candidates:
        return {}
    keys = sorted({r["contact_key"] for r in candidates})
    since = now - max(longest(limits[r["channel"]]) for r in candidates)
    if connection.capabilities.dialect == "postgres":
        # One engine at a time decides for a contact: the others wait here, then see its claims.
        await connection.execute_query("SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($1::text[]) AS k", [keys])
        sql = """SELECT contact_key, first_attempt_at FROM notifications
                 WHERE contact_key = ANY($1::text[]) AND first_attempt_at > $2"""
        history_rows = await connection.execute_query_dict(sql, [keys, since])
    else:
        sql = f"""SELECT contact_key, first_attempt_at FROM notifications
                  WHERE contact_key IN ({", ".join("?" * len(keys))}) AND first_attempt_at > ?"""
        history_rows = await connection.execute_query_dict(sql, [*keys, since])
    history: dict[str, list[datetime]] = defaultdict(list)
    for row in history_rows:
        history[row["contact_key"]].append(instant(row["first_attempt_at"]))
    waiting = {}
    for row in candidates:
        recent = history[row["contact_key"]]
        at = allowed_at(limits[row["channel"]], recent, now)
        if at > now:
            waiting[row["id"]] = at
        else:
            recent.append(now)
    return waiting


def _claimed(row: dict[str, Any], lease: str) -> Claimed:
    return Claimed(
        id=row["id"],
        lease=lease,
        escalation_id=row["escalation_id"],
        loop=row["loop"],
        step=row["step"],
        target=escalation.Target(row["target_type"], row["target_id"]),
        user=row["user"],
        user_name=row["user_name"],
        channel=row["channel"],
        address=row["address"],
        attempts=row["attempts"],
        due_at=instant(row["due_at"]),
        created_at=instant(row["created_at"]),
        summary=row["summary"],
        details=_json(row["details"]),
        notice_id=row["notice_id"],
        schedule_id=row["schedule_id"],
    )


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


async def finish(results: Sequence[Result]) -> set[str]:
    """Write the results whose lease is still held; returns the ids written (the others were
    claimed again by another engine after their lease ran out, which now owns them)."""
    if not results:
        return set()
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        fields = ("id", "lease", "status", "retry_at", "sent_at", "provider_id", "error")
        columns = [[getattr(r, name) for r in results] for name in fields]
        written = {row["id"] for row in await connection.execute_query_dict(_FINISH_PG, columns)}
    else:
        written = set()
        async with in_transaction() as transaction:
            for r in results:
                values = [r.status, r.retry_at, r.sent_at, r.provider_id, r.error, r.id, r.lease]
                count, _ = await transaction.execute_query(_FINISH_SQLITE, values)
                if count:
                    written.add(r.id)
    retrying = [r.id for r in results if r.status == "pending" and r.id in written]
    if retrying:
        await stop_retries(connection, retrying)
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
        await _execute(connection, _STOP_RETRIES + " AND escalation_id = $1", [escalation_id])
    elif connection.capabilities.dialect == "postgres":
        await connection.execute_query(_STOP_RETRIES + " AND id = ANY($1::text[])", [list(ids or [])])
    else:
        marks = ", ".join("?" * len(ids or []))
        await connection.execute_query(_STOP_RETRIES + f" AND id IN ({marks})", list(ids or []))


async def _execute(connection: Any, sql: str, values: list[Any]) -> None:
    if connection.capabilities.dialect != "postgres":
        sql = sqlite_params(sql)
    await connection.execute_query(sql, values)
