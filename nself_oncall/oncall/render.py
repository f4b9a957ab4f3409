"""The final schedule: overrides over layers, later layers over earlier ones.

`render` is the one algorithm; `at` is a range query around one instant that
widens its window until the interval holding the instant is whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from .layers import UserSpan, coverage, is_constant
from .model import Interval, Schedule, Source

#: Instants the resolver works within; the API refuses instants outside them.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)

_FIRST_WINDOW = timedelta(days=1)
_GROWTH = 4

Gap = tuple[datetime, datetime]
Cover = Callable[[datetime, datetime], Iterable[UserSpan]]


def render(schedule: Schedule, since: datetime, until: datetime) -> list[Interval]:
    """Covered intervals of the final schedule inside [since, until), maximal, in time order."""
    pieces: list[Interval] = []
    gaps: list[Gap] = [(since, until)] if since < until else []
    newest_first = sorted(schedule.overrides, key=lambda o: (o.created_at, o.id), reverse=True)
    for o in newest_first:
        source = Source("override", o.id)
        gaps = _fill(gaps, source, lambda lo, hi, o=o: _clip(o.user, o.start, o.end, lo, hi), pieces)
    for layer in reversed(schedule.layers):
        source = Source("layer", layer.name)
        gaps = _fill(gaps, source, lambda lo, hi, l=layer: coverage(l, schedule.zone, lo, hi), pieces)
    return _merge(sorted(pieces, key=lambda p: p.start))


def at(schedule: Schedule, instant: datetime) -> Interval:
    """The maximal final-schedule interval (or gap) holding `instant`.

    `start` is None for a gap that reaches back before anything begins; `end` is
    None when nothing changes after it.
    """
    first, settle_at, settled = _bounds(schedule)
    back = forward = _FIRST_WINDOW
    while True:
        lo, hi = max(instant - back, EARLIEST), min(instant + forward, LATEST)
        piece = _piece_at(render(schedule, lo, hi), instant, lo, hi)
        start, end = piece.start, piece.end
        if start == lo and (lo == EARLIEST or first is None or lo < first):
            start = None if piece.user is None else start
        elif start == lo:
            back *= _GROWTH
            continue
        if end == hi and (hi == LATEST or (settled and hi >= settle_at)):
            end = None
        elif end == hi:
            forward *= _GROWTH
            continue
        return Interval(piece.user, piece.source, start, end)


def _bounds(schedule: Schedule) -> tuple[datetime | None, datetime, bool]:
    """When anything first begins; from when the schedule can be settled; whether it is.

    After every start and end, each layer has ended or runs for ever; if the top
    running layer always has the same user (or none runs), nothing changes again.
    """
    starts = [l.start for l in schedule.layers] + [o.start for o in schedule.overrides]
    ends = [l.end for l in schedule.layers if l.end] + [o.end for o in schedule.overrides]
    running = [l for l in schedule.layers if l.end is None]
    settled = not running or is_constant(running[-1])
    return min(starts, default=None), max(starts + ends, default=EARLIEST), settled


def _fill(gaps: list[Gap], source: Source, cover: Cover, pieces: list[Interval]) -> list[Gap]:
    """Add what `cover` yields inside each gap to `pieces`; return what is still uncovered."""
    left: list[Gap] = []
    for lo, hi in gaps:
        cursor = lo
        for user, start, end in cover(lo, hi):
            if start > cursor:
                left.append((cursor, start))
            pieces.append(Interval(user, source, start, end))
            cursor = end
        if cursor < hi:
            left.append((cursor, hi))
    return left


def _clip(user: str, start: datetime, end: datetime, lo: datetime, hi: datetime) -> list[UserSpan]:
    start, end = max(start, lo), min(end, hi)
    return [(user, start, end)] if start < end else []


def _merge(pieces: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for p in pieces:
        last = merged[-1] if merged else None
        if last and last.end == p.start and (last.user, last.source) == (p.user, p.source):
            merged[-1] = Interval(p.user, p.source, last.start, p.end)
        else:
            merged.append(p)
    return merged


def _piece_at(pieces: list[Interval], instant: datetime, lo: datetime, hi: datetime) -> Interval:
    """The covered piece holding `instant`, or the gap around it, within [lo, hi)."""
    gap_start, gap_end = lo, hi
    for p in pieces:
        if p.end <= instant:
            gap_start = p.end
        elif p.start <= instant:
            return p
        else:
            gap_end = p.start
            break
    return Interval(None, None, gap_start, gap_end)
