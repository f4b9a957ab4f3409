"""The audit log: every change through the API once, with its actor, in the change's own transaction."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from apiclient import Api, raw_headers, settings_for
from nself_oncall.app import create_app
from nself_oncall.config import NSELF_ACTOR_HEADER, ConfigError, Settings
from nself_oncall.store import audit

AS_ALICE = {"X-Hasura-User-Id": "alice"}
SCHEDULE = {"id": "primary", "name": "Primary", "layers": [
    {"users": ["alice", "bob"], "rotation": {"unit": "week"}, "start": "2024-03-04T09:00:00Z"}]}
POLICY = {"id": "sre", "name": "SRE", "steps": [{"delay_minutes": 5, "targets": [{"type": "schedule", "id": "primary"}]}]}
EMAIL, PHONE = "dana.secret@example.com", "+14155550123"
DANA = {"id": "dana", "name": "Dana", "contacts": [{"channel": "ops-email", "address": EMAIL}]}


@pytest.fixture
def make_app():
    """The app as behind nself's gateway, which sets X-Hasura-User-Id (NSELF_ONCALL_ACTOR_HEADER names it)."""
    return lambda database_url: create_app(dataclasses.replace(settings_for(database_url), actor_header=NSELF_ACTOR_HEADER))


async def _entries(api: Api, query: str = "") -> list[dict]:
    status, body = await api.get(f"/api/v1/audit?limit=1000{query}")
    assert status == 200, body
    assert body["next_cursor"] is None
    return body["items"]


async def _ok(answer, expected: int = 200) -> dict:
    status, body = await answer
    assert status == expected, body
    return body


async def test_every_change_appears_once_with_its_actor(api):
    """Changes with the header name its user; without it, `api`. A repeated acknowledgement and a trigger
    answered by the open escalation with the same dedup_key change nothing: no entry."""
    await _ok(api.post("/api/v1/schedules", SCHEDULE, headers=AS_ALICE), 201)
    await _ok(api.patch("/api/v1/schedules/primary", {"name": "Primary SRE"}))
    await _ok(api.post("/api/v1/users", DANA, headers=AS_ALICE), 201)
    await _ok(api.patch("/api/v1/users/dana", {"name": "Dana S"}))
    await _ok(api.post("/api/v1/policies", POLICY, headers=AS_ALICE), 201)
    await _ok(api.patch("/api/v1/policies/sre", {"repeat": 1}, headers=AS_ALICE))
    override = {"schedule_id": "primary", "user": "bob", "start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}
    override_id = (await _ok(api.post("/api/v1/overrides", override), 201))["id"]
    await _ok(api.delete(f"/api/v1/overrides/{override_id}", headers=AS_ALICE), 204)
    link = await _ok(api.post("/api/v1/calendar-subscriptions", {"schedule_id": "primary", "name": "c"}), 201)
    await _ok(api.delete(f"/api/v1/calendar-subscriptions/{link['id']}", headers=AS_ALICE), 204)
    trigger = {"policy_id": "sre", "summary": "down", "dedup_key": "k"}
    escalation_id = (await _ok(api.post("/api/v1/escalations", trigger), 201))["id"]
    await _ok(api.post("/api/v1/escalations", trigger))  # the open one: 200
    await _ok(api.post(f"/api/v1/escalations/{escalation_id}/acknowledge", headers=AS_ALICE))
    await _ok(api.post(f"/api/v1/escalations/{escalation_id}/acknowledge"))  # again: unchanged
    await _ok(api.post(f"/api/v1/escalations/{escalation_id}/resolve", {"by": "bob"}))
    await _ok(api.delete("/api/v1/policies/sre"), 204)
    await _ok(api.delete("/api/v1/users/dana", headers=AS_ALICE), 204)
    await _ok(api.delete("/api/v1/schedules/primary"), 204)

    entries = await _entries(api)
    assert [(e["resource"], e["resource_id"], e["action"], e["actor"]) for e in reversed(entries)] == [
        ("schedule", "primary", "create", "alice"),
        ("schedule", "primary", "update", "api"),
        ("user", "dana", "create", "alice"),
        ("user", "dana", "update", "api"),
        ("policy", "sre", "create", "alice"),
        ("policy", "sre", "update", "alice"),
        ("override", override_id, "create", "api"),
        ("override", override_id, "delete", "alice"),
        ("calendar_subscription", link["id"], "create", "api"),
        ("calendar_subscription", link["id"], "delete", "alice"),
        ("escalation", escalation_id, "trigger", "api"),
        ("escalation", escalation_id, "acknowledge", "alice"),
        ("escalation", escalation_id, "resolve", "api"),
        ("policy", "sre", "delete", "api"),
        ("user", "dana", "delete", "alice"),
        ("schedule", "primary", "delete", "api"),
    ]
    for entry in entries:
        assert set(entry) == {"id", "at", "actor", "resource", "resource_id", "action", "before", "after"}
        assert (entry["before"] is None) == (entry["action"] in ("create", "trigger"))
        assert (entry["after"] is None) == (entry["action"] == "delete")
        if entry["resource"] == "escalation":  # the API's field names
            assert "steps_notified" in entry["after"] and "steps_done" not in entry["after"]
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)


async def test_an_update_shows_the_resource_before_and_after(api):
    created = await _ok(api.post("/api/v1/schedules", SCHEDULE), 201)
    updated = await _ok(api.patch("/api/v1/schedules/primary", {"name": "Renamed", "timezone": "Europe/Paris"}))
    entry = (await _entries(api, "&resource=schedule"))[0]
    assert entry["action"] == "update"
    assert entry["before"]["name"] == "Primary" and entry["after"]["name"] == "Renamed"
    assert (entry["before"]["timezone"], entry["after"]["timezone"]) == ("UTC", "Europe/Paris")
    assert entry["before"]["updated_at"] == created["updated_at"]
    assert entry["after"]["updated_at"] == updated["updated_at"]
    assert entry["after"]["layers"] == entry["before"]["layers"]
    assert entry["after"]["layers"][0]["users"] == ["alice", "bob"]

    await _ok(api.post("/api/v1/policies", POLICY), 201)
    escalation = await _ok(api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "down"}), 201)
    await _ok(api.post(f"/api/v1/escalations/{escalation['id']}/acknowledge", {"by": "carol"}))
    [ack, trigger] = await _entries(api, "&resource=escalation")
    assert (ack["before"]["status"], ack["after"]["status"]) == ("triggered", "acknowledged")
    assert (ack["before"]["acknowledged_by"], ack["after"]["acknowledged_by"]) == (None, "carol")
    assert ack["before"] == trigger["after"] and "policy" not in ack["after"]


async def test_contact_addresses_and_calendar_tokens_never_appear(api):
    await _ok(api.post("/api/v1/schedules", SCHEDULE), 201)
    await _ok(api.post("/api/v1/users", DANA), 201)
    contacts = [{"channel": "ops-email", "address": EMAIL}, {"channel": "ops-sms", "address": PHONE}]
    await _ok(api.patch("/api/v1/users/dana", {"contacts": contacts}))
    await _ok(api.delete("/api/v1/users/dana"), 204)
    link = await _ok(api.post("/api/v1/calendar-subscriptions", {"schedule_id": "primary", "name": "c"}), 201)
    token = link["url"].rsplit("/", 1)[1].removesuffix(".ics")
    await _ok(api.delete(f"/api/v1/calendar-subscriptions/{link['id']}"), 204)

    entries = await _entries(api)
    text = json.dumps(entries)
    hashed = hashlib.sha256(token.encode()).hexdigest()
    for secret in (EMAIL, PHONE, PHONE.removeprefix("+"), "dana.secret", token, hashed):
        assert secret not in text
    update = next(e for e in entries if e["action"] == "update")
    before, after = update["before"]["contacts"], update["after"]["contacts"]
    assert [c["channel"] for c in after] == ["ops-email", "ops-sms"]
    assert all(c["address"].startswith("masked:") for c in before + after)
    assert before[0]["address"] == after[0]["address"] != after[1]["address"]  # unchanged, within one entry
    create = next(e for e in entries if e["resource"] == "user" and e["action"] == "create")
    assert create["after"]["contacts"][0]["address"] != after[0]["address"]  # not comparable across entries


async def test_filters_and_pages(api):
    for n in range(3):
        await _ok(api.post("/api/v1/users", {"id": f"u{n}"}), 201)
    await _ok(api.post("/api/v1/schedules", SCHEDULE), 201)
    await _ok(api.patch("/api/v1/users/u1", {"name": "One"}), 200)
    everything = await _entries(api)
    assert [e["resource_id"] for e in everything] == ["u1", "primary", "u2", "u1", "u0"]

    assert [e["action"] for e in await _entries(api, "&id=u1")] == ["update", "create"]
    assert [e["resource_id"] for e in await _entries(api, "&resource=schedule")] == ["primary"]
    assert await _entries(api, "&resource=policy") == []
    assert await _entries(api, "&resource=schedule&id=u1") == []
    middle = everything[2]["at"]
    assert await _entries(api, f"&since={middle}") == everything[:3]  # since: inclusive
    assert await _entries(api, f"&until={middle}") == everything[3:]  # until: exclusive
    assert await _entries(api, f"&since={middle}&until={middle}") == []

    pages, cursor = [], ""
    while True:
        status, body = await api.get(f"/api/v1/audit?limit=2{cursor}")
        assert status == 200 and len(body["items"]) <= 2
        pages += body["items"]
        if body["next_cursor"] is None:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert pages == everything


@pytest.mark.parametrize("query", [
    "since=2024-01-01T00:00:00", "until=2024-01-01T00:00:00", "since=yesterday", "resource=team",
    "cursor=nope", "limit=0", "id=a%20b", "since=2024-01-02T00:00:00Z&until=2024-01-01T00:00:00Z",
])
async def test_bad_queries_are_400(api, query):
    status, body = await api.get(f"/api/v1/audit?{query}")
    assert status == 400 and body["error"]["code"] == "bad_request", body


@pytest.mark.parametrize("value", ["", "a b", "x/y", "é" * 256, "line\u0085break"])
async def test_a_header_that_is_no_user_id_is_ignored(api, value):
    await _ok(api.post("/api/v1/users", {"id": "u"}, **raw_headers({"X-Hasura-User-Id": value.encode()})), 201)
    assert [e["actor"] for e in await _entries(api)] == ["api"]


async def test_the_header_is_read_as_utf8_and_a_value_that_is_not_utf8_is_ignored(api):
    """HTTP sends bytes: these are UTF-8 `josé`, not the Latin-1 reading `josÃ©`; then one byte 0xE9, not UTF-8."""
    await _ok(api.post("/api/v1/users", {"id": "u1"}, **raw_headers({"X-Hasura-User-Id": "josé".encode()})), 201)
    await _ok(api.post("/api/v1/users", {"id": "u2"}, **raw_headers({"X-Hasura-User-Id": b"jos\xe9"})), 201)
    assert [e["actor"] for e in await _entries(api)] == ["api", "josé"]


async def test_the_header_is_a_setting(db_url):
    settings = dataclasses.replace(settings_for(db_url), actor_header="X-Forwarded-User")
    async with create_app(settings).test_app() as app:
        api = Api(app.test_client())
        await _ok(api.post("/api/v1/users", {"id": "u1"}, headers=AS_ALICE), 201)
        await _ok(api.post("/api/v1/users", {"id": "u2"}, headers={"X-Forwarded-User": "bob"}), 201)
        assert [e["actor"] for e in await _entries(api)] == ["bob", "api"]


async def test_no_header_is_trusted_unless_the_setting_names_it(db_url):
    async with create_app(settings_for(db_url)).test_app() as app:
        api = Api(app.test_client())
        await _ok(api.post("/api/v1/users", {"id": "u1"}, headers=AS_ALICE), 201)
        assert [e["actor"] for e in await _entries(api)] == ["api"]


def test_the_header_setting():
    assert Settings.from_env({}).actor_header is None
    assert Settings.from_env({"NSELF_ONCALL_ACTOR_HEADER": "X-Auth-Request-User"}).actor_header == "X-Auth-Request-User"
    assert Settings.from_env({"NSELF_ONCALL_ACTOR_HEADER": ""}).actor_header is None
    with pytest.raises(ConfigError, match="NSELF_ONCALL_ACTOR_HEADER"):
        Settings.from_env({"NSELF_ONCALL_ACTOR_HEADER": "X User"})


async def test_a_rejected_change_writes_nothing(api):
    await _ok(api.post("/api/v1/schedules", SCHEDULE), 201)
    await _ok(api.post("/api/v1/policies", POLICY), 201)
    escalation_id = (await _ok(api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "s"}), 201))["id"]
    await _ok(api.post(f"/api/v1/escalations/{escalation_id}/resolve"))
    before = await _entries(api)
    bad_layer = {"layers": [{**SCHEDULE["layers"][0], "end": "2024-01-01T00:00:00Z"}]}
    rejected = [
        (api.post("/api/v1/schedules", SCHEDULE), 409),
        (api.patch("/api/v1/schedules/primary", bad_layer), 422),
        (api.patch("/api/v1/schedules/nope", {"name": "x"}), 404),
        (api.delete("/api/v1/schedules/primary"), 409),  # the policy names it
        (api.post("/api/v1/users", {"id": "u", "contacts": [{"channel": "ops-sms", "address": "no"}]}), 422),
        (api.delete("/api/v1/users/nobody"), 404),
        (api.post("/api/v1/policies", {**POLICY, "id": "p2", "steps": [
            {"delay_minutes": 1, "targets": [{"type": "user", "id": "ghost"}]}]}), 422),
        (api.delete("/api/v1/policies/nope"), 404),
        (api.post("/api/v1/overrides", {"schedule_id": "nope", "user": "u", "start": "2030-01-01T00:00:00Z",
                                        "end": "2030-01-02T00:00:00Z"}), 404),
        (api.delete("/api/v1/overrides/" + "0" * 24), 404),
        (api.post("/api/v1/calendar-subscriptions", {"schedule_id": "nope", "name": "c"}), 404),
        (api.delete("/api/v1/calendar-subscriptions/" + "0" * 24), 404),
        (api.post("/api/v1/escalations", {"policy_id": "nope", "summary": "s"}), 404),
        (api.post(f"/api/v1/escalations/{escalation_id}/acknowledge"), 409),
        (api.post(f"/api/v1/escalations/{escalation_id}/resolve"), 409),
    ]
    for answer, status in rejected:
        assert (await answer)[0] == status
    assert await _entries(api) == before


async def _schedule_and_policy(api):
    await _ok(api.post("/api/v1/schedules", SCHEDULE), 201)
    await _ok(api.post("/api/v1/policies", POLICY), 201)


async def _nothing(api):
    pass


async def _with_user(api):
    await _ok(api.post("/api/v1/users", DANA), 201)


async def _acknowledge(api):
    escalation_id = (await api.get("/api/v1/escalations"))[1]["items"][0]["id"]
    return await api.post(f"/api/v1/escalations/{escalation_id}/acknowledge")


async def _triggered(api):
    await _schedule_and_policy(api)
    await _ok(api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "s"}), 201)


async def _state(api) -> list:
    """What the API shows of everything the changes below touch."""
    paths = ["/api/v1/schedules", "/api/v1/users", "/api/v1/policies", "/api/v1/overrides", "/api/v1/escalations",
             "/api/v1/calendar-subscriptions"]
    shown = [(await api.get(path))[1]["items"] for path in paths]
    return [[{k: v for k, v in item.items() if k != "oncall"} for item in items] for items in shown]


OVERRIDE = {"schedule_id": "primary", "user": "u", "start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}


@pytest.mark.parametrize("setup, change", [
    (_nothing, lambda api: api.post("/api/v1/schedules", SCHEDULE)),
    (_schedule_and_policy, lambda api: api.patch("/api/v1/schedules/primary", {"name": "x", "layers": []})),
    (_with_user, lambda api: api.patch("/api/v1/users/dana", {"name": "Changed", "contacts": []})),
    (_with_user, lambda api: api.delete("/api/v1/users/dana")),
    (_schedule_and_policy, lambda api: api.delete("/api/v1/policies/sre")),
    (_schedule_and_policy, lambda api: api.post("/api/v1/overrides", OVERRIDE)),
    (_schedule_and_policy, lambda api: api.post("/api/v1/calendar-subscriptions", {"schedule_id": "primary", "name": "c"})),
    (_schedule_and_policy, lambda api: api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "s"})),
    (_triggered, _acknowledge),
], ids=["create schedule", "update schedule", "update user", "delete user", "delete policy", "create override",
        "create subscription", "trigger", "acknowledge"])
async def test_a_write_failing_after_its_entry_rolls_back_both(api, monkeypatch, setup, change):
    """The entry is written in the change's transaction: a failure right after it undoes the change too."""
    await setup(api)
    shown, logged = await _state(api), await _entries(api)
    original = audit.record

    async def record_then_fail(*args, **kwargs):
        await original(*args, **kwargs)
        raise RuntimeError("injected after the audit entry")

    monkeypatch.setattr(audit, "record", record_then_fail)
    assert (await change(api))[0] == 500
    monkeypatch.undo()
    assert await _state(api) == shown
    assert await _entries(api) == logged
