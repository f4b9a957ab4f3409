"""Temporary schedules: for a span, the layers set aside and a list of shifts in their place."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from .. import oncall
from ..clock import utcnow
from ..errors import Conflict, NotFound
from ..models import Schedule, Temporary
from ..records import TemporaryRecord
from . import audit
from .ids import new_id
from .overrides import schedule_changed

#: The most temporary schedules one schedule may have (each is loaded with the schedule).
MAX_PER_SCHEDULE = 500


async def create(
    schedule_id: str, start: datetime, end: datetime, shifts: tuple[oncall.Shift, ...], *, actor: str
) -> TemporaryRecord:
    """`shifts` in time order and disjoint; UTC instants. Under the schedule's row lock, so that two requests cannot
    both add a temporary schedule where the other's overlaps (409)."""
    async with in_transaction() as connection:
        if await Schedule.select_for_update().get_or_none(id=schedule_id) is None:
            raise NotFound("schedule", schedule_id)
        clash = await Temporary.filter(schedule_id=schedule_id, start_at__lt=end, end_at__gt=start).first()
        if clash is not None:
            raise Conflict(f"temporary schedule {clash.id!r} of schedule {schedule_id!r} overlaps this span")
        if await Temporary.filter(schedule_id=schedule_id).count() >= MAX_PER_SCHEDULE:
            raise Conflict(f"schedule {schedule_id!r} has {MAX_PER_SCHEDULE} temporary schedules; delete old ones")
        row = await Temporary.create(
            id=new_id(), schedule_id=schedule_id, start_at=start, end_at=end, shifts=[_shift_json(s) for s in shifts],
            created_at=utcnow(),
        )
        await schedule_changed(schedule_id)
        await audit.record(connection, "temporary_schedule", row.id, "create", before=None, after=_record(row),
                           actor=actor)
    return _record(row)


async def delete(schedule_id: str, temporary_id: str, *, actor: str) -> None:
    async with in_transaction() as connection:
        row = await Temporary.get_or_none(id=temporary_id, schedule_id=schedule_id)
        if row is None:
            raise NotFound("temporary schedule", temporary_id)
        await row.delete()
        await schedule_changed(schedule_id)
        await audit.record(connection, "temporary_schedule", temporary_id, "delete", before=_record(row), after=None,
                           actor=actor)


async def of_schedule(schedule_id: str) -> tuple[TemporaryRecord, ...]:
    """The schedule's temporary schedules, by start."""
    if not await Schedule.exists(id=schedule_id):
        raise NotFound("schedule", schedule_id)
    return tuple(_record(r) for r in await Temporary.filter(schedule_id=schedule_id).order_by("start_at", "id"))


async def pure(schedule_id: str) -> tuple[oncall.Temporary, ...]:
    """The schedule's temporary schedules as the pure core takes them, by start."""
    rows = await Temporary.filter(schedule_id=schedule_id).order_by("start_at", "id")
    return tuple(oncall.Temporary(r.id, r.start_at, r.end_at, _shifts(r)) for r in rows)


def _shift_json(shift: oncall.Shift) -> dict[str, str]:
    return {"user": shift.user, "start": shift.start.isoformat(), "end": shift.end.isoformat()}


def _shifts(row: Temporary) -> tuple[oncall.Shift, ...]:
    return tuple(oncall.Shift(s["user"], datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"]))
                 for s in row.shifts)


def _record(row: Temporary) -> TemporaryRecord:
    return TemporaryRecord(row.id, row.schedule_id, row.start_at, row.end_at, _shifts(row), row.created_at)
