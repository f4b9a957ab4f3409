"""Escalations as the API sees them: trigger (with dedup), list, read, acknowledge, resolve.

A trigger writes the escalation with its policy snapshot and its first due time in one
transaction and, on PostgreSQL, a NOTIFY that wakes every engine when it commits.
Acknowledge and resolve lock the escalation's row, as the engine does while it notifies a
step: a step is either wholly written before the change or not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from .. import escalation
from ..errors import Conflict, NotFound
from ..models import Escalation
from ..records import API, EscalationRecord, NotificationPosition, NotificationRecord, Page, Source, TargetRecord
from . import audit, planned, policies, results
from .ids import new_id
from .sql import any_of, default, execute, instant, maybe_instant, rows
from .wake import ESCALATIONS, wake_engines

OPEN = ("triggered", "acknowledged")
OPEN_KEY_MAX = Escalation._meta.fields_map["open_key"].max_length
#: How many notifications an escalation is read with; `notifications_page` reads the others.
FIRST_NOTIFICATIONS = 100


def open_key(dedup_key: str, source: Source) -> str:
    """What the unique `open_key` holds for an open escalation with `dedup_key` from `source`: the key itself from the
    API (as before integrations), else the source's scope and the key on two lines (a dedup key is one line, so no
    key sent to the API can name an integration's or a heartbeat's escalation), the key as its sha256 when the two
    would not fit the column."""
    if source.scope is None:
        return dedup_key
    scoped = f"{source.scope}\n{dedup_key}"
    return scoped if len(scoped) <= OPEN_KEY_MAX else f"{source.scope}\nsha256:{hashlib.sha256(dedup_key.encode()).hexdigest()}"


async def trigger(
    policy_id: str,
    summary: str,
    details: dict[str, Any],
    dedup_key: str | None,
    now: datetime,
    *,
    actor: str,
    source: Source = API,
) -> tuple[EscalationRecord, bool]:
    """A new escalation (True, with an audit entry), or the open one with the same `dedup_key` from the same
    `source` (False: nothing changed, nothing logged). An unknown policy is a 404 even for a duplicate; 422 when an
    escalation of the policy would make too many messages (a new one only: a duplicate makes none)."""
    snapshot = policies.snapshot(await policies.get(policy_id))

    async def loaded() -> escalation.Policy:
        return snapshot

    return await _open_or_insert(loaded, summary, details, dedup_key, now, actor, source, open_with_key)


async def open_or_new(
    policy_id: str, summary: str, details: dict[str, Any], dedup_key: str, now: datetime, *, actor: str, source: Source
) -> tuple[str, bool]:
    """`trigger` for alert sources, which need only an id: the escalation open with `dedup_key` from `source`
    (False), found by one indexed read, else a new one (True). A storm of events for one open escalation costs a
    read each, and the policy is read only for a new one."""

    async def loaded() -> escalation.Policy:
        return policies.snapshot(await policies.get(policy_id))

    found, created = await _open_or_insert(loaded, summary, details, dedup_key, now, actor, source, open_id)
    return (found.id if created else found), created


async def _open_or_insert(
    loaded: Callable[[], Awaitable[escalation.Policy]],
    summary: str,
    details: dict[str, Any],
    dedup_key: str | None,
    now: datetime,
    actor: str,
    source: Source,
    find: Callable[[str, Source], Awaitable[Any]],
) -> tuple[Any, bool]:
    """What `find` reads of the escalation open with `dedup_key` from `source` (False), else the record of a new one
    of the policy `loaded` gives, checked for size once (True). A trigger that loses the race for its key to another
    that commits first looks again."""
    snapshot = None
    for _ in range(3):
        if dedup_key is not None and (found := await find(dedup_key, source)) is not None:
            return found, False
        if snapshot is None:
            snapshot = await loaded()
            await policies.check_size(snapshot, "policy_id")
        try:
            async with in_transaction() as connection:
                return await insert(connection, snapshot, summary, details, dedup_key, now, actor, source), True
        except IntegrityError:  # another trigger with the same key committed first
            continue
    raise Conflict(f"dedup_key {dedup_key!r} is changing too fast; try again")


async def insert(
    connection: Any,
    snapshot: escalation.Policy,
    summary: str,
    details: dict[str, Any],
    dedup_key: str | None,
    now: datetime,
    actor: str,
    source: Source = API,
) -> EscalationRecord:
    """Write a new escalation with its audit entry in `connection`'s transaction, and wake the engines at commit.
    IntegrityError when one from the same source is open with the same `dedup_key`."""
    row = _new(snapshot, summary, details, dedup_key, now, source)
    await row.save(using_db=connection)
    created = _record(row, ())
    await audit.record(connection, "escalation", row.id, "trigger", before=None, after=created, actor=actor, at=now)
    await wake_engines(connection, ESCALATIONS)
    return created


async def insert_many(
    policy_id: str, alerts: list[tuple[str, dict[str, Any], str]], now: datetime, *, actor: str, source: Source
) -> dict[str, str]:
    """New escalations of the policy for (summary, details, dedup key) each, with their audit entries, in one
    transaction of a few statements: their ids by dedup key. IntegrityError when one from the same source is open
    with one of the keys (nothing is written then); 422 as `trigger`."""
    snapshot = policies.snapshot(await policies.get(policy_id))
    await policies.check_size(snapshot, "policy_id")
    rows = [_new(snapshot, summary, details, key, now, source) for summary, details, key in alerts]
    async with in_transaction() as connection:
        await Escalation.bulk_create(rows, using_db=connection)
        changes = [(row.id, None, _record(row, ())) for row in rows]
        await audit.record_many(connection, "escalation", "trigger", changes, actor=actor, at=now)
        await wake_engines(connection, ESCALATIONS)
    return {row.dedup_key: row.id for row in rows}


def _new(
    snapshot: escalation.Policy, summary: str, details: dict[str, Any], dedup_key: str | None, now: datetime,
    source: Source,
) -> Escalation:
    return Escalation(
        id=new_id(),
        policy_id=snapshot.id,
        policy=escalation.policy_json(snapshot),
        summary=summary,
        details=details,
        dedup_key=dedup_key,
        open_key=None if dedup_key is None else open_key(dedup_key, source),
        integration_id=source.integration_id,
        heartbeat_id=source.heartbeat_id,
        status="triggered",
        created_at=now,
        updated_at=now,
        steps_done=0,
        due_at=escalation.step_due_at(snapshot, now, 0),
    )


async def open_with_key(dedup_key: str, source: Source = API) -> EscalationRecord | None:
    """The escalation open with this key from this source, as the one read of its row found it: a resolve clears
    `open_key` in the write that sets its status, so the row read is open (reading it again by id could find it
    resolved since)."""
    row = await Escalation.get_or_none(open_key=open_key(dedup_key, source))
    return None if row is None else await _with_notifications(row)


async def open_id(dedup_key: str, source: Source) -> str | None:
    """The id of the escalation open with this key from this source (one indexed read of one column)."""
    return (await open_ids([dedup_key], source)).get(dedup_key)


async def open_ids(dedup_keys: Collection[str], source: Source) -> dict[str, str]:
    """The ids of the escalations open with these keys from this source, by key (one query)."""
    keys = {open_key(k, source): k for k in dedup_keys}
    connection = default()
    which, values = any_of(connection, "open_key", list(keys), 1)
    found = await rows(connection, f"SELECT id, open_key FROM escalations WHERE {which}", values)
    return {keys[row["open_key"]]: row["id"] for row in found}


async def forget_keys(connection: Any, source: Source) -> None:
    """The open escalations of `source` (being deleted) take no more events: their dedup keys are let go."""
    column = "integration_id" if source.integration_id is not None else "heartbeat_id"
    ident = source.integration_id or source.heartbeat_id
    sql = f"UPDATE escalations SET open_key = NULL WHERE {column} = $1 AND open_key IS NOT NULL"
    await execute(connection, sql, [ident])


async def replace_details(escalation_id: str, details: dict[str, Any], now: datetime) -> bool:
    """The open escalation's `details` replaced (an alert source's latest word on it), without an audit entry: it is
    the source's data, not anyone's decision. False when it is resolved (or gone) since."""
    changed = await Escalation.filter(id=escalation_id, status__not="resolved").update(details=details, updated_at=now)
    return changed > 0


async def list_page(
    statuses: Collection[str] | None, policy_id: str | None, limit: int, before: str | None
) -> Page[EscalationRecord]:
    """Newest first (ids sort by creation time); `before` is the last id of the previous page."""
    query = Escalation.all().order_by("-id").limit(limit + 1)
    if statuses:
        query = query.filter(status__in=list(statuses))
    if policy_id is not None:
        query = query.filter(policy_id=policy_id)
    if before is not None:
        query = query.filter(id__lt=before)
    rows = await query
    return Page(tuple(_record(r) for r in rows[:limit]), len(rows) > limit)


async def get(escalation_id: str) -> EscalationRecord:
    """The escalation with its first FIRST_NOTIFICATIONS notifications, in the order they were reached."""
    row = await Escalation.get_or_none(id=escalation_id)
    if row is None:
        raise NotFound("escalation", escalation_id)
    return await _with_notifications(row)


async def _with_notifications(row: Escalation) -> EscalationRecord:
    first = await _notifications(row.id, FIRST_NOTIFICATIONS, None)
    return _record(row, first.items, first.more)


async def notifications_page(
    escalation_id: str, limit: int, after: NotificationPosition | None
) -> Page[NotificationRecord]:
    """The escalation's notifications in the order they were reached, from the one after `after`."""
    if not await Escalation.exists(id=escalation_id):
        raise NotFound("escalation", escalation_id)
    return await _notifications(escalation_id, limit, after)


_NOTIFICATIONS = """SELECT id, loop, step, target_position, contact_position, target_type, target_id, "user", channel,
                           rule, status, attempts, due_at, sent_at, error
                    FROM notifications WHERE escalation_id = $1{after}
                    ORDER BY loop, step, target_position, contact_position LIMIT $2"""
# A range of the unique index (escalation_id, loop, step, target_position, contact_position), on both databases.
_AFTER = " AND (loop, step, target_position, contact_position) > ($3, $4, $5, $6)"


async def _notifications(escalation_id: str, limit: int, after: NotificationPosition | None) -> Page[NotificationRecord]:
    sql = _NOTIFICATIONS.format(after="" if after is None else _AFTER)
    found = await rows(default(), sql, [escalation_id, limit + 1, *(after or ())])
    return Page(tuple(_notification(n) for n in found[:limit]), len(found) > limit)


async def acknowledge(escalation_id: str, by: str | None, now: datetime, *, actor: str) -> EscalationRecord:
    """Stop further steps and retries; acknowledging again keeps the first acknowledgement (and, changing
    nothing, logs nothing). 409 once resolved."""
    async with in_transaction() as connection:
        row = await _locked_open(escalation_id, "acknowledge")
        if row.status == "triggered":
            before = _record(row)
            row.status, row.acknowledged_at, row.acknowledged_by = "acknowledged", now, by
            row.due_at, row.updated_at = None, now
            await row.save()
            await planned.forget(connection, escalation_id)
            await results.stop_retries(connection, escalation_id=escalation_id)
            await _log(connection, "acknowledge", before, row, actor, now)
    return await get(escalation_id)


async def resolve(escalation_id: str, by: str | None, now: datetime, *, actor: str) -> EscalationRecord:
    """End the escalation: no further steps or retries, and its dedup_key is free for a new one. 409 once resolved."""
    async with in_transaction() as connection:
        row = await _locked_open(escalation_id, "resolve")
        before = _record(row)
        row.status, row.resolved_at, row.resolved_by = "resolved", now, by
        row.due_at, row.open_key, row.updated_at = None, None, now
        await row.save()
        await planned.forget(connection, escalation_id)
        await results.stop_retries(connection, escalation_id=escalation_id)
        await _log(connection, "resolve", before, row, actor, now)
    return await get(escalation_id)


async def _log(
    connection: Any, action: str, before: EscalationRecord, row: Escalation, actor: str, now: datetime
) -> None:
    await audit.record(connection, "escalation", row.id, action, before=before, after=_record(row), actor=actor, at=now)


async def _locked_open(escalation_id: str, action: str) -> Escalation:
    row = await Escalation.select_for_update().get_or_none(id=escalation_id)
    if row is None:
        raise NotFound("escalation", escalation_id)
    if row.status == "resolved":
        raise Conflict(f"escalation {escalation_id!r} is resolved: it cannot {action} any more")
    return row


def _record(
    row: Escalation, notifications: tuple[NotificationRecord, ...] | None = None, more: bool = False
) -> EscalationRecord:
    return EscalationRecord(
        id=row.id,
        status=row.status,
        policy_id=row.policy_id,
        policy=escalation.policy_from_json(row.policy),
        summary=row.summary,
        details=row.details,
        dedup_key=row.dedup_key,
        created_at=row.created_at,
        updated_at=row.updated_at,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
        steps_done=row.steps_done,
        next_step_at=row.due_at,
        integration_id=row.integration_id,
        heartbeat_id=row.heartbeat_id,
        notifications=notifications,
        more_notifications=more,
    )


def _notification(row: dict[str, Any]) -> NotificationRecord:
    return NotificationRecord(
        id=row["id"],
        loop=row["loop"],
        step=row["step"],
        target_position=row["target_position"],
        contact_position=row["contact_position"],
        target=TargetRecord(row["target_type"], row["target_id"]),
        user=row["user"],
        channel=row["channel"],
        status=row["status"],
        attempts=row["attempts"],
        due_at=instant(row["due_at"]),
        sent_at=maybe_instant(row["sent_at"]),
        error=row["error"],
        rule=row["rule"],
    )
