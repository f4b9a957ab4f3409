"""Render time per output interval as layers and restriction windows grow.

    python bench/render_per_shift.py

Every layer rotates hourly among 3 to 5 users; its windows split the day evenly,
each half a step long (30 minutes for 24 a day), on five weekdays, and sit at a
different offset in every layer, so that lower layers show through many small gaps.
Each row is the median of several renders, as a ratio to the first row of its table,
measured in the same run so that machine noise hits all alike. Flat is the goal: a
render costs the same per interval of its answer however many layers or windows
stand behind it. The last lines time a 400-day render of 20 such layers, and one of
the slowest kinds of schedule at MAX_RENDER_COST: a few layers of 96 windows a day
whose every window shows, which should take about a second at most.
"""

from __future__ import annotations

import statistics
import time as clock
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nself_oncall.oncall import MAX_RENDER_COST, Layer, Restriction, Rotation, Schedule, render, render_cost, resolve

ZONE = ZoneInfo("America/New_York")
SINCE = datetime(2024, 1, 1, 5, tzinfo=UTC)
RANGE = timedelta(days=28)
ROUNDS = 5


def layer(i: int, windows: int) -> Layer:
    anchor = datetime(2024, 1, 1, 0, (7 * i) % 60)
    step = 24 * 60 // windows
    days = frozenset(d for d in range(7) if (d + i) % 7 < 5)
    rules = []
    for w in range(windows):
        start = w * step + (11 * i) % step
        end = (start + step // 2) % (24 * 60)
        rules.append(Restriction(time(start // 60, start % 60), time(end // 60, end % 60), days))
    users = tuple(f"user{i}-{u}" for u in range(3 + i % 3))
    return Layer(f"layer{i}", users, Rotation("hour", 1), anchor, resolve(anchor, ZONE), None, tuple(rules))


def schedule(layers: int, windows: int) -> Schedule:
    return Schedule(ZONE, tuple(layer(i, windows) for i in range(layers)))


def timed(s: Schedule, span: timedelta) -> tuple[float, int]:
    """Median seconds of a render over `span`, and how many intervals it answers."""
    times = []
    for _ in range(ROUNDS):
        started = clock.perf_counter()
        answer = render(s, SINCE, SINCE + span)
        times.append(clock.perf_counter() - started)
    return statistics.median(times), len(answer)


def table(title: str, cases: list[tuple[str, Schedule]]) -> None:
    print(title)
    print(f"  {'schedule':28} {'intervals':>9} {'render':>9} {'per interval':>13} {'ratio':>6}")
    base = None
    for label, s in cases:
        seconds, intervals = timed(s, RANGE)
        per = seconds / intervals
        base = base or per
        print(f"  {label:28} {intervals:9d} {seconds * 1e3:7.1f}ms {per * 1e6:11.2f}us {per / base:6.2f}")


def main() -> None:
    print(f"{RANGE.days} days from {SINCE:%Y-%m-%d}, {ZONE.key}; median of {ROUNDS} renders")
    table("as layers grow (24 windows each)", [(f"{n} layers", schedule(n, 24)) for n in (1, 5, 10, 20)])
    table("as windows grow (5 layers)", [(f"{w} windows a layer", schedule(5, w)) for w in (1, 6, 24, 96)])
    big, span = schedule(20, 24), timedelta(days=400)
    seconds, intervals = timed(big, span)
    cost = render_cost(big, SINCE, SINCE + span)
    print(f"20 layers x 24 windows over 400 days: {seconds:.3f}s for {intervals} intervals (render_cost {cost})")
    dense, days = schedule(4, 96), 400
    while render_cost(dense, SINCE, SINCE + timedelta(days=days)) > MAX_RENDER_COST:
        days -= 1
    seconds, intervals = timed(dense, timedelta(days=days))
    cost = render_cost(dense, SINCE, SINCE + timedelta(days=days))
    print(f"4 layers x 96 windows over {days} days, at MAX_RENDER_COST {MAX_RENDER_COST}: "
          f"{seconds:.3f}s for {intervals} intervals (render_cost {cost})")


if __name__ == "__main__":
    main()
