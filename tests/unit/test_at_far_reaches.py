"""`at` stays cheap when the interval holding the instant reaches a busy stretch far away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from nself_oncall.oncall import LATEST, Layer, Override, Rotation, Schedule, Source, at, render

UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)
USERS = tuple(f"u{i}" for i in range(9))


def _hourly(name: str, start: datetime, end: datetime | None = None) -> Layer:
    return Layer(name, USERS, Rotation("hour", 1), start.replace(tzinfo=None), start, end)


def test_a_gap_before_a_layer_that_starts_in_a_far_year():
    """Found by schemathesis: creating such a schedule rendered centuries of hourly shifts."""
    start = datetime(3583, 4, 18, 13, 49, 12, tzinfo=UTC)
    answer = at(Schedule(UTC_ZONE, (_hourly("far", start),)), NOW)
    assert (answer.user, answer.start, answer.end) == (None, None, start)


def test_a_gap_after_a_layer_that_ended_long_ago():
    end = datetime(1950, 1, 1, tzinfo=UTC)
    answer = at(Schedule(UTC_ZONE, (_hourly("ended", datetime(1901, 1, 1, tzinfo=UTC), end),)), NOW)
    assert (answer.user, answer.start, answer.end) == (None, end, None)


def test_a_long_override_over_an_hourly_layer():
    override = Override("o", "boss", datetime(1950, 1, 1, tzinfo=UTC), datetime(8500, 1, 1, tzinfo=UTC), NOW)
    schedule = Schedule(UTC_ZONE, (_hourly("busy", datetime(1900, 1, 1, tzinfo=UTC)),), (override,))
    answer = at(schedule, NOW)
    assert (answer.user, answer.source, answer.start, answer.end) == (
        "boss", Source("override", "o"), override.start, override.end
    )


def test_render_stops_at_the_last_instant():
    """A range reaching past LATEST (year 9000) ends there: wall-clock arithmetic beyond it once never ended."""
    since = LATEST - timedelta(hours=12)
    pieces = render(Schedule(UTC_ZONE, (_hourly("h", datetime(2024, 6, 1, 1, tzinfo=UTC)),)), since, LATEST + timedelta(days=3))
    assert pieces[0].start == since and pieces[-1].end == LATEST and len(pieces) == 12
