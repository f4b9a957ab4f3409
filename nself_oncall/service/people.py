"""One person across every schedule: where they are on call now, their next shift, and their shifts.

A user id needs no user record: schedules name people who may have none. These read every schedule,
so they work from the schedule cache (one query for all versions), and the pure core skips, without
rendering, the schedules that never name the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import oncall
from ..errors import Invalid
from ..oncall import people
from ..store.cache import Loaded, ScheduleCache, interval_at, may_name
from .instants import now, query_instant
from .schedules import MAX_RANGE, query_range, schedule_over
from .workers import off_loop


@dataclass(frozen=True)
class UserShift:
    schedule_id: str
    schedule_name: str
    interval: oncall.Interval


@dataclass(frozen=True)
class UserOncall:
    at: datetime
    now: list[UserShift]
    next: UserShift | None


async def user_oncall(cache: ScheduleCache, user_id: str, at: datetime | None) -> UserOncall:
    """Where `user_id` is on call at `at` (default now; it needs an offset), and their earliest interval on any
    schedule that starts after it, within 400 days."""
    instant = query_instant("at", at, None, default=now())
    loaded = [s for s in (await cache.page())[0] if may_name(s, user_id, instant)]
    current = []
    for schedule in loaded:
        interval = await interval_at(schedule, instant)
        if interval.user == user_id:
            current.append(_shift(schedule, interval))
    by_id = {schedule.record.id: schedule for schedule in loaded}
    until = min(instant + MAX_RANGE, oncall.LATEST)
    keyed = [(s.record.id, await schedule_over(s, instant, until)) for s in loaded]
    found = await off_loop(people.next_of, user_id, keyed, instant, until, _budget("at"))
    if found is None:
        return UserOncall(instant, current, None)
    schedule = by_id[found[0]]
    return UserOncall(instant, current, _shift(schedule, await interval_at(schedule, found[1])))


async def user_shifts(
    cache: ScheduleCache, user_id: str, since: datetime | None, until: datetime | None
) -> list[UserShift]:
    """`user_id`'s intervals on every schedule over [since, until) (the range rules of /shifts; instants need an offset),
    clipped, by start then schedule id."""
    since, until = query_range(since, until, None)
    loaded = [s for s in (await cache.page())[0] if may_name(s, user_id, since)]
    by_id = {schedule.record.id: schedule for schedule in loaded}
    keyed = [(s.record.id, await schedule_over(s, since, until)) for s in loaded]
    found = await off_loop(people.intervals_of, user_id, keyed, since, until, _budget("until"))
    return [_shift(by_id[key], interval) for key, interval in found]


def _budget(field: str):
    """What one question may render across schedules: as much as one range of /shifts may cost."""
    left = oncall.MAX_RENDER_COST

    def spend(cost: int) -> None:
        nonlocal left
        left -= cost
        if left < 0:
            raise Invalid(
                field,
                f"this question needs more than {oncall.MAX_RENDER_COST:,} steps to compute across schedules,"
                " the limit per request: ask about a shorter range",
            )

    return spend


def _shift(loaded: Loaded, interval: oncall.Interval) -> UserShift:
    return UserShift(loaded.record.id, loaded.record.name, interval)
