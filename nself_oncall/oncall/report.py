"""Sums over a rendered final schedule: its gaps, and each person's load by the local clock.

Both take the covered intervals `render` answers for [since, until): clipped to the range,
in time order, never overlapping.

"Night" and "weekend" are read off the schedule's local clock at each instant, so across a
DST change a night can be an hour shorter or longer, and when clocks fall back through the
edge of a night window the repeated hour can leave and re-enter it. To be exact, time is cut
into pieces over which the zone's UTC offset does not change: within one, the local clock
runs in step with UTC, and the local windows can be measured on naive wall-clock time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .model import Interval

_DAY = timedelta(days=1)
_ZERO = timedelta(0)
#: Offsets are probed this far apart; no real zone changes its offset twice within it.
_PROBE = timedelta(hours=3)
_TICK = timedelta(microseconds=1)
SATURDAY = 5

#: The default night: from 22:00 to before 07:00, local time.
NIGHT = (time(22), time(7))


@dataclass(frozen=True)
class Load:
    """One person's time in a range; the durations are whole seconds, rounded down."""

    user: str
    shifts: int
    seconds: int
    night_seconds: int
    weekend_seconds: int


def gaps(intervals: Iterable[Interval], since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """The maximal uncovered stretches of [since, until), in time order."""
    found, reached = [], since
    for interval in intervals:
        if interval.start > reached:
            found.append((reached, interval.start))
        reached = max(reached, interval.end)
    if reached < until:
        found.append((reached, until))
    return found


def covered(intervals: Iterable[Interval]) -> timedelta:
    return sum((interval.end - interval.start for interval in intervals), _ZERO)


def seconds(span: timedelta) -> int:
    return span // timedelta(seconds=1)


def loads(intervals: list[Interval], zone: ZoneInfo, night: tuple[time, time] = NIGHT) -> list[Load]:
    """Each user's shifts, on-call, night and weekend time: most time first, then by user."""
    totals: dict[str, list] = {}  # user: [shifts, time, night, weekend]
    pieces = list(offset_pieces(zone, intervals[0].start, intervals[-1].end)) if intervals else []
    for interval in intervals:
        entry = totals.setdefault(interval.user, [0, _ZERO, _ZERO, _ZERO])
        entry[0] += 1
        entry[1] += interval.end - interval.start
        for start, end, offset in _within(pieces, interval.start, interval.end):
            local_start, local_end = (start + offset).replace(tzinfo=None), (end + offset).replace(tzinfo=None)
            entry[2] += _in_windows(local_start, local_end, night)
            entry[3] += _on_weekends(local_start, local_end)
    report = [Load(user, n, seconds(total), seconds(nights), seconds(weekends))
              for user, (n, total, nights, weekends) in totals.items()]
    return sorted(report, key=lambda load: (-load.seconds, load.user))


def offset_pieces(zone: ZoneInfo, since: datetime, until: datetime) -> Iterator[tuple[datetime, datetime, timedelta]]:
    """[since, until) cut where the zone's UTC offset changes: (start, end, offset) pieces."""
    start, offset = since, since.astimezone(zone).utcoffset()
    probe = since
    while probe < until:
        ahead = min(probe + _PROBE, until)
        if ahead.astimezone(zone).utcoffset() != offset:
            change = _change_within(zone, probe, ahead, offset)
            yield start, change, offset
            start, offset = change, change.astimezone(zone).utcoffset()
        probe = ahead
    yield start, until, offset


def _change_within(zone: ZoneInfo, lo: datetime, hi: datetime, offset: timedelta) -> datetime:
    """The first instant in (lo, hi] whose offset differs from `offset` (it has `offset` at lo)."""
    while hi - lo > _TICK:
        mid = lo + (hi - lo) // 2
        if mid.astimezone(zone).utcoffset() == offset:
            lo = mid
        else:
            hi = mid
    return hi


def _within(pieces: list[tuple[datetime, datetime, timedelta]], start: datetime, end: datetime):
    for lo, hi, offset in pieces:
        if lo < end and start < hi:
            yield max(lo, start), min(hi, end), offset


def _in_windows(lo: datetime, hi: datetime, window: tuple[time, time]) -> timedelta:
    """How much of the naive wall-clock stretch [lo, hi) lies in the daily window [from, to) (wrapping past
    midnight when to <= from)."""
    begin, finish = window
    total, day = _ZERO, datetime.combine(lo.date() - _DAY, time(0))
    while day < hi:
        start = datetime.combine(day.date(), begin)
        end = datetime.combine(day.date() + (_DAY if finish <= begin else _ZERO), finish)
        total += max(_ZERO, min(end, hi) - max(start, lo))
        day += _DAY
    return total


def _on_weekends(lo: datetime, hi: datetime) -> timedelta:
    """How much of the naive wall-clock stretch [lo, hi) falls on a Saturday or Sunday."""
    total, day = _ZERO, datetime.combine(lo.date(), time(0))
    while day < hi:
        if day.weekday() >= SATURDAY:
            total += min(day + _DAY, hi) - max(day, lo)
        day += _DAY
    return total
