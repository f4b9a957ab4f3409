"""The web view's timeline rows: days of the schedule's own clock, blocks placed by percentages of each day."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from nself_oncall.oncall import Interval, Source
from nself_oncall.records import TemporaryRecord
from nself_oncall.ui import timeline

BERLIN = ZoneInfo("Europe/Berlin")


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_daylight_saving_day_is_23_hours_long_and_blocks_follow_it():
    now = _utc(2024, 3, 30, 12)
    since, until = timeline.day_range(BERLIN, now, 2)
    assert (since, until) == (_utc(2024, 3, 29, 23), _utc(2024, 3, 31, 22))
    shift = Interval("ann", Source("layer", "base"), _utc(2024, 3, 30, 23), _utc(2024, 3, 31, 10))
    rows = timeline.days([shift], [(_utc(2024, 3, 31, 10), until)], BERLIN, since, until, now)
    assert [row.day.isoformat() for row in rows] == ["2024-03-30", "2024-03-31"]
    assert rows[0].blocks == [] and rows[0].now == 54.167  # 13:00 of a 24-hour day
    ann, gap = rows[1].blocks
    assert (ann.user, ann.source, ann.label, ann.left, ann.width) == ("ann", "layer", "base", 0.0, 47.826)  # 11 of 23 h
    assert (gap.user, gap.source, gap.left, gap.width) == (None, "gap", 47.826, 52.174)
    assert rows[1].now is None


def test_an_interval_over_midnight_is_cut_into_both_days_and_open_ends_reach_the_range():
    now = _utc(2024, 6, 1, 12)
    since, until = timeline.day_range(ZoneInfo("UTC"), now, 2)
    override = Interval("bob", Source("override", "x1"), _utc(2024, 6, 1, 18), None)
    first, second = timeline.days([override], [], ZoneInfo("UTC"), since, until, now)
    assert [(b.left, b.width, b.source) for b in first.blocks] == [(75.0, 25.0, "override")]
    assert [(b.left, b.width, b.end) for b in second.blocks] == [(0.0, 100.0, until)]
    assert timeline.colours([first, second]) == {"bob": timeline.PALETTE[0]}


def test_kinds_are_told_apart_and_a_temporary_span_is_a_band_on_each_day_it_touches():
    now = _utc(2024, 6, 1, 12)
    since, until = timeline.day_range(ZoneInfo("UTC"), now, 2)
    replace = Interval("dave", Source("override", "o1", "alice"), _utc(2024, 6, 1, 6), _utc(2024, 6, 1, 12))
    temporary = Interval("erin", Source("temporary", "t1"), _utc(2024, 6, 1, 18), _utc(2024, 6, 2, 6))
    span = TemporaryRecord("t1", "s", _utc(2024, 6, 1, 18), _utc(2024, 6, 2, 12), (), now)
    first, second = timeline.days([replace, temporary], [], ZoneInfo("UTC"), since, until, now, [span])
    dave, erin = first.blocks
    assert (dave.text, dave.classes, dave.replaces) == ("dave (replacing alice)", "override kind-replace", "alice")
    assert dave.about == "dave (replacing alice), override o1"
    assert (erin.text, erin.classes, erin.about) == ("erin", "temporary", "erin (temporary schedule t1)")
    assert [(b.id, b.left, b.width) for b in first.temporaries] == [("t1", 75.0, 25.0)]
    assert [(b.id, b.left, b.width) for b in second.temporaries] == [("t1", 0.0, 50.0)]
