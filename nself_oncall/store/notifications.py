"""New notification rows, of an escalation's step or of a handoff notice, written CHUNK rows per statement.

Plain SQL rather than the ORM: building a model object per notification cost more than the database did (up to
CHUNK rows are inserted by one statement on PostgreSQL). A step may reach thousands of people (up to
escalation.MAX_MESSAGES messages): its rows are built and written a chunk at a time, so that the engine's loop is
free between chunks (while the database writes one) rather than held for the whole step.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from .. import escalation
from .ids import new_id
from .sql import is_postgres

#: The most rows one statement inserts.
CHUNK = 1000

#: The columns of a new notification row, and their PostgreSQL types (for unnest).
_NEW_COLUMNS = {
    "id": "text", "escalation_id": "text", "notice_id": "text", "loop": "int", "step": "int", "target_position": "int",
    "contact_position": "int", "rule": "int", "target_type": "text", "target_id": "text", "user": "text", "user_name": "text",
    "channel": "text", "address": "text", "contact_key": "text", "status": "text", "attempts": "int",
    "due_at": "timestamptz", "available_at": "timestamptz", "error": "text", "created_at": "timestamptz",
}
_NAMES = ", ".join(f'"{name}"' for name in _NEW_COLUMNS)
_INSERT_PG = (
    f"INSERT INTO notifications ({_NAMES}) SELECT * FROM unnest("
    + ", ".join(f"${i}::{kind}[]" for i, kind in enumerate(_NEW_COLUMNS.values(), 1))
    + ")"
)
_INSERT_SQLITE = f"INSERT INTO notifications ({_NAMES}) VALUES ({', '.join('?' * len(_NEW_COLUMNS))})"


async def write(
    connection: Any,
    messages: Sequence[escalation.Message],
    now: datetime,
    escalation_id: str | None = None,
    notice_id: str | None = None,
) -> None:
    """Insert the rows of an escalation's or a notice's messages in `connection`'s transaction, CHUNK per statement
    (the caller wakes the engines: store/wake.py)."""
    for start in range(0, len(messages), CHUNK):
        new = [row(m, now, escalation_id, notice_id) for m in messages[start : start + CHUNK]]
        if is_postgres(connection):
            await connection.execute_query(_INSERT_PG, [list(column) for column in zip(*new, strict=True)])
        else:
            await connection.execute_many(_INSERT_SQLITE, [list(values) for values in new])


def row(
    m: escalation.Message, now: datetime, escalation_id: str | None = None, notice_id: str | None = None
) -> tuple[Any, ...]:
    """The values of a new notification row of an escalation or of a handoff notice, in the order of _NEW_COLUMNS."""
    pending = m.reason is None
    key = None if m.address is None else contact_key(m.channel or "", m.address)
    return (
        new_id(), escalation_id, notice_id, m.loop, m.step, m.target_position, m.contact_position, m.rule, m.target.type,
        m.target.id, m.user, m.user_name, m.channel, m.address, key, status(m), 0,
        m.due_at, m.due_at if pending else None, m.reason, now,
    )


def status(m: escalation.Message) -> str:
    """The status a message's row is written with: `pending` (to be sent), or `undeliverable` (its reason says why)."""
    return "pending" if m.reason is None else "undeliverable"


def tally(messages: Iterable[escalation.Message]) -> Counter[tuple[str, str]]:
    """How many rows `write` makes of `messages`, by channel ("" for none) and status."""
    return Counter((m.channel or "", status(m)) for m in messages)


def contact_key(channel: str, address: str) -> str:
    """A short digest naming one contact (a channel and an address) for the rate limits."""
    return hashlib.blake2b(f"{channel}\n{address}".encode(), digest_size=16).hexdigest()
