"""Overrides: for a span, a user on call above every layer (an add), in another's place (a replace), or a user taken
off (a remove)."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from .. import oncall
from ..clock import utcnow
from ..errors import Invalid, NotFound
from ..models import Override, Schedule
from ..records import OverrideRecord, Page
from . import audit
from .ids import new_id


async def create(
    schedule_id: str, user: str | None, replaces: str | None, start: datetime, end: datetime, *, actor: str
) -> OverrideRecord:
    """`start` and `end` are UTC instants, already read in the schedule's zone. One audit entry, for the
    override (the schedule's version bump that goes with it is not a change of its own)."""
    if end <= start:
        raise Invalid("end", "must be after start")
    async with in_transaction() as connection:
        if not await Schedule.exists(id=schedule_id):
            raise NotFound("schedule", schedule_id)
        row = await Override.create(
            id=new_id(), schedule_id=schedule_id, user=user, replaces=replaces, start_at=start, end_at=end,
            created_at=utcnow(),
        )
        await schedule_changed(schedule_id)
        await audit.record(connection, "override", row.id, "create", before=None, after=_record(row), actor=actor)
    return _record(row)


async def delete(override_id: str, *, actor: str) -> None:
    async with in_transaction() as connection:
        row = await Override.get_or_none(id=override_id)
        if row is None:
            raise NotFound("override", override_id)
        await row.delete()
        await schedule_changed(row.schedule_id)
        await audit.record(connection, "override", override_id, "delete", before=_record(row), after=None, actor=actor)


async def schedule_changed(schedule_id: str) -> None:
    """Bump the schedule's version, so that cached copies of it are read again, and have its handoff
    notices (if it has any) planned again: after a change to its overrides or temporary schedules."""
    await Schedule.filter(id=schedule_id).update(version=F("version") + 1)
    await Schedule.filter(id=schedule_id, notices_plan_at__not_isnull=True).update(notices_plan_at=utcnow())


async def list_page(
    limit: int,
    after: tuple[datetime, str] | None,
    schedule_id: str | None,
    since: datetime | None,
    until: datetime | None,
    user: str | None = None,
) -> Page[OverrideRecord]:
    """Overrides overlapping [since, until) (that name `user`, on either side), by start then id, after a (start, id)
    cursor."""
    query = Override.all().order_by("start_at", "id").limit(limit + 1)
    if schedule_id is not None:
        query = query.filter(schedule_id=schedule_id)
    if user is not None:
        query = query.filter(Q(user=user) | Q(replaces=user))
    if since is not None:
        query = query.filter(end_at__gt=since)
    if until is not None:
        query = query.filter(start_at__lt=until)
    if after is not None:
        start, ident = after
        query = query.filter(Q(start_at__gt=start) | Q(start_at=start, id__gt=ident))
    rows = await query
    return Page(tuple(_record(r) for r in rows[:limit]), len(rows) > limit)


async def ending_after(schedule_id: str, after: datetime, before: datetime | None = None) -> tuple[oncall.Override, ...]:
    """The schedule's overrides that end after `after` (and start before `before`), ordered by end.

    Only these can change the final schedule from `after` on: an override that ended
    earlier covers nothing there.
    """
    query = Override.filter(schedule_id=schedule_id, end_at__gt=after).order_by("end_at", "id")
    if before is not None:
        query = query.filter(start_at__lt=before)
    return tuple(
        oncall.Override(id=o.id, user=o.user, start=o.start_at, end=o.end_at, created_at=o.created_at, replaces=o.replaces)
        for o in await query
    )


async def last_end_at_or_before(schedule_id: str, instant: datetime) -> datetime | None:
    """The latest end among the schedule's overrides that ended at or before `instant`."""
    row = await Override.filter(schedule_id=schedule_id, end_at__lte=instant).order_by("-end_at").first()
    return None if row is None else row.end_at


def _record(row: Override) -> OverrideRecord:
    return OverrideRecord(row.id, row.schedule_id, row.user, row.start_at, row.end_at, row.created_at, row.replaces)
