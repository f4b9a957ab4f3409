"""Notification rows -> claims under a lease: the dispatcher's queries.

Every claim is a committed transaction of its own. On PostgreSQL the claimed rows are picked with
`FOR UPDATE SKIP LOCKED`, so engines in any number of processes take disjoint work without waiting on each
other; SQLite has a single engine (see engine/runner.py). No transaction is open while a notifier is called: a
claimed notification carries a lease (a token and an expiry in `available_at`); its result is written only
with the same token (store/results.py), and a lease that ran out lets another engine claim the row again.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from .. import escalation
from ..escalation import Rule
from . import action_links, replies
from .rate_limits import held_back
from .sql import any_of, due_times, execute, instant, is_postgres, json_value, rows


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
    reply_code: int | None = None  # the code an SMS reply to this message names (store/replies.py)


async def delivery_times(now: datetime) -> tuple[bool, datetime | None]:
    """Whether a notification can be claimed at `now`, and when the next one can be after `now` (None: none
    can): due, retried, or its lease running out (see steps.step_times)."""
    return await due_times("notifications", "available_at", now)


_SELECT_READY = """SELECT id, escalation_id, channel, address, contact_key, attempts FROM notifications
                   WHERE available_at <= $1 ORDER BY available_at LIMIT $2"""
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
_SET_LEASE = """UPDATE notifications SET lease = $1, lease_owner = $2, attempts = attempts + 1, available_at = $3,
                first_attempt_at = COALESCE(first_attempt_at, $4)"""


async def claim(
    now: datetime,
    limit: int,
    owner: str,
    lease_until: datetime,
    limits: Mapping[str, Sequence[Rule]],
    link_key: bytes | None = None,
    replying: Mapping[str, str | None] | None = None,
) -> list[Claimed]:
    """Claim up to `limit` notifications ready at `now`, leased until `lease_until`; committed at return.

    A first attempt to a contact whose channel has rate limits (`limits`, by channel) and that has had
    its share is not claimed: it waits, ready again when the limits allow it. With `link_key`, the
    acknowledge and resolve links of the escalations' messages claimed are stored in the same
    transaction (see store/action_links.py), so that they work before any notifier sends them; and so are the reply
    codes of the escalations' messages through the channels of `replying` (channel -> the number a message to the
    channel itself goes to, or None), which act as those links do (see store/replies.py).
    """
    lease = secrets.token_hex(16)
    async with in_transaction() as connection:
        locking = " FOR UPDATE SKIP LOCKED" if is_postgres(connection) else ""
        ready = await rows(connection, _SELECT_READY + locking, [now, limit])
        if not ready:
            return []
        waiting = await held_back(connection, ready, now, limits)
        if link_key is not None:
            wanting = _wanting_codes([r for r in ready if r["id"] not in waiting], replying or {})
            waiting.update(await replies.busy(connection, wanting, now))
        for ident, at in waiting.items():
            await execute(connection, "UPDATE notifications SET available_at = $1 WHERE id = $2", [at, ident])
        take = [row["id"] for row in ready if row["id"] not in waiting]
        if not take:
            return []
        which, ids = any_of(connection, "id", take, 5)
        sql = f"{_SET_LEASE} WHERE {which} RETURNING {_CLAIMED_COLUMNS}"
        leased = await rows(connection, sql, [lease, owner, lease_until, now, *ids])
        codes = {}
        if link_key is not None:
            await action_links.insert(connection, link_key, [r["id"] for r in leased if r["escalation_id"] is not None], now)
            codes = await replies.give(connection, _wanting_codes(leased, replying or {}), now)
    return [_claimed(row, lease, codes.get(row["id"])) for row in leased]


def _wanting_codes(leased: list[dict[str, Any]], replying: Mapping[str, str | None]) -> list[replies.Wanted]:
    """The escalation messages through channels that take replies, each with the number it goes to (its contact's, or
    the channel's own for a channel target; none: no code)."""
    wanted = []
    for row in leased:
        if row["escalation_id"] is not None and row["channel"] in replying:
            number = row["address"] if row["address"] is not None else replying[row["channel"]]
            if number is not None:
                wanted.append(replies.Wanted(row["id"], row["escalation_id"], number))
    return wanted


def _claimed(row: dict[str, Any], lease: str, reply_code: int | None = None) -> Claimed:
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
        details=json_value(row["details"]),
        notice_id=row["notice_id"],
        schedule_id=row["schedule_id"],
        reply_code=reply_code,
    )
