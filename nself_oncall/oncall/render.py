"""The final schedule: overrides and temporary schedules over layers, later layers over earlier ones.

The rule at an instant t (docs/api.md): take the layers that cover t, top first, and drop each one whose user at t
a remove override active at t takes off; the top one left decides (none: a gap); the replace overrides active at t
then apply to its user, newest first, each once; the add overrides active at t win over all, newest first. The
source is the last thing that decided. A temporary schedule active at t stands in for all the layers: its shift at
t is the only layer (none: a gap).

`render` is the one algorithm; `at` renders a small range around one instant and
then, only on a side where the interval holding it reaches the range's edge,
further ranges of doubling length until that interval is whole. `render_cost`
bounds a render's work beforehand, by arithmetic.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from heapq import heappop, heappush
from operator import itemgetter

from .layers import coverage, covers_something, is_constant, restrictions_cover_all
from .model import EARLIEST, LATEST, Interval, Layer, Override, Schedule, Source, Temporary

_DAY = timedelta(days=1)
_WEEK = timedelta(weeks=1)
_TICK = timedelta(microseconds=1)
#: A search step of `at` at most this long is rendered whatever render_cost says (it overestimates
#: what layers hidden under others cost); a longer one must cost at most _STEP_COST.
_FREE_STEP = timedelta(days=32)
_NOMINAL = {"hour": timedelta(hours=1), "day": _DAY, "week": _WEEK, "month": timedelta(days=31)}
_SHORTEST = {**_NOMINAL, "month": timedelta(days=28)}  # DST aside: for render_cost

#: The highest `render_cost` to render on request. On the 2-core development machine,
#: the slowest schedules found at this cost (every restriction window showing as an
#: interval of its own; bench/render_per_shift.py times one) render in about 0.7 s,
#: up to 1 s while other work loads the machine. Most render far faster: layers
#: hidden under others cost little, but the count cannot tell which are hidden.
MAX_RENDER_COST = 125_000
_STEP_COST = 5_000

Gap = tuple[datetime, datetime]
#: (user, source, start, end): what a source covers
Span = tuple[str, Source, datetime, datetime]
#: (start, end, user, source): a part of the final schedule, an Interval once merged
Piece = tuple[datetime, datetime, str, Source]


def render(schedule: Schedule, since: datetime, until: datetime) -> list[Interval]:
    """Covered intervals of the final schedule inside [since, until), maximal, in time order.

    Each source fills what the ones above it left uncovered, in one pass over those gaps: the add overrides, then
    the temporary schedules (whose spans are then closed to the layers, covered or not), then each layer, top down,
    less the times its user is taken off; a layer's pieces are worked out once, over the span the gaps reach. The
    replace overrides then change who is on call in what the temporary schedules and layers filled. Nothing is
    rendered from LATEST on (wall-clock arithmetic would leave the calendar).
    """
    until = min(until, LATEST)
    if since >= until:
        return []
    near = [o for o in schedule.overrides if o.start < until and since < o.end]
    pieces: list[Piece] = []
    gaps = _fill([(since, until)], _shown_overrides([o for o in near if o.adds], since, until), pieces)
    removed = _removed(near)
    below: list[Piece] = []  # what the temporary schedules and the layers fill
    temporaries = sorted((t for t in schedule.temporaries if t.start < until and since < t.end), key=lambda t: t.start)
    if temporaries and gaps:
        gaps = _fill(gaps, _kept(_temporary_shifts(temporaries), removed), below)
        gaps = _fill(gaps, ((None, None, t.start, t.end) for t in temporaries), [])
    for layer in reversed(schedule.layers):
        if not gaps:
            break
        if _all_removed(layer, removed, gaps[0][0], gaps[-1][1]):
            continue  # none of its users may be on call there: its shifts need not be worked out
        source = Source("layer", layer.name)
        spans = coverage(layer, schedule.zone, gaps[0][0], gaps[-1][1])
        gaps = _fill(gaps, _kept(((user, source, start, end) for user, start, end in spans), removed), below)
    below.sort(key=itemgetter(0))
    replacing = [o for o in near if o.replaces is not None and o.user is not None]
    pieces += _replaced(below, replacing, since, until) if replacing else below
    pieces.sort(key=itemgetter(0))
    return _merge(pieces)


def render_cost(schedule: Schedule, since: datetime, until: datetime) -> int:
    """An upper bound on the pieces `render` handles over [since, until), by arithmetic alone.

    `render`'s time grows linearly with it, so a caller can refuse a range costing
    more than MAX_RENDER_COST before rendering anything. It counts two per override
    or temporary schedule overlapping the range (each of its ends can cut what shows), one per shift of those
    temporary schedules and, for each layer
    from the top down, over the part of the range the layer runs in: its shifts
    (that span over the shortest its shifts can be, none if it has one user, plus
    three for the ends and a DST change) and its restriction windows (each weekday a window starts on, as
    often as it can occur in that span with the day before it). A layer that covers
    the whole range at all times hides the layers below it (unless a remove override
    takes off one of its users), and an add override or a temporary schedule that
    covers it hides every layer: `render` skips them.
    """
    overlapping = [o for o in schedule.overrides if o.start < until and since < o.end]
    cost = 2 * len(overlapping)
    if any(o.adds and o.start <= since and until <= o.end for o in overlapping):
        return cost  # an add override covers the whole range: `render` skips every layer
    temporaries = [t for t in schedule.temporaries if t.start < until and since < t.end]
    cost += sum(2 + len(t.shifts) for t in temporaries)
    if any(t.start <= since and until <= t.end for t in temporaries):
        return cost  # a temporary schedule sets every layer aside over the whole range
    removed = {o.replaces for o in overlapping if o.user is None}
    gone = {o.replaces for o in overlapping if o.user is None and o.start <= since and until <= o.end}
    for layer in reversed(schedule.layers):
        lo, hi = max(since, layer.start), until if layer.end is None else min(until, layer.end)
        if lo >= hi or gone.issuperset(layer.users):
            continue  # every user of it is taken off over the whole range: `render` skips it
        if len(set(layer.users)) > 1:  # one user's shifts are one run
            cost += (hi - lo) // (_SHORTEST[layer.rotation.unit] * layer.rotation.length)
        cost += 3
        if layer.restrictions and not restrictions_cover_all(layer.restrictions):
            per_week = sum(7 if r.days is None else len(r.days) for r in layer.restrictions)
            cost += ((hi - lo) // _WEEK + 2) * per_week
        elif (lo, hi) == (since, until) and removed.isdisjoint(layer.users):
            break  # a remove of one of its users would let the layers below show
    return cost


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
    first = min([l.start for l in schedule.layers] + [o.start for o in schedule.overrides]
                + [t.start for t in schedule.temporaries], default=None)
    start = piece.start
    while start == lo:
        if lo == EARLIEST or first is None or lo < first:
            return None if piece.user is None else lo
        shortcut = _constant_run_start(schedule, piece, lo)
        if shortcut is not None:
            return shortcut
        chunk *= 2
        earlier, _ = _affordable(schedule, lo - chunk if chunk < lo - EARLIEST else EARLIEST, lo, back=True)
        chunk = lo - earlier
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
        _, later = _affordable(schedule, hi, hi + chunk if chunk < LATEST - hi else LATEST, back=False)
        chunk = later - hi
        after = _piece_at(render(schedule, hi, later), hi, hi, later)
        if (after.user, after.source) != (piece.user, piece.source):
            return hi
        hi, end = later, after.end
    return end


def _affordable(schedule: Schedule, lo: datetime, hi: datetime, *, back: bool) -> tuple[datetime, datetime]:
    """[lo, hi) shortened on its far side (lo when searching back) to _FREE_STEP, or to a cost of _STEP_COST.

    A chunk that doubles across a long quiet stretch (a gap before a layer starts in
    a far year) would otherwise reach far into a busy one and render years of shifts.
    """
    while hi - lo > _FREE_STEP and render_cost(schedule, lo, hi) > _STEP_COST:
        middle = lo + (hi - lo) / 2
        lo, hi = (middle, hi) if back else (lo, middle)
    return lo, hi


def _first_chunk(schedule: Schedule) -> timedelta:
    """The longest shift of any layer, between an hour and a day."""
    longest = max((_NOMINAL[l.rotation.unit] * l.rotation.length for l in schedule.layers), default=_DAY)
    return min(longest, _DAY)


def _constant_run_start(schedule: Schedule, piece: Interval, lo: datetime) -> datetime | None:
    """Where a piece of an always-same-user layer began, if nothing above that layer ran since.

    Then only overrides can have cut it: it began at the layer's start or at the
    end of the last override before `lo` that shows over a layer (an add), or takes
    off or replaces the piece's user, or of the last temporary schedule. None when
    that shortcut does not apply.
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
    cuts = [o.end for o in schedule.overrides if (o.adds or o.replaces == piece.user) and layer.start <= o.end <= lo]
    cuts += [t.end for t in schedule.temporaries if layer.start <= t.end <= lo]
    return max(cuts, default=layer.start)


def _settling(schedule: Schedule) -> tuple[datetime, bool]:
    """From when the schedule may be settled, and whether it is then.

    After every start and end, each layer has ended or runs for ever; if the top
    running layer always has the same user (or none runs), nothing changes again
    after that instant (an interval that reaches past it never ends).
    """
    bounds = [l.start for l in schedule.layers] + [l.end for l in schedule.layers if l.end]
    bounds += [o.end for o in schedule.overrides] + [t.end for t in schedule.temporaries]
    running = [l for l in schedule.layers if l.end is None and covers_something(l)]
    return max(bounds, default=EARLIEST), not running or is_constant(running[-1])


def _temporary_shifts(temporaries: list[Temporary]) -> Iterator[Span]:
    """The shifts of temporary schedules (disjoint, in time order), each clipped to its schedule's span."""
    for t in temporaries:
        source = Source("temporary", t.id)
        for shift in t.shifts:
            start, end = max(shift.start, t.start), min(shift.end, t.end)
            if start < end:
                yield shift.user, source, start, end


def _all_removed(layer: Layer, removed: dict[str, list[Gap]], since: datetime, until: datetime) -> bool:
    """Whether every user of `layer` is taken off over all of [since, until) by one remove override each."""
    return all(any(s <= since and until <= e for s, e in removed.get(user, ())) for user in layer.users)


def _removed(overrides: list[Override]) -> dict[str, list[Gap]]:
    """When each user is taken off by the remove overrides: per user, sorted, disjoint spans."""
    spans: dict[str, list[Gap]] = {}
    for o in overrides:
        if o.user is None:
            spans.setdefault(o.replaces, []).append((o.start, o.end))
    return {user: _union(found) for user, found in spans.items()}


def _union(spans: list[Gap]) -> list[Gap]:
    """The union of `spans`, as sorted, disjoint spans."""
    merged: list[Gap] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _kept(spans: Iterable[Span], removed: dict[str, list[Gap]]) -> Iterator[Span]:
    """`spans`, less the times their user is taken off (`removed`, from `_removed`)."""
    for user, source, start, end in spans:
        offs = removed.get(user, ())
        i = bisect_right(offs, start, key=itemgetter(1))  # the first that ends after the span starts
        while i < len(offs) and offs[i][0] < end:
            if start < offs[i][0]:
                yield user, source, start, offs[i][0]
            start = max(start, offs[i][1])
            i += 1
        if start < end:
            yield user, source, start, end


def _replaced(below: list[Piece], replacing: list[Override], since: datetime, until: datetime) -> list[Piece]:
    """The pieces `below` (sorted) with the replace overrides applied: at each instant, the newest active one that
    replaces the user, then the newest older than it that replaces who that gave, and so on (each once). One sweep
    over the stretches between two consecutive ends of pieces or overrides; who a user becomes is remembered until
    the active overrides change."""
    near = sorted(replacing, key=lambda o: (o.created_at, o.id), reverse=True)  # rank 0 is the newest
    changes: dict[datetime, list[tuple[int, bool]]] = {}
    for rank, o in enumerate(near):
        changes.setdefault(max(o.start, since), []).append((rank, True))
        changes.setdefault(min(o.end, until), []).append((rank, False))
    for start, end, _, _ in below:
        changes.setdefault(start, [])
        changes.setdefault(end, [])
    times = sorted(changes)
    active: dict[str, list[int]] = {}  # sorted ranks, by whom they replace
    becomes: dict[tuple[str, Source], tuple[str, Source]] = {}
    pieces: list[Piece] = []
    at = 0  # the first piece not ended
    for lo, hi in zip(times, times[1:], strict=False):
        if changes[lo]:
            becomes.clear()
        for rank, begins in changes[lo]:
            ranks = active.setdefault(near[rank].replaces, [])
            if begins:
                insort(ranks, rank)
            else:
                del ranks[bisect_left(ranks, rank)]
        while at < len(below) and below[at][1] <= lo:
            at += 1
        if at == len(below) or below[at][0] > lo:
            continue  # a gap: nobody to replace
        key = (below[at][2], below[at][3])
        if key not in becomes:
            becomes[key] = _chain(*key, near, active)
        pieces.append((lo, hi, *becomes[key]))
    return pieces


def _chain(user: str, source: Source, near: list[Override], active: dict[str, list[int]]) -> tuple[str, Source]:
    """Who `user` (from `source`) becomes through the active replace overrides (`near` by rank, newest first)."""
    last = -1
    while True:
        ranks = active.get(user, ())
        i = bisect_right(ranks, last)
        if i == len(ranks):
            return user, source
        last = ranks[i]
        o = near[last]
        user, source = o.user, Source("override", o.id, o.replaces)


def _shown_overrides(overrides: Iterable[Override], since: datetime, until: datetime) -> Iterator[Span]:
    """Where each override overlapping [since, until) shows, the newest created winning, in time order.

    A sweep over the overrides' starts and ends: from each to the next, the newest
    override begun and not yet ended (the heap's top) shows.
    """
    near = sorted((o for o in overrides if o.start < until and since < o.end),
                  key=lambda o: (o.created_at, o.id), reverse=True)  # rank 0 is the newest
    starts = sorted((o.start, rank) for rank, o in enumerate(near))
    begun: list[int] = []  # ranks
    i = 0
    shown, shown_since = None, None  # the rank showing, and since when
    for t in sorted({o.start for o in near} | {o.end for o in near}):
        while i < len(starts) and starts[i][0] <= t:
            heappush(begun, starts[i][1])
            i += 1
        while begun and near[begun[0]].end <= t:
            heappop(begun)
        top = begun[0] if begun else None
        if top != shown:
            if shown is not None:
                yield near[shown].user, Source("override", near[shown].id), shown_since, t
            shown, shown_since = top, t


def _fill(gaps: list[Gap], spans: Iterable[Span], pieces: list[Piece]) -> list[Gap]:
    """Add the parts of `spans` inside `gaps` to `pieces`; return the parts of `gaps` left uncovered.

    Gaps and spans are each sorted and disjoint: one merge-style pass over both. It
    stops reading spans once the last gap is filled, and passes the gaps a span
    jumps over by bisection, so that a sparse layer under many gaps costs little.
    """
    if not gaps:
        return []
    left: list[Gap] = []
    i, n = 0, len(gaps)
    lo, hi = gaps[0]  # gap i, or the part of it not filled yet
    for user, source, start, end in spans:
        if hi <= start:  # gap i and the gaps up to this span stay uncovered
            j = bisect_right(gaps, start, i + 1, n, key=itemgetter(1))
            left.append((lo, hi))
            left.extend(gaps[i + 1 : j])
            if j == n:
                return left
            i = j
            lo, hi = gaps[i]
        while lo < end:
            if lo < start:
                left.append((lo, start))
                lo = start
            if end < hi:
                pieces.append((lo, end, user, source))
                lo = end
                break
            pieces.append((lo, hi, user, source))
            i += 1
            if i == n:
                return left
            lo, hi = gaps[i]
    left.append((lo, hi))
    left.extend(gaps[i + 1 :])
    return left


def _merge(pieces: list[Piece]) -> list[Interval]:
    """Sorted pieces as intervals, joining touching ones of the same user from the same source."""
    merged: list[Interval] = []
    i, n = 0, len(pieces)
    while i < n:
        start, end, user, source = pieces[i]
        i += 1
        while i < n and pieces[i][0] == end and pieces[i][2:] == (user, source):
            end = pieces[i][1]
            i += 1
        merged.append(Interval(user, source, start, end))
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
