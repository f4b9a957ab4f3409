"""The keys of integrations and heartbeats: made once, kept as their sha256, and let in at a bounded rate.

A key is 192 random bits (secrets.token_urlsafe(24): 32 URL-safe characters). Only its sha256 is stored, in a
unique column, so a key is found by one index lookup of its hash: no comparison ever runs over the key itself,
and a copy of the database holds no key that works.

Each key takes at most `count` events per `period` (NSELF_ONCALL_INTAKE_RATE) by the generic cell rate algorithm:
the row keeps one number, `rate_at` (seconds since the epoch), the instant by which every event let in so far would
have been "paid for" at one per period/count. An event is let in while that instant, moved on by one more event, is
at most one period ahead of now: a quiet key takes a whole burst of `count` at once, then one per period/count. The
check and the move are one UPDATE of the key's row, so replicas share the limit, racing events are decided one
after the other by the row's lock, and an event refused writes nothing.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..escalation import Rule
from .sql import default, is_postgres, rows

TABLES = ("integrations", "heartbeats")


def new_key() -> str:
    return secrets.token_urlsafe(24)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Limited:
    """The key is known but past its rate: try again after `retry_after` seconds (a whole number, at least 1)."""

    retry_after: int


_ADMIT = """UPDATE {table} SET rate_at = {later}(COALESCE(rate_at, $2), $2) + $3
            WHERE key_hash = $1 AND (rate_at IS NULL OR rate_at <= $4) RETURNING {columns}"""


async def admit(table: str, key: str, now: datetime, rule: Rule, columns: str) -> dict[str, Any] | Limited | None:
    """Let one event in through `key` of `table`: the key's row (`columns` of it) when it is let in and counted,
    Limited when the key is past its rate (nothing written), None when no row has the key."""
    if table not in TABLES:
        raise ValueError(table)
    connection = default()
    at, step, period = now.timestamp(), rule.per.total_seconds() / rule.count, rule.per.total_seconds()
    sql = _ADMIT.format(table=table, later="GREATEST" if is_postgres(connection) else "MAX", columns=columns)
    digest = key_hash(key)
    found = await rows(connection, sql, [digest, at, step, at + period - step])
    if found:
        return found[0]
    state = await rows(connection, f"SELECT rate_at FROM {table} WHERE key_hash = $1", [digest])
    if not state:
        return None
    return Limited(max(1, math.ceil(state[0]["rate_at"] + step - period - at)))
