"""GET /api/v1/policies/{id}/preview: the dry run's answer, its defaults and its refusals (SQLite and PostgreSQL).
That it agrees with the engine is tests/engine/test_preview_agreement.py."""

from __future__ import annotations

from datetime import UTC, datetime

AT = "2026-03-08T06:30:00Z"  # 01:30 EST: New York springs forward half an hour later


async def created(api, path, body):
    status, made = await api.post(path, body)
    assert status == 201, made


async def setup(api, repeat=1):
    await created(api, "/api/v1/users", {"id": "ann", "contacts": [{"channel": "log", "address": "a1"},
                                                                   {"channel": "pigeon", "address": "a2"}]})
    await created(api, "/api/v1/users", {"id": "bob"})
    # ann on call from 02:00 New York time, which does not exist that day: from 03:00 EDT (07:00Z)
    layer = {"users": ["ann"], "rotation": {"unit": "day"}, "start": "2026-03-08T02:00:00"}
    await created(api, "/api/v1/schedules", {"id": "ny", "name": "NY", "timezone": "America/New_York", "layers": [layer]})
    steps = [{"delay_minutes": 30, "targets": [{"type": "schedule", "id": "ny"}, {"type": "channel", "id": "log"}]},
             {"delay_minutes": 0.5, "targets": [{"type": "user", "id": "bob"}]}]
    await created(api, "/api/v1/policies", {"id": "sre", "name": "SRE", "repeat": repeat, "steps": steps})


def item(loop, step, due_at, target, user=None, channel=None, address=None, reason=None, rule=None):
    kind, ident = target.split(":")
    return {"loop": loop, "step": step, "due_at": due_at, "target": {"type": kind, "id": ident}, "user": user,
            "channel": channel, "rule": rule, "address": address, "status": "undeliverable" if reason else "would_send",
            "reason": reason}


async def test_every_message_through_the_last_repeat_in_due_order(api):
    await setup(api)
    status, body = await api.get(f"/api/v1/policies/sre/preview?at={AT}")
    assert status == 200 and body["policy_id"] == "sre" and body["at"] == AT
    no_contacts = "user 'bob' has no contact methods"
    pigeon = "notifier 'carrier-pigeon' is not installed"
    assert body["items"] == [
        item(0, 0, "2026-03-08T06:30:00Z", "schedule:ny", reason="nobody on call"),
        item(0, 0, "2026-03-08T06:30:00Z", "channel:log", channel="log"),
        item(0, 1, "2026-03-08T07:00:00Z", "user:bob", user="bob", reason=no_contacts),
        item(1, 0, "2026-03-08T07:00:30Z", "schedule:ny", user="ann", channel="log", address="a1"),
        item(1, 0, "2026-03-08T07:00:30Z", "schedule:ny", user="ann", channel="pigeon", address="a2", reason=pigeon),
        item(1, 0, "2026-03-08T07:00:30Z", "channel:log", channel="log"),
        item(1, 1, "2026-03-08T07:30:30Z", "user:bob", user="bob", reason=no_contacts),
    ]


async def test_at_needs_an_offset_and_absent_is_now(api):
    """A policy has no time zone to read a wall-clock time in."""
    await setup(api, repeat=0)
    status, body = await api.get("/api/v1/policies/sre/preview?at=2026-03-08T06:30:00")
    assert status == 400 and body["error"]["details"][0]["field"] == "at"
    assert await api.get("/api/v1/policies/sre/preview?at=2026-03-08T06:30:00z") == await api.get(
        f"/api/v1/policies/sre/preview?at={AT}")
    before = datetime.now(UTC)
    status, body = await api.get("/api/v1/policies/sre/preview")
    assert status == 200 and before <= datetime.fromisoformat(body["at"]) <= datetime.now(UTC)
    assert body["items"][0]["due_at"] == body["at"]


async def test_unknown_policies_and_bad_instants_are_refused(api):
    await setup(api)
    status, body = await api.get("/api/v1/policies/nope/preview")
    assert status == 404 and body["error"]["code"] == "not_found"
    for bad in ("yesterday", "2026-13-01T00:00:00Z", "0999-01-01T00:00:00Z"):
        status, body = await api.get(f"/api/v1/policies/sre/preview?at={bad}")
        assert status == 400, (bad, body)
    status, body = await api.get("/api/v1/policies/sre/preview?at=8999-12-31T22:00:00Z")
    assert status == 200 and body["items"][-1]["due_at"] == "8999-12-31T23:00:30Z"
    status, body = await api.get("/api/v1/policies/sre/preview?at=8999-12-31T23:00:00Z")
    assert status == 422 and body["error"]["details"] == [
        {"field": "at", "message": "an escalation triggered then would run past the year 8999"}]


async def test_a_preview_over_the_limit_is_refused_before_any_lookup(api):
    """21 loops of 10 steps naming a user who has had 50 contacts since the policy was saved: at least 10,500
    messages, counted from the contacts alone, as a trigger counts them (no schedule is looked up)."""
    await setup(api)
    await created(api, "/api/v1/users", {"id": "many", "contacts": [{"channel": "log", "address": "c0"}]})
    steps = [{"delay_minutes": 1, "targets": [{"type": "user", "id": "many"}, {"type": "schedule", "id": "ny"}]}] * 10
    await created(api, "/api/v1/policies", {"id": "big", "name": "Big", "repeat": 20, "steps": steps})
    contacts = [{"channel": "log", "address": f"c{i}"} for i in range(50)]
    assert (await api.patch("/api/v1/users/many", {"contacts": contacts}))[0] == 200
    status, body = await api.get(f"/api/v1/policies/big/preview?at={AT}")
    assert status == 422 and body["error"]["details"][0]["field"] == "policy_id"
    assert "at least 10,710 messages" in body["error"]["message"] and "limit of 10,000" in body["error"]["message"]


async def test_a_preview_that_on_call_contacts_push_over_the_limit_is_refused(api):
    """210 schedule targets, whose on-call user has 50 contacts: 10,500 messages. Saved (a schedule target counts
    one until its step is due), refused by the preview once its expansion passes 10,000."""
    contacts = [{"channel": "log", "address": f"c{i}"} for i in range(50)]
    await created(api, "/api/v1/users", {"id": "many", "contacts": contacts})
    layer = {"users": ["many"], "rotation": {"unit": "week"}, "start": "2026-01-01T00:00:00Z"}
    await created(api, "/api/v1/schedules", {"id": "wide", "name": "Wide", "layers": [layer]})
    steps = [{"delay_minutes": 1, "targets": [{"type": "schedule", "id": "wide"}]}] * 10
    await created(api, "/api/v1/policies", {"id": "wide", "name": "Wide", "repeat": 20, "steps": steps})
    status, body = await api.get(f"/api/v1/policies/wide/preview?at={AT}")
    assert status == 422 and "more than 10,000 messages" in body["error"]["message"]
    await api.patch("/api/v1/policies/wide", {"repeat": 18})  # 19 x 10 x 50 = 9,500
    status, body = await api.get(f"/api/v1/policies/wide/preview?at={AT}")
    assert status == 200 and len(body["items"]) == 9_500
