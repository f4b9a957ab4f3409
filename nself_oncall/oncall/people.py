"""One person across several schedules: their intervals over a range, and their next one.

Schedules come keyed by an id. `spend` is told the `render_cost` of each render before it is done,
so that the caller can bound the work of one question across many schedules (it raises to stop).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .model import Interval, Schedule
from .render import render, render_cost

Keyed = tuple[str, Schedule]
#: The first window searched for a next interval; each next one is twice as long.
FIRST_WINDOW = timedelta(days=1)


def named(schedule: Schedule) -> frozenset[str]:
    """Everyone a layer, an override or a temporary schedule of `schedule` names: nobody else is ever on call
    there."""
    return (frozenset(u for layer in schedule.layers for u in layer.users)
            | {o.user for o in schedule.overrides if o.user is not None}
            | {s.user for t in schedule.temporaries for s in t.shifts})


def names(schedule: Schedule, user: str) -> bool:
    """Whether `user` is in `named(schedule)`, without building the set."""
    return (any(user in layer.users for layer in schedule.layers) or any(o.user == user for o in schedule.overrides)
            or any(s.user == user for t in schedule.temporaries for s in t.shifts))


@dataclass(frozen=True)
class Rendered:
    """A schedule's final intervals over [since, until), by user, each user's in order: what people's views ask of
    every schedule at each request, worked out once (service/people.py keeps one per schedule version). A render
    clipped to a range within the window is the render of that range, so the answers are those of `render`."""

    since: datetime
    until: datetime
    by_user: Mapping[str, tuple[Interval, ...]]

    def covers(self, since: datetime, until: datetime) -> bool:
        return self.since <= since and until <= self.until

    def of(self, user: str, since: datetime, until: datetime) -> list[Interval]:
        """`user`'s intervals overlapping [since, until) (within the window), clipped to it."""
        mine = self.by_user.get(user, ()) if since < until else ()
        first = max(0, bisect.bisect_right(mine, since, key=lambda i: i.start) - 1)
        found = []
        for i in mine[first:]:
            if i.start >= until:
                break
            if i.end > since:
                found.append(i if since <= i.start and i.end <= until
                             else replace(i, start=max(i.start, since), end=min(i.end, until)))
        return found

    def next_start(self, user: str, at: datetime) -> datetime | None:
        """The start of `user`'s first interval starting after `at` in the window; None: none does before its end."""
        mine = self.by_user.get(user, ())
        found = bisect.bisect_right(mine, at, key=lambda i: i.start)
        return mine[found].start if found < len(mine) else None


def rendered(schedule: Schedule, since: datetime, until: datetime) -> Rendered:
    """`render(schedule, since, until)` as a `Rendered`."""
    by_user: defaultdict[str, list[Interval]] = defaultdict(list)
    for interval in render(schedule, since, until):
        if interval.user is not None:
            by_user[interval.user].append(interval)
    return Rendered(since, until, {user: tuple(found) for user, found in by_user.items()})


def intervals_of(
    user: str, schedules: Iterable[Keyed], since: datetime, until: datetime, spend: Callable[[int], None]
) -> list[tuple[str, Interval]]:
    """`user`'s intervals of [since, until) on every schedule, clipped, by start then key."""
    found = []
    for key, schedule in schedules:
        if names(schedule, user):
            spend(render_cost(schedule, since, until))
            found += [(key, i) for i in render(schedule, since, until) if i.user == user]
    return sorted(found, key=lambda pair: (pair[1].start, pair[0]))


def next_of(
    user: str, schedules: Sequence[Keyed], at: datetime, until: datetime, spend: Callable[[int], None]
) -> tuple[str, datetime] | None:
    """The key and start of `user`'s earliest interval starting after `at` and before `until` (the first key on
    a tie). Windows from `at` double in length until one holds such a start, so a near one costs little."""
    named = [(key, schedule) for key, schedule in schedules if names(schedule, user)]
    window = FIRST_WINDOW
    while named:
        end = min(at + window, until)
        starts = []
        for key, schedule in named:
            spend(render_cost(schedule, at, end))
            start = next((i.start for i in render(schedule, at, end) if i.user == user and i.start > at), None)
            if start is not None:
                starts.append((start, key))
        if starts:
            start, key = min(starts)
            return key, start
        if end == until:
            return None
        window *= 2
    return None
