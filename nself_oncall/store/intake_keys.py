"""The keys of integrations and heartbeats: made once, kept as their sha256, and let in at a bounded rate.

A key is 192 random bits (secrets.token_urlsafe(24): 32 URL-safe characters). Only its sha256 is stored, in a
unique column, so a key is found by one index lookup of its hash: no comparison ever runs over the key itself,
and a copy of the database holds no key that works.

Each key takes at most `count` events per `period` (NSELF_ONCALL_INTAKE_RATE) by the generic cell rate algorithm:
the row keeps one number, `rate_at` (microseconds since the epoch), the instant by which every event let in so far would
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
from datetime import UTC, datetime, timedelta
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


@dataclass(frozen=True)
class Admitted:
    """The key's row (the `columns` asked for), and how many of the events asked about it let in (the first ones);
    the others are past its rate until `retry_after` seconds from now."""

    row: dict[str, Any]
    taken: int
    retry_after: int


# $1 key hash, $2 now, $3 microseconds per event (period/count), $4 the period, $5 events asked about, all whole
# numbers of microseconds (exact on both databases; typed for PostgreSQL, which cannot tell a parameter's type from
# arithmetic). `base` is the theoretical arrival time, or now if that has passed; as many of the events fit as whole
# steps from `base` to one period from now. SET reads the row as it was before the statement.
_ADMIT = """UPDATE {table} SET rate_taken = {fitting}, rate_at = {base} + {step} * {fitting}
            WHERE key_hash = $1 AND (rate_at IS NULL OR rate_at <= {now} + {period} - {step})
            RETURNING rate_taken, rate_at, {columns}"""
_POSTGRES = {"now": "$2::bigint", "step": "$3::bigint", "period": "$4::bigint", "count": "$5::int"}
_SQLITE = {"now": "$2", "step": "$3", "period": "$4", "count": "$5"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _statement(postgres: bool, table: str, columns: str) -> str:
    p = _POSTGRES if postgres else _SQLITE
    base = f"{'GREATEST' if postgres else 'MAX'}(COALESCE(rate_at, {p['now']}), {p['now']})"
    fitting = f"{'LEAST' if postgres else 'MIN'}({p['count']}, ({p['now']} + {p['period']} - {base}) / {p['step']})"
    return _ADMIT.format(table=table, fitting=fitting, base=base, columns=columns, **p)


async def admit(
    table: str, key: str, now: datetime, rule: Rule, columns: str, count: int = 1
) -> Admitted | Limited | None:
    """Let `count` events in through `key` of `table`, as many as its rate allows, in one statement: Admitted with
    the key's row (`columns` of it) when one at least is let in and counted, Limited when none is (nothing written),
    None when no row has the key."""
    if table not in TABLES:
        raise ValueError(table)
    connection = default()
    at, period = (now - _EPOCH) // _MICROSECOND, rule.per // _MICROSECOND
    step = period // rule.count
    digest = key_hash(key)
    sql = _statement(is_postgres(connection), table, columns)
    found = await rows(connection, sql, [digest, at, step, period, count])
    if found:
        row = dict(found[0])
        taken, rate_at = row.pop("rate_taken"), row.pop("rate_at")
        return Admitted(row, taken, _retry_after(rate_at, step, period, at))
    state = await rows(connection, f"SELECT rate_at FROM {table} WHERE key_hash = $1", [digest])
    if not state:
        return None
    return Limited(_retry_after(state[0]["rate_at"], step, period, at))


def _retry_after(rate_at: int, step: int, period: int, now: int) -> int:
    """Whole seconds until one more event fits after `rate_at` (at least 1)."""
    return max(1, math.ceil((rate_at + step - period - now) / 1_000_000))
