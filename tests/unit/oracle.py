"""A brute-force oracle: who is on call at ONE instant, straight from the contract.

Written from docs/api.md ("Conventions" and "How a schedule decides who is on call"), not from the
implementation. It imports only the plain dataclasses of the model and does every
piece of wall-clock arithmetic itself, as naively as it can:

- a wall-clock time resolves to the first instant whose local clock reads at or
  after it, found by scanning UTC (that is "first instant after the gap" for a
  time that does not exist, and "first occurrence" for an ambiguous one);
- handoff 0 is the layer's start, handoff k >= 1 is anchor + k x length units of
  wall-clock time (months clamp to the month's last day, always counted from the
  anchor), resolved; the shift holding an instant is the last handoff at or
  before it, found by enumerating handoffs from k = 0;
- a restriction window starts on a day (filtered by `days`), runs from its start
  time resolved to its end time resolved (on the next day when end <= start);
  every window of the instant's local day and the days around it is checked;
- the rule at an instant t, as the contract words it: take the layers that cover t, top
  first (a later layer is higher), and drop each layer whose user at t is removed by a
  remove override active at t; the top remaining layer's user (none: a gap) is then
  replaced by the replace overrides active at t, newest first, each applied once;
  finally the add overrides active at t win over all, newest first. The source is the
  last thing that decided;
- a temporary schedule active at t (start <= t < end) stands in for all the layers: the one
  shift of it that holds t, if it lies inside the temporary span, is the only layer there
  (its user dropped if removed; none: a gap), its source the temporary schedule.

All inputs are expected on whole minutes (anchors, restriction times), as are all
real time-zone transitions of the zones the tests use.
"""

from __future__ import annotations

import bisect
import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nself_oncall.oncall.model import Layer, Restriction, Schedule, Source

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

#: (user, source); (None, None) in a gap.
Answer = tuple[str | None, Source | None]
GAP: Answer = (None, None)


# --- wall-clock time, done by hand -------------------------------------------------


def wall_clock(instant: datetime, zone: ZoneInfo) -> datetime:
    """What a clock in `zone` reads at `instant` (naive)."""
    return instant.astimezone(zone).replace(tzinfo=None)


@functools.lru_cache(maxsize=200_000)
def resolve_wall(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first UTC instant at which the clock in `zone` reads `wall` or later.

    Scans UTC from 15 hours before `wall`-read-as-UTC (no zone is that far ahead of
    UTC, so the clock reads earlier there): by hours to get close, then by minutes.
    """
    if wall.tzinfo is not None or wall.second or wall.microsecond:
        raise ValueError(f"the oracle resolves naive whole-minute wall times, not {wall!r}")
    t = wall.replace(tzinfo=UTC) - 15 * HOUR
    assert wall_clock(t, zone) < wall
    while wall_clock(t, zone) < wall:
        t += HOUR
    t -= 2 * HOUR  # the clock read earlier than `wall` here: scan the last stretch by minutes
    while wall_clock(t, zone) < wall:
        t += MINUTE
    return t


def occurrences(wall: datetime, zone: ZoneInfo) -> list[datetime]:
    """Every whole-minute UTC instant at which the clock reads exactly `wall` (0, 1 or 2)."""
    t = wall.replace(tzinfo=UTC) - 15 * HOUR
    found = []
    while t < wall.replace(tzinfo=UTC) + 15 * HOUR:
        if wall_clock(t, zone) == wall:
            found.append(t)
        t += MINUTE if abs(wall_clock(t, zone) - wall) < 3 * HOUR else HOUR
    return found


def days_in_month(year: int, month: int) -> int:
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (following - first).days


def add_units(anchor: datetime, unit: str, n: int) -> datetime:
    """`anchor` + n units of wall-clock time; a month day the month lacks becomes its last day."""
    if unit == "hour":
        return anchor + n * HOUR
    if unit == "day":
        return anchor + n * DAY
    if unit == "week":
        return anchor + 7 * n * DAY
    if unit == "month":
        months = anchor.year * 12 + (anchor.month - 1) + n
        year, month = months // 12, months % 12 + 1
        return anchor.replace(year=year, month=month, day=min(anchor.day, days_in_month(year, month)))
    raise ValueError(unit)


def window(r: Restriction, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants [start, end) of the window of `r` that starts on `day` (days filter not applied)."""
    end_day = day + DAY if r.end <= r.start else day
    return (
        resolve_wall(datetime.combine(day, r.start), zone),
        resolve_wall(datetime.combine(end_day, r.end), zone),
    )


# --- the oracle --------------------------------------------------------------------


class Oracle:
    """Answers "who is on call at t" for one schedule, one instant at a time."""

    def __init__(self, schedule: Schedule):
        self.schedule = schedule
        self.zone = schedule.zone
        self._handoffs: dict[int, list[datetime]] = {}

    # handoffs -----------------------------------------------------------------

    def handoff(self, i: int, k: int) -> datetime:
        """The k-th handoff of layer i (k = 0 is its start)."""
        known = self._handoffs.setdefault(i, [self.schedule.layers[i].start])
        layer = self.schedule.layers[i]
        while len(known) <= k:
            n = len(known)
            known.append(resolve_wall(add_units(layer.anchor, layer.rotation.unit, n * layer.rotation.length), self.zone))
        return known[k]

    def shift(self, i: int, t: datetime) -> int:
        """The last k whose handoff is at or before t (t at or after the layer's start).

        Handoffs are enumerated from k = 0 until one lies after t; the enumerated list
        is kept between calls and searched by bisection.
        """
        self.handoff(i, 1)
        known = self._handoffs[i]
        while known[-1] <= t:
            self.handoff(i, len(known))
            assert known[-1] >= known[-2], "handoffs must not go back in time"
        return bisect.bisect_right(known, t) - 1

    # coverage -----------------------------------------------------------------

    def in_window(self, layer: Layer, t: datetime) -> bool:
        day = wall_clock(t, self.zone).date()
        for d in (day - 2 * DAY, day - DAY, day, day + DAY):
            for r in layer.restrictions:
                if r.days is not None and d.weekday() not in r.days:
                    continue
                start, end = window(r, d, self.zone)
                if start <= t < end:
                    return True
        return False

    def layer_covers(self, layer: Layer, t: datetime) -> bool:
        if t < layer.start or (layer.end is not None and t >= layer.end):
            return False
        return not layer.restrictions or self.in_window(layer, t)

    def layer_user(self, i: int, t: datetime) -> str:
        users = self.schedule.layers[i].users
        if len(set(users)) == 1:  # every k gives the same user: no need to count shifts
            return users[0]
        return users[self.shift(i, t) % len(users)]

    def answer(self, t: datetime) -> Answer:
        """(user, source) on call at t, or (None, None)."""
        newest_first = sorted((o for o in self.schedule.overrides if o.start <= t < o.end),
                              key=lambda o: (o.created_at, o.id), reverse=True)
        removed = [o.replaces for o in newest_first if o.replaces is not None and o.user is None]
        user, source = GAP
        temporary = next((x for x in self.schedule.temporaries if x.start <= t < x.end), None)
        if temporary is not None:
            for shift in temporary.shifts:
                if shift.start <= t < shift.end and shift.user not in removed:
                    user, source = shift.user, Source("temporary", temporary.id)
        else:
            for i in reversed(range(len(self.schedule.layers))):
                layer = self.schedule.layers[i]
                if self.layer_covers(layer, t) and self.layer_user(i, t) not in removed:
                    user, source = self.layer_user(i, t), Source("layer", layer.name)
                    break
        for o in newest_first:
            if o.replaces is not None and o.user is not None and user == o.replaces:
                user, source = o.user, Source("override", o.id, o.replaces)
        adds = [o for o in newest_first if o.replaces is None]
        if adds:
            user, source = adds[0].user, Source("override", adds[0].id)
        return (user, source) if user is not None else GAP

    # where the answer can change ----------------------------------------------

    def candidates(self, lo: datetime, hi: datetime) -> list[datetime]:
        """Every instant in [lo, hi] at which the answer may change (a superset)."""
        points: set[datetime] = set()
        for o in self.schedule.overrides:
            points |= {o.start, o.end}
        for x in self.schedule.temporaries:
            points |= {x.start, x.end} | {p for shift in x.shifts for p in (shift.start, shift.end)}
        for i, layer in enumerate(self.schedule.layers):
            points.add(layer.start)
            if layer.end is not None:
                points.add(layer.end)
            k = 0
            while self.handoff(i, k) <= hi:
                points.add(self.handoff(i, k))
                k += 1
            if layer.restrictions:
                day = wall_clock(lo, self.zone).date() - 2 * DAY
                while day <= wall_clock(hi, self.zone).date() + DAY:
                    for r in layer.restrictions:
                        points |= set(window(r, day, self.zone))
                    day += DAY
        return sorted(p for p in points if lo <= p <= hi)

    def changes(self, lo: datetime, hi: datetime) -> list[datetime]:
        """The instants c in [lo, hi] where the answer just before c differs from the one at c."""
        return [c for c in self.candidates(lo, hi) if self.answer(c - SECOND) != self.answer(c)]

    def first_covered(self, until: datetime) -> datetime | None:
        """The first instant anyone is on call, if it is before `until` (else None)."""
        if self.schedule.temporaries or any(o.replaces is not None for o in self.schedule.overrides):
            return self._first_answered(until)
        firsts = [o.start for o in self.schedule.overrides]
        for layer in self.schedule.layers:
            stop = until if layer.end is None else min(until, layer.end)
            if layer.start >= stop:
                continue
            if not layer.restrictions:
                firsts.append(layer.start)
                continue
            # windows of later days start later: the first day with a window inside the layer wins
            day = wall_clock(layer.start, self.zone).date() - 2 * DAY
            found: list[datetime] = []
            while not found and resolve_wall(datetime.combine(day, time(0)), self.zone) < stop:
                for r in layer.restrictions:
                    if r.days is None or day.weekday() in r.days:
                        start, end = window(r, day, self.zone)
                        start, end = max(start, layer.start), min(end, stop)
                        if start < end:
                            found.append(start)
                day += DAY
            firsts.extend(found)
        first = min(firsts, default=None)
        return first if first is not None and first < until else None

    def _first_answered(self, until: datetime) -> datetime | None:
        """`first_covered` by asking the answer at every instant it may change from the first start on: a remove can
        hide a layer's first shifts, and a temporary schedule sets them aside, so no start alone says when someone is
        first on call."""
        starts = [o.start for o in self.schedule.overrides] + [layer.start for layer in self.schedule.layers]
        starts += [x.start for x in self.schedule.temporaries]
        if not starts or min(starts) >= until:
            return None
        found = [c for c in self.candidates(min(starts), until) if c < until and self.answer(c) != GAP]
        return min(found, default=None)
