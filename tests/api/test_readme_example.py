"""The README's worked example, as a user would send it."""

from __future__ import annotations

SCHEDULE = {
    "id": "readme", "name": "README example", "timezone": "America/New_York",
    "layers": [
        {"name": "base", "users": ["alice", "bob"], "rotation": {"unit": "week"}, "start": "2024-03-04T09:00:00"},
        {"name": "nights", "users": ["carol"], "rotation": {"unit": "day"}, "start": "2024-03-01T00:00:00",
         "restrictions": [{"start": "22:00", "end": "06:00"}]},
    ],
}


def _local(items):
    return [(i["user"], i["start"], i["end"], i["source"].get("layer") or "override") for i in items]


async def test_readme_tuesday(api):
    assert (await api.post("/api/v1/schedules", SCHEDULE))[0] == 201
    query = "since=2024-03-12T00:00:00&until=2024-03-13T00:00:00"
    _, body = await api.get(f"/api/v1/schedules/readme/shifts?{query}")
    assert _local(body["items"]) == [  # EDT is UTC-4
        ("carol", "2024-03-12T04:00:00Z", "2024-03-12T10:00:00Z", "nights"),
        ("bob", "2024-03-12T10:00:00Z", "2024-03-13T02:00:00Z", "base"),
        ("carol", "2024-03-13T02:00:00Z", "2024-03-13T04:00:00Z", "nights"),
    ]
    override = {"schedule_id": "readme", "user": "dave", "start": "2024-03-12T12:00:00", "end": "2024-03-12T23:00:00"}
    assert (await api.post("/api/v1/overrides", override))[0] == 201
    _, body = await api.get(f"/api/v1/schedules/readme/shifts?{query}")
    assert _local(body["items"]) == [
        ("carol", "2024-03-12T04:00:00Z", "2024-03-12T10:00:00Z", "nights"),
        ("bob", "2024-03-12T10:00:00Z", "2024-03-12T16:00:00Z", "base"),
        ("dave", "2024-03-12T16:00:00Z", "2024-03-13T03:00:00Z", "override"),
        ("carol", "2024-03-13T03:00:00Z", "2024-03-13T04:00:00Z", "nights"),
    ]
