"""One person across several schedules: their intervals over a range, and their next one.

Schedules come keyed by an id. `spend` is told the `render_cost` of each render before it is done,
so that the caller can bound the work of one question across many schedules (it raises to stop).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
