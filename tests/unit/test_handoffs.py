"""Handoff notices, pure: which shifts get notices, when they are due, whether a planned one still holds, and the
message (across a DST change)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from nself_oncall import oncall
from nself_oncall.oncall.handoffs import (
    Handoff,
    Notice,
    handoff_text,
    handoffs,
    horizon,
    shift_starts,
    still_holds,
)

NY = ZoneInfo("America/New_York")
HOUR = timedelta(hours=1)


def weekly(start: datetime, users=("alice", "bob")) -> oncall.Schedule:
    """A weekly rotation in New York handing over at 09:00 local time (wall-clock anchor)."""
    anchor = start.astimezone(NY).replace(tzinfo=None)
    layer = oncall.Layer("weekly", users, oncall.Rotation("week", 1), anchor, start)
    return oncall.Schedule(NY, (layer,))


START = datetime(2024, 3, 1, 14, 0, tzinfo=UTC)  # Fri 1 Mar 2024 09:00 EST


def test_shift_starts_are_whole_shifts_in_the_range():
    schedule = weekly(START)
    week = timedelta(weeks=1)
    # 10 Mar is the DST change: the 15 Mar handoff is at 09:00 EDT, 13:00 UTC.
    assert [s.start for s in shift_starts(schedule, START, START + 2 * week)] == [
        START, START + week, START + 2 * week - HOUR]
    # A shift under way at `since` is not one that starts in the range; one starting exactly at `since` is.
    assert [s.start for s in shift_starts(schedule, START + HOUR, START + week + HOUR)] == [START + week]
    assert [s.user for s in shift_starts(schedule, START + week, START + week + HOUR)] == ["bob"]


def test_notices_of_shifts_starting_after_configuration_in_due_order():
    schedule = weekly(START)
    configured = START + HOUR
    rules = (Notice("ops", 0, configured), Notice(None, 60, configured), Notice("late", 30, START + timedelta(days=8)))
    found = handoffs(shift_starts(schedule, START, START + timedelta(weeks=2)), rules)
    second, third = START + timedelta(weeks=1), START + timedelta(weeks=2) - HOUR  # (after the DST change)
    assert [(h.shift_start, h.user, h.index, h.due_at) for h in found] == [
        (second, "bob", 1, second - HOUR), (second, "bob", 0, second),
        (third, "alice", 1, third - HOUR), (third, "alice", 2, third - HOUR / 2), (third, "alice", 0, third)]
    assert horizon(rules) == timedelta(minutes=60) + HOUR


def test_a_planned_notice_holds_only_while_its_shift_and_notice_do():
    configured = START - HOUR
    rules = (Notice("ops", 0, configured),)
    handoff = Handoff(START, "alice", 0, rules[0])
    shift = oncall.Interval("alice", oncall.Source("layer", "weekly"), START, START + timedelta(weeks=1))
    assert still_holds(handoff, shift, rules) is None
    moved = oncall.Interval("alice", shift.source, START - HOUR, shift.end)
    assert still_holds(handoff, moved, rules) == "the shift no longer starts then with this user"
    other = oncall.Interval("carol", oncall.Source("override", "x"), START, START + HOUR)
    assert still_holds(handoff, other, rules) == "the shift no longer starts then with this user"
    assert still_holds(handoff, shift, ()) == "the notice was removed"
    changed = (Notice("ops", 0, START + HOUR),)
    assert still_holds(handoff, shift, changed) == "the notice was changed after the shift started"


def test_the_message_names_both_users_and_the_local_times_across_a_dst_change():
    schedule = weekly(START)
    shift = oncall.at(schedule, START + timedelta(weeks=1))  # Fri 8 Mar 09:00 EST to Fri 15 Mar 09:00 EDT
    previous = oncall.at(schedule, shift.start - timedelta(microseconds=1)).user
    handoff = Handoff(shift.start, shift.user, 1, Notice(None, 60, START))
    text = handoff_text("primary", "Primary SRE", NY, shift, previous, handoff)
    assert text.summary == (
        "Primary SRE: bob takes over from alice at Fri 08 Mar 2024 09:00 EST (until Fri 15 Mar 2024 09:00 EDT)"
    )
    assert text.details == {
        "kind": "handoff", "schedule_id": "primary", "schedule_name": "Primary SRE", "timezone": "America/New_York",
        "user": "bob", "previous_user": "alice", "start": "2024-03-08T14:00:00Z", "end": "2024-03-15T13:00:00Z",
        "start_local": "2024-03-08T09:00:00-05:00", "end_local": "2024-03-15T09:00:00-04:00",
        "notice": 1, "minutes_before": 60,
    }
    first = oncall.at(schedule, START)
    text = handoff_text("primary", "Primary SRE", NY, first, None, Handoff(START, "alice", 0, Notice("ops", 0, START)))
    assert text.summary == (
        "Primary SRE: alice takes over at Fri 01 Mar 2024 09:00 EST (until Fri 08 Mar 2024 09:00 EST);"
        " nobody was on call before"
    )
    endless = oncall.Interval("carol", None, START, None)
    assert "with no end planned" in handoff_text("p", "P", NY, endless, "bob", handoff).summary
