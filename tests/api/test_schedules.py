"""Schedules, `oncall` and `shifts` through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

SEED = {
    "id": "my-schedule",
    "name": "Primary SRE",
    "timezone": "America/New_York",
    "description": "",
    "layers": [
        {
            "name": "weekly",
            "users": ["alice", "bob", "carol"],
            "rotation": {"unit": "week", "length": 1},
            "start": "2024-03-08T09:00:00",
            "end": None,
            "restrictions": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}],
        }
    ],
}


async def test_contract_example(api):
    status, body = await api.post("/api/v1/schedules", SEED)
    assert status == 201, body
    assert body["id"] == "my-schedule" and body["layers"][0]["start"] == "2024-03-08T09:00:00"
    assert set(body["oncall"]) >= {"at", "user", "start", "end", "source"}
    status, body = await api.get("/api/v1/schedules/my-schedule/oncall?at=2024-03-18T14:00:00Z")
    assert status == 200
    assert body == {
        "schedule_id": "my-schedule", "at": "2024-03-18T14:00:00Z", "user": "bob",
        "start": "2024-03-18T13:00:00Z", "end": "2024-03-18T21:00:00Z",
        "source": {"type": "layer", "layer": "weekly"},
    }


async def test_oncall_gap_and_wallclock_query(api):
    await api.post("/api/v1/schedules", SEED)
    # Saturday: a gap between Friday 17:00 EDT and Monday 09:00 EDT.
    status, body = await api.get("/api/v1/schedules/my-schedule/oncall?at=2024-03-16T12:00:00")
    assert status == 200
    assert body["user"] is None and body["source"] is None
    assert (body["start"], body["end"]) == ("2024-03-15T21:00:00Z", "2024-03-18T13:00:00Z")
    assert body["at"] == "2024-03-16T16:00:00Z"  # naive = New York wall clock
    status, body = await api.get("/api/v1/schedules/my-schedule/oncall?at=2020-01-01T00:00:00Z")
    assert body["user"] is None and body["start"] is None and body["end"] == "2024-03-08T14:00:00Z"


async def test_oncall_at_with_offsets(api):
    await api.post("/api/v1/schedules", SEED)
    for at in ("2024-03-18T10:00:00-04:00", "2024-03-18T19:30:00%2B05:30", "2024-03-18T19:30:00+05:30"):
        status, body = await api.get(f"/api/v1/schedules/my-schedule/oncall?at={at}")
        assert status == 200 and body["at"] == "2024-03-18T14:00:00Z", (at, body)
        assert body["user"] == "bob"


async def test_oncall_bad_at_is_400(api):
    await api.post("/api/v1/schedules", SEED)
    for bad in ("yesterday", "2024-13-01T00:00:00Z", "2024-03-18", "99999-01-01T00:00:00Z"):
        status, body = await api.get(f"/api/v1/schedules/my-schedule/oncall?at={bad}")
        assert status == 400, bad
        assert body["error"]["code"] == "bad_request"


async def test_oncall_unknown_schedule_404(api):
    status, body = await api.get("/api/v1/schedules/nope/oncall")
    assert status == 404 and body["error"]["code"] == "not_found"


async def test_single_user_layer_never_ends(api):
    body = {"name": "Solo", "layers": [{"users": ["alice"], "rotation": {"unit": "day"}, "start": "2024-01-01T00:00:00Z"}]}
    status, created = await api.post("/api/v1/schedules", body)
    assert status == 201 and created["id"] == "solo" and created["layers"][0]["name"] == "layer-1"
    status, body = await api.get("/api/v1/schedules/solo/oncall?at=2054-06-01T00:00:00Z")
    assert body["user"] == "alice" and body["start"] == "2024-01-01T00:00:00Z" and body["end"] is None


async def test_shifts_clipped_and_in_order(api):
    await api.post("/api/v1/schedules", SEED)
    status, body = await api.get(
        "/api/v1/schedules/my-schedule/shifts?since=2024-03-18T00:00:00Z&until=2024-03-19T15:00:00Z"
    )
    assert status == 200
    assert body == {"items": [
        {"user": "bob", "start": "2024-03-18T13:00:00Z", "end": "2024-03-18T21:00:00Z",
         "source": {"type": "layer", "layer": "weekly"}},
        {"user": "bob", "start": "2024-03-19T13:00:00Z", "end": "2024-03-19T15:00:00Z",
         "source": {"type": "layer", "layer": "weekly"}},
    ]}


async def test_shifts_range_limits(api):
    await api.post("/api/v1/schedules", SEED)
    base = "/api/v1/schedules/my-schedule/shifts"
    status, _ = await api.get(f"{base}?since=2024-01-01T00:00:00Z&until=2025-03-01T00:00:00Z")
    assert status == 400
    status, _ = await api.get(f"{base}?since=2024-03-02T00:00:00Z&until=2024-03-01T00:00:00Z")
    assert status == 400
    status, body = await api.get(f"{base}?since=2024-01-01T00:00:00Z&until=2025-02-04T00:00:00Z")
    assert status == 200 and len(body["items"]) > 100
    status, body = await api.get(f"{base}?since=2024-03-18T13:00:00Z&until=2024-03-18T13:00:00Z")
    assert status == 200 and body == {"items": []}


async def test_later_layer_beats_earlier(api):
    schedule = {
        "id": "two", "name": "Two layers", "timezone": "UTC",
        "layers": [
            {"name": "base", "users": ["alice"], "rotation": {"unit": "week"}, "start": "2024-01-01T00:00:00Z"},
            {"name": "nights", "users": ["bob", "carol"], "rotation": {"unit": "day"}, "start": "2024-01-01T00:00:00Z",
             "restrictions": [{"start": "22:00", "end": "06:00"}]},
        ],
    }
    assert (await api.post("/api/v1/schedules", schedule))[0] == 201
    _, body = await api.get("/api/v1/schedules/two/oncall?at=2024-01-02T03:00:00Z")
    # The window 22:00 Jan 1 - 06:00 Jan 2 belongs to Jan 1: shift 0 (bob) ran until Jan 2 00:00, then carol.
    assert body["user"] == "carol" and body["start"] == "2024-01-02T00:00:00Z" and body["end"] == "2024-01-02T06:00:00Z"
    _, body = await api.get("/api/v1/schedules/two/oncall?at=2024-01-02T12:00:00Z")
    assert body["user"] == "alice" and body["source"] == {"type": "layer", "layer": "base"}
    assert (body["start"], body["end"]) == ("2024-01-02T06:00:00Z", "2024-01-02T22:00:00Z")


async def test_crud_and_list_pagination(api):
    for i in range(5):
        status, _ = await api.post("/api/v1/schedules", {"name": f"Team {i}"})
        assert status == 201
    status, page1 = await api.get("/api/v1/schedules?limit=2")
    assert status == 200 and [s["id"] for s in page1["items"]] == ["team-0", "team-1"]
    _, page2 = await api.get(f"/api/v1/schedules?limit=2&cursor={page1['next_cursor']}")
    _, page3 = await api.get(f"/api/v1/schedules?limit=2&cursor={page2['next_cursor']}")
    assert [s["id"] for s in page2["items"] + page3["items"]] == ["team-2", "team-3", "team-4"]
    assert page3["next_cursor"] is None
    status, body = await api.patch("/api/v1/schedules/team-0", {"name": "Renamed", "timezone": "Europe/London"})
    assert status == 200 and body["name"] == "Renamed" and body["timezone"] == "Europe/London"
    status, _ = await api.delete("/api/v1/schedules/team-0")
    assert status == 204
    status, _ = await api.delete("/api/v1/schedules/team-0")
    assert status == 404
    status, _ = await api.get("/api/v1/schedules/team-0")
    assert status == 404


async def test_derived_ids_and_conflicts(api):
    status, first = await api.post("/api/v1/schedules", {"name": "Équipe Nuit!"})
    assert status == 201 and first["id"] == "equipe-nuit"
    status, second = await api.post("/api/v1/schedules", {"name": "Équipe Nuit!"})
    assert status == 201 and second["id"] == "equipe-nuit-2"
    status, body = await api.post("/api/v1/schedules", {"id": "equipe-nuit", "name": "x"})
    assert status == 409 and body["error"]["code"] == "conflict"
    status, body = await api.post("/api/v1/schedules", {"name": "!!!"})
    assert status == 422 and body["error"]["details"][0]["field"] == "id"


async def test_patch_layers_replaces_them(api):
    await api.post("/api/v1/schedules", SEED)
    layer = {"name": "daily", "users": ["dave"], "rotation": {"unit": "day"}, "start": "2024-03-01T00:00:00"}
    status, body = await api.patch("/api/v1/schedules/my-schedule", {"layers": [layer]})
    assert status == 200 and [l["name"] for l in body["layers"]] == ["daily"]
    _, body = await api.get("/api/v1/schedules/my-schedule/oncall?at=2024-03-16T12:00:00Z")
    assert body["user"] == "dave"


async def test_timezone_change_moves_wallclock_layers(api):
    body = {"id": "tz", "name": "tz", "timezone": "UTC",
            "layers": [{"users": ["a", "b"], "rotation": {"unit": "day"}, "start": "2024-01-01T09:00:00"}]}
    await api.post("/api/v1/schedules", body)
    _, before = await api.get("/api/v1/schedules/tz/oncall?at=2024-01-01T12:00:00Z")
    assert before["start"] == "2024-01-01T09:00:00Z"
    await api.patch("/api/v1/schedules/tz", {"timezone": "Asia/Kolkata"})
    _, after = await api.get("/api/v1/schedules/tz/oncall?at=2024-01-01T12:00:00Z")
    assert after["start"] == "2024-01-01T03:30:00Z"


async def test_invalid_schedules_are_422_and_change_nothing(api):
    layer = {"users": ["a"], "rotation": {"unit": "week"}, "start": "2024-01-01T00:00:00Z"}
    cases = [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "x", "description": "d" * 2001}, "description"),
        ({"name": "x", "id": "Bad Id"}, "id"),
        ({"name": "x", "id": "a" * 65}, "id"),
        ({"name": "x", "timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "x", "layers": [{**layer, "users": []}]}, "layers[0].users"),
        ({"name": "x", "layers": [{**layer, "users": ["has space"]}]}, "layers[0].users[0]"),
        ({"name": "x", "layers": [{**layer, "rotation": {"unit": "fortnight"}}]}, "layers[0].rotation.unit"),
        ({"name": "x", "layers": [{**layer, "rotation": {"unit": "day", "length": 0}}]}, "layers[0].rotation.length"),
        ({"name": "x", "layers": [{**layer, "start": "soon"}]}, "layers[0].start"),
        ({"name": "x", "layers": [{**layer, "end": "2023-01-01T00:00:00Z"}]}, "layers[0].end"),
        ({"name": "x", "layers": [{**layer, "restrictions": [{"start": "25:00", "end": "01:00"}]}]},
         "layers[0].restrictions[0].start"),
        ({"name": "x", "layers": [{**layer, "restrictions": [{"days": ["funday"], "start": "01:00", "end": "02:00"}]}]},
         "layers[0].restrictions[0].days[0]"),
        ({"name": "x", "layers": [{**layer, "name": "a"}, {**layer, "name": "a"}]}, "body"),
        ({"name": "x", "layers": [{**layer, "start": "1800-01-01T00:00:00Z"}]}, "layers[0].start"),
    ]
    for body, field in cases:
        status, answer = await api.post("/api/v1/schedules", body)
        assert status == 422, (body, answer)
        assert answer["error"]["code"] == "validation_error"
        assert answer["error"]["details"][0]["field"] == field, answer
    _, listing = await api.get("/api/v1/schedules")
    assert listing["items"] == []


async def test_malformed_json_is_400(api):
    status, body = await api.call("POST", "/api/v1/schedules", data="{not json",
                                  headers={"Content-Type": "application/json"})
    assert status == 400 and body["error"]["code"] == "bad_request"
    status, body = await api.call("POST", "/api/v1/schedules", data='["a list"]')
    assert status == 422


async def test_body_without_json_content_type_is_read(api):
    status, body = await api.call("POST", "/api/v1/schedules", data='{"name": "Curl Team"}',
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 201 and body["id"] == "curl-team"


async def test_a_recreated_schedule_is_not_answered_from_the_old_one(api):
    await api.post("/api/v1/schedules", SEED)
    _, before = await api.get("/api/v1/schedules/my-schedule/oncall?at=2024-03-18T14:00:00Z")
    assert before["user"] == "bob"
    assert (await api.delete("/api/v1/schedules/my-schedule"))[0] == 204
    status, _ = await api.get("/api/v1/schedules/my-schedule/oncall?at=2024-03-18T14:00:00Z")
    assert status == 404
    layer = {**SEED["layers"][0], "users": ["zoe"]}
    assert (await api.post("/api/v1/schedules", {**SEED, "layers": [layer]}))[0] == 201
    _, after = await api.get("/api/v1/schedules/my-schedule/oncall?at=2024-03-18T14:00:00Z")
    assert after["user"] == "zoe"
