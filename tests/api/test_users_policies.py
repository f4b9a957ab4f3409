"""Users and escalation policies through the HTTP API."""

from __future__ import annotations

import asyncio

import pytest
from races import finished_or_waiting, held_after

from nself_oncall.store import policies, schedules, users

ALICE = {"id": "alice@example.com", "name": "Alice Doe", "contacts": [{"channel": "ops-email", "address": "alice@example.com"}]}
POLICY = {
    "id": "sre", "name": "SRE escalation", "repeat": 1,
    "steps": [
        {"delay_minutes": 5, "targets": [{"type": "schedule", "id": "primary"}]},
        {"delay_minutes": 10.5, "targets": [{"type": "user", "id": "alice@example.com"}, {"type": "channel", "id": "ops-slack"}]},
    ],
}


async def test_user_crud(api):
    status, body = await api.post("/api/v1/users", ALICE)
    assert status == 201
    assert {k: body[k] for k in ("id", "name", "contacts")} == ALICE
    status, body = await api.get("/api/v1/users/alice@example.com")
    assert status == 200 and body["contacts"] == ALICE["contacts"]
    status, body = await api.post("/api/v1/users", ALICE)
    assert status == 409
    status, body = await api.patch("/api/v1/users/alice@example.com", {"contacts": [{"channel": "log", "address": "-"}]})
    assert status == 200 and body["contacts"] == [{"channel": "log", "address": "-"}] and body["name"] == "Alice Doe"
    status, body = await api.post("/api/v1/users", {"id": "bob"})
    assert status == 201 and body["name"] == "bob" and body["contacts"] == []
    _, listing = await api.get("/api/v1/users?limit=1")
    assert [u["id"] for u in listing["items"]] == ["alice@example.com"] and listing["next_cursor"]
    assert (await api.delete("/api/v1/users/bob"))[0] == 204
    assert (await api.delete("/api/v1/users/bob"))[0] == 404
    assert (await api.get("/api/v1/users/bob"))[0] == 404


async def test_bad_users(api):
    cases = [
        ({"id": "has space"}, "id"),
        ({"id": "a/b"}, "id"),
        ({"id": "x" * 256}, "id"),
        ({"id": "ok", "contacts": [{"channel": "pager", "address": "1"}]}, "contacts[0].channel"),
        ({"id": "ok", "contacts": [{"channel": "log", "address": ""}]}, "contacts[0].address"),
        ({"name": "no id"}, "id"),
    ]
    for body, field in cases:
        status, answer = await api.post("/api/v1/users", body)
        assert status == 422, body
        assert answer["error"]["details"][0]["field"] == field
    assert (await api.get("/api/v1/users"))[1]["items"] == []


async def test_an_id_too_long_to_be_the_name_names_the_user_in_part(api):
    """The name defaults to the id, but an id may be 255 characters and a name 200: found by schemathesis,
    such a user reached the database, which refused it ("the database refused this input")."""
    status, body = await api.post("/api/v1/users", {"id": "v" * 255})
    assert status == 201 and body["id"] == "v" * 255 and body["name"] == "v" * 200
    assert (await api.post("/api/v1/users", {"id": "u" * 255, "name": "U"}))[0] == 201
    status, body = await api.post("/api/v1/users", {"id": "u" * 200})
    assert status == 201 and body["name"] == "u" * 200


async def _setup(api):
    await api.post("/api/v1/schedules", {"id": "primary", "name": "Primary"})
    await api.post("/api/v1/users", ALICE)


async def test_policy_crud(api):
    await _setup(api)
    status, body = await api.post("/api/v1/policies", POLICY)
    assert status == 201, body
    assert {k: body[k] for k in ("id", "name", "repeat", "steps")} == POLICY
    status, body = await api.post("/api/v1/policies", POLICY)
    assert status == 409
    status, body = await api.patch("/api/v1/policies/sre", {"repeat": 0, "steps": [POLICY["steps"][1]]})
    assert status == 200 and body["repeat"] == 0 and body["steps"] == [POLICY["steps"][1]]
    status, body = await api.post("/api/v1/policies", {**POLICY, "id": None, "name": "Database On-Call"})
    assert status == 201 and body["id"] == "database-on-call"
    _, listing = await api.get("/api/v1/policies")
    assert [p["id"] for p in listing["items"]] == ["database-on-call", "sre"]
    assert (await api.delete("/api/v1/policies/sre"))[0] == 204
    assert (await api.delete("/api/v1/policies/sre"))[0] == 404


async def test_policy_targets_must_exist(api):
    await _setup(api)
    cases = [
        ({"type": "schedule", "id": "missing"}, "no schedule"),
        ({"type": "user", "id": "nobody"}, "no user"),
        ({"type": "channel", "id": "pager"}, "plugins.toml"),
    ]
    for target, words in cases:
        body = {**POLICY, "steps": [{"delay_minutes": 5, "targets": [target]}]}
        status, answer = await api.post("/api/v1/policies", body)
        assert status == 422 and words in answer["error"]["message"]
        assert answer["error"]["details"][0]["field"] == "steps[0].targets[0].id"
    assert (await api.get("/api/v1/policies"))[1]["items"] == []


async def test_bad_policies(api):
    await _setup(api)
    step = {"delay_minutes": 5, "targets": [{"type": "user", "id": "alice@example.com"}]}
    cases = [
        ({**POLICY, "steps": []}, "steps"),
        ({**POLICY, "steps": [{**step, "targets": []}]}, "steps[0].targets"),
        ({**POLICY, "steps": [{**step, "delay_minutes": 0}]}, "steps[0].delay_minutes"),
        ({**POLICY, "steps": [{**step, "delay_minutes": -1}]}, "steps[0].delay_minutes"),
        ({**POLICY, "repeat": 21}, "repeat"),
        ({**POLICY, "repeat": -1}, "repeat"),
        ({**POLICY, "steps": [{**step, "targets": [{"type": "team", "id": "x"}]}]}, "steps[0].targets[0].type"),
    ]
    for body, field in cases:
        status, answer = await api.post("/api/v1/policies", body)
        assert status == 422, body
        assert answer["error"]["details"][0]["field"] == field


async def test_targets_in_use_cannot_be_deleted(api):
    await _setup(api)
    await api.post("/api/v1/policies", POLICY)
    status, body = await api.delete("/api/v1/schedules/primary")
    assert status == 409 and "sre" in body["error"]["message"]
    status, body = await api.delete("/api/v1/users/alice@example.com")
    assert status == 409
    await api.delete("/api/v1/policies/sre")
    assert (await api.delete("/api/v1/schedules/primary"))[0] == 204


async def _target(api, kind: str) -> dict:
    """A schedule or a user that nothing targets yet, and a policy body that targets it."""
    if kind == "schedule":
        assert (await api.post("/api/v1/users", {"id": "alice"}))[0] == 201
        body = {"id": "primary", "name": "Primary", "layers": [
            {"users": ["alice"], "rotation": {"unit": "week"}, "start": "2026-01-01T00:00:00Z"}]}
        assert (await api.post("/api/v1/schedules", body))[0] == 201
    else:
        assert (await api.post("/api/v1/users", {"id": "carol"}))[0] == 201
    target = {"type": kind, "id": "primary" if kind == "schedule" else "carol"}
    return {"id": "sre", "name": "SRE", "steps": [{"delay_minutes": 5, "targets": [target]}]}


def _delete_path(kind: str) -> str:
    return "/api/v1/schedules/primary" if kind == "schedule" else "/api/v1/users/carol"


@pytest.mark.parametrize("kind", ["schedule", "user"])
async def test_a_target_deleted_while_a_policy_naming_it_is_saved_is_kept(api, db_url, monkeypatch, kind):
    """The policy has checked its target and not yet committed when the delete comes: the delete waits and then
    finds the target named (409)."""
    body = await _target(api, kind)
    checked, go_on = held_after(monkeypatch, policies, "_check_targets")
    creating = asyncio.create_task(api.post("/api/v1/policies", body))
    await checked.wait()
    deleting = asyncio.create_task(api.delete(_delete_path(kind)))
    await finished_or_waiting(deleting, db_url)
    go_on.set()
    assert (await creating)[0] == 201
    status, refused = await deleting
    assert status == 409 and "policy 'sre'" in refused["error"]["message"], refused
    assert (await api.get(_delete_path(kind)))[0] == 200


@pytest.mark.parametrize("kind", ["schedule", "user"])
async def test_a_policy_naming_a_target_being_deleted_is_refused(api, db_url, monkeypatch, kind):
    """The delete has found its target named by no policy and not yet committed when the policy comes: the policy
    waits and then finds no such target (422)."""
    body = await _target(api, kind)
    checked, go_on = held_after(monkeypatch, schedules if kind == "schedule" else users, "refuse_if_targeted")
    deleting = asyncio.create_task(api.delete(_delete_path(kind)))
    await checked.wait()
    creating = asyncio.create_task(api.post("/api/v1/policies", body))
    await finished_or_waiting(creating, db_url)
    go_on.set()
    assert (await deleting)[0] == 204
    status, refused = await creating
    assert status == 422 and refused["error"]["details"][0]["field"] == "steps[0].targets[0].id", refused
    assert (await api.get("/api/v1/policies/sre"))[0] == 404


async def test_a_policy_over_the_message_limit_is_refused_when_saved(api):
    """The preview's limit, counted before anything is written: every target of every loop makes a message, a user
    one per contact. Refused, nothing changes."""
    contacts = [{"channel": "log", "address": f"c{i}"} for i in range(50)]
    assert (await api.post("/api/v1/users", {"id": "many", "contacts": contacts}))[0] == 201
    assert (await api.post("/api/v1/users", {"id": "one", "contacts": contacts[:1]}))[0] == 201
    wide = [{"delay_minutes": 1, "targets": [{"type": "user", "id": "many"}] * 201}]  # 201 x 50 = 10,050
    status, body = await api.post("/api/v1/policies", {"id": "big", "name": "Big", "steps": wide})
    assert status == 422 and body["error"]["details"] == [{"field": "steps", "message": (
        "an escalation of this policy sends at least 10,050 messages through its last repeat, over the limit of 10,000")}]
    assert (await api.get("/api/v1/policies/big"))[0] == 404
    many_steps = [{"delay_minutes": 1, "targets": [{"type": "channel", "id": "log"}] * 2000}] * 6  # 12,000
    assert (await api.post("/api/v1/policies", {"id": "big", "name": "Big", "steps": many_steps}))[0] == 422

    steps = [{"delay_minutes": 1, "targets": [{"type": "user", "id": "one"}] * 500}] * 2  # 1,000 a loop
    status, saved = await api.post("/api/v1/policies", {"id": "big", "name": "Big", "repeat": 9, "steps": steps})
    assert status == 201, saved  # 10,000: at the limit
    status, body = await api.patch("/api/v1/policies/big", {"repeat": 10})
    assert status == 422 and body["error"]["details"][0]["field"] == "repeat"
    assert "at least 11,000 messages" in body["error"]["message"]
    status, body = await api.patch("/api/v1/policies/big", {"steps": [{**steps[0], "targets": [{"type": "user", "id": "many"}]}] * 21})
    assert status == 422 and body["error"]["details"][0]["field"] == "steps"
    assert await api.get("/api/v1/policies/big") == (200, saved)
