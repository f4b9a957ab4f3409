"""The schedule cache keeps only recent overrides; answers about the past load the older ones they need."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nself_oncall.store.cache import HISTORY_KEPT

ALWAYS_ALICE = {
    "id": "steady",
    "name": "Steady",
    "layers": [{"users": ["alice"], "rotation": {"unit": "week"}, "start": "2020-01-01T00:00:00Z"}],
}


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


async def _override(api, user: str, start: datetime, end: datetime) -> str:
    body = {"schedule_id": "steady", "user": user, "start": _iso(start), "end": _iso(end)}
    status, answer = await api.post("/api/v1/overrides", body)
    assert status == 201, answer
    return answer["id"]


async def test_an_interval_reaching_back_past_the_cached_overrides_is_exact(api, app):
    assert (await api.post("/api/v1/schedules", ALWAYS_ALICE))[0] == 201
    now = datetime.now(UTC).replace(microsecond=0)
    long_ago = now - timedelta(days=700)
    old = [await _override(api, "bob", long_ago + timedelta(days=i), long_ago + timedelta(days=i, hours=1))
           for i in range(3)]
    recent = await _override(api, "carol", now + timedelta(days=2), now + timedelta(days=3))

    status, body = await api.get("/api/v1/schedules/steady/oncall")
    assert status == 200
    assert body["user"] == "alice" and body["start"] == _iso(long_ago + timedelta(days=2, hours=1))
    assert body["end"] == _iso(now + timedelta(days=2))

    loaded = app.app.extensions["schedule_cache"]._entries["steady"]
    assert [o.id for o in loaded.pure.overrides] == [recent]
    assert loaded.history_end == long_ago + timedelta(days=2, hours=1)

    status, body = await api.get("/api/v1/schedules/steady/oncall", query_string={"at": _iso(long_ago + timedelta(days=1))})
    assert body["user"] == "bob" and body["source"] == {"type": "override", "id": old[1], "replaces": None}
    assert body["start"] == _iso(long_ago + timedelta(days=1))


async def test_a_gap_before_everything_is_exact_with_history(api):
    schedule = {**ALWAYS_ALICE, "layers": [{**ALWAYS_ALICE["layers"][0], "start": "2030-01-01T00:00:00Z"}]}
    assert (await api.post("/api/v1/schedules", schedule))[0] == 201
    past = datetime(2021, 6, 1, tzinfo=UTC)
    await _override(api, "bob", past, past + timedelta(hours=2))
    status, body = await api.get("/api/v1/schedules/steady/oncall", query_string={"at": "2025-01-01T00:00:00Z"})
    assert body["user"] is None and body["start"] == _iso(past + timedelta(hours=2))
    assert body["end"] == "2030-01-01T00:00:00Z"
    status, body = await api.get("/api/v1/schedules/steady/oncall", query_string={"at": "2021-01-01T00:00:00Z"})
    assert body["user"] is None and body["start"] is None and body["end"] == _iso(past)


async def test_shifts_in_the_past_include_old_overrides(api):
    assert (await api.post("/api/v1/schedules", ALWAYS_ALICE))[0] == 201
    past = datetime.now(UTC).replace(microsecond=0) - HISTORY_KEPT * 3
    old = await _override(api, "bob", past, past + timedelta(hours=1))
    query = {"since": _iso(past - timedelta(hours=1)), "until": _iso(past + timedelta(hours=2))}
    status, body = await api.get("/api/v1/schedules/steady/shifts", query_string=query)
    assert status == 200
    assert [(s["user"], s["source"]) for s in body["items"]] == [
        ("alice", {"type": "layer", "layer": "layer-1"}),
        ("bob", {"type": "override", "id": old, "replaces": None}),
        ("alice", {"type": "layer", "layer": "layer-1"}),
    ]
