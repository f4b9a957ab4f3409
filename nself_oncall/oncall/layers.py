"""One layer's own coverage: rotation handoffs masked by restriction windows.

The shift holding an instant is found by arithmetic on the anchor, so the cost
does not grow with the rotation's age.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .model import LATEST, Layer, Restriction
from .wallclock import add_months, local, months_between, resolve

Span = tuple[datetime, datetime]
UserSpan = tuple[str, datetime, datetime]

_ONE_DAY = timedelta(days=1)
_STEP = {"hour": timedelta(hours=1), "day": _ONE_DAY, "week": timedelta(weeks=1)}
_DAY_SECONDS = 86_400
_WEEK_SECONDS = 7 * _DAY_SECONDS


def handoff(layer: Layer, k: int, zone: ZoneInfo) -> datetime:
    """The instant of the k-th handoff: anchor + k × length units, wall-clock, resolved.

    Handoffs at or after LATEST are all reported as LATEST.
    """
    if k == 0:
        return layer.start
    return _handoff(layer.anchor, layer.rotation.unit, k * layer.rotation.length, zone)


@lru_cache(maxsize=65_536)
def _handoff(anchor: datetime, unit: str, steps: int, zone: ZoneInfo) -> datetime:
    """Memoized: every request about a schedule asks for the same few handoffs again."""
    try:
        wall = add_months(anchor, steps) if unit == "month" else anchor + steps * _STEP[unit]
        return min(resolve(wall, zone), LATEST)
    except (OverflowError, ValueError):  # past the calendar's end: beyond anything we answer about
        return LATEST


def shift_index(layer: Layer, instant: datetime, zone: ZoneInfo) -> int:
    """The k with handoff(k) <= instant < handoff(k+1), for an instant at or after the start."""
    wall = local(instant, zone)
    length = layer.rotation.length
    if layer.rotation.unit == "month":
        k = months_between(layer.anchor, wall) // length
    else:
        k = (wall - layer.anchor) // (length * _STEP[layer.rotation.unit])
    k = max(k, 0)
    while k > 0 and handoff(layer, k, zone) > instant:
        k -= 1
    while handoff(layer, k + 1, zone) <= instant:
        k += 1
    return k


def coverage(layer: Layer, zone: ZoneInfo, lo: datetime, hi: datetime) -> Iterator[UserSpan]:
    """The layer's own (user, start, end) pieces inside [lo, hi), in time order."""
    lo = max(lo, layer.start)
    if layer.end is not None:
        hi = min(hi, layer.end)
    if lo >= hi:
        return iter(())
    runs = _user_runs(layer, zone, lo, hi)
    if not layer.restrictions or restrictions_cover_all(layer.restrictions):
        return runs
    return _intersect(runs, restriction_windows(layer.restrictions, zone, lo, hi))


def is_constant(layer: Layer) -> bool:
    """True when, once started and until its end, the layer always has the same user."""
    single = len(set(layer.users)) == 1
    return single and (not layer.restrictions or restrictions_cover_all(layer.restrictions))


def covers_something(layer: Layer) -> bool:
    """False for a layer whose restrictions name no day at all."""
    return not layer.restrictions or any(r.days is None or r.days for r in layer.restrictions)


def _user_runs(layer: Layer, zone: ZoneInfo, lo: datetime, hi: datetime) -> Iterator[UserSpan]:
    """Runs of consecutive shifts with the same user, clipped to [lo, hi)."""
    users = layer.users
    if len(set(users)) == 1:
        yield users[0], lo, hi
        return
    k = shift_index(layer, lo, zone)
    cursor = lo
    while cursor < hi:
        user = users[k % len(users)]
        nxt = k + 1
        while users[nxt % len(users)] == user:
            nxt += 1
        end = min(handoff(layer, nxt, zone), hi)
        if end > cursor:
            yield user, cursor, end
            cursor = end
        k = nxt


def restriction_windows(
    restrictions: tuple[Restriction, ...], zone: ZoneInfo, lo: datetime, hi: datetime
) -> list[Span]:
    """The restriction windows overlapping [lo, hi), clipped, merged, in time order."""
    day = local(lo, zone).date() - _ONE_DAY
    last = local(hi, zone).date()
    spans: list[Span] = []
    while day <= last:
        weekday = day.weekday()
        for r in restrictions:
            if r.days is None or weekday in r.days:
                start, end = _window(r, day, zone)
                start, end = max(start, lo), min(end, hi)
                if start < end:
                    spans.append((start, end))
        day += _ONE_DAY
    return _merge(spans)


def _window(r: Restriction, day: date, zone: ZoneInfo) -> Span:
    end_day = day + _ONE_DAY if r.end <= r.start else day
    start = resolve(datetime.combine(day, r.start), zone)
    return start, resolve(datetime.combine(end_day, r.end), zone)


@lru_cache(maxsize=1024)
def restrictions_cover_all(restrictions: tuple[Restriction, ...]) -> bool:
    """True when the windows leave no wall-clock time of the week uncovered.

    Memoized: every render and every search step of `at` asks again for each layer.
    """
    spans: list[tuple[int, int]] = []
    for r in restrictions:
        start, end = _seconds(r.start), _seconds(r.end)
        if end <= start:
            end += _DAY_SECONDS
        for d in sorted(r.days) if r.days is not None else range(7):
            s, e = d * _DAY_SECONDS + start, d * _DAY_SECONDS + end
            spans.append((s, min(e, _WEEK_SECONDS)))
            if e > _WEEK_SECONDS:
                spans.append((0, e - _WEEK_SECONDS))
    reach = 0
    for s, e in sorted(spans):
        if s > reach:
            return False
        reach = max(reach, e)
    return reach >= _WEEK_SECONDS


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _intersect(runs: Iterator[UserSpan], windows: list[Span]) -> Iterator[UserSpan]:
    i = 0
    for user, start, end in runs:
        while i < len(windows) and windows[i][1] <= start:
            i += 1
        j = i
        while j < len(windows) and windows[j][0] < end:
            s, e = max(start, windows[j][0]), min(end, windows[j][1])
            if s < e:
                yield user, s, e
            j += 1
