"""One person across every schedule: where they are on call now, their next shift, and their shifts.

A user id needs no user record: schedules name people who may have none. These read every schedule,
so they work from the schedule cache (one query for all versions), and the pure core skips, without
rendering, the schedules that never name the person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

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
    until = min(instant + MAX_RANGE, oncall.LATEST)
    found = await _next_start(user_id, loaded, instant, until, _budget("at"))
    if found is None:
        return UserOncall(instant, current, None)
    schedule = next(s for s in loaded if s.record.id == found[0])
    return UserOncall(instant, current, _shift(schedule, await interval_at(schedule, found[1])))


async def _next_start(
    user_id: str, loaded: list[Loaded], instant: datetime, until: datetime, spend: Callable[[int], None]
) -> tuple[str, datetime] | None:
    """The schedule id and start of `user_id`'s first interval starting after `instant` and before `until` (the
    first id on a tie): from the rendered windows, and past them (rarely: nobody's next shift is that far) from
    the pure core's search."""
    starts, unknown = [], []
    for schedule in loaded:
        window = await _window(schedule, instant, instant, spend)
        start = None if window is None else window.next_start(user_id, instant)
        if start is not None:
            starts.append((start, schedule.record.id))
        else:
            unknown.append((schedule, None if window is None else window.until))
    best = min(starts, default=None)
    bound = until if best is None else min(until, best[0] + RESOLUTION)
    rest = [(s.record.id, await schedule_over(s, instant, bound)) for s, after in unknown
            if after is None or after < bound]
    found = await off_loop(people.next_of, user_id, rest, instant, bound, spend) if rest else None
    if found is not None:
        starts.append((found[1], found[0]))
    if not starts:
        return None
    start, schedule_id = min(starts)
    return schedule_id, start


async def user_shifts(
    cache: ScheduleCache, user_id: str, since: datetime | None, until: datetime | None
) -> list[UserShift]:
    """`user_id`'s intervals on every schedule over [since, until) (the range rules of /shifts; instants need an offset),
    clipped, by start then schedule id."""
    since, until = query_range(since, until, None)
    loaded = [s for s in (await cache.page())[0] if may_name(s, user_id, since)]
    by_id = {schedule.record.id: schedule for schedule in loaded}
    spend = _budget("until")
    found, rest = [], []
    for schedule in loaded:
        window = await _window(schedule, since, until, spend)
        if window is None:
            rest.append((schedule.record.id, await schedule_over(schedule, since, until)))
        else:
            found += [(schedule.record.id, i) for i in window.of(user_id, since, until)]
    if rest:
        found += await off_loop(people.intervals_of, user_id, rest, since, until, spend)
    found.sort(key=lambda pair: (pair[1].start, pair[0]))
    return [_shift(by_id[key], interval) for key, interval in found]


#: People's views render each schedule over a window this long from the hour their range starts in, and answer
#: from it while the schedule's version stands and their ranges fall within it: the default 14 days of
#: /users/{id}/shifts, and the next shift of /users/{id}/oncall, from any instant of that hour.
WINDOW = timedelta(days=15)
#: The smallest step between two instants (a tie on a start is decided by schedule id).
RESOLUTION = timedelta(microseconds=1)


async def _window(
    loaded: Loaded, since: datetime, until: datetime, spend: Callable[[int], None]
) -> people.Rendered | None:
    """The rendered window of `loaded` holding [since, until), rendered now if the last one does not; None when
    [since, until) is too long for one, or reaches back before the overrides the cache holds."""
    window = loaded.rendered
    if window is not None and window.covers(since, until):
        return window
    start = since.replace(minute=0, second=0, microsecond=0)
    end = min(start + WINDOW, oncall.LATEST)
    if until > end or (loaded.history_end is not None and since < loaded.history_end):
        return None
    spend(oncall.render_cost(loaded.pure, start, end))
    loaded.rendered = window = await off_loop(people.rendered, loaded.pure, start, end)
    return window


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
