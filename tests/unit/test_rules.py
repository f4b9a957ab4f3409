"""The schedule rules one by one (docs/api.md, "Conventions" and "How a schedule decides who is on call").

Every expected UTC value here was worked out by hand from the time-zone rules:

- America/Chicago 2024: CST -06 until Sun Mar 10 02:00 (08:00Z) -> CDT -05; back at Sun Nov 3 02:00 CDT (07:00Z).
- America/New_York 2024: EST -05 until Sun Mar 10 02:00 (07:00Z) -> EDT -04; back at Sun Nov 3 02:00 EDT (06:00Z).
- Europe/London 2024: GMT until Sun Mar 31 01:00 (01:00Z) -> BST +01; back at Sun Oct 27 02:00 BST (01:00Z).
- Australia/Lord_Howe 2024: +11 until Sun Apr 7 02:00 (Apr 6 15:00Z) -> +10:30 (01:30-02:00 repeats);
  +10:30 until Sun Oct 6 02:00 (Oct 5 15:30Z) -> +11 (02:00-02:30 does not exist).
- Pacific/Chatham 2024: +13:45 until Sun Apr 7 03:45 (Apr 6 14:00Z) -> +12:45 (02:45-03:45 repeats);
  +12:45 until Sun Sep 29 02:45 (Sep 28 14:00Z) -> +13:45 (02:45-03:45 does not exist).
- Asia/Kolkata: +05:30 all year.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from nself_oncall.oncall import at, handoff, render, resolve, shift_index
from nself_oncall.oncall.model import (
    Interval,
    Layer,
    Override,
    Restriction,
    Rotation,
    Schedule,
    Source,
)

CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
KOLKATA = ZoneInfo("Asia/Kolkata")
CHATHAM = ZoneInfo("Pacific/Chatham")
UTC_ZONE = ZoneInfo("UTC")

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = frozenset({MON, TUE, WED, THU, FRI})


def Z(text: str) -> datetime:
    """An instant written short (Python's ISO 8601 parser; the API wants the seconds too): 2024-03-18T14:00Z."""
    return datetime.fromisoformat(text)


def wall(text: str) -> datetime:
    return datetime.fromisoformat(text)


def layer(users, unit, length, anchor, start, *, end=None, restrictions=(), name="L") -> Layer:
    return Layer(name, tuple(users), Rotation(unit, length), wall(anchor), Z(start),
                 Z(end) if end else None, tuple(restrictions))


def window(start: str, end: str, days=None) -> Restriction:
    return Restriction(time.fromisoformat(start), time.fromisoformat(end), frozenset(days) if days is not None else None)


def iv(user, source_type, ref, start, end) -> Interval:
    return Interval(user, Source(source_type, ref) if source_type else None,
                    Z(start) if start else None, Z(end) if end else None)


def on_layer(user, start, end, ref="L") -> Interval:
    return iv(user, "layer", ref, start, end)




# --- the contract's own example -------------------------------------------------------------

CONTRACT = Schedule(NEW_YORK, (
    layer(["alice", "bob", "carol"], "week", 1, "2024-03-08T09:00", "2024-03-08T14:00Z",  # 09:00 EST
          restrictions=[window("09:00", "17:00", WEEKDAYS)], name="weekly"),
))


def test_contract_example():
    # Monday 10:00 EDT, the second week of the rotation, inside the Monday window 09:00-17:00 EDT
    assert at(CONTRACT, Z("2024-03-18T14:00Z")) == iv("bob", "layer", "weekly", "2024-03-18T13:00Z", "2024-03-18T21:00Z")


def test_contract_example_render_across_the_dst_change():
    # week 0 (alice): Fri Mar 8 09:00-17:00 EST, Mon Mar 11 .. Thu Mar 14 09:00-17:00 EDT; week 1 (bob) from Fri Mar 15
    assert render(CONTRACT, Z("2024-03-08T00:00Z"), Z("2024-03-16T00:00Z")) == [
        on_layer("alice", "2024-03-08T14:00Z", "2024-03-08T22:00Z", "weekly"),
        on_layer("alice", "2024-03-11T13:00Z", "2024-03-11T21:00Z", "weekly"),
        on_layer("alice", "2024-03-12T13:00Z", "2024-03-12T21:00Z", "weekly"),
        on_layer("alice", "2024-03-13T13:00Z", "2024-03-13T21:00Z", "weekly"),
        on_layer("alice", "2024-03-14T13:00Z", "2024-03-14T21:00Z", "weekly"),
        on_layer("bob", "2024-03-15T13:00Z", "2024-03-15T21:00Z", "weekly"),
    ]


def test_contract_example_gap_over_the_weekend():
    # Saturday: the gap runs from Friday 17:00 EDT to Monday 09:00 EDT
    assert at(CONTRACT, Z("2024-03-16T12:00Z")) == Interval(None, None, Z("2024-03-15T21:00Z"), Z("2024-03-18T13:00Z"))


# --- resolving wall-clock times -----------------------------------------------------------


def test_resolve_ordinary_times():
    assert resolve(wall("2024-03-10T01:59"), CHICAGO) == Z("2024-03-10T07:59Z")
    assert resolve(wall("2024-03-10T03:00"), CHICAGO) == Z("2024-03-10T08:00Z")
    assert resolve(wall("2024-11-03T02:00"), CHICAGO) == Z("2024-11-03T08:00Z")
    assert resolve(wall("2024-03-10T02:30"), KOLKATA) == Z("2024-03-09T21:00Z")
    assert resolve(wall("2024-11-03T01:30"), KOLKATA) == Z("2024-11-02T20:00Z")


def test_resolve_nonexistent_is_the_first_instant_after_the_gap():
    assert resolve(wall("2024-03-10T02:30"), CHICAGO) == Z("2024-03-10T08:00Z")  # 03:00 CDT
    assert resolve(wall("2024-03-10T02:00"), CHICAGO) == Z("2024-03-10T08:00Z")
    assert resolve(wall("2024-03-10T02:30"), NEW_YORK) == Z("2024-03-10T07:00Z")  # 03:00 EDT
    assert resolve(wall("2024-03-31T01:30"), LONDON) == Z("2024-03-31T01:00Z")  # 02:00 BST
    assert resolve(wall("2024-10-06T02:15"), LORD_HOWE) == Z("2024-10-05T15:30Z")  # 02:30 +11
    assert resolve(wall("2024-09-29T03:00"), CHATHAM) == Z("2024-09-28T14:00Z")  # 03:45 +13:45
    assert resolve(wall("2024-09-29T02:45"), CHATHAM) == Z("2024-09-28T14:00Z")
    assert resolve(wall("2024-09-29T02:44"), CHATHAM) == Z("2024-09-28T13:59Z")  # still +12:45


def test_resolve_ambiguous_is_the_first_occurrence():
    assert resolve(wall("2024-11-03T01:30"), CHICAGO) == Z("2024-11-03T06:30Z")  # CDT, not 07:30Z
    assert resolve(wall("2024-11-03T01:30"), NEW_YORK) == Z("2024-11-03T05:30Z")  # EDT
    assert resolve(wall("2024-10-27T01:30"), LONDON) == Z("2024-10-27T00:30Z")  # BST
    assert resolve(wall("2024-04-07T01:45"), LORD_HOWE) == Z("2024-04-06T14:45Z")  # +11, not 15:15Z
    assert resolve(wall("2024-04-07T03:00"), CHATHAM) == Z("2024-04-06T13:15Z")  # +13:45, not 14:15Z
    assert resolve(wall("2024-04-07T03:45"), CHATHAM) == Z("2024-04-06T15:00Z")  # occurs once, +12:45


# --- rotations: every unit, lengths > 1, DST ------------------------------------------------


def test_hourly_rotation_across_spring_forward_skips_the_missing_hour():
    # handoffs 00:00 CST, 01:00 CST, 02:00 (missing -> 03:00 CDT), 03:00 CDT, 04:00 CDT:
    # shift 2 (carol) is empty, shift 3 (alice) starts at 08:00Z
    hourly = layer(["alice", "bob", "carol"], "hour", 1, "2024-03-10T00:00", "2024-03-10T06:00Z")
    assert [handoff(hourly, k, CHICAGO) for k in range(5)] == [
        Z("2024-03-10T06:00Z"), Z("2024-03-10T07:00Z"), Z("2024-03-10T08:00Z"), Z("2024-03-10T08:00Z"),
        Z("2024-03-10T09:00Z")]
    assert shift_index(hourly, Z("2024-03-10T07:59:59Z"), CHICAGO) == 1
    assert shift_index(hourly, Z("2024-03-10T08:00Z"), CHICAGO) == 3
    schedule = Schedule(CHICAGO, (hourly,))
    assert render(schedule, Z("2024-03-10T06:00Z"), Z("2024-03-10T10:00Z")) == [
        on_layer("alice", "2024-03-10T06:00Z", "2024-03-10T07:00Z"),
        on_layer("bob", "2024-03-10T07:00Z", "2024-03-10T08:00Z"),
        on_layer("alice", "2024-03-10T08:00Z", "2024-03-10T09:00Z"),
        on_layer("bob", "2024-03-10T09:00Z", "2024-03-10T10:00Z"),
    ]


def test_hourly_rotation_across_fall_back_gets_a_two_hour_shift():
    # 01:00 CDT (06:00Z) to 02:00 CST (08:00Z): the repeated hour belongs to bob's shift
    hourly = layer(["alice", "bob", "carol"], "hour", 1, "2024-11-03T00:00", "2024-11-03T05:00Z")
    schedule = Schedule(CHICAGO, (hourly,))
    assert at(schedule, Z("2024-11-03T07:30Z")) == on_layer("bob", "2024-11-03T06:00Z", "2024-11-03T08:00Z")
    assert shift_index(hourly, Z("2024-11-03T07:30Z"), CHICAGO) == 1


def test_three_hour_rotation_across_fall_back():
    # 00:00 CDT to 03:00 CST is four real hours
    every_3h = layer(["alice", "bob"], "hour", 3, "2024-11-03T00:00", "2024-11-03T05:00Z")
    schedule = Schedule(CHICAGO, (every_3h,))
    assert at(schedule, Z("2024-11-03T08:59Z")) == on_layer("alice", "2024-11-03T05:00Z", "2024-11-03T09:00Z")


def test_daily_rotation_keeps_its_wall_clock_time_across_spring_forward():
    # 09:00 every day: 15:00Z in CST, 14:00Z in CDT; the shift over the change is 23 hours
    daily = layer(["alice", "bob"], "day", 1, "2024-03-08T09:00", "2024-03-08T15:00Z")
    schedule = Schedule(CHICAGO, (daily,))
    assert at(schedule, Z("2024-03-10T13:59Z")) == on_layer("bob", "2024-03-09T15:00Z", "2024-03-10T14:00Z")
    assert at(schedule, Z("2024-03-10T14:30Z")) == on_layer("alice", "2024-03-10T14:00Z", "2024-03-11T14:00Z")


def test_two_day_rotation_over_a_leap_day():
    every_2d = layer(["alice", "bob", "carol"], "day", 2, "2024-02-27T12:00", "2024-02-27T12:00Z")
    schedule = Schedule(UTC_ZONE, (every_2d,))
    # handoffs Feb 27, Feb 29, Mar 2, Mar 4 (12:00)
    assert at(schedule, Z("2024-03-03T00:00Z")) == on_layer("carol", "2024-03-02T12:00Z", "2024-03-04T12:00Z")


def test_two_week_rotation_in_london():
    # every 14 days from Mon Jan 1 09:00: Mar 25 (k=6, GMT, 09:00Z), Apr 8 (k=7, BST, 08:00Z), Apr 22
    biweekly = layer(["alice", "bob"], "week", 2, "2024-01-01T09:00", "2024-01-01T09:00Z")
    schedule = Schedule(LONDON, (biweekly,))
    assert at(schedule, Z("2024-04-08T07:59Z")) == on_layer("alice", "2024-03-25T09:00Z", "2024-04-08T08:00Z")
    assert at(schedule, Z("2024-04-08T08:30Z")) == on_layer("bob", "2024-04-08T08:00Z", "2024-04-22T08:00Z")
    assert shift_index(biweekly, Z("2024-04-08T08:00Z"), LONDON) == 7


def test_monthly_rotation_clamps_to_month_ends_without_drift():
    # anchored Jan 31 10:00 Chicago: Feb 29 2024, Mar 31 (CDT), Apr 30, ..., Feb 28 2025, Mar 31 2025
    monthly = layer(["alice", "bob", "carol", "dave"], "month", 1, "2024-01-31T10:00", "2024-01-31T16:00Z")
    assert handoff(monthly, 1, CHICAGO) == Z("2024-02-29T16:00Z")
    assert handoff(monthly, 2, CHICAGO) == Z("2024-03-31T15:00Z")
    assert handoff(monthly, 3, CHICAGO) == Z("2024-04-30T15:00Z")
    assert handoff(monthly, 13, CHICAGO) == Z("2025-02-28T16:00Z")
    assert handoff(monthly, 14, CHICAGO) == Z("2025-03-31T15:00Z")
    schedule = Schedule(CHICAGO, (monthly,))
    assert at(schedule, Z("2024-03-15T12:00Z")) == on_layer("bob", "2024-02-29T16:00Z", "2024-03-31T15:00Z")
    assert at(schedule, Z("2025-03-01T00:00Z")) == on_layer("bob", "2025-02-28T16:00Z", "2025-03-31T15:00Z")
    assert shift_index(monthly, Z("2025-03-31T14:59Z"), CHICAGO) == 13


def test_quarterly_rotation_from_a_30th():
    # anchored Nov 30 2023: Feb 29 2024 (clamped), May 30, Aug 30, Nov 30
    quarterly = layer(["alice", "bob"], "month", 3, "2023-11-30T08:00", "2023-11-30T08:00Z")
    assert [handoff(quarterly, k, UTC_ZONE) for k in range(1, 5)] == [
        Z("2024-02-29T08:00Z"), Z("2024-05-30T08:00Z"), Z("2024-08-30T08:00Z"), Z("2024-11-30T08:00Z")]
    schedule = Schedule(UTC_ZONE, (quarterly,))
    assert at(schedule, Z("2024-05-31T00:00Z")) == on_layer("alice", "2024-05-30T08:00Z", "2024-08-30T08:00Z")


def test_monthly_rotation_thirty_years_on():
    monthly = layer(["alice", "bob", "carol", "dave"], "month", 1, "2024-01-31T10:00", "2024-01-31T16:00Z")
    assert handoff(monthly, 360, CHICAGO) == Z("2054-01-31T16:00Z")
    assert handoff(monthly, 361, CHICAGO) == Z("2054-02-28T16:00Z")
    assert handoff(monthly, 362, CHICAGO) == Z("2054-03-31T15:00Z")


# --- GoAlert-style DST rotations -------------------------------------------------------------


def test_daily_0230_handoff_across_spring_forward_new_york():
    # 02:30 does not exist on Mar 10: that handoff is 03:00 EDT (07:00Z); the next is 02:30 EDT again
    daily = layer(["alice", "bob"], "day", 1, "2024-03-08T02:30", "2024-03-08T07:30Z")
    assert [handoff(daily, k, NEW_YORK) for k in range(4)] == [
        Z("2024-03-08T07:30Z"), Z("2024-03-09T07:30Z"), Z("2024-03-10T07:00Z"), Z("2024-03-11T06:30Z")]
    schedule = Schedule(NEW_YORK, (daily,))
    assert at(schedule, Z("2024-03-10T06:59Z")) == on_layer("bob", "2024-03-09T07:30Z", "2024-03-10T07:00Z")
    assert at(schedule, Z("2024-03-10T07:00Z")) == on_layer("alice", "2024-03-10T07:00Z", "2024-03-11T06:30Z")


def test_daily_0130_handoff_across_fall_back_new_york():
    # 01:30 happens twice on Nov 3: the handoff is the first (EDT, 05:30Z); the shift lasts 25 hours
    daily = layer(["alice", "bob"], "day", 1, "2024-11-01T01:30", "2024-11-01T05:30Z")
    schedule = Schedule(NEW_YORK, (daily,))
    assert at(schedule, Z("2024-11-03T06:00Z")) == on_layer("alice", "2024-11-03T05:30Z", "2024-11-04T06:30Z")


def test_lord_howe_half_hour_shift():
    # 09:00 daily: +10:30 (22:30Z the day before) until Oct 6, then +11 (22:00Z): a 23.5-hour shift
    daily = layer(["alice", "bob"], "day", 1, "2024-10-04T09:00", "2024-10-03T22:30Z")
    schedule = Schedule(LORD_HOWE, (daily,))
    assert at(schedule, Z("2024-10-05T12:00Z")) == on_layer("bob", "2024-10-04T22:30Z", "2024-10-05T22:00Z")


def test_lord_howe_handoff_inside_the_half_hour_gap_and_overlap():
    # 02:15 on Oct 6 does not exist (02:00 -> 02:30): 02:30 +11 = Oct 5 15:30Z
    spring = layer(["alice", "bob"], "day", 1, "2024-10-04T02:15", "2024-10-03T15:45Z")
    assert [handoff(spring, k, LORD_HOWE) for k in range(4)] == [
        Z("2024-10-03T15:45Z"), Z("2024-10-04T15:45Z"), Z("2024-10-05T15:30Z"), Z("2024-10-06T15:15Z")]
    # 01:45 on Apr 7 happens twice (01:30-02:00 repeats): the first, +11
    autumn = layer(["alice", "bob"], "day", 1, "2024-04-05T01:45", "2024-04-04T14:45Z")
    assert [handoff(autumn, k, LORD_HOWE) for k in range(4)] == [
        Z("2024-04-04T14:45Z"), Z("2024-04-05T14:45Z"), Z("2024-04-06T14:45Z"), Z("2024-04-07T15:15Z")]


def test_kolkata_has_no_dst():
    weekly = layer(["alice", "bob"], "week", 1, "2024-03-04T09:00", "2024-03-04T03:30Z")
    assert handoff(weekly, 1, KOLKATA) == Z("2024-03-11T03:30Z")
    assert handoff(weekly, 35, KOLKATA) == Z("2024-11-04T03:30Z")
    schedule = Schedule(KOLKATA, (weekly,))
    assert at(schedule, Z("2024-03-10T12:00Z")) == on_layer("alice", "2024-03-04T03:30Z", "2024-03-11T03:30Z")


def test_chatham_0245_to_0345():
    # 03:00 daily (+12:45 = 14:15Z the day before); Sep 29 03:00 does not exist -> 03:45 +13:45 = 14:00Z
    daily = layer(["alice", "bob"], "day", 1, "2024-09-27T03:00", "2024-09-26T14:15Z")
    assert [handoff(daily, k, CHATHAM) for k in range(4)] == [
        Z("2024-09-26T14:15Z"), Z("2024-09-27T14:15Z"), Z("2024-09-28T14:00Z"), Z("2024-09-29T13:15Z")]
    schedule = Schedule(CHATHAM, (daily,))
    assert at(schedule, Z("2024-09-28T14:00Z")) == on_layer("alice", "2024-09-28T14:00Z", "2024-09-29T13:15Z")


# --- restrictions ---------------------------------------------------------------------------------


def test_restrictions_mask_but_do_not_change_whose_turn_it_is():
    daily = layer(["alice", "bob"], "day", 1, "2024-01-01T00:00", "2024-01-01T00:00Z",
                  restrictions=[window("09:00", "17:00")])
    schedule = Schedule(UTC_ZONE, (daily,))
    assert at(schedule, Z("2024-01-02T10:00Z")) == on_layer("bob", "2024-01-02T09:00Z", "2024-01-02T17:00Z")
    assert at(schedule, Z("2024-01-03T10:00Z")) == on_layer("alice", "2024-01-03T09:00Z", "2024-01-03T17:00Z")


FRIDAY_NIGHTS = Schedule(UTC_ZONE, (
    layer(["alice"], "day", 1, "2024-03-01T00:00", "2024-03-01T00:00Z",  # Fri Mar 1
          restrictions=[window("22:00", "06:00", {FRI})]),
))


def test_wrapping_window_belongs_to_the_day_it_starts():
    # Friday 22:00 to Saturday 06:00
    assert at(FRIDAY_NIGHTS, Z("2024-03-16T03:00Z")) == on_layer("alice", "2024-03-15T22:00Z", "2024-03-16T06:00Z")
    # early Friday belongs to Thursday's window, which is not wanted
    assert at(FRIDAY_NIGHTS, Z("2024-03-15T03:00Z")) == Interval(None, None, Z("2024-03-09T06:00Z"), Z("2024-03-15T22:00Z"))
    # Saturday night is not a Friday window either
    assert at(FRIDAY_NIGHTS, Z("2024-03-16T23:00Z")) == Interval(None, None, Z("2024-03-16T06:00Z"), Z("2024-03-22T22:00Z"))


def test_gap_before_the_first_window_reaches_back_before_everything():
    # the layer starts Fri Mar 1 00:00Z but first covers at 22:00Z
    assert at(FRIDAY_NIGHTS, Z("2024-03-01T12:00Z")) == Interval(None, None, None, Z("2024-03-01T22:00Z"))
    assert render(FRIDAY_NIGHTS, Z("2024-02-28T00:00Z"), Z("2024-03-03T00:00Z")) == [
        on_layer("alice", "2024-03-01T22:00Z", "2024-03-02T06:00Z")]


NIGHTS_CHICAGO = Schedule(CHICAGO, (
    layer(["alice"], "day", 1, "2024-03-01T00:00", "2024-03-01T06:00Z", restrictions=[window("22:00", "06:00")]),
))


def test_wrapping_window_across_spring_forward_is_an_hour_shorter():
    # Sat Mar 9 22:00 CST (Mar 10 04:00Z) to Sun Mar 10 06:00 CDT (11:00Z): 7 hours
    assert render(NIGHTS_CHICAGO, Z("2024-03-09T12:00Z"), Z("2024-03-11T00:00Z")) == [
        on_layer("alice", "2024-03-10T04:00Z", "2024-03-10T11:00Z")]


def test_wrapping_window_across_fall_back_is_an_hour_longer():
    # Sat Nov 2 22:00 CDT (Nov 3 03:00Z) to Sun Nov 3 06:00 CST (12:00Z): 9 hours
    assert at(NIGHTS_CHICAGO, Z("2024-11-03T07:30Z")) == on_layer("alice", "2024-11-03T03:00Z", "2024-11-03T12:00Z")


def test_window_around_the_changing_hour():
    early = Schedule(CHICAGO, (
        layer(["alice"], "day", 1, "2024-03-01T00:00", "2024-03-01T06:00Z", restrictions=[window("01:00", "03:00")]),
    ))
    # fall back: 01:00 CDT (06:00Z) to 03:00 CST (09:00Z), three hours
    assert at(early, Z("2024-11-03T07:30Z")) == on_layer("alice", "2024-11-03T06:00Z", "2024-11-03T09:00Z")
    # spring forward: 01:00 CST (07:00Z) to 03:00 CDT (08:00Z), one hour
    assert render(early, Z("2024-03-10T00:00Z"), Z("2024-03-10T12:00Z")) == [
        on_layer("alice", "2024-03-10T07:00Z", "2024-03-10T08:00Z")]


def test_window_starting_in_the_gap_starts_after_it():
    late = Schedule(CHICAGO, (
        layer(["alice"], "day", 1, "2024-03-01T00:00", "2024-03-01T06:00Z", restrictions=[window("02:30", "04:00")]),
    ))
    # 02:30 does not exist on Mar 10: 03:00 CDT (08:00Z) to 04:00 CDT (09:00Z)
    assert render(late, Z("2024-03-10T00:00Z"), Z("2024-03-10T12:00Z")) == [
        on_layer("alice", "2024-03-10T08:00Z", "2024-03-10T09:00Z")]


def test_window_with_end_equal_to_start_is_a_whole_day():
    # Saturday 09:00 to Sunday 09:00; over London's spring change that is 23 hours
    saturdays = Schedule(LONDON, (
        layer(["alice"], "day", 1, "2024-03-01T00:00", "2024-03-01T00:00Z",
              restrictions=[window("09:00", "09:00", {SAT})]),
    ))
    assert at(saturdays, Z("2024-03-31T07:59Z")) == on_layer("alice", "2024-03-30T09:00Z", "2024-03-31T08:00Z")
    assert at(saturdays, Z("2024-03-31T08:00Z")).user is None


def test_several_windows_and_a_days_filter():
    shifts = Schedule(UTC_ZONE, (
        layer(["alice"], "day", 1, "2024-01-01T00:00", "2024-01-01T00:00Z",  # Mon Jan 1
              restrictions=[window("09:00", "17:00", WEEKDAYS), window("10:00", "12:00", {SAT})]),
    ))
    assert render(shifts, Z("2024-01-05T00:00Z"), Z("2024-01-09T00:00Z")) == [
        on_layer("alice", "2024-01-05T09:00Z", "2024-01-05T17:00Z"),
        on_layer("alice", "2024-01-06T10:00Z", "2024-01-06T12:00Z"),
        on_layer("alice", "2024-01-08T09:00Z", "2024-01-08T17:00Z"),
    ]


def test_touching_windows_make_one_interval():
    shifts = Schedule(UTC_ZONE, (
        layer(["alice"], "day", 1, "2024-01-01T00:00", "2024-01-01T00:00Z",
              restrictions=[window("09:00", "17:00", {MON}), window("17:00", "09:00", {MON})]),
    ))
    assert at(shifts, Z("2024-01-01T20:00Z")) == on_layer("alice", "2024-01-01T09:00Z", "2024-01-02T09:00Z")


# --- layer start and end ------------------------------------------------------------------------

ENDING = Schedule(UTC_ZONE, (
    layer(["alice"], "day", 1, "2024-01-01T00:00", "2024-01-01T00:00Z", end="2024-01-03T12:00Z"),
))


def test_a_layer_covers_nothing_from_its_end_on():
    assert render(ENDING, Z("2023-12-31T00:00Z"), Z("2024-01-05T00:00Z")) == [
        on_layer("alice", "2024-01-01T00:00Z", "2024-01-03T12:00Z")]
    assert at(ENDING, Z("2024-01-03T11:59Z")) == on_layer("alice", "2024-01-01T00:00Z", "2024-01-03T12:00Z")
    assert at(ENDING, Z("2024-01-03T12:00Z")) == Interval(None, None, Z("2024-01-03T12:00Z"), None)
    assert at(ENDING, Z("2023-12-31T12:00Z")) == Interval(None, None, None, Z("2024-01-01T00:00Z"))


def test_at_exactly_one_day_before_a_layer_end():
    # the interval ends where the layer ends, whatever the distance from the instant
    assert at(ENDING, Z("2024-01-02T12:00Z")) == on_layer("alice", "2024-01-01T00:00Z", "2024-01-03T12:00Z")


def test_at_exactly_one_day_before_an_override_ends():
    schedule = Schedule(UTC_ZONE, (layer(["alice"], "day", 1, "2024-01-01T00:00", "2024-01-01T00:00Z"),),
                        (Override("o1", "bob", Z("2024-05-01T00:00Z"), Z("2024-05-03T00:00Z"), Z("2024-04-01T00:00Z")),))
    assert at(schedule, Z("2024-05-02T00:00Z")) == iv("bob", "override", "o1", "2024-05-01T00:00Z", "2024-05-03T00:00Z")
    assert at(schedule, Z("2024-05-03T00:00Z")) == on_layer("alice", "2024-05-03T00:00Z", None)


def test_a_layer_starting_at_the_second_occurrence_of_an_ambiguous_time():
    # start given as 01:30 CST (07:30Z), the second 01:30 of Nov 3: handoff 0 is that instant,
    # handoff 1 is 01:30 + 1 hour = 02:30 CST (08:30Z)
    hourly = Layer("L", ("alice", "bob"), Rotation("hour", 1), wall("2024-11-03T01:30"), Z("2024-11-03T07:30Z"))
    assert handoff(hourly, 1, CHICAGO) == Z("2024-11-03T08:30Z")
    schedule = Schedule(CHICAGO, (hourly,))
    assert at(schedule, Z("2024-11-03T07:00Z")) == Interval(None, None, None, Z("2024-11-03T07:30Z"))
    assert at(schedule, Z("2024-11-03T07:45Z")) == on_layer("alice", "2024-11-03T07:30Z", "2024-11-03T08:30Z")


def test_a_layer_starting_inside_a_window_covers_from_its_start():
    noon = Schedule(UTC_ZONE, (
        layer(["alice"], "day", 1, "2024-01-01T12:00", "2024-01-01T12:00Z", restrictions=[window("09:00", "17:00")]),
    ))
    assert at(noon, Z("2024-01-01T13:00Z")) == on_layer("alice", "2024-01-01T12:00Z", "2024-01-01T17:00Z")
    assert at(noon, Z("2024-01-02T13:00Z")) == on_layer("alice", "2024-01-02T09:00Z", "2024-01-02T17:00Z")


def test_nothing_before_a_layer_starts():
    later = Schedule(UTC_ZONE, (layer(["alice"], "week", 1, "2024-06-01T00:00", "2024-06-01T00:00Z"),))
    assert render(later, Z("2024-01-01T00:00Z"), Z("2024-06-01T00:00Z")) == []
    assert at(later, Z("2024-01-01T00:00Z")) == Interval(None, None, None, Z("2024-06-01T00:00Z"))
    assert at(later, Z("2024-07-01T00:00Z")) == on_layer("alice", "2024-06-01T00:00Z", None)


def test_render_clips_to_the_range():
    daily = Schedule(UTC_ZONE, (layer(["alice", "bob"], "day", 1, "2024-01-01T00:00", "2024-01-01T00:00Z"),))
    assert render(daily, Z("2024-01-01T12:00Z"), Z("2024-01-02T12:00Z")) == [
        on_layer("alice", "2024-01-01T12:00Z", "2024-01-02T00:00Z"),
        on_layer("bob", "2024-01-02T00:00Z", "2024-01-02T12:00Z"),
    ]


# --- precedence ------------------------------------------------------------------------------------

BASE = layer(["alice"], "day", 1, "2024-01-01T00:00", "2024-01-01T00:00Z", name="base")  # Mon Jan 1
DAYTIME = layer(["bob"], "day", 1, "2024-01-01T00:00", "2024-01-01T00:00Z", name="daytime",
                restrictions=[window("09:00", "17:00", WEEKDAYS)])


def test_a_later_layer_beats_an_earlier_one():
    schedule = Schedule(UTC_ZONE, (BASE, DAYTIME))
    assert at(schedule, Z("2024-01-01T10:00Z")) == iv("bob", "layer", "daytime", "2024-01-01T09:00Z", "2024-01-01T17:00Z")
    assert at(schedule, Z("2024-01-01T18:00Z")) == iv("alice", "layer", "base", "2024-01-01T17:00Z", "2024-01-02T09:00Z")
    assert at(schedule, Z("2024-01-06T12:00Z")) == iv("alice", "layer", "base", "2024-01-05T17:00Z", "2024-01-08T09:00Z")


def test_an_earlier_layer_under_a_full_later_one_never_shows():
    schedule = Schedule(UTC_ZONE, (DAYTIME, BASE))
    assert at(schedule, Z("2024-01-01T10:00Z")) == iv("alice", "layer", "base", "2024-01-01T00:00Z", None)


def test_overrides_beat_layers_and_the_newest_created_wins():
    old = Override("old", "dave", Z("2024-01-10T11:00Z"), Z("2024-01-10T13:00Z"), Z("2024-01-01T00:00Z"))
    mid = Override("mid", "bob", Z("2024-01-10T10:00Z"), Z("2024-01-10T14:00Z"), Z("2024-01-02T00:00Z"))
    new = Override("new", "carol", Z("2024-01-10T12:00Z"), Z("2024-01-10T16:00Z"), Z("2024-01-03T00:00Z"))
    schedule = Schedule(UTC_ZONE, (BASE, DAYTIME), (new, old, mid))
    assert render(schedule, Z("2024-01-10T00:00Z"), Z("2024-01-11T00:00Z")) == [
        iv("alice", "layer", "base", "2024-01-10T00:00Z", "2024-01-10T09:00Z"),
        iv("bob", "layer", "daytime", "2024-01-10T09:00Z", "2024-01-10T10:00Z"),
        iv("bob", "override", "mid", "2024-01-10T10:00Z", "2024-01-10T12:00Z"),
        iv("carol", "override", "new", "2024-01-10T12:00Z", "2024-01-10T16:00Z"),
        iv("bob", "layer", "daytime", "2024-01-10T16:00Z", "2024-01-10T17:00Z"),
        iv("alice", "layer", "base", "2024-01-10T17:00Z", "2024-01-11T00:00Z"),
    ]
    assert at(schedule, Z("2024-01-10T11:30Z")) == iv("bob", "override", "mid", "2024-01-10T10:00Z", "2024-01-10T12:00Z")


def test_a_newer_override_inside_an_older_one_splits_it():
    outer = Override("outer", "bob", Z("2024-01-10T10:00Z"), Z("2024-01-10T14:00Z"), Z("2024-01-01T00:00Z"))
    inner = Override("inner", "carol", Z("2024-01-10T11:00Z"), Z("2024-01-10T12:00Z"), Z("2024-01-02T00:00Z"))
    schedule = Schedule(UTC_ZONE, (BASE,), (outer, inner))
    assert render(schedule, Z("2024-01-10T10:00Z"), Z("2024-01-10T14:00Z")) == [
        iv("bob", "override", "outer", "2024-01-10T10:00Z", "2024-01-10T11:00Z"),
        iv("carol", "override", "inner", "2024-01-10T11:00Z", "2024-01-10T12:00Z"),
        iv("bob", "override", "outer", "2024-01-10T12:00Z", "2024-01-10T14:00Z"),
    ]
    assert at(schedule, Z("2024-01-10T12:30Z")) == iv("bob", "override", "outer", "2024-01-10T12:00Z", "2024-01-10T14:00Z")


def test_an_older_override_inside_a_newer_one_never_shows():
    outer = Override("outer", "bob", Z("2024-01-10T10:00Z"), Z("2024-01-10T14:00Z"), Z("2024-01-02T00:00Z"))
    inner = Override("inner", "carol", Z("2024-01-10T11:00Z"), Z("2024-01-10T12:00Z"), Z("2024-01-01T00:00Z"))
    schedule = Schedule(UTC_ZONE, (BASE,), (outer, inner))
    assert render(schedule, Z("2024-01-10T10:00Z"), Z("2024-01-10T14:00Z")) == [
        iv("bob", "override", "outer", "2024-01-10T10:00Z", "2024-01-10T14:00Z")]


# --- maximal intervals: same user AND same source ----------------------------------------------


def test_same_user_from_an_override_stays_a_separate_interval():
    schedule = Schedule(UTC_ZONE, (BASE,),
                        (Override("o1", "alice", Z("2024-01-10T10:00Z"), Z("2024-01-10T12:00Z"), Z("2024-01-01T00:00Z")),))
    assert render(schedule, Z("2024-01-10T00:00Z"), Z("2024-01-11T00:00Z")) == [
        iv("alice", "layer", "base", "2024-01-10T00:00Z", "2024-01-10T10:00Z"),
        iv("alice", "override", "o1", "2024-01-10T10:00Z", "2024-01-10T12:00Z"),
        iv("alice", "layer", "base", "2024-01-10T12:00Z", "2024-01-11T00:00Z"),
    ]
    assert at(schedule, Z("2024-01-10T11:00Z")) == iv("alice", "override", "o1", "2024-01-10T10:00Z", "2024-01-10T12:00Z")
    assert at(schedule, Z("2024-01-10T09:00Z")) == iv("alice", "layer", "base", "2024-01-01T00:00Z", "2024-01-10T10:00Z")
    assert at(schedule, Z("2024-01-10T12:00Z")) == iv("alice", "layer", "base", "2024-01-10T12:00Z", None)


def test_same_user_from_two_layers_stays_separate():
    top = layer(["alice"], "day", 1, "2024-01-01T00:00", "2024-01-01T00:00Z", name="top",
                restrictions=[window("09:00", "17:00")])
    schedule = Schedule(UTC_ZONE, (BASE, top))
    assert render(schedule, Z("2024-01-10T00:00Z"), Z("2024-01-11T00:00Z")) == [
        iv("alice", "layer", "base", "2024-01-10T00:00Z", "2024-01-10T09:00Z"),
        iv("alice", "layer", "top", "2024-01-10T09:00Z", "2024-01-10T17:00Z"),
        iv("alice", "layer", "base", "2024-01-10T17:00Z", "2024-01-11T00:00Z"),
    ]


def test_consecutive_shifts_of_the_same_user_merge():
    schedule = Schedule(UTC_ZONE, (layer(["alice", "alice", "bob"], "day", 1, "2024-01-01T00:00", "2024-01-01T00:00Z"),))
    assert at(schedule, Z("2024-01-01T12:00Z")) == on_layer("alice", "2024-01-01T00:00Z", "2024-01-03T00:00Z")
    assert render(schedule, Z("2024-01-01T00:00Z"), Z("2024-01-07T00:00Z")) == [
        on_layer("alice", "2024-01-01T00:00Z", "2024-01-03T00:00Z"),
        on_layer("bob", "2024-01-03T00:00Z", "2024-01-04T00:00Z"),
        on_layer("alice", "2024-01-04T00:00Z", "2024-01-06T00:00Z"),
        on_layer("bob", "2024-01-06T00:00Z", "2024-01-07T00:00Z"),
    ]


# --- `at` at the edges of time -------------------------------------------------------------------


def test_at_in_an_empty_schedule():
    assert at(Schedule(UTC_ZONE), Z("2024-01-01T00:00Z")) == Interval(None, None, None, None)


def test_at_for_a_single_user_layer_never_ends():
    schedule = Schedule(CHICAGO, (layer(["alice"], "week", 2, "2024-03-01T09:00", "2024-03-01T15:00Z"),))
    assert at(schedule, Z("2024-03-20T00:00Z")) == on_layer("alice", "2024-03-01T15:00Z", None)


def test_at_thirty_years_later():
    # 2024-01-01 to 2054-07-01 is 30 * 365 + 8 leap days + 181 = 11139 days: shift 11139, 11139 % 3 == 0.
    # July 2054 is EDT: 09:00 is 13:00Z.
    daily = Schedule(NEW_YORK, (layer(["alice", "bob", "carol"], "day", 1, "2024-01-01T09:00", "2024-01-01T14:00Z"),))
    assert at(daily, Z("2054-07-01T14:00Z")) == on_layer("alice", "2054-07-01T13:00Z", "2054-07-02T13:00Z")
    # The contract's schedule: Fri 2024-03-08 + 30 years (7 leap days) = 10957 days = 1565 weeks + 2 days, so
    # 2054-03-08 is a Sunday and Mon 2054-03-16 lies in week 1566 (from Fri Mar 13), 1566 % 3 == 0: alice.
    # US DST began Sun 2054-03-08: the Monday window is 09:00-17:00 EDT.
    assert at(CONTRACT, Z("2054-03-16T14:00Z")) == iv("alice", "layer", "weekly", "2054-03-16T13:00Z", "2054-03-16T21:00Z")


def test_at_with_a_top_layer_restricted_to_no_day_answers_quickly():
    """A layer whose windows name no day covers nothing and must not keep the search going."""
    zone = ZoneInfo("UTC")
    anchor = datetime(2024, 1, 1)
    base = Layer("base", ("alice",), Rotation("day", 1), anchor, datetime(2024, 1, 1, tzinfo=UTC))
    never = Layer("never", ("bob", "carol"), Rotation("hour", 1), anchor, datetime(2024, 1, 1, tzinfo=UTC),
                  restrictions=(Restriction(time(9), time(17), frozenset()),))
    answer = at(Schedule(zone, (base, never)), datetime(2024, 6, 1, tzinfo=UTC))
    assert (answer.user, answer.start, answer.end) == ("alice", datetime(2024, 1, 1, tzinfo=UTC), None)
