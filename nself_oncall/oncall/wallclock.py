"""Wall-clock arithmetic in a time zone, by the contract's one rule.

A wall-clock time that does not exist (spring forward) resolves to the first
instant after the gap; an ambiguous one (fall back) to its first occurrence.
Python's zoneinfo maps a nonexistent 02:30 to 03:30, so the gap case is
handled here explicitly.
"""

from __future__ import annotations

import calendar
import math
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

_EPOCH = datetime(1970, 1, 1)
_UTC_EPOCH = _EPOCH.replace(tzinfo=UTC)


def resolve(wall: datetime, zone: ZoneInfo) -> datetime:
    """Return the UTC instant that the naive wall-clock time `wall` means in `zone`."""
    if wall.fold:
        wall = wall.replace(fold=0)
    offset = zone.utcoffset(wall)  # a naive time is read as wall-clock in `zone`
    if offset == zone.utcoffset(datetime.combine(wall, _second_reading(wall.time()))):
        return _UTC_EPOCH + (wall - _EPOCH - offset)  # neither in a gap nor ambiguous
    first = wall.replace(tzinfo=zone).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first  # exists; fold=0 is the first occurrence when ambiguous
    return _end_of_gap(wall, zone)


@lru_cache(maxsize=4096)
def _second_reading(clock: time) -> time:
    """`clock` with fold=1: read after a transition when it falls in a gap or an overlap.

    Memoized, as are the two epochs above: `resolve` runs for every handoff and
    window edge of a render, and building a datetime by `replace` costs about ten
    times the arithmetic here.
    """
    return clock.replace(fold=1)


def _end_of_gap(wall: datetime, zone: ZoneInfo) -> datetime:
    """The transition instant that ends the gap holding the nonexistent `wall`.

    fold=1 reads `wall` with the offset after the transition, fold=0 with the one
    before, so the transition lies between the two readings. Transitions fall on
    whole seconds: bisect on integer POSIX seconds.
    """
    readings = [wall.replace(tzinfo=zone, fold=f).timestamp() for f in (0, 1)]
    lo, hi = math.floor(min(readings)), math.ceil(max(readings))
    after = _offset(hi, zone)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset(mid, zone) == after:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def _offset(posix_seconds: int, zone: ZoneInfo) -> timedelta | None:
    return datetime.fromtimestamp(posix_seconds, zone).utcoffset()


def local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock time of an aware instant in `zone`."""
    return instant.astimezone(zone).replace(tzinfo=None)


def add_months(wall: datetime, months: int) -> datetime:
    """Add whole months to a wall-clock time; a day the month lacks clamps to its last day."""
    index = wall.year * 12 + (wall.month - 1) + months
    year, month = divmod(index, 12)
    day = min(wall.day, calendar.monthrange(year, month + 1)[1])
    return wall.replace(year=year, month=month + 1, day=day)


def months_between(earlier: datetime, later: datetime) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s month (day ignored)."""
    return (later.year - earlier.year) * 12 + (later.month - earlier.month)


def to_instant(value: datetime, zone: ZoneInfo) -> datetime:
    """An aware value as a UTC instant; a naive one is wall-clock time in `zone`."""
    return resolve(value, zone) if value.tzinfo is None else value.astimezone(UTC)
