"""Render time of 14 days as overrides of every kind, and temporary schedules, pile up.

    python bench/render_overrides.py

A schedule of three hourly layers (3 to 5 users each, two with restriction windows) in America/New_York, with N
overrides over the 14 days: a third adds, a third replaces (of a user the layers name, some chained: one replaces
who another put there), a third removes, from 30 minutes to 12 hours long, overlapping freely, plus a temporary
schedule of a day with hourly shifts every few days. Each row is the median of several renders of the 14 days, and
`at` (who is on call at one instant, with its whole interval) at 100 instants, as a ratio to the same schedule with
no overrides and no temporary schedule, measured in the same run so that machine noise hits all alike. The goal:
milliseconds for thousands of overrides, and a render's time bounded by its render_cost.
"""

from __future__ import annotations

import random
import statistics
import time as clock
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nself_oncall.oncall import (
    Layer,
    Override,
    Restriction,
    Rotation,
    Schedule,
    Shift,
    Temporary,
    at,
    render,
    render_cost,
    resolve,
)

ZONE = ZoneInfo("America/New_York")
SINCE = datetime(2024, 3, 1, 5, tzinfo=UTC)  # across the March DST change
RANGE = timedelta(days=14)
ROUNDS = 7
INSTANTS = 100


def layers() -> tuple[Layer, ...]:
    found = []
    for i in range(3):
        anchor = datetime(2024, 1, 1, i)
        users = tuple(f"u{i}-{u}" for u in range(3 + i))
        rules = () if i == 0 else (Restriction(time(8 + i), time(20 - i), frozenset(range(5))),)
        found.append(Layer(f"l{i}", users, Rotation("hour", 1 + i), anchor, resolve(anchor, ZONE), None, rules))
    return tuple(found)


def overrides(n: int, rng: random.Random) -> tuple[Override, ...]:
    users = [u for layer in layers() for u in layer.users]
    made: list[Override] = []
    for k in range(n):
        start = SINCE + timedelta(minutes=rng.randrange(int(RANGE / timedelta(minutes=1))))
        end = start + timedelta(minutes=rng.randrange(30, 12 * 60))
        kind = k % 3
        replaces = None if kind == 0 else rng.choice(users if kind == 2 or not made or k % 9 else
                                                     [o.user for o in made if o.user] or users)
        user = None if kind == 2 else f"cover{rng.randrange(50)}" if kind == 0 or k % 2 else rng.choice(users)
        if user == replaces:
            user = f"cover{k}"
        made.append(Override(f"o{k}", user, start, end, SINCE - timedelta(days=30) + timedelta(seconds=k), replaces))
    return tuple(made)


def temporaries(rng: random.Random) -> tuple[Temporary, ...]:
    found = []
    for day in range(1, 14, 4):
        start = SINCE + timedelta(days=day)
        shifts = tuple(Shift(f"temp{rng.randrange(5)}", start + timedelta(hours=h), start + timedelta(hours=h + 1))
                       for h in range(0, 24, 2))  # every other hour: gaps
        found.append(Temporary(f"t{day}", start, start + timedelta(days=1), shifts))
    return tuple(found)


def timed(schedule: Schedule) -> tuple[float, float, int]:
    """Median seconds of a 14-day render and of `at` at INSTANTS instants, and the render's interval count."""
    instants = [SINCE + RANGE * (k / INSTANTS) for k in range(INSTANTS)]
    renders, ats = [], []
    for _ in range(ROUNDS):
        started = clock.perf_counter()
        answer = render(schedule, SINCE, SINCE + RANGE)
        renders.append(clock.perf_counter() - started)
        started = clock.perf_counter()
        for instant in instants:
            at(schedule, instant)
        ats.append(clock.perf_counter() - started)
    return statistics.median(renders), statistics.median(ats), len(answer)


def main() -> None:
    rng = random.Random(18)
    print(f"{RANGE.days} days from {SINCE:%Y-%m-%d}, {ZONE.key}; median of {ROUNDS} rounds")
    print(f"  {'overrides':>9} {'temporary':>9} {'intervals':>9} {'cost':>7} {'render':>9} {'ratio':>6}"
          f" {'at x100':>9} {'ratio':>6}")
    base = None
    for n in (0, 100, 1_000, 3_000, 10_000):
        for with_temporaries in (False, True):
            if n == 0 and with_temporaries:
                continue
            schedule = Schedule(ZONE, layers(), overrides(n, rng), temporaries(rng) if with_temporaries else ())
            seconds, at_seconds, intervals = timed(schedule)
            base = base or (seconds, at_seconds)
            cost = render_cost(schedule, SINCE, SINCE + RANGE)
            print(f"  {n:9d} {len(schedule.temporaries):9d} {intervals:9d} {cost:7d} {seconds * 1e3:7.1f}ms "
                  f"{seconds / base[0]:6.1f} {at_seconds * 1e3:7.1f}ms {at_seconds / base[1]:6.1f}")


if __name__ == "__main__":
    main()
