"""Gaps, the user filter, the load report, everyone on call, and one person across schedules, through the
HTTP API on SQLite and PostgreSQL. The arithmetic is checked against the oracle in
tests/unit/test_coverage_property.py; here, hand-worked cases and the HTTP rules."""

from __future__ import annotations

from test_schedules import SEED

HOUR = 3600

#: alice alone, 24/7 in New York, from long before the ranges asked about
ALICE = {
    "id": "alice-247",
    "name": "Alice all the time",
    "timezone": "America/New_York",
    "layers": [{"name": "all", "users": ["alice"], "rotation": {"unit": "day", "length": 1},
                "start": "2024-01-01T00:00:00"}],
}


def daily(ident: str, users: list[str], hour: int = 9, zone: str = "UTC") -> dict:
    return {"id": ident, "name": ident.title(), "timezone": zone,
            "layers": [{"name": "daily", "users": users, "rotation": {"unit": "day", "length": 1},
                        "start": f"2024-03-01T{hour:02}:00:00"}]}


async def test_user_filter_keeps_that_users_intervals(api):
    await api.post("/api/v1/schedules", SEED)
    base = "/api/v1/schedules/my-schedule/shifts?since=2024-03-08T00:00:00&until=2024-03-30T00:00:00"
    _, everyone = await api.get(base)
    for user in ("alice", "bob", "carol", "nobody@example.com"):
        status, body = await api.get(f"{base}&user={user}")
        assert status == 200
        assert body["items"] == [i for i in everyone["items"] if i["user"] == user]
    assert len((await api.get(f"{base}&user=bob"))[1]["items"]) == 5
    assert (await api.get(f"{base}&user=has%20space"))[0] == 400


async def test_gaps_of_the_contract_schedule_across_spring_forward(api):
    """Weekdays 09:00-17:00 New York time; the week of 2024-03-10 changes clocks on Sunday."""
    await api.post("/api/v1/schedules", SEED)
    status, body = await api.get(
        "/api/v1/schedules/my-schedule/gaps?since=2024-03-08T00:00:00&until=2024-03-12T00:00:00"
    )
    assert status == 200, body
    assert body["items"] == [
        {"start": "2024-03-08T05:00:00Z", "end": "2024-03-08T14:00:00Z"},  # Friday before the layer starts
        {"start": "2024-03-08T22:00:00Z", "end": "2024-03-11T13:00:00Z"},  # the weekend, EST to EDT
        {"start": "2024-03-11T21:00:00Z", "end": "2024-03-12T04:00:00Z"},
    ]
    assert body["covered_seconds"] == 8 * HOUR + 8 * HOUR  # Friday and Monday
    assert body["range_seconds"] == 4 * 24 * HOUR - HOUR  # one hour fewer: clocks sprang forward
    assert (body["since"], body["until"]) == ("2024-03-08T05:00:00Z", "2024-03-12T04:00:00Z")


async def test_gaps_of_a_schedule_without_layers_and_the_range_rules(api):
    await api.post("/api/v1/schedules", {"id": "empty", "name": "Empty", "layers": []})
    status, body = await api.get("/api/v1/schedules/empty/gaps?since=2024-01-01T00:00:00Z&until=2024-01-02T00:00:00Z")
    assert status == 200
    assert body["items"] == [{"start": "2024-01-01T00:00:00Z", "end": "2024-01-02T00:00:00Z"}]
    assert (body["covered_seconds"], body["range_seconds"]) == (0, 86400)
    assert (await api.get("/api/v1/schedules/empty/gaps?since=2024-01-01T00:00:00Z&until=2025-03-01T00:00:00Z"))[0] == 400
    assert (await api.get("/api/v1/schedules/empty/gaps?since=nope"))[0] == 400
    assert (await api.get("/api/v1/schedules/nope/gaps"))[0] == 404
    _, default = await api.get("/api/v1/schedules/empty/gaps")
    assert default["range_seconds"] == 14 * 86400


async def test_report_counts_nights_and_weekends_by_the_local_clock_across_dst(api):
    await api.post("/api/v1/schedules", ALICE)
    path = "/api/v1/schedules/alice-247/report"
    # Saturday and Sunday of spring forward: 47 hours; nights 00-07 (7 h), 22-07 (8 h), 22-24 (2 h)
    status, body = await api.get(f"{path}?since=2024-03-09T00:00:00&until=2024-03-11T00:00:00")
    assert status == 200, body
    assert body["timezone"] == "America/New_York" and body["night"] == "22:00-07:00"
    assert body["items"] == [{"user": "alice", "shifts": 1, "seconds": 47 * HOUR, "night_seconds": 17 * HOUR,
                              "weekend_seconds": 47 * HOUR}]
    # fall back: 49 hours; the night of the change is 10 hours long
    _, body = await api.get(f"{path}?since=2024-11-02T00:00:00&until=2024-11-04T00:00:00")
    assert body["items"][0] | {"shifts": None} == {"user": "alice", "shifts": None, "seconds": 49 * HOUR,
                                                    "night_seconds": 19 * HOUR, "weekend_seconds": 49 * HOUR}


async def test_report_night_window_through_the_repeated_hour(api):
    """01:30-06:00: when clocks fall back at 02:00 EDT, 01:30-02:00 EDT is night, 01:00-01:30 EST is not
    (the clock reads before 01:30 again), and 01:30-06:00 EST is: 5 hours that night, 4.5 the night before."""
    await api.post("/api/v1/schedules", ALICE)
    _, body = await api.get(
        "/api/v1/schedules/alice-247/report?since=2024-11-02T00:00:00&until=2024-11-04T00:00:00&night=01:30-06:00"
    )
    assert body["night"] == "01:30-06:00"
    assert body["items"][0]["night_seconds"] == 9 * HOUR + 30 * 60
    for night, hours in (("22:00-24:00", 4), ("00:00-24:00", 49)):  # 24:00 ends a window at midnight
        _, body = await api.get(
            f"/api/v1/schedules/alice-247/report?since=2024-11-02T00:00:00&until=2024-11-04T00:00:00&night={night}"
        )
        assert (body["night"], body["items"][0]["night_seconds"]) == (night, hours * HOUR)


async def test_report_orders_by_time_then_user_and_counts_shifts(api):
    await api.post("/api/v1/schedules", SEED)
    status, body = await api.get(
        "/api/v1/schedules/my-schedule/report?since=2024-03-08T00:00:00&until=2024-03-23T00:00:00"
    )
    assert status == 200
    # alice: Fri 8, Mon 11 - Thu 14 (5 windows); bob: Fri 15, Mon 18 - Thu 21 (5); carol: Fri 22
    assert [(i["user"], i["shifts"], i["seconds"]) for i in body["items"]] == [
        ("alice", 5, 5 * 8 * HOUR), ("bob", 5, 5 * 8 * HOUR), ("carol", 1, 8 * HOUR)
    ]
    assert all(i["night_seconds"] == 0 and i["weekend_seconds"] == 0 for i in body["items"])
    _, evening = await api.get(
        "/api/v1/schedules/my-schedule/report?since=2024-03-08T00:00:00&until=2024-03-23T00:00:00&night=16:00-10:00"
    )
    assert [(i["user"], i["night_seconds"]) for i in evening["items"]] == [
        ("alice", 5 * 2 * HOUR), ("bob", 5 * 2 * HOUR), ("carol", 2 * HOUR)  # 09:00-10:00 and 16:00-17:00
    ]


async def test_report_bad_input(api):
    await api.post("/api/v1/schedules", ALICE)
    for night in ("22:00", "22:00-22:00", "25:00-07:00", "22:00-07:00-08:00", "ab", "22:00:30-07:00",
                  "22:00-07:00:00", "24:00-07:00", "00:00-00:00"):
        status, body = await api.get(f"/api/v1/schedules/alice-247/report?night={night}")
        assert status == 400 and body["error"]["details"][0]["field"] == "night", (night, body)
    assert (await api.get("/api/v1/schedules/nope/report"))[0] == 404
    # a user with no time in the range is not listed
    _, body = await api.get("/api/v1/schedules/alice-247/report?since=2023-01-01T00:00:00Z&until=2023-02-01T00:00:00Z")
    assert body["items"] == []


async def test_everyone_on_call_one_page_at_a_time(api):
    await api.post("/api/v1/schedules", daily("b-sched", ["bob", "carol"]))
    await api.post("/api/v1/schedules", daily("a-sched", ["alice"]))
    await api.post("/api/v1/schedules", {"id": "c-empty", "name": "Nobody", "layers": []})
    status, body = await api.get("/api/v1/oncall?at=2024-03-02T10:00:00Z")
    assert status == 200
    assert body["at"] == "2024-03-02T10:00:00Z" and body["next_cursor"] is None
    assert [(i["schedule_id"], i["schedule_name"], i["user"]) for i in body["items"]] == [
        ("a-sched", "A-Sched", "alice"), ("b-sched", "B-Sched", "carol"), ("c-empty", "Nobody", None)
    ]
    assert body["items"][1] | {"schedule_id": None, "schedule_name": None} == {
        "schedule_id": None, "schedule_name": None, "user": "carol", "start": "2024-03-02T09:00:00Z",
        "end": "2024-03-03T09:00:00Z", "source": {"type": "layer", "layer": "daily"},
    }
    assert body["items"][2] | {"schedule_id": None} == {
        "schedule_id": None, "schedule_name": "Nobody", "user": None, "start": None, "end": None, "source": None
    }
    _, first = await api.get("/api/v1/oncall?at=2024-03-02T11:00:00%2B01:00&limit=2")
    assert first["at"] == "2024-03-02T10:00:00Z" and len(first["items"]) == 2
    _, second = await api.get(f"/api/v1/oncall?at=2024-03-02T10:00:00Z&limit=2&cursor={first['next_cursor']}")
    assert [i["schedule_id"] for i in second["items"]] == ["c-empty"] and second["next_cursor"] is None
    assert (await api.get("/api/v1/oncall?at=yesterday"))[0] == 400
    status, body = await api.get("/api/v1/oncall?at=2024-03-02T10:00:00")  # no zone to read it in: 400
    assert status == 400 and "offset" in body["error"]["message"]
    assert (await api.get("/api/v1/oncall?limit=0"))[0] == 400


async def test_everyone_on_call_sees_changes_at_once(api):
    """Answers are remembered per page: a new instant outside their intervals, or any change, is seen."""
    await api.post("/api/v1/schedules", daily("a-sched", ["alice", "bob"]))
    assert (await api.get("/api/v1/oncall?at=2024-03-02T10:00:00Z"))[1]["items"][0]["user"] == "bob"
    assert (await api.get("/api/v1/oncall?at=2024-03-02T11:00:00Z"))[1]["items"][0]["user"] == "bob"
    assert (await api.get("/api/v1/oncall?at=2024-03-03T10:00:00Z"))[1]["items"][0]["user"] == "alice"
    assert (await api.get("/api/v1/oncall?at=2024-03-02T08:59:59Z"))[1]["items"][0]["user"] == "alice"
    assert (await api.get("/api/v1/oncall?at=2024-03-02T10:00:00Z"))[1]["items"][0]["user"] == "bob"
    status, _ = await api.post("/api/v1/overrides", {"schedule_id": "a-sched", "user": "zoe",
                                                      "start": "2024-03-02T08:00:00Z", "end": "2024-03-02T12:00:00Z"})
    assert status == 201
    assert (await api.get("/api/v1/oncall?at=2024-03-02T10:00:00Z"))[1]["items"][0]["user"] == "zoe"
    await api.delete("/api/v1/schedules/a-sched")
    assert (await api.get("/api/v1/oncall?at=2024-03-02T10:00:00Z"))[1]["items"] == []


async def test_one_person_now_and_next_across_schedules(api):
    await api.post("/api/v1/schedules", daily("days", ["alice", "bob"]))  # alice from 09:00 on odd days of March
    await api.post("/api/v1/schedules", daily("nights", ["bob", "alice"], hour=21))
    status, body = await api.get("/api/v1/users/alice/oncall?at=2024-03-01T10:00:00Z")
    assert status == 200, body
    assert body["user_id"] == "alice" and body["at"] == "2024-03-01T10:00:00Z"
    assert body["now"] == [{"schedule_id": "days", "schedule_name": "Days", "start": "2024-03-01T09:00:00Z",
                            "end": "2024-03-02T09:00:00Z", "source": {"type": "layer", "layer": "daily"}}]
    assert body["next"] == {"schedule_id": "nights", "schedule_name": "Nights", "start": "2024-03-02T21:00:00Z",
                            "end": "2024-03-03T21:00:00Z", "source": {"type": "layer", "layer": "daily"}}
    # on call in both: now lists both, by schedule id; next is the earliest start after `at` on either
    _, body = await api.get("/api/v1/users/alice/oncall?at=2024-03-03T10:00:00Z")
    assert [n["schedule_id"] for n in body["now"]] == ["days", "nights"]
    assert (body["next"]["schedule_id"], body["next"]["start"]) == ("nights", "2024-03-04T21:00:00Z")
    # a start exactly at `at` is "now", not "next"
    _, body = await api.get("/api/v1/users/alice/oncall?at=2024-03-04T21:00:00Z")
    assert [n["schedule_id"] for n in body["now"]] == ["nights"]
    assert (body["next"]["schedule_id"], body["next"]["start"]) == ("days", "2024-03-05T09:00:00Z")
    # an override is a shift of its own, with its full end even past the first search window
    status, made = await api.post("/api/v1/overrides", {"schedule_id": "nights", "user": "carol",
                                                         "start": "2024-03-04T12:00:00Z", "end": "2024-03-20T00:00:00Z"})
    _, body = await api.get("/api/v1/users/carol/oncall?at=2024-03-01T00:00:00Z")
    assert body["now"] == [] and body["next"] == {
        "schedule_id": "nights", "schedule_name": "Nights", "start": "2024-03-04T12:00:00Z",
        "end": "2024-03-20T00:00:00Z", "source": {"type": "override", "id": made["id"], "replaces": None},
    }


async def test_one_person_without_shifts_or_record(api):
    await api.post("/api/v1/schedules", daily("days", ["alice"]))
    _, body = await api.get("/api/v1/users/zed@example.com/oncall?at=2024-03-01T10:00:00Z")
    assert body == {"user_id": "zed@example.com", "at": "2024-03-01T10:00:00Z", "now": [], "next": None}
    # a shift more than 400 days ahead is not "next"
    await api.post("/api/v1/schedules", daily("later", ["late"]) | {"layers": [
        {"name": "l", "users": ["late"], "rotation": {"unit": "week", "length": 1}, "start": "2025-06-01T00:00:00"}]})
    assert (await api.get("/api/v1/users/late/oncall?at=2024-03-01T00:00:00Z"))[1]["next"] is None
    assert (await api.get("/api/v1/users/late/oncall?at=2024-06-01T00:00:00Z"))[1]["next"]["start"] == (
        "2025-06-01T00:00:00Z")
    assert (await api.get("/api/v1/users/alice/oncall?at=tomorrow"))[0] == 400
    assert (await api.get("/api/v1/users/alice/oncall?at=2024-03-01T10:00:00"))[0] == 400
    assert (await api.get("/api/v1/users/alice/shifts?since=2024-03-01T10:00:00"))[0] == 400


async def test_one_person_at_the_end_of_time(api):
    """Near the last instant the service takes, the search for a next shift stops there."""
    await api.post("/api/v1/schedules", {"id": "uc", "name": "UC", "layers": [
        {"name": "l", "users": ["u-x", "u-z"], "rotation": {"unit": "hour", "length": 8}, "start": "2024-06-01T01:00:00"}]})
    for at in ("8999-12-31T23:59:00Z", "8999-12-31T12:00:00Z", "8999-12-31T00:30:00Z"):
        status, body = await api.get(f"/api/v1/users/u-z/oncall?at={at}")
        assert status == 200, body
    _, body = await api.get("/api/v1/users/u-z/oncall?at=8999-12-31T12:00:00Z")
    assert body["next"]["start"] == "8999-12-31T17:00:00Z"
    _, body = await api.get("/api/v1/users/u-z/shifts?since=8999-12-31T12:00:00Z")
    assert [i["start"] for i in body["items"]] == ["8999-12-31T17:00:00Z"]
    status, _ = await api.get("/api/v1/schedules/uc/gaps?since=8999-12-31T12:00:00Z")
    assert status == 200


async def test_one_persons_shifts_across_schedules(api):
    await api.post("/api/v1/schedules", daily("b-days", ["alice", "bob"]))
    await api.post("/api/v1/schedules", daily("a-days", ["alice", "carol"]))
    status, body = await api.get("/api/v1/users/alice/shifts?since=2024-03-01T12:00:00Z&until=2024-03-04T00:00:00Z")
    assert status == 200
    assert [(i["schedule_id"], i["start"], i["end"]) for i in body["items"]] == [
        ("a-days", "2024-03-01T12:00:00Z", "2024-03-02T09:00:00Z"),  # clipped to the range
        ("b-days", "2024-03-01T12:00:00Z", "2024-03-02T09:00:00Z"),
        ("a-days", "2024-03-03T09:00:00Z", "2024-03-04T00:00:00Z"),
        ("b-days", "2024-03-03T09:00:00Z", "2024-03-04T00:00:00Z"),
    ]
    assert set(body["items"][0]) == {"schedule_id", "schedule_name", "start", "end", "source"}
    assert (await api.get("/api/v1/users/nobody/shifts"))[1] == {"items": []}
    assert (await api.get("/api/v1/users/alice/shifts?since=2024-01-01T00:00:00Z&until=2025-06-01T00:00:00Z"))[0] == 400


async def test_one_persons_views_follow_every_change_and_reach_past_their_window(api, app):
    """People's views answer from a window rendered once per schedule version (service/people.py): a change made
    through another process (here the store, beside this app's cache) is seen at the next request, ranges and
    instants anywhere in the window agree with a fresh render, and what lies past it is still found."""
    from datetime import UTC, datetime

    from nself_oncall.store import overrides

    await api.post("/api/v1/schedules", daily("days", ["alice", "bob"]))
    shifts = "/api/v1/users/carol/shifts?since=2024-03-01T10:20:00Z&until=2024-03-05T00:00:00Z"
    assert (await api.get(shifts))[1] == {"items": []}
    assert (await api.get("/api/v1/users/carol/oncall?at=2024-03-01T10:30:00Z"))[1]["next"] is None
    # another replica adds an override: no request of this app told its cache
    await overrides.create("days", "carol", "alice", datetime(2024, 3, 3, 9, tzinfo=UTC),
                           datetime(2024, 3, 4, 9, tzinfo=UTC), actor="replica")
    _, body = await api.get(shifts)
    assert [(i["start"], i["end"], i["source"]["replaces"]) for i in body["items"]] == [
        ("2024-03-03T09:00:00Z", "2024-03-04T09:00:00Z", "alice")]
    _, body = await api.get("/api/v1/users/carol/oncall?at=2024-03-01T10:30:00Z")
    assert body["next"]["start"] == "2024-03-03T09:00:00Z"
    # within the same hour, the window answers; a range inside it is clipped as a render of that range is
    _, body = await api.get("/api/v1/users/alice/shifts?since=2024-03-01T10:40:00Z&until=2024-03-03T12:00:00Z")
    assert [(i["start"], i["end"]) for i in body["items"]] == [("2024-03-01T10:40:00Z", "2024-03-02T09:00:00Z")]
    # alice's next shift after the window (15 days from the hour): the search past it finds it
    await overrides.create("days", None, "alice", datetime(2024, 3, 3, 9, tzinfo=UTC),
                           datetime(2024, 4, 1, 9, tzinfo=UTC), actor="replica")
    await overrides.create("days", "alice", None, datetime(2024, 4, 20, tzinfo=UTC),
                           datetime(2024, 4, 21, tzinfo=UTC), actor="replica")
    await api.post("/api/v1/schedules", daily("nights", ["bob"], hour=21))
    _, body = await api.get("/api/v1/users/alice/oncall?at=2024-03-02T10:00:00Z")
    assert (body["next"]["schedule_id"], body["next"]["start"]) == ("days", "2024-04-02T09:00:00Z")  # odd days: Apr 2
    await api.delete("/api/v1/schedules/days")
    assert (await api.get(shifts))[1] == {"items": []}
