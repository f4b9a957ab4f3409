"""Overrides: one user on call for a span, over every layer of a schedule."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from ..errors import Invalid, NotFound
from ..models import Override, Schedule
from .ids import new_id, utcnow


async def create(schedule: Schedule, user: str, start: datetime, end: datetime) -> Override:
    """`start` and `end` are UTC instants, already read in the schedule's zone."""
    if end <= start:
        raise Invalid("end", "must be after start")
    async with in_transaction():
        row = await Override.create(
            id=new_id(), schedule=schedule, user=user, start_at=start, end_at=end, created_at=utcnow()
        )
        await _changed(schedule.id)
    return row


async def delete(override_id: str) -> None:
    async with in_transaction():
        row = await Override.get_or_none(id=override_id)
        if row is None:
            raise NotFound("override", override_id)
        await row.delete()
        await _changed(row.schedule_id)


async def _changed(schedule_id: str) -> None:
    """Bump the schedule's version, so that cached copies of it are read again."""
    await Schedule.filter(id=schedule_id).update(version=F("version") + 1)


async def list_page(
    limit: int, after: tuple[datetime, str] | None, schedule_id: str | None, since: datetime | None, until: datetime | None
) -> list[Override]:
    """Overrides overlapping [since, until), by start then id, after a (start, id) cursor."""
    query = Override.all().order_by("start_at", "id").limit(limit + 1)
    if schedule_id is not None:
        query = query.filter(schedule_id=schedule_id)
    if since is not None:
        query = query.filter(end_at__gt=since)
    if until is not None:
        query = query.filter(start_at__lt=until)
    if after is not None:
        start, ident = after
        query = query.filter(Q(start_at__gt=start) | Q(start_at=start, id__gt=ident))
    return await query
