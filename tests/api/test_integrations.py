"""/api/v1/integrations and /api/v1/heartbeats: keys shown once and kept only as hashes, policies in use, and the
doors refusing what they must (unknown and deleted keys, bodies over 1 MiB, keys past their rate) without storing
anything, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from apiclient import Api, settings_for
from metrics_helpers import scrape
from nself_oncall.app import create_app
from nself_oncall.escalation import Rule
from nself_oncall.store.sql import default, rows

POLICY = {"id": "sre", "name": "SRE", "steps": [{"delay_minutes": 5, "targets": [{"type": "channel", "id": "log"}]}]}
PD_TRIGGER = {"event_action": "trigger", "payload": {"summary": "Disk full", "source": "db1", "severity": "critical"}}
MIB = 1024 * 1024


@pytest.fixture
async def sre(api):
    status, body = await api.post("/api/v1/policies", POLICY)
    assert status == 201, body


async def _integration(api, ident="prom", policy="sre"):
    status, body = await api.post("/api/v1/integrations", {"id": ident, "name": "Prometheus", "policy_id": policy})
    assert status == 201, body
    return body


async def _heartbeat(api, ident="backup", minutes=60):
    body = {"id": ident, "name": "Nightly backup", "policy_id": "sre", "interval_minutes": minutes}
    status, created = await api.post("/api/v1/heartbeats", body)
    assert status == 201, created
    return created


async def _escalations(api) -> list[dict]:
    status, body = await api.get("/api/v1/escalations")
    assert status == 200
    return body["items"]


_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
    "postgres": "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()",
}


async def _dump() -> str:
    """Every row of every table, as text."""
    connection = default()
    tables = [r["name"] for r in await rows(connection, _TABLES[connection.capabilities.dialect])]
    return "".join([str(await rows(connection, f'SELECT * FROM "{t}"')) for t in tables])


async def test_an_integration_shows_its_key_once_and_keeps_only_its_hash(app, api, sre):
    created = await _integration(api)
    key = created["key"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,64}", key)  # URL-safe, at least 128 bits
    assert created["urls"] == {
        "alertmanager": f"http://127.0.0.1:3840/intake/alertmanager/{key}",
        "generic": f"http://127.0.0.1:3840/intake/generic/{key}",
        "pagerduty": "http://127.0.0.1:3840/v2/enqueue",
    }
    assert {k: created[k] for k in ("id", "name", "policy_id")} == {"id": "prom", "name": "Prometheus", "policy_id": "sre"}
    for path in ("/api/v1/integrations", "/api/v1/integrations/prom", "/api/v1/audit"):
        status, body = await api.get(path)
        assert status == 200 and key not in str(body)
    status, listed = await api.get("/api/v1/integrations")
    assert [i["id"] for i in listed["items"]] == ["prom"] and "key" not in listed["items"][0]
    assert key not in await _dump()


async def test_integration_rules(api, sre):
    await _integration(api)
    assert (await api.post("/api/v1/integrations", {"id": "prom", "name": "Again", "policy_id": "sre"}))[0] == 409
    status, body = await api.post("/api/v1/integrations", {"id": "x", "name": "X", "policy_id": "nope"})
    assert status == 422 and body["error"]["details"][0]["field"] == "policy_id"
    status, body = await api.post("/api/v1/integrations", {"name": "Grafana Cloud", "policy_id": "sre"})
    assert status == 201 and body["id"] == "grafana-cloud"
    assert (await api.post("/api/v1/integrations", {"name": "", "policy_id": "sre"}))[0] == 422
    assert (await api.patch("/api/v1/integrations/prom", {"policy_id": "nope"}))[0] == 422
    await api.post("/api/v1/policies", {**POLICY, "id": "dba"})
    status, body = await api.patch("/api/v1/integrations/prom", {"name": "Prom", "policy_id": "dba"})
    assert status == 200 and (body["name"], body["policy_id"]) == ("Prom", "dba")
    assert (await api.get("/api/v1/integrations/nope"))[0] == 404
    assert (await api.delete("/api/v1/integrations/nope"))[0] == 404


async def test_a_policy_that_an_integration_or_a_heartbeat_names_cannot_be_deleted(api, sre):
    await _integration(api)
    await _heartbeat(api)
    status, body = await api.delete("/api/v1/policies/sre")
    assert status == 409 and "integration 'prom'" in body["error"]["message"]
    assert (await api.delete("/api/v1/integrations/prom"))[0] == 204
    status, body = await api.delete("/api/v1/policies/sre")
    assert status == 409 and "heartbeat 'backup'" in body["error"]["message"]
    assert (await api.delete("/api/v1/heartbeats/backup"))[0] == 204
    assert (await api.delete("/api/v1/policies/sre"))[0] == 204


async def test_a_deleted_integration_s_key_is_refused_at_every_door(api, sre):
    key = (await _integration(api))["key"]
    assert (await api.post(f"/intake/generic/{key}", {"summary": "before"}))[0] == 202
    assert (await api.delete("/api/v1/integrations/prom"))[0] == 204
    status, body = await api.post(f"/intake/alertmanager/{key}", {"status": "firing", "groupKey": "g"})
    assert status == 404 and key not in str(body)
    assert (await api.post(f"/intake/generic/{key}", {"summary": "after"}))[0] == 404
    status, body = await api.post("/v2/enqueue", {**PD_TRIGGER, "routing_key": key})
    assert status == 400 and body["status"] == "invalid event" and key not in str(body)
    assert len(await _escalations(api)) == 1


@pytest.mark.parametrize("path", ["/intake/alertmanager/{}", "/intake/generic/{}", "/heartbeat/{}", "/v2/enqueue"])
async def test_bodies_over_a_mebibyte_are_refused_and_change_nothing(api, sre, path):
    key = (await _integration(api))["key"] if "heartbeat" not in path else (await _heartbeat(api))["url"].rsplit("/", 1)[1]
    big = {"routing_key": key, **PD_TRIGGER, "summary": "s", "groupKey": "g", "status": "firing", "pad": "x" * MIB}
    status, body = await api.post(path.format(key), big)
    assert status == 413 and body["error"]["code"] == "payload_too_large"
    assert await _escalations(api) == []


async def test_unknown_keys_are_refused_without_being_repeated(api, sre):
    for path in ("/intake/alertmanager/", "/intake/generic/", "/heartbeat/"):
        status, body = await api.post(path + "n0t-a-real-key-0123456789abcdef")
        assert status == 404 and "n0t-a-real-key" not in str(body)
        assert (await api.post(path + "not/a/key"))[0] == 404
    status, body = await api.post("/v2/enqueue", {**PD_TRIGGER, "routing_key": "n0t-a-real-key"})
    assert status == 400 and "n0t-a-real-key" not in str(body)


@pytest.fixture
async def limited(db_url):
    """An app whose keys take 3 events a minute."""
    app = create_app(replace(settings_for(db_url), intake_rate=Rule(3, timedelta(minutes=1))))
    async with app.test_app() as test_app:
        api = Api(test_app.test_client())
        await api.post("/api/v1/policies", POLICY)
        yield api


async def test_a_key_past_its_rate_is_told_when_to_come_back_and_nothing_is_stored(limited):
    api = limited
    key = (await _integration(api))["key"]
    for i in range(3):
        assert (await api.post(f"/intake/generic/{key}", {"summary": f"s{i}"}))[0] == 202
    for path, body in ((f"/intake/generic/{key}", {"summary": "over"}),
                       (f"/intake/alertmanager/{key}", {"status": "firing", "groupKey": "g", "alerts": []})):
        response = await api.client.post(path, json=body)
        assert response.status_code == 429 and 1 <= int(response.headers["Retry-After"]) <= 20
        assert (await response.get_json())["error"]["code"] == "rate_limited"
    response = await api.client.post("/v2/enqueue", json={**PD_TRIGGER, "routing_key": key})
    assert response.status_code == 429 and (await response.get_json())["status"] == "throttle event"
    assert int(response.headers["Retry-After"]) >= 1
    assert len(await _escalations(api)) == 3
    other = (await _integration(api, "grafana"))["key"]  # each key has its own rate
    assert (await api.post(f"/intake/generic/{other}", {"summary": "other"}))[0] == 202


async def test_a_heartbeat_past_its_rate_is_refused(limited):
    api = limited
    url = (await _heartbeat(api))["url"]
    path = url.removeprefix("http://127.0.0.1:3840")
    assert [(await api.get(path))[0] for _ in range(4)] == [200, 200, 200, 429]


async def test_heartbeats_are_managed_and_pinged(api, sre):
    created = await _heartbeat(api, minutes=1500)
    assert created["url"].startswith("http://127.0.0.1:3840/heartbeat/")
    assert (created["status"], created["last_ping_at"], created["interval_minutes"]) == ("ok", None, 1500)
    path = created["url"].removeprefix("http://127.0.0.1:3840")
    status, body = await api.get(path)
    assert (status, body) == (200, {"status": "ok"})
    status, body = await api.post(path, None, data=b"any body at all")
    assert (status, body) == (200, {"status": "ok"})
    status, got = await api.get("/api/v1/heartbeats/backup")
    assert got["last_ping_at"] is not None and "url" not in got and got["expires_at"] > got["last_ping_at"]
    status, listed = await api.get("/api/v1/heartbeats")
    assert [h["id"] for h in listed["items"]] == ["backup"] and created["url"] not in str(listed)
    status, patched = await api.patch("/api/v1/heartbeats/backup", {"interval_minutes": 0.1, "name": "Backup"})
    assert status == 200 and patched["name"] == "Backup" and patched["interval_minutes"] == 0.1
    assert (await api.delete("/api/v1/heartbeats/backup"))[0] == 204
    assert (await api.get(path))[0] == 404
    assert (await api.get("/api/v1/heartbeats/backup"))[0] == 404


@pytest.mark.parametrize("minutes", [0.05, 525_601, "5", None, float("inf"), True])
async def test_heartbeat_intervals_out_of_range_are_refused(api, sre, minutes):
    body = {"id": "b", "name": "B", "policy_id": "sre", "interval_minutes": minutes}
    assert (await api.post("/api/v1/heartbeats", body))[0] in (400, 422)
    assert (await api.get("/api/v1/heartbeats"))[1]["items"] == []


async def test_heartbeat_interval_bounds_are_taken(api, sre):
    for ident, minutes in (("short", 0.1), ("year", 525_600), ("whole", 5)):
        assert (await api.post("/api/v1/heartbeats", {"id": ident, "name": ident, "policy_id": "sre",
                                                      "interval_minutes": minutes}))[0] == 201


async def test_changes_to_integrations_and_heartbeats_are_audited(api, sre):
    await _integration(api)
    await _heartbeat(api)
    await api.delete("/api/v1/integrations/prom")
    status, body = await api.get("/api/v1/audit?resource=integration")
    assert [e["action"] for e in body["items"]] == ["delete", "create"]
    status, body = await api.get("/api/v1/audit?resource=heartbeat&id=backup")
    assert [e["action"] for e in body["items"]] == ["create"]


async def test_keys_never_reach_a_log_line(api, sre, caplog):
    caplog.set_level(logging.DEBUG)
    key = (await _integration(api))["key"]
    url = (await _heartbeat(api))["url"]
    await api.post(f"/intake/generic/{key}", {"summary": "logged?"})
    await api.post(f"/intake/alertmanager/{key}", {"nonsense": True})
    await api.post("/v2/enqueue", {"routing_key": key, "event_action": "explode"})
    await api.get(url.removeprefix("http://127.0.0.1:3840"))
    secret = url.rsplit("/", 1)[1]
    for record in caplog.records:
        line = record.getMessage() + str(record.exc_info or "")
        assert key not in line and secret not in line


async def test_events_at_the_doors_are_counted_by_door_and_outcome(api, sre):
    key = (await _integration(api))["key"]
    got = await scrape(api.client)
    assert got.value("nself_oncall_intake_events_total", door="heartbeat", outcome="rate_limited") == 0
    await api.post(f"/intake/generic/{key}", {"summary": "s", "dedup_key": "k"})
    await api.post(f"/intake/generic/{key}", {"summary": "s", "dedup_key": "k"})
    await api.post(f"/intake/generic/{key}", {"details": {}})
    await api.post("/intake/generic/unknown-key-0123456789", {"summary": "s"})
    await api.post("/v2/enqueue", {**PD_TRIGGER, "routing_key": key})
    await api.post("/v2/enqueue", {"routing_key": key, "event_action": "resolve", "dedup_key": "none"})
    got = await scrape(api.client)
    expected = {("generic", "triggered"): 1, ("generic", "updated"): 1, ("generic", "invalid"): 1,
                ("generic", "unknown_key"): 1, ("pagerduty", "triggered"): 1, ("pagerduty", "ignored"): 1}
    for (door, outcome), count in expected.items():
        assert got.value("nself_oncall_intake_events_total", door=door, outcome=outcome) == count, (door, outcome)


async def test_a_body_too_large_to_read_costs_its_key_nothing(limited):
    api = limited
    key = (await _integration(api))["key"]
    big = json.dumps({"summary": "s", "pad": "x" * MIB}).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(big))}  # as any HTTP client sends it
    assert (await api.client.post(f"/intake/generic/{key}", data=big, headers=headers)).status_code == 413
    assert [(await api.post(f"/intake/generic/{key}", {"summary": f"s{i}"}))[0] for i in range(3)] == [202] * 3


async def test_a_burst_of_count_events_at_one_instant_is_let_in_whole(app, sre):
    """Whole microseconds: no rounding loses the last event of a burst, however many."""
    from nself_oncall.store import intake_keys, integrations

    _, key = await integrations.create({"id": "burst", "name": "Burst", "policy_id": "sre"}, actor="test")
    at = datetime(2026, 12, 7, 9, 0, 0, 123457, tzinfo=UTC)
    for count, period in ((300, timedelta(minutes=1)), (7, timedelta(seconds=10))):
        rule = Rule(count, period)
        at += timedelta(hours=1)  # a quiet key again
        taken = [await intake_keys.admit("integrations", key, at, rule, "id") for _ in range(count + 1)]
        assert [type(t).__name__ for t in taken] == ["Admitted"] * count + ["Limited"]
        at += timedelta(hours=1)
        batch = await intake_keys.admit("integrations", key, at, rule, "id", count + 5)
        assert batch.taken == count and batch.retry_after >= 1


async def test_routing_keys_that_cannot_be_keys_are_invalid_events(api, sre):
    for routing_key in ("\ud800", "a b", "x" * 65, "../etc"):
        status, body = await api.post("/v2/enqueue", {**PD_TRIGGER, "routing_key": routing_key})
        assert status == 400 and body["status"] == "invalid event", routing_key


@pytest.mark.parametrize("where", ["form", "query_string"])
async def test_generic_details_as_text_nested_too_deep_are_refused(api, sre, where):
    key = (await _integration(api))["key"]
    for depth in (33, 3000):
        response = await api.client.post(f"/intake/generic/{key}", **{where: {"summary": "s", "details": "[" * depth}})
        assert response.status_code == 422
    assert (await _escalations(api)) == []
