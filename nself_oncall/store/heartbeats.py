"""Heartbeats: a key a job pings; when the pings stop, the engine triggers an escalation (models/integrations.py).

Expiry is a due time in the row (`due_at`), so that it survives restarts and is handled once whatever the number of
engines: a pass locks the heartbeats due (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one engine), triggers
each one's escalation and clears its due time, in one transaction, each heartbeat in a savepoint of its own
(store/contained.py). A ping moves the due time on and resolves the escalation that an expiry opened.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from ..errors import NotFound
from ..escalation import Rule
from ..models import Heartbeat
from ..records import HeartbeatRecord, Page, Source
from . import audit, escalations, intake_keys, policies
from .contained import LATER, contained
from .ids import derive_id, insert_new
from .sql import default, due_times, execute, instant, is_postgres, maybe_instant, rows


async def create(data: dict[str, Any], now: datetime, *, actor: str) -> tuple[HeartbeatRecord, str]:
    """A new heartbeat, expiring `interval_minutes` from now unless pinged, and its key: the only time it is known."""
    key = intake_keys.new_key()
    expires_at = now + _interval(data["interval_minutes"])
    async with in_transaction() as connection:
        await policies.lock_existing(connection, data["policy_id"], "policy_id")
        ident = data.get("id") or await derive_id(Heartbeat, data["name"])
        row = await insert_new(
            Heartbeat, ident, now, name=data["name"], policy_id=data["policy_id"], interval_minutes=data["interval_minutes"],
            key_hash=intake_keys.key_hash(key), expires_at=expires_at, due_at=expires_at,
        )
        created = _record(row, now)
        await audit.record(connection, "heartbeat", ident, "create", before=None, after=created, actor=actor)
    return created, key


async def get(heartbeat_id: str, now: datetime) -> HeartbeatRecord:
    row = await Heartbeat.get_or_none(id=heartbeat_id)
    if row is None:
        raise NotFound("heartbeat", heartbeat_id)
    return _record(row, now)


async def list_page(limit: int, after: str | None, now: datetime) -> Page[HeartbeatRecord]:
    query = Heartbeat.all().order_by("id").limit(limit + 1)
    if after is not None:
        query = query.filter(id__gt=after)
    found = await query
    return Page(tuple(_record(r, now) for r in found[:limit]), len(found) > limit)


async def update(heartbeat_id: str, data: dict[str, Any], now: datetime, *, actor: str) -> HeartbeatRecord:
    """A new interval counts from the last ping (or the creation): the heartbeat may expire at once, or be ok again
    (an escalation its expiry opened stays open until the next ping or someone resolves it)."""
    async with in_transaction() as connection:
        row = await Heartbeat.select_for_update().get_or_none(id=heartbeat_id)
        if row is None:
            raise NotFound("heartbeat", heartbeat_id)
        if data.get("policy_id") is not None:
            await policies.lock_existing(connection, data["policy_id"], "policy_id")
        before = _record(row, now)
        for name in ("name", "policy_id", "interval_minutes"):
            if data.get(name) is not None:
                setattr(row, name, data[name])
        if data.get("interval_minutes") is not None:
            row.expires_at = (row.last_ping_at or row.created_at) + _interval(row.interval_minutes)
            # Its expiry not yet handled, or to come again: the engine looks at it then. Expired and handled, and
            # still expired: it stays handled until the next ping.
            if row.due_at is not None or row.expires_at > now:
                row.due_at = row.expires_at
        row.updated_at = now
        await row.save()
        after = _record(row, now)
        await audit.record(connection, "heartbeat", heartbeat_id, "update", before=before, after=after, actor=actor)
    return after


async def delete(heartbeat_id: str, *, actor: str) -> None:
    """Gone with its key (an escalation its expiry opened stays, for someone to resolve, but no ping resolves it:
    one made again with the same id starts afresh)."""
    async with in_transaction() as connection:
        row = await Heartbeat.select_for_update().get_or_none(id=heartbeat_id)
        if row is None:
            raise NotFound("heartbeat", heartbeat_id)
        await escalations.forget_keys(connection, Source(heartbeat_id=heartbeat_id))
        before = _record(row, row.updated_at)
        await row.delete()
        await audit.record(connection, "heartbeat", heartbeat_id, "delete", before=before, after=None, actor=actor)


def dedup_key(heartbeat_id: str) -> str:
    """The dedup key of the escalations a heartbeat's expiry opens."""
    return f"heartbeat:{heartbeat_id}"


# Only with the interval it was read with: a PATCH that changed it since is not undone (the ping reads it again).
_PING = """UPDATE heartbeats SET last_ping_at = $2, expires_at = $3, due_at = $3 WHERE id = $1 AND interval_minutes = $4"""


async def ping(key: str, now: datetime, rule: Rule) -> str | intake_keys.Limited | None:
    """The heartbeat of `key` pinged at `now` (its id), expiring one interval later; Limited past the key's rate;
    None for no heartbeat."""
    found = await intake_keys.admit("heartbeats", key, now, rule, "id, interval_minutes")
    if not isinstance(found, intake_keys.Admitted):
        return found
    ident, minutes = found.row["id"], found.row["interval_minutes"]
    while not await execute(default(), _PING, [ident, now, now + _interval(minutes), minutes]):
        again = await rows(default(), "SELECT interval_minutes FROM heartbeats WHERE id = $1", [ident])
        if not again:
            return None  # deleted meanwhile
        minutes = again[0]["interval_minutes"]
    return ident


@dataclass(frozen=True)
class Expired:
    """A heartbeat whose expiry is due, as the engine reads it."""

    id: str
    name: str
    policy_id: str
    last_ping_at: datetime | None
    expires_at: datetime


async def expiry_times(now: datetime) -> tuple[bool, datetime | None]:
    """Whether a heartbeat's expiry is due at `now`, and the next one after `now` (see steps.step_times)."""
    return await due_times("heartbeats", "due_at", now)


_DUE = """SELECT id, name, policy_id, last_ping_at, expires_at FROM heartbeats WHERE due_at <= $1
          ORDER BY due_at LIMIT $2{lock}"""


async def expire_due(
    now: datetime,
    limit: int,
    expire: Callable[[Expired], Awaitable[None]],
    failed: Callable[[Expired, Exception], Awaitable[None]],
) -> int:
    """Lock up to `limit` heartbeats whose expiry is due at `now`, run `expire` for each (which triggers its
    escalation in this transaction) and clear its due time, in one transaction; how many there were. When `expire`
    raises, `failed` runs instead (in a savepoint of its own); when that raises too, the heartbeat is put off for
    contained.LATER."""
    async with in_transaction() as connection:
        lock = " FOR UPDATE SKIP LOCKED" if is_postgres(connection) else ""
        due = [_expired(r) for r in await rows(connection, _DUE.format(lock=lock), [now, limit])]
        for heartbeat in due:
            await contained(
                heartbeat, f"heartbeat {heartbeat.id!r}", expire, failed, _handled, lambda h: _put_off(h, now)
            )
    return len(due)


async def _handled(heartbeat: Expired, _: None) -> None:
    await execute(default(), "UPDATE heartbeats SET due_at = NULL WHERE id = $1", [heartbeat.id])


async def _put_off(heartbeat: Expired, now: datetime) -> None:
    await execute(default(), "UPDATE heartbeats SET due_at = $2 WHERE id = $1", [heartbeat.id, now + LATER])


def _expired(row: dict[str, Any]) -> Expired:
    return Expired(row["id"], row["name"], row["policy_id"], maybe_instant(row["last_ping_at"]),
                   instant(row["expires_at"]))


def _interval(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


def _record(row: Heartbeat, now: datetime) -> HeartbeatRecord:
    return HeartbeatRecord(
        id=row.id, name=row.name, policy_id=row.policy_id, interval_minutes=row.interval_minutes,
        created_at=row.created_at, updated_at=row.updated_at, last_ping_at=row.last_ping_at,
        expires_at=row.expires_at, status="ok" if row.expires_at > now else "expired",
    )
