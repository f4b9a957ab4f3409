"""Overrides through the HTTP API."""

from __future__ import annotations

SCHEDULE = {
    "id": "sre", "name": "SRE", "timezone": "America/Chicago",
    "layers": [{"name": "base", "users": ["alice", "bob"], "rotation": {"unit": "week"}, "start": "2024-01-01T09:00:00"}],
}


async def _override(api, user, start, end, schedule_id="sre"):
    return await api.post("/api/v1/overrides", {"schedule_id": schedule_id, "user": user, "start": start, "end": end})


async def test_override_beats_layers(api):
    await api.post("/api/v1/schedules", SCHEDULE)
    status, body = await _override(api, "dave", "2024-01-03T00:00:00", "2024-01-04T00:00:00")
    assert status == 201
    assert body["start"] == "2024-01-03T06:00:00Z" and body["end"] == "2024-01-04T06:00:00Z"
    assert body["schedule_id"] == "sre" and body["user"] == "dave" and body["id"] and body["created_at"]
    _, now = await api.get("/api/v1/schedules/sre/oncall?at=2024-01-03T12:00:00Z")
    assert now == {"schedule_id": "sre", "at": "2024-01-03T12:00:00Z", "user": "dave",
                   "start": "2024-01-03T06:00:00Z", "end": "2024-01-04T06:00:00Z",
                   "source": {"type": "override", "id": body["id"], "replaces": None}}
    _, after = await api.get("/api/v1/schedules/sre/oncall?at=2024-01-04T12:00:00Z")
    assert after["user"] == "alice" and after["start"] == "2024-01-04T06:00:00Z"


async def test_newest_override_wins(api):
    await api.post("/api/v1/schedules", SCHEDULE)
    _, old = await _override(api, "dave", "2024-01-03T00:00:00Z", "2024-01-03T12:00:00Z")
    _, new = await _override(api, "erin", "2024-01-03T06:00:00Z", "2024-01-03T08:00:00Z")
    _, shifts = await api.get("/api/v1/schedules/sre/shifts?since=2024-01-03T00:00:00Z&until=2024-01-03T12:00:00Z")
    assert [(s["user"], s["start"], s["end"], s["source"]["id"]) for s in shifts["items"]] == [
        ("dave", "2024-01-03T00:00:00Z", "2024-01-03T06:00:00Z", old["id"]),
        ("erin", "2024-01-03T06:00:00Z", "2024-01-03T08:00:00Z", new["id"]),
        ("dave", "2024-01-03T08:00:00Z", "2024-01-03T12:00:00Z", old["id"]),
    ]


async def test_old_override_far_back_still_bounds_oncall(api):
    await api.post("/api/v1/schedules", {"id": "solo", "name": "solo", "layers": [
        {"users": ["alice"], "rotation": {"unit": "day"}, "start": "2020-01-01T00:00:00Z"}]})
    await _override(api, "bob", "2021-01-01T00:00:00Z", "2021-01-02T00:00:00Z", "solo")
    _, body = await api.get("/api/v1/schedules/solo/oncall?at=2024-06-01T00:00:00Z")
    assert body["user"] == "alice" and body["start"] == "2021-01-02T00:00:00Z" and body["end"] is None


async def test_list_filters_and_pagination(api):
    await api.post("/api/v1/schedules", SCHEDULE)
    await api.post("/api/v1/schedules", {"id": "other", "name": "other"})
    ids = []
    for day in range(1, 6):
        _, body = await _override(api, "dave", f"2024-02-0{day}T00:00:00Z", f"2024-02-0{day}T12:00:00Z")
        ids.append(body["id"])
    await _override(api, "erin", "2024-02-02T00:00:00Z", "2024-02-03T00:00:00Z", "other")
    _, page1 = await api.get("/api/v1/overrides?schedule_id=sre&limit=2")
    _, page2 = await api.get(f"/api/v1/overrides?schedule_id=sre&limit=2&cursor={page1['next_cursor']}")
    _, page3 = await api.get(f"/api/v1/overrides?schedule_id=sre&limit=2&cursor={page2['next_cursor']}")
    assert [o["id"] for o in page1["items"] + page2["items"] + page3["items"]] == ids
    assert page3["next_cursor"] is None
    _, window = await api.get("/api/v1/overrides?since=2024-02-02T06:00:00Z&until=2024-02-04T00:00:00Z")
    assert [o["start"] for o in window["items"]] == [
        "2024-02-02T00:00:00Z", "2024-02-02T00:00:00Z", "2024-02-03T00:00:00Z"]
    status, _ = await api.get("/api/v1/overrides?schedule_id=missing")
    assert status == 404
    status, _ = await api.get("/api/v1/overrides?since=2024-02-02T06:00:00")
    assert status == 400  # no schedule to read a wall-clock time in
    status, _ = await api.get("/api/v1/overrides?cursor=!!!")
    assert status == 400


async def test_bad_overrides(api):
    await api.post("/api/v1/schedules", SCHEDULE)
    status, body = await _override(api, "dave", "2024-01-03T00:00:00Z", "2024-01-03T00:00:00Z")
    assert status == 422 and body["error"]["details"][0]["field"] == "end"
    status, body = await _override(api, "dave", "2024-01-03T00:00:00Z", "2024-01-02T00:00:00Z")
    assert status == 422
    status, body = await _override(api, "dave", "2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z", "missing")
    assert status == 404
    status, body = await _override(api, "has space", "2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z")
    assert status == 422 and body["error"]["details"][0]["field"] == "user"
    status, body = await api.post("/api/v1/overrides", {"schedule_id": "sre", "user": "dave"})
    assert status == 422
    _, listing = await api.get("/api/v1/overrides")
    assert listing["items"] == []


async def test_delete_override(api):
    await api.post("/api/v1/schedules", SCHEDULE)
    _, body = await _override(api, "dave", "2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z")
    assert (await api.delete(f"/api/v1/overrides/{body['id']}"))[0] == 204
    status, again = await api.delete(f"/api/v1/overrides/{body['id']}")
    assert status == 404 and again["error"]["code"] == "not_found"
    _, now = await api.get("/api/v1/schedules/sre/oncall?at=2024-01-03T12:00:00Z")
    assert now["user"] == "alice"


async def test_deleting_schedule_removes_its_overrides(api):
    await api.post("/api/v1/schedules", SCHEDULE)
    await _override(api, "dave", "2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z")
    assert (await api.delete("/api/v1/schedules/sre"))[0] == 204
    _, listing = await api.get("/api/v1/overrides")
    assert listing["items"] == []
