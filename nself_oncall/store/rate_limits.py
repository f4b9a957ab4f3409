"""Rate limits per contact: which first attempts ready now must wait, and until when.

A channel's rules ("1/1m", "5/15m") count the first attempts made to one contact (channel and address, as
`contact_key`) over their periods, whatever escalation or notice the messages belong to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ..escalation import Rule, allowed_at
from ..escalation.throttle import longest
from .sql import any_of, instant, is_postgres, rows


async def held_back(
    connection: Any, ready: list[dict[str, Any]], now: datetime, limits: Mapping[str, Sequence[Rule]]
) -> dict[str, datetime]:
    """The ready first attempts (rows with id, channel, contact_key, attempts) that a rate limit holds back, each
    with when it may go; read in `connection`'s transaction."""
    candidates = [r for r in ready if r["attempts"] == 0 and r["contact_key"] and limits.get(r["channel"])]
    if not candidates:
        return {}
    keys = sorted({r["contact_key"] for r in candidates})
    since = now - max(longest(limits[r["channel"]]) for r in candidates)
    if is_postgres(connection):
        # One engine at a time decides for a contact: the others wait here, then see its claims.
        await connection.execute_query("SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($1::text[]) AS k", [keys])
    which, values = any_of(connection, "contact_key", keys, 2)
    sql = f"SELECT contact_key, first_attempt_at FROM notifications WHERE first_attempt_at > $1 AND {which}"
    history: dict[str, list[datetime]] = defaultdict(list)
    for row in await rows(connection, sql, [since, *values]):
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
