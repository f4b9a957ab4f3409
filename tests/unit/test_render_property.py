"""Property tests: `render`, `at`, `handoff` and `shift_index` against the brute-force oracle.

Random schedules in zones with odd DST rules (30-minute shifts, 45-minute offsets,
midnight transitions, negative DST, none at all), every rotation unit, anchors on
and around DST transition dates and month ends, restrictions that wrap or span a
whole day, up to three layers, overlapping overrides of every kind (add, replace, remove) and up
to two temporary schedules, with gaps between their shifts and shifts reaching past their spans.

Profiles (tests/unit/conftest.py): the default one is modest; HYPOTHESIS_PROFILE=ci (what CI
runs) 500 examples per property, HYPOTHESIS_PROFILE=full 10,000.
"""

from __future__ import annotations

import bisect
import os
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from oracle import (
    DAY,
    GAP,
    MINUTE,
    SECOND,
    UTC,
    Oracle,
    days_in_month,
    occurrences,
    resolve_wall,
)

from nself_oncall.oncall import at, handoff, people, render, render_cost, shift_index
from nself_oncall.oncall.model import (
    UNITS,
    Interval,
    Layer,
    Override,
    Restriction,
    Rotation,
    Schedule,
    Shift,
    Temporary,
)


def _profile() -> settings:
    try:
        return settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "oncall-default"))
    except InvalidArgument:
        return settings.get_profile("oncall-default")


PROFILE = _profile()
pytestmark = pytest.mark.slow

ZONES = [
    "America/Chicago",
    "America/New_York",
    "Europe/London",
    "Europe/Dublin",  # negative DST in the tz database
    "Europe/Berlin",
    "Australia/Lord_Howe",  # 30-minute DST
    "Asia/Kolkata",  # +05:30, no DST
    "Asia/Kathmandu",  # +05:45
    "Pacific/Chatham",  # +12:45 / +13:45, changes at 02:45 / 03:45
    "America/St_Johns",  # -03:30 / -02:30
    "America/Havana",  # changes at midnight
    "America/Santiago",  # changes at 24:00
    "UTC",
]
USERS = ["alice", "bob", "carol", "dave"]
MONTH_ENDS = [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31),
              date(2024, 6, 30), date(2024, 12, 31), date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]
ORDINARY = [date(2024, 7, 17), date(2025, 1, 8)]


@cache
def transition_dates(zone_name: str) -> tuple[date, ...]:
    """Local dates in 2023-2026 on which the zone's UTC offset changes (scanned every 3 hours)."""
    zone = ZoneInfo(zone_name)
    found: set[date] = set()
    t = datetime(2023, 1, 1, tzinfo=UTC)
    offset = t.astimezone(zone).utcoffset()
    while t < datetime(2027, 1, 1, tzinfo=UTC):
        t += timedelta(hours=3)
        now = t.astimezone(zone).utcoffset()
        if now != offset:
            found.add(t.astimezone(zone).date())
            offset = now
    return tuple(sorted(found))


# --- strategies ---------------------------------------------------------------------


@st.composite
def wall_times(draw) -> time:
    """Times of day, often near the hours DST changes happen at."""
    hour = draw(st.one_of(st.sampled_from([0, 1, 2, 3, 23]), st.integers(0, 23)))
    minute = draw(st.one_of(st.sampled_from([0, 15, 30, 45]), st.integers(0, 59)))
    return time(hour, minute)


@st.composite
def restrictions(draw) -> Restriction:
    start = draw(wall_times())
    end = draw(st.one_of(st.just(start), wall_times()))  # end == start: a whole day
    days = draw(st.one_of(st.none(), st.frozensets(st.integers(0, 6), min_size=1)))
    return Restriction(start, end, days)


@st.composite
def layers(draw, name: str, zone: ZoneInfo, base: date, since: datetime, span: timedelta, max_rules: int = 2) -> Layer:
    users = tuple(draw(st.lists(st.sampled_from(USERS), min_size=1, max_size=4)))
    unit = draw(st.sampled_from(UNITS))
    length = draw(st.integers(1, 3))
    if unit == "month":  # months back from the base, on a month-end-ish day
        index = base.year * 12 + base.month - 1 - draw(st.integers(0, 26))
        year, month = index // 12, index % 12 + 1
        day = draw(st.one_of(st.sampled_from([28, 29, 30, 31]), st.integers(1, 31)))
        anchor_date = date(year, month, min(day, days_in_month(year, month)))
    else:
        back = {"hour": 3, "day": 25, "week": 120}[unit]
        anchor_date = base + draw(st.integers(-back, 1)) * DAY
    anchor = datetime.combine(anchor_date, draw(wall_times()))
    start = resolve_wall(anchor, zone)
    found = occurrences(anchor, zone)
    if len(found) > 1 and draw(st.booleans()):  # an exact instant given: the second occurrence
        start = found[-1]
    end = None
    if draw(st.booleans()):
        end = since + draw(st.integers(-24 * 60, int(span / MINUTE) + 24 * 60)) * MINUTE
        if end <= start:
            end = None
    rules = tuple(draw(st.lists(restrictions(), max_size=max_rules)))
    return Layer(name, users, Rotation(unit, length), anchor, start, end, rules)


@st.composite
def override_kinds(draw, ident: str, start: datetime, end: datetime, created: datetime) -> Override:
    """An add (half of them), a replace or a remove, of the users the layers name and one they do not."""
    kind = draw(st.sampled_from(["add", "add", "replace", "remove"]))
    user = None if kind == "remove" else draw(st.sampled_from(USERS))
    replaces = None if kind == "add" else draw(st.sampled_from(USERS))
    return Override(ident, user, start, end, created, replaces)


@st.composite
def cases(draw, max_layers: int = 3, max_overrides: int = 3, max_rules: int = 2, max_days: int = 3,
          max_temporaries: int = 2) -> tuple[Schedule, datetime, datetime]:
    """A schedule and a range [since, until) of up to `max_days` days."""
    zone_name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(zone_name)
    base = draw(st.sampled_from(transition_dates(zone_name) + tuple(MONTH_ENDS) + tuple(ORDINARY)))
    base += draw(st.integers(-2, 2)) * DAY
    since = datetime.combine(base, time(0), UTC) + draw(st.integers(-36 * 60, 12 * 60)) * MINUTE
    hours = 24 * max_days
    span = draw(st.one_of(st.integers(1, hours * 60), st.integers(min(12, hours), hours).map(lambda h: 60 * h))) * MINUTE
    n_layers = draw(st.integers(1, max_layers))
    schedule_layers = tuple(draw(layers(f"L{i}", zone, base, since, span, max_rules)) for i in range(n_layers))
    n_overrides = draw(st.integers(0, max_overrides))
    order = draw(st.permutations(range(n_overrides)))
    overrides = []
    for j in range(n_overrides):
        start = since + draw(st.integers(-12 * 60, int(span / MINUTE) + 12 * 60)) * MINUTE
        end = start + draw(st.integers(1, 2 * 24 * 60)) * MINUTE
        created = datetime(2024, 1, 1, tzinfo=UTC) + order[j] * timedelta(hours=1)
        overrides.append(draw(override_kinds(f"o{j}", start, end, created)))
    temporaries = draw(st.lists(temporary_spans(since, span), max_size=max_temporaries))
    return Schedule(zone, schedule_layers, tuple(overrides), _disjoint(temporaries)), since, since + span


@st.composite
def temporary_spans(draw, since: datetime, span: timedelta) -> Temporary:
    """A temporary schedule about the range, with up to three shifts in time order (each may reach past its span,
    where it must not count), disjoint, and gaps between them."""
    minutes = int(span / MINUTE)
    start = since + draw(st.integers(-12 * 60, minutes + 12 * 60)) * MINUTE
    end = start + draw(st.integers(1, 2 * 24 * 60)) * MINUTE
    cuts = sorted(draw(st.lists(st.integers(-6 * 60, int((end - start) / MINUTE) + 6 * 60), max_size=6, unique=True)))
    shifts = [Shift(draw(st.sampled_from(USERS)), start + a * MINUTE, start + b * MINUTE)
              for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    return Temporary(f"t{draw(st.integers(0, 99))}", start, end, tuple(shifts))


def _disjoint(temporaries: list[Temporary]) -> tuple[Temporary, ...]:
    """`temporaries` less each that overlaps one kept before it (the API refuses those), with distinct ids."""
    kept: list[Temporary] = []
    for t in temporaries:
        if all(t.end <= k.start or k.end <= t.start for k in kept):
            kept.append(Temporary(f"t{len(kept)}", t.start, t.end, t.shifts))
    return tuple(kept)


# --- helpers ------------------------------------------------------------------------


def rendered_answer(intervals: list[Interval], starts: list[datetime], t: datetime):
    i = bisect.bisect_right(starts, t) - 1
    if i >= 0 and t < intervals[i].end:
        return intervals[i].user, intervals[i].source
    return GAP


def check_points(since: datetime, until: datetime, intervals: list[Interval], oracle: Oracle) -> list[datetime]:
    """Every minute of the range, every interval boundary and every possible change, each +- 1 second."""
    points = set()
    t = since
    while t < until:
        points.add(t)
        t += MINUTE
    edges = [iv.start for iv in intervals] + [iv.end for iv in intervals] + oracle.candidates(since, until)
    for edge in edges:
        points |= {edge - SECOND, edge, edge + SECOND}
    return sorted(p for p in points if since <= p < until)


# --- properties -----------------------------------------------------------------------


def check_render(schedule: Schedule, since: datetime, until: datetime) -> list[Interval]:
    """render's answer is clipped, sorted, maximal, agrees with the oracle and fits its cost bound."""
    intervals = render(schedule, since, until)
    oracle = Oracle(schedule)

    for iv in intervals:
        assert iv.user is not None and iv.source is not None, f"render lists a gap: {iv}"
        assert since <= iv.start < iv.end <= until, f"not clipped to [{since}, {until}): {iv}"
    for a, b in pairwise(intervals):
        assert a.end <= b.start, f"unsorted or overlapping: {a} then {b}"
        assert not (a.end == b.start and (a.user, a.source) == (b.user, b.source)), f"not maximal: {a} then {b}"

    starts = [iv.start for iv in intervals]
    for p in check_points(since, until, intervals, oracle):
        assert rendered_answer(intervals, starts, p) == oracle.answer(p), f"at {p}"
    assert len(intervals) <= render_cost(schedule, since, until), "more intervals than render_cost allows for"
    return intervals


@PROFILE
@given(cases())
def test_render_agrees_with_the_oracle(case):
    check_render(*case)


#: Crowded schedules take longer per example: a tenth of the profile's examples, over at most a day.
CROWDED = settings(PROFILE, max_examples=max(PROFILE.max_examples // 10, 20))


@CROWDED
@given(cases(max_layers=8, max_overrides=12, max_rules=8, max_days=1))
def test_render_of_crowded_schedules_agrees_with_the_oracle(case):
    check_render(*case)


def test_render_of_many_layers_with_many_windows_agrees_with_the_oracle():
    """20 hourly layers under each other, each with 24 four-minute windows a day on five weekdays, layer
    i's from minute 3i of every hour: each layer shows through the gaps the ones above it leave, for
    three minutes an hour or more. Overrides on top; across fall back."""
    zone = ZoneInfo("America/New_York")
    stack = []
    for i in range(20):
        days = frozenset(d for d in range(7) if (d + i) % 7 < 5)
        windows = tuple(Restriction(time(h, 3 * i), time(*divmod((60 * h + 3 * i + 4) % (24 * 60), 60)), days)
                        for h in range(24))
        anchor = datetime(2024, 10, 28, 0, (7 * i) % 60)
        users = tuple(USERS[: 2 + i % 3])
        stack.append(Layer(f"L{i}", users, Rotation("hour", 1), anchor, resolve_wall(anchor, zone), None, windows))
    since = datetime(2024, 11, 2, 12, tzinfo=UTC)  # fall back is 2024-11-03 06:00Z
    overrides = (
        Override("o1", "alice", since + timedelta(hours=3), since + timedelta(hours=9), since),
        Override("o2", "bob", since + timedelta(hours=4, minutes=7), since + timedelta(hours=5), since + SECOND),
        Override("o3", "carol", since + timedelta(hours=17), since + timedelta(hours=19, minutes=1), since),
    )
    schedule = Schedule(zone, tuple(stack), overrides)
    until = since + timedelta(hours=30)
    intervals = check_render(schedule, since, until)

    for iv in intervals[::25]:  # `at` finds the same intervals, from its small windows outward
        got = at(schedule, iv.start + (iv.end - iv.start) / 2)
        assert Interval(got.user, got.source, max(got.start, since), min(got.end, until)) == iv, got


#: how far around an instant `at`'s answer is checked change by change
WINDOW = timedelta(days=8)
#: distances from an edge at which `at` is probed (likely sizes of a search window)
AWAY = [timedelta(hours=h) for h in (1, 2, 3, 4, 7, 15, 24, 31, 48, 63, 72, 96, 7 * 24, 15 * 24)]


def check_at(schedule: Schedule, oracle: Oracle, t: datetime, intervals, starts, since, until) -> None:
    got = at(schedule, t)
    want = oracle.answer(t)
    where = f"at({t})={got}"
    assert (got.user, got.source) == want, where

    # start and end are real changes of the oracle's answer, and nothing changes between them
    if got.start is None:
        assert want == GAP, f"{where}: start None for a covered instant"
        assert oracle.first_covered(until=t) is None, f"{where}: someone was on call before, at {oracle.first_covered(t)}"
    else:
        assert got.start <= t, where
        assert oracle.answer(got.start) == want, f"{where}: the answer at start differs"
        assert oracle.answer(got.start - SECOND) != want, f"{where}: nothing changes at start"
    if got.end is not None:
        assert t < got.end, where
        assert oracle.answer(got.end - SECOND) == want, f"{where}: the answer just before end differs"
        assert oracle.answer(got.end) != want, f"{where}: nothing changes at end"
    lo = t - WINDOW if got.start is None else max(got.start, t - WINDOW)
    hi = t + WINDOW if got.end is None else min(got.end, t + WINDOW)
    inside = [c for c in oracle.changes(lo, hi)
              if (got.start is None or c > got.start) and (got.end is None or c < got.end)]
    assert not inside, f"{where}: the oracle's answer changes inside, at {inside[0]} to {oracle.answer(inside[0])}"
    if got.end is None:
        for later in (30 * DAY, 100 * DAY):
            assert oracle.answer(t + later) == want, f"{where}: end None, yet at {t + later} the answer differs"

    # the same interval as render, clipped to the range
    if since <= t < until:
        lo = since if got.start is None else max(got.start, since)
        hi = until if got.end is None else min(got.end, until)
        if want == GAP:
            overlapping = [iv for iv in intervals if iv.start < hi and lo < iv.end]
            assert not overlapping, f"{where}: render covers part of the gap: {overlapping}"
        else:
            i = bisect.bisect_right(starts, t) - 1
            assert i >= 0 and intervals[i] == Interval(got.user, got.source, lo, hi), (
                f"{where}: render has {intervals[i] if i >= 0 else None}")


@PROFILE
@given(cases(), st.data())
def test_at_agrees_with_the_oracle_and_render(case, data):
    schedule, since, until = case
    intervals = render(schedule, since, until)
    starts = [iv.start for iv in intervals]
    oracle = Oracle(schedule)

    minutes = int((until - since) / MINUTE)
    instants = {since + m * MINUTE for m in data.draw(st.lists(st.integers(0, minutes - 1), min_size=1, max_size=3))}
    instants |= {since, until - SECOND}
    for iv in intervals[:4]:
        instants |= {iv.start, iv.end - SECOND}
    # An `at` that renders a window around the instant and widens it must not mistake the window's
    # edge for a real start or end: probe instants exactly a likely window size away from the
    # starts and ends of layers and overrides.
    edges = [layer.start for layer in schedule.layers] + [o.start for o in schedule.overrides]
    edges += [layer.end for layer in schedule.layers if layer.end is not None] + [o.end for o in schedule.overrides]
    edges += [iv.end for iv in intervals[:4]]
    for edge in edges:
        away = data.draw(st.sampled_from(AWAY), label="distance from an edge")
        instants |= {edge - away, edge + away, edge - SECOND}

    for t in sorted(instants):
        check_at(schedule, oracle, t, intervals, starts, since, until)


@PROFILE
@given(cases(), st.data())
def test_handoff_and_shift_index_agree_with_the_oracle(case, data):
    schedule, _, until = case
    oracle = Oracle(schedule)
    zone = schedule.zone
    for i, layer in enumerate(schedule.layers):
        k = 0
        while True:
            assert handoff(layer, k, zone) == oracle.handoff(i, k), f"{layer.name}: handoff {k}"
            if oracle.handoff(i, k) > until:
                break
            k += 1
        minutes = int((until - layer.start) / MINUTE)
        if minutes <= 0:
            continue
        probes = {layer.start, until}
        probes |= {layer.start + m * MINUTE for m in data.draw(st.lists(st.integers(0, minutes), max_size=5))}
        probes |= {oracle.handoff(i, j) + d for j in range(k + 1) for d in (-SECOND, timedelta(0))}
        for t in sorted(p for p in probes if p >= layer.start):
            assert shift_index(layer, t, zone) == oracle.shift(i, t), f"{layer.name}: shift_index at {t}"


@PROFILE
@given(cases(), st.data())
def test_a_rendered_window_answers_as_render_does_for_every_range_within_it(case, data):
    """People's views answer from one render of a window (oncall.people.Rendered): clipped to any range within it,
    a user's intervals are those of a render of that range, and their next start is the search's."""
    schedule, since, until = case
    window = people.rendered(schedule, since, until)
    minutes = int((until - since) / MINUTE)
    a = since + data.draw(st.integers(0, minutes)) * MINUTE
    b = a + data.draw(st.integers(0, int((until - a) / MINUTE))) * MINUTE
    for user in USERS:
        assert window.of(user, a, b) == [i for i in render(schedule, a, b) if i.user == user]
        found = people.next_of(user, [("s", schedule)], a, until, lambda cost: None)
        assert window.next_start(user, a) == (None if found is None else found[1])
