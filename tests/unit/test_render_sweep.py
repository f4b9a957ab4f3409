"""The pieces `render` is built from: the gap-filling sweep, the overrides' sweep, and `render_cost`."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nself_oncall.oncall import Layer, Override, Restriction, Rotation, Schedule, Source, render, render_cost
from nself_oncall.oncall.render import _fill, _shown_overrides

T0 = datetime(2024, 6, 3, tzinfo=UTC)  # a Monday
NEW_YORK = ZoneInfo("America/New_York")
A, B = Source("layer", "a"), Source("layer", "b")


def m(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def gaps(*pairs: tuple[int, int]) -> list[tuple[datetime, datetime]]:
    return [(m(lo), m(hi)) for lo, hi in pairs]


def spans(*items: tuple[str, Source, int, int]):
    return [(user, source, m(lo), m(hi)) for user, source, lo, hi in items]


# --- _fill ---------------------------------------------------------------------------------


def test_fill_cuts_spans_to_the_gaps_and_returns_what_is_left():
    pieces = []
    left = _fill(gaps((0, 10), (20, 30), (40, 50)), spans(("ann", A, 5, 25), ("bob", B, 28, 45)), pieces)
    assert pieces == [(m(5), m(10), "ann", A), (m(20), m(25), "ann", A), (m(28), m(30), "bob", B),
                      (m(40), m(45), "bob", B)]
    assert left == gaps((0, 5), (25, 28), (45, 50))


def test_fill_keeps_the_gaps_a_span_jumps_over():
    many = gaps(*((10 * k, 10 * k + 5) for k in range(100)))
    pieces = []
    left = _fill(many, spans(("ann", A, 502, 503), ("bob", B, 992, 2000)), pieces)
    assert pieces == [(m(502), m(503), "ann", A), (m(992), m(995), "bob", B)]
    assert left == many[:50] + gaps((500, 502), (503, 505)) + many[51:99] + gaps((990, 992))


def test_fill_ignores_spans_outside_every_gap():
    pieces = []
    assert _fill(gaps((10, 20)), spans(("ann", A, 0, 10), ("ann", A, 20, 30)), pieces) == gaps((10, 20))
    assert pieces == []


def test_fill_stops_reading_spans_once_the_gaps_are_filled():
    read = []

    def endless():
        k = 0
        while True:
            read.append(k)
            yield "ann", A, m(k), m(k + 1)
            k += 1

    pieces = []
    assert _fill(gaps((0, 2), (5, 6)), endless(), pieces) == []
    assert [p[0] for p in pieces] == [m(0), m(1), m(5)]
    assert read == list(range(6))


def test_fill_without_gaps():
    assert _fill([], spans(("ann", A, 0, 10)), []) == []


# --- overrides ---------------------------------------------------------------------------------


def override(oid: str, start: int, end: int, created: int, user: str = "ann") -> Override:
    return Override(oid, user, m(start), m(end), m(created))


def test_the_newest_override_shows_and_splits_an_older_one():
    old, new = override("old", 0, 100, created=0), override("new", 40, 60, created=1, user="bob")
    assert list(_shown_overrides([new, old], m(-10), m(200))) == [
        ("ann", Source("override", "old"), m(0), m(40)),
        ("bob", Source("override", "new"), m(40), m(60)),
        ("ann", Source("override", "old"), m(60), m(100)),
    ]


def test_an_older_override_shows_where_a_newer_one_has_ended():
    old, new = override("old", 0, 100, created=0), override("new", -20, 30, created=1, user="bob")
    shown = list(_shown_overrides([old, new], m(-10), m(200)))
    assert [(s[1].ref, s[2], s[3]) for s in shown] == [("new", m(-20), m(30)), ("old", m(30), m(100))]


def test_only_overrides_overlapping_the_range_are_swept():
    inside, before = override("in", 10, 20, created=0), override("before", -30, -10, created=1)
    assert [s[1].ref for s in _shown_overrides([inside, before], m(0), m(100))] == ["in"]


# --- render_cost -------------------------------------------------------------------------------


def hourly(name: str, *, restrictions=(), start: datetime = T0, end: datetime | None = None) -> Layer:
    wall = datetime(2024, 6, 3)
    return Layer(name, ("ann", "bob", "cat"), Rotation("hour", 1), wall, start, end, tuple(restrictions))


def test_render_cost_counts_shifts_windows_and_overrides():
    weekdays = Restriction(time(9), time(17), frozenset(range(5)))
    every_day = Restriction(time(22), time(6))
    schedule = Schedule(NEW_YORK, (hourly("l", restrictions=[weekdays, every_day]),),
                        (override("o", 0, 60, created=0), override("far", -100, -50, created=0)))
    days = 14
    shifts = days * 24 + 3
    windows = (days // 7 + 2) * (5 + 7)
    assert render_cost(schedule, T0, T0 + timedelta(days=days)) == shifts + windows + 2


def test_render_cost_counts_a_layer_only_where_it_runs():
    schedule = Schedule(NEW_YORK, (hourly("l", start=m(60), end=m(180)), hourly("later", start=m(10_000))))
    assert render_cost(schedule, T0, m(600)) == 2 + 3


def test_render_cost_skips_layers_hidden_under_one_always_covering_the_range():
    below = hourly("below", restrictions=[Restriction(time(9), time(17))])
    whole_days = Restriction(time(0), time(0))  # covers every day: no windows to work out
    schedule = Schedule(NEW_YORK, (below, hourly("top", restrictions=[whole_days])))
    assert render_cost(schedule, T0, m(600)) == 10 + 3
    assert render_cost(schedule, m(-60), m(600)) > 11 + 3  # the top layer starts late: the one below shows


def test_render_cost_bounds_the_answer_of_a_busy_schedule():
    layers = tuple(hourly(f"l{i}", restrictions=[Restriction(time(h, i), time(h, i + 30)) for h in range(24)])
                   for i in range(5))
    schedule = Schedule(NEW_YORK, layers)
    since, until = T0, T0 + timedelta(days=30)
    assert len(render(schedule, since, until)) <= render_cost(schedule, since, until)
