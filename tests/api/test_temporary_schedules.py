"""Temporary schedules through the API (SQLite and PostgreSQL): for a span the layers are set aside and only the listed
shifts count, clipped to the span, with overrides still on top; no two of one schedule overlap. Hand cases after
GoAlert's: a holiday span with gaps and an override on top."""

from __future__ import annotations

import pytest

from apiclient import AUTH

DAY = {"since": "2024-03-04T00:00:00Z", "until": "2024-03-05T00:00:00Z"}
SPAN = {"start": "2024-03-04T06:00:00Z", "end": "2024-03-04T18:00:00Z"}


async def made(api, path, body):
    status, answer = await api.post(path, body)
    assert status == 201, answer
    return answer


async def schedule(api, user="alice", zone="UTC"):
    layer = {"users": [user], "rotation": {"unit": "day"}, "start": "2024-03-01T00:00:00Z"}
    await made(api, "/api/v1/schedules", {"id": "s", "name": "S", "timezone": zone, "layers": [layer]})


def shift(user, start, end):
    return {"user": user, "start": f"2024-03-04T{start}:00Z", "end": f"2024-03-04T{end}:00Z"}


async def temporary(api, *shifts, span=SPAN):
    return await made(api, "/api/v1/schedules/s/temporary", {**span, "shifts": list(shifts)})


async def shifts(api, schedule_id="s"):
    status, body = await api.get(f"/api/v1/schedules/{schedule_id}/shifts?since={DAY['since']}&until={DAY['until']}")
    assert status == 200, body
    return [(i["user"], i["start"][11:16], i["end"][11:16], i["source"]["type"]) for i in body["items"]]


async def oncall(api, at):
    status, body = await api.get(f"/api/v1/schedules/s/oncall?at=2024-03-04T{at}:00Z")
    assert status == 200
    return body["user"], body["source"]


async def test_a_holiday_rota_sets_the_layers_aside_with_its_gaps(api):
    await schedule(api)
    made_ = await temporary(api, shift("bob", "06:00", "10:00"), shift("carol", "12:00", "18:00"))
    assert made_["schedule_id"] == "s" and made_["start"] == SPAN["start"] and made_["end"] == SPAN["end"]
    assert [s["user"] for s in made_["shifts"]] == ["bob", "carol"]
    assert await shifts(api) == [
        ("alice", "00:00", "06:00", "layer"), ("bob", "06:00", "10:00", "temporary"),
        ("carol", "12:00", "18:00", "temporary"), ("alice", "18:00", "00:00", "layer"),
    ]
    assert await oncall(api, "07:00") == ("bob", {"type": "temporary", "id": made_["id"]})
    assert await oncall(api, "11:00") == (None, None)  # the gap: alice's layer is set aside, not showing through
    status, gaps = await api.get(f"/api/v1/schedules/s/gaps?since={DAY['since']}&until={DAY['until']}")
    assert status == 200 and gaps["items"] == [{"start": "2024-03-04T10:00:00Z", "end": "2024-03-04T12:00:00Z"}]


async def test_shifts_count_only_inside_the_span(api):
    await schedule(api)
    await temporary(api, shift("bob", "02:00", "09:00"), shift("carol", "15:00", "23:00"))
    assert await shifts(api) == [
        ("alice", "00:00", "06:00", "layer"), ("bob", "06:00", "09:00", "temporary"),
        ("carol", "15:00", "18:00", "temporary"), ("alice", "18:00", "00:00", "layer"),
    ]


async def test_an_empty_temporary_schedule_is_a_gap_over_its_span(api):
    await schedule(api)
    await temporary(api)
    assert await shifts(api) == [("alice", "00:00", "06:00", "layer"), ("alice", "18:00", "00:00", "layer")]


async def test_overrides_still_apply_on_top(api):
    """An add shows over the temporary schedule; a replace changes its user; a remove of its user leaves a gap (the
    layers are set aside: alice does not show through)."""
    await schedule(api)
    made_ = await temporary(api, shift("bob", "06:00", "12:00"), shift("carol", "12:00", "18:00"))
    add = await made(api, "/api/v1/overrides", {"schedule_id": "s", "user": "dave", **_span("07:00", "08:00")})
    swap = await made(api, "/api/v1/overrides", {"schedule_id": "s", "user": "erin", "replaces": "bob",
                                                 **_span("09:00", "10:00")})
    await made(api, "/api/v1/overrides", {"schedule_id": "s", "user": None, "replaces": "carol",
                                          **_span("13:00", "14:00")})
    await made(api, "/api/v1/overrides", {"schedule_id": "s", "user": None, "replaces": "alice",
                                          **_span("14:00", "15:00")})  # alice is not on call there: no change
    assert await oncall(api, "07:30") == ("dave", {"type": "override", "id": add["id"], "replaces": None})
    assert await oncall(api, "09:30") == ("erin", {"type": "override", "id": swap["id"], "replaces": "bob"})
    assert await oncall(api, "13:30") == (None, None)
    assert await oncall(api, "14:30") == ("carol", {"type": "temporary", "id": made_["id"]})


def _span(start, end):
    return {"start": f"2024-03-04T{start}:00Z", "end": f"2024-03-04T{end}:00Z"}


async def test_list_and_delete(api):
    await schedule(api)
    later = await temporary(api, span={"start": "2024-03-10T00:00:00Z", "end": "2024-03-11T00:00:00Z"})
    first = await temporary(api, shift("bob", "06:00", "18:00"))
    status, listed = await api.get("/api/v1/schedules/s/temporary")
    assert status == 200 and [t["id"] for t in listed["items"]] == [first["id"], later["id"]]  # by start
    assert await oncall(api, "12:00") == ("bob", {"type": "temporary", "id": first["id"]})
    status, _ = await api.delete(f"/api/v1/schedules/s/temporary/{first['id']}")
    assert status == 204
    assert await oncall(api, "12:00") == ("alice", {"type": "layer", "layer": "layer-1"})  # at once: the cache too
    status, listed = await api.get("/api/v1/schedules/s/temporary")
    assert [t["id"] for t in listed["items"]] == [later["id"]]
    status, body = await api.delete(f"/api/v1/schedules/s/temporary/{first['id']}")
    assert status == 404 and body["error"]["code"] == "not_found"


async def test_two_temporary_schedules_of_one_schedule_may_not_overlap(api):
    await schedule(api)
    await made(api, "/api/v1/schedules", {"id": "t", "name": "T"})
    first = await temporary(api)
    status, body = await api.post("/api/v1/schedules/s/temporary", _span("17:59", "20:00"))
    assert status == 409 and first["id"] in body["error"]["message"]
    await temporary(api, span=_span("18:00", "20:00"))  # touching is not overlapping
    await made(api, "/api/v1/schedules/t/temporary", SPAN)  # another schedule's may
    status, listed = await api.get("/api/v1/schedules/s/temporary")
    assert len(listed["items"]) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SPAN, "end": SPAN["start"]}, "end"),
        ({**SPAN, "shifts": [shift("bob", "08:00", "08:00")]}, "shifts"),
        ({**SPAN, "shifts": [shift("bob", "08:00", "10:00"), shift("carol", "09:59", "11:00")]}, "shifts"),
        ({**SPAN, "shifts": [{"user": "bob", "start": "2024-03-04T08:00:00Z"}]}, "shifts"),
        ({**SPAN, "shifts": [{**shift("bob", "08:00", "10:00"), "user": ""}]}, "shifts"),
        ({"start": SPAN["start"]}, "end"),
    ],
)
async def test_bad_temporary_schedules_are_422_and_change_nothing(api, body, field):
    await schedule(api)
    status, answer = await api.post("/api/v1/schedules/s/temporary", body)
    assert status == 422 and answer["error"]["code"] == "validation_error" and field in str(answer["error"]), answer
    status, listed = await api.get("/api/v1/schedules/s/temporary")
    assert listed["items"] == []


async def test_unknown_schedule_is_404(api):
    status, body = await api.post("/api/v1/schedules/nope/temporary", SPAN)
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body = await api.get("/api/v1/schedules/nope/temporary")
    assert status == 404
    status, body = await api.delete("/api/v1/schedules/nope/temporary/0123456789abcdef01234567")
    assert status == 404


async def test_another_schedules_temporary_cannot_be_deleted_through_this_one(api):
    await schedule(api)
    await made(api, "/api/v1/schedules", {"id": "t", "name": "T"})
    theirs = await made(api, "/api/v1/schedules/t/temporary", SPAN)
    status, _ = await api.delete(f"/api/v1/schedules/s/temporary/{theirs['id']}")
    assert status == 404
    status, listed = await api.get("/api/v1/schedules/t/temporary")
    assert len(listed["items"]) == 1


async def test_wall_clock_times_are_read_in_the_schedules_zone(api):
    await schedule(api, zone="Europe/Paris")
    made_ = await made(api, "/api/v1/schedules/s/temporary", {
        "start": "2024-03-04T07:00:00", "end": "2024-03-04T19:00:00",
        "shifts": [{"user": "bob", "start": "2024-03-04T07:00:00", "end": "2024-03-04T19:00:00"}]})
    assert made_["start"] == SPAN["start"] and made_["shifts"][0]["end"] == SPAN["end"]


async def test_people_views_and_the_audit_log_follow(api):
    await schedule(api)
    made_ = await temporary(api, shift("bob", "06:00", "18:00"))
    status, body = await api.get(f"/api/v1/users/bob/shifts?since={DAY['since']}&until={DAY['until']}")
    assert status == 200 and [(i["schedule_id"], i["start"], i["end"]) for i in body["items"]] == [
        ("s", SPAN["start"], SPAN["end"])]
    status, body = await api.get("/api/v1/oncall?at=2024-03-04T12:00:00Z")
    assert status == 200 and [(i["schedule_id"], i["user"]) for i in body["items"]] == [("s", "bob")]
    status, body = await api.get("/api/v1/audit?resource=temporary_schedule")
    assert status == 200 and [(e["resource_id"], e["action"]) for e in body["items"]] == [(made_["id"], "create")]


async def test_the_worked_example_of_docs_api(api):
    """docs/api.md, "Temporary schedules": the table of its worked example."""
    await schedule(api)
    made_ = await temporary(api, shift("bob", "02:00", "10:00"), shift("carol", "12:00", "23:00"))
    await made(api, "/api/v1/overrides", {"schedule_id": "s", "user": "dave", "replaces": "carol",
                                          **_span("15:00", "16:00")})
    assert made_["shifts"][0]["start"] == "2024-03-04T02:00:00Z"  # kept as given
    assert await shifts(api) == [
        ("alice", "00:00", "06:00", "layer"), ("bob", "06:00", "10:00", "temporary"),
        ("carol", "12:00", "15:00", "temporary"), ("dave", "15:00", "16:00", "override"),
        ("carol", "16:00", "18:00", "temporary"), ("alice", "18:00", "00:00", "layer"),
    ]


async def test_the_policy_preview_pages_whom_the_temporary_schedule_names(api):
    """The escalation engine and its dry run look the schedule up at the step's instant as every view does."""
    await schedule(api)
    await made(api, "/api/v1/users", {"id": "bob", "contacts": [{"channel": "log", "address": "bob@example.com"}]})
    step = {"delay_minutes": 60, "targets": [{"type": "schedule", "id": "s"}]}
    await made(api, "/api/v1/policies", {"id": "p", "name": "P", "steps": [step]})
    await temporary(api, shift("bob", "06:00", "12:00"))
    await made(api, "/api/v1/overrides", {"schedule_id": "s", "user": None, "replaces": "bob",
                                          **_span("11:00", "12:00")})
    for at, expected in (("07:00", "bob"), ("11:30", None), ("13:00", None), ("19:00", "alice")):
        status, body = await api.get(f"/api/v1/policies/p/preview?at=2024-03-04T{at}:00Z")
        assert status == 200 and body["items"][0]["user"] == expected, (at, body["items"][0])


async def test_the_calendar_feed_says_where_each_shift_comes_from(api, app):
    await schedule(api)
    made_ = await temporary(api, shift("bob", "06:00", "12:00"))
    swap = await made(api, "/api/v1/overrides", {"schedule_id": "s", "user": "dave", "replaces": "alice",
                                                 **_span("20:00", "21:00")})
    client = app.test_client()
    response = await client.get(f"/api/v1/schedules/s/shifts.ics?since={DAY['since']}&until={DAY['until']}",
                                headers=AUTH)
    text = (await response.get_data(as_text=True)).replace("\r\n ", "")
    assert response.status_code == 200
    assert f"bob is on call for schedule s (temporary schedule {made_['id']})" in text
    assert f"dave is on call for schedule s (override {swap['id']}\\, replacing alice)" in text
