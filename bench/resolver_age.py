"""The resolver's cost 30 years after a rotation's start, as a ratio of its cost 1 day after.

    python bench/resolver_age.py

Both instants are timed in the same run, best of several rounds, so machine noise
hits both alike. The issue's bar is a ratio of at most 1.2. Handoff instants are
memoized in the core; the cold table clears that memo before every call. Cold, a
rotation still in its first shift is a little cheaper (the 0th handoff is its start,
known without arithmetic), which is what the cold ratio above 1 shows.
"""

from __future__ import annotations

import timeit
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from nself_oncall.oncall import Layer, Restriction, Rotation, Schedule, at, resolve
from nself_oncall.oncall.layers import _handoff
from nself_oncall.oncall.wallclock import add_months

ZONE = ZoneInfo("America/New_York")
#: About 30 years, as a whole number of the rotation's units, so that the late instant
#: sits at the same place in its shift (and, for weeks, on the same weekday under the
#: restriction windows) as the early one: only the rotation's age differs.
_THIRTY_YEARS = {"hour": timedelta(days=10957), "day": timedelta(days=10957), "week": timedelta(weeks=1565)}


def _thirty_years_later(wall: datetime, unit: str) -> datetime:
    return add_months(wall, 360) if unit == "month" else wall + _THIRTY_YEARS[unit]
ANCHOR = datetime(2024, 3, 8, 9, 0)


def _schedule(unit: str, users: int, restricted: bool) -> Schedule:
    windows = (Restriction(time(9), time(17), frozenset(range(5))),) if restricted else ()
    layer = Layer("l", tuple(f"u{i}" for i in range(users)), Rotation(unit, 1), ANCHOR, resolve(ANCHOR, ZONE), None, windows)
    return Schedule(ZONE, (layer,))


def _best(schedule: Schedule, instant: datetime, number: int, cold: bool) -> float:
    def once():
        if cold:
            _handoff.cache_clear()
        at(schedule, instant)

    return min(timeit.repeat(once, number=number, repeat=7)) / number


def main() -> None:
    soon_wall = ANCHOR + timedelta(days=1, hours=3)
    cases = [("hour", 5, False), ("day", 3, False), ("week", 3, True), ("month", 4, False), ("week", 1, False)]
    for cold in (False, True):
        print("handoff memo cleared before every call (cold)" if cold else "as served (handoff memo warm)")
        print(f"  {'schedule':32} {'1 day after':>12} {'30 years after':>15} {'ratio':>6}")
        worst = 0.0
        for unit, users, restricted in cases:
            schedule = _schedule(unit, users, restricted)
            soon, late = resolve(soon_wall, ZONE), resolve(_thirty_years_later(soon_wall, unit), ZONE)
            rounds = [(_best(schedule, soon, 200, cold), _best(schedule, late, 200, cold)) for _ in range(3)]
            near, far = min(r[0] for r in rounds), min(r[1] for r in rounds)
            worst = max(worst, far / near)
            label = f"{unit} x{users}{' weekdays 9-17' if restricted else ''}"
            print(f"  {label:32} {near * 1e6:10.1f}us {far * 1e6:13.1f}us {far / near:6.2f}")
        print(f"  worst ratio (30 years / 1 day): {worst:.2f}  (bar: <= 1.2)")

if __name__ == "__main__":
    main()
