"""How well a schedule covers a range, and who carries it: gaps and the load report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from .. import oncall
from ..oncall import report
from ..store.cache import ScheduleCache
from .schedules import final_schedule, query_range


@dataclass(frozen=True)
class Gaps:
    since: datetime
    until: datetime
    gaps: list[tuple[datetime, datetime]]
    covered_seconds: int
    range_seconds: int


@dataclass(frozen=True)
class Report:
    since: datetime
    until: datetime
    timezone: str
    loads: list[report.Load]


async def gaps(cache: ScheduleCache, schedule_id: str, since: datetime | None, until: datetime | None) -> Gaps:
    """The uncovered stretches of [since, until) (default now and 14 days on)."""
    loaded = await cache.get(schedule_id)
    since, until = query_range(since, until, loaded.pure.zone)
    intervals = await final_schedule(loaded, since, until)
    return Gaps(
        since,
        until,
        report.gaps(intervals, since, until),
        report.seconds(report.covered(intervals)),
        report.seconds(until - since),
    )


async def load_report(
    cache: ScheduleCache,
    schedule_id: str,
    since: datetime | None,
    until: datetime | None,
    night: tuple[time, time] | None,
) -> Report:
    """Each person's on-call time in [since, until), with night and weekend time by the schedule's clock."""
    loaded = await cache.get(schedule_id)
    since, until = query_range(since, until, loaded.pure.zone)
    intervals = await final_schedule(loaded, since, until)
    loads = report.loads(intervals, loaded.pure.zone, night or oncall.report.NIGHT)
    return Report(since, until, loaded.record.timezone, loads)
