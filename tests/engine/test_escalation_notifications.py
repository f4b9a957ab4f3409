"""An escalation's notifications are read in pages: the escalation carries its first 100 with a cursor to the others,
which GET /api/v1/escalations/{id}/notifications pages through (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

USERS, CONTACTS = 3, 50  # 150 messages a step


async def crowded(api, engine) -> tuple[str, list[tuple]]:
    """An escalation whose policy's one step, repeated once, pages 3 users of 50 contacts each: 300 messages, all
    written. Its id, and the messages' (loop, step, target) in the order they must come."""
    for u in range(USERS):
        contacts = [{"channel": "pager", "address": f"u{u}-{c}"} for c in range(CONTACTS)]
        assert (await api.post("/api/v1/users", {"id": f"u{u}", "contacts": contacts}))[0] == 201
    steps = [{"delay_minutes": 5, "targets": [{"type": "user", "id": f"u{u}"} for u in range(USERS)]}]
    assert (await api.post("/api/v1/policies", {"id": "crowd", "name": "Crowd", "repeat": 1, "steps": steps}))[0] == 201
    status, body = await api.post("/api/v1/escalations", {"policy_id": "crowd", "summary": "everyone"})
    assert status == 201
    t0 = datetime.fromisoformat(body["created_at"])
    await engine.escalate(t0)
    await engine.escalate(t0 + timedelta(minutes=5))
    order = [(loop, 0, f"u{u}") for loop in (0, 1) for u in range(USERS) for _ in range(CONTACTS)]
    return body["id"], order


async def test_an_escalation_carries_its_first_100_notifications_and_a_cursor_to_the_others(api, engine):
    escalation, order = await crowded(api, engine)
    status, body = await api.get(f"/api/v1/escalations/{escalation}")
    assert status == 200 and body["steps_notified"] == 2
    assert [(n["loop"], n["step"], n["target"]["id"]) for n in body["notifications"]] == order[:100]
    cursor = body["notifications_next_cursor"]
    status, rest = await api.get(f"/api/v1/escalations/{escalation}/notifications?cursor={cursor}&limit=1000")
    assert status == 200 and rest["next_cursor"] is None
    ids = [n["id"] for n in body["notifications"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 300
    assert len(rest["items"]) == 200 and rest["items"][0]["loop"] == 0 and rest["items"][-1]["loop"] == 1

    status, first = await api.get(f"/api/v1/escalations/{escalation}/notifications")  # limit 100 by default
    assert status == 200 and first["items"] == body["notifications"] and first["next_cursor"] == cursor


async def test_pages_of_any_size_walk_every_notification_once_in_order(api, engine):
    escalation, order = await crowded(api, engine)
    seen, cursor = [], None
    while True:
        query = "?limit=7" + (f"&cursor={cursor}" if cursor else "")
        status, page = await api.get(f"/api/v1/escalations/{escalation}/notifications{query}")
        assert status == 200 and len(page["items"]) <= 7
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [(n["loop"], n["step"], n["target"]["id"]) for n in seen] == order
    assert len({n["id"] for n in seen}) == 300


async def test_a_quiet_escalation_has_no_cursor_and_the_route_refuses_what_it_cannot_read(api, engine):
    assert (await api.post("/api/v1/users", {"id": "alice", "contacts": [{"channel": "pager", "address": "a"}]}))[0] \
        == 201
    steps = [{"delay_minutes": 5, "targets": [{"type": "user", "id": "alice"}]}]
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "steps": steps}))[0] == 201
    status, body = await api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "disk"})
    assert status == 201 and body["notifications"] == [] and body["notifications_next_cursor"] is None
    await engine.escalate(datetime.fromisoformat(body["created_at"]))
    status, body = await api.get(f"/api/v1/escalations/{body['id']}")
    assert len(body["notifications"]) == 1 and body["notifications_next_cursor"] is None
    route = f"/api/v1/escalations/{body['id']}/notifications"
    assert (await api.get(route))[1] == {"items": body["notifications"], "next_cursor": None}

    assert (await api.get(f"/api/v1/escalations/{'0' * 24}/notifications"))[0] == 404
    too_far = base64.urlsafe_b64encode(b"0\n0\n0\n2147483648").decode().rstrip("=")  # past an INT column
    for query in ("limit=0", "limit=1001", "limit=x", "cursor=***", "cursor=MTIz", f"cursor={too_far}"):
        status, error = await api.get(f"{route}?{query}")
        assert status == 400, (query, error)
