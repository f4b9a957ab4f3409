"""Temporary schedules: creating (times read in the schedule's zone), listing and removing."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

from .. import oncall
from ..errors import Invalid
from ..records import TemporaryRecord
from ..store import temporaries as store
from ..store.cache import ScheduleCache
from .instants import body_instant

#: (user, start, end) as the request gives them (naive instants are wall-clock in the schedule's zone).
ShiftIn = tuple[str, datetime, datetime]


async def create(
    cache: ScheduleCache, schedule_id: str, start: datetime, end: datetime, shifts: list[ShiftIn], *, actor: str
) -> TemporaryRecord:
    """A temporary schedule; 422 for an empty span, a shift that ends before it starts, or two that overlap."""
    zone = (await cache.get(schedule_id)).pure.zone
    start, end = body_instant("start", start, zone), body_instant("end", end, zone)
    if end <= start:
        raise Invalid("end", "must be after start")
    pure = sorted(
        (oncall.Shift(user, body_instant(f"shifts[{i}].start", s, zone), body_instant(f"shifts[{i}].end", e, zone))
         for i, (user, s, e) in enumerate(shifts)),
        key=lambda shift: shift.start,
    )
    for shift in pure:
        if shift.end <= shift.start:
            raise Invalid("shifts", f"{shift.user}'s shift from {shift.start.isoformat()} must end after it starts")
    for a, b in pairwise(pure):
        if b.start < a.end:
            raise Invalid("shifts", f"{a.user}'s and {b.user}'s shifts overlap from {b.start.isoformat()}: one person "
                                    "is on call at a time")
    return await store.create(schedule_id, start, end, tuple(pure), actor=actor)


async def of_schedule(schedule_id: str) -> tuple[TemporaryRecord, ...]:
    return await store.of_schedule(schedule_id)


async def delete(schedule_id: str, temporary_id: str, *, actor: str) -> None:
    await store.delete(schedule_id, temporary_id, actor=actor)
