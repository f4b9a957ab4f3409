"""The resolver's cost 30 years after a rotation's start, as a ratio of its cost 1 day after.

    python bench/resolver_age.py

Both instants are timed in the same run, interleaved, best of several rounds, so
machine noise hits both alike. The issue's bar is a ratio of at most 1.2.
"""

from __future__ import annotations

import timeit
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from nself_oncall.oncall import Layer, Restriction, Rotation, Schedule, at, resolve

ZONE = ZoneInfo("America/New_York")
ANCHOR = datetime(2024, 3, 8, 9, 0)


def _schedule(unit: str, users: int, restricted: bool) -> Schedule:
    windows = (Restriction(time(9), time(17), frozenset(range(5))),) if restricted else ()
    layer = Layer("l", tuple(f"u{i}" for i in range(users)), Rotation(unit, 1), ANCHOR, resolve(ANCHOR, ZONE), None, windows)
    return Schedule(ZONE, (layer,))


def _best(schedule: Schedule, instant: datetime, number: int) -> float:
    return min(timeit.repeat(lambda: at(schedule, instant), number=number, repeat=7)) / number


def main() -> None:
    start = resolve(ANCHOR, ZONE)
    soon, late = start + timedelta(days=1, hours=3), resolve(ANCHOR.replace(year=ANCHOR.year + 30), ZONE) + timedelta(hours=3)
    print(f"{'schedule':34} {'1 day after':>12} {'30 years after':>15} {'ratio':>6}")
    worst = 0.0
    for unit, users, restricted in [("hour", 5, False), ("day", 3, False), ("week", 3, True), ("month", 4, False), ("week", 1, False)]:
        schedule = _schedule(unit, users, restricted)
        rounds = [(_best(schedule, soon, 200), _best(schedule, late, 200)) for _ in range(3)]
        near, far = min(r[0] for r in rounds), min(r[1] for r in rounds)
        worst = max(worst, far / near)
        label = f"{unit} x{users}{' weekdays 9-17' if restricted else ''}"
        print(f"{label:34} {near * 1e6:10.1f}us {far * 1e6:13.1f}us {far / near:6.2f}")
    print(f"worst ratio (30 years / 1 day): {worst:.2f}  (bar: <= 1.2)")


if __name__ == "__main__":
    main()
