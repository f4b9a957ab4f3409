"""The final schedule: overrides over layers, later layers over earlier ones.

`render` is the one algorithm; `at` renders a small range around one instant and
then, only on a side where the interval holding it reaches the range's edge,
further ranges of doubling length until that interval is whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from .layers import UserSpan, coverage, covers_something, is_constant
from .model import EARLIEST, LATEST, Interval, Schedule, Source

_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)
_NOMINAL = {"hour": timedelta(hours=1), "day": _DAY, "week": timedelta(weeks=1), "month": timedelta(days=31)}

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
    None when nothing changes after it. A small window around the instant is
    rendered first; a side where the interval reaches the window's edge is
    searched further in chunks that double, each rendered once.
    """
    chunk = _first_chunk(schedule)
    lo, hi = max(instant - chunk, EARLIEST), min(instant + chunk, LATEST)
    piece = _piece_at(render(schedule, lo, hi), instant, lo, hi)
    return Interval(
        piece.user, piece.source, _search_back(schedule, piece, lo, chunk), _search_forward(schedule, piece, hi, chunk)
    )


def _search_back(schedule: Schedule, piece: Interval, lo: datetime, chunk: timedelta) -> datetime | None:
    """Where `piece`, rendered within [lo, ...), really starts."""
    first = min([l.start for l in schedule.layers] + [o.start for o in schedule.overrides], default=None)
    start = piece.start
    while start == lo:
        if lo == EARLIEST or first is None or lo < first:
            return None if piece.user is None else lo
        shortcut = _constant_run_start(schedule, piece, lo)
        if shortcut is not None:
            return shortcut
        chunk *= 2
        earlier = lo - chunk if chunk < lo - EARLIEST else EARLIEST
        before = _piece_at(render(schedule, earlier, lo), lo - _TICK, earlier, lo)
        if (before.user, before.source) != (piece.user, piece.source):
            return lo
        lo, start = earlier, before.start
    return start


def _search_forward(schedule: Schedule, piece: Interval, hi: datetime, chunk: timedelta) -> datetime | None:
    """Where `piece`, rendered within [..., hi), really ends."""
    settle_at, settled = _settling(schedule)
    end = piece.end
    while end == hi:
        if hi == LATEST or (settled and hi > settle_at):
            return None
        chunk *= 2
        later = hi + chunk if chunk < LATEST - hi else LATEST
        after = _piece_at(render(schedule, hi, later), hi, hi, later)
        if (after.user, after.source) != (piece.user, piece.source):
            return hi
        hi, end = later, after.end
    return end


def _first_chunk(schedule: Schedule) -> timedelta:
    """The longest shift of any layer, between an hour and a day."""
    longest = max((_NOMINAL[l.rotation.unit] * l.rotation.length for l in schedule.layers), default=_DAY)
    return min(longest, _DAY)


def _constant_run_start(schedule: Schedule, piece: Interval, lo: datetime) -> datetime | None:
    """Where a piece of an always-same-user layer began, if nothing above that layer ran since.

    Then only overrides can have cut it: it began at the layer's start or at the
    end of the last override before `lo`. None when that shortcut does not apply.
    """
    if piece.source is None or piece.source.type != "layer":
        return None
    index = next(i for i, l in enumerate(schedule.layers) if l.name == piece.source.ref)
    layer = schedule.layers[index]
    if not is_constant(layer):
        return None
    above = schedule.layers[index + 1 :]
    if any(l.start < lo and (l.end is None or l.end > layer.start) for l in above):
        return None
    cuts = [o.end for o in schedule.overrides if layer.start <= o.end <= lo]
    return max(cuts, default=layer.start)


def _settling(schedule: Schedule) -> tuple[datetime, bool]:
    """From when the schedule may be settled, and whether it is then.

    After every start and end, each layer has ended or runs for ever; if the top
    running layer always has the same user (or none runs), nothing changes again
    after that instant (an interval that reaches past it never ends).
    """
    bounds = [l.start for l in schedule.layers] + [l.end for l in schedule.layers if l.end]
    bounds += [o.end for o in schedule.overrides]
    running = [l for l in schedule.layers if l.end is None and covers_something(l)]
    return max(bounds, default=EARLIEST), not running or is_constant(running[-1])


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
