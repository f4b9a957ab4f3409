"""Alerts in, pages out: each format of the doors for alert sources, with bodies built after the formats' own
documentation, through the API and the engine on SQLite and PostgreSQL; storms that page nobody twice; dedup keys
scoped to their source; heartbeats that expire, page once, and are resolved by their next ping."""

from __future__ import annotations

import asyncio
import copy
import logging
from datetime import UTC, datetime, timedelta

import pytest

from nself_oncall.escalation import Rule
from nself_oncall.service.intake import Event, Intake, UnknownKey
from nself_oncall.store import escalations as escalations_store
from nself_oncall.store import policies

PAGER = [{"type": "channel", "id": "pager"}]
ALERTMANAGER = {  # Alertmanager's webhook body, version 4 (its docs' fields, filled in)
    "version": "4",
    "groupKey": '{}/{severity="page"}:{alertname="HighErrorRate", service="api"}',
    "truncatedAlerts": 0,
    "status": "firing",
    "receiver": "nself-oncall",
    "groupLabels": {"alertname": "HighErrorRate", "service": "api"},
    "commonLabels": {"alertname": "HighErrorRate", "service": "api", "severity": "page"},
    "commonAnnotations": {"summary": "API error rate above 5%"},
    "externalURL": "http://alertmanager.example.com:9093",
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "HighErrorRate", "service": "api", "severity": "page", "instance": "api-1"},
            "annotations": {"summary": "API error rate above 5%", "description": "12% of requests fail"},
            "startsAt": "2026-12-07T08:00:00.000Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.example.com:9090/graph?g0.expr=rate",
            "fingerprint": "a1b2c3d4e5f60718",
        }
    ],
}
GRAFANA = {  # Grafana alerting's webhook contact point (its docs' example, shortened)
    "receiver": "My Super Webhook",
    "status": "firing",
    "orgId": 1,
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "High memory usage", "team": "blue", "zone": "us-1"},
            "annotations": {"description": "The system has high memory usage", "runbook_url": "https://r.example/1"},
            "startsAt": "2021-10-12T09:51:03.157076+02:00",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "https://play.grafana.org/alerting/1afz29v7z/edit",
            "fingerprint": "c6eadffa33fcdf37",
            "silenceURL": "https://play.grafana.org/alerting/silence/new",
            "dashboardURL": "",
            "panelURL": "",
            "values": {"B": 44.23943737541908, "C": 1},
            "valueString": "[ metric='' labels={} value=44.23943737541908 ]",
        }
    ],
    "groupLabels": {},
    "commonLabels": {"team": "blue", "zone": "us-1"},
    "commonAnnotations": {},
    "externalURL": "https://play.grafana.org/",
    "version": "1",
    "groupKey": "{}:{}",
    "truncatedAlerts": 0,
    "title": "[FIRING:1]  (blue us-1)",
    "state": "alerting",
    "message": "**Firing**\n\nLabels:\n - alertname = High memory usage",
}
PAGERDUTY = {  # PagerDuty's Events API v2 trigger example
    "payload": {
        "summary": "DISK at 99% on machine prod-datapipe03.example.com",
        "timestamp": "2015-07-17T08:42:58.315+0000",
        "severity": "critical",
        "source": "prod-datapipe03.example.com",
        "component": "mysql",
        "group": "prod-datapipe",
        "class": "disk",
        "custom_details": {"free space": "1%", "ping time": "1500ms", "load avg": 0.75},
    },
    "dedup_key": "srv01/mysql",
    "event_action": "trigger",
    "client": "Sample Monitoring Service",
    "client_url": "https://monitoring.service.com",
    "links": [{"href": "http://acme.pagerduty.com", "text": "This is a link"}],
    "images": [{"src": "https://chart.example.com/c.png", "href": "https://example.com", "alt": "A chart"}],
}


@pytest.fixture
async def key(api):
    """The key of integration `prom`, of policy `sre` (step 0 to the pager channel, step 1 after 5 minutes)."""
    steps = [{"delay_minutes": 5, "targets": PAGER}, {"delay_minutes": 5, "targets": PAGER}]
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "steps": steps}))[0] == 201
    status, body = await api.post("/api/v1/integrations", {"id": "prom", "name": "Prometheus", "policy_id": "sre"})
    assert status == 201, body
    return body["key"]


def now() -> datetime:
    return datetime.now(UTC)


async def _escalation(api, escalation_id: str) -> dict:
    status, body = await api.get(f"/api/v1/escalations/{escalation_id}")
    assert status == 200
    return body


async def test_alertmanager_groups_page_once_refresh_their_details_and_resolve(api, key, engine, recorder):
    status, first = await api.post(f"/intake/alertmanager/{key}", ALERTMANAGER)
    assert status == 202 and first["action"] == "triggered" and first["dedup_key"] == ALERTMANAGER["groupKey"]
    await engine.run(now())
    assert len(recorder.calls) == 1 and recorder.calls[0][0].summary == "API error rate above 5%"
    escalation = await _escalation(api, first["escalation_id"])
    assert escalation["integration_id"] == "prom" and escalation["dedup_key"] == ALERTMANAGER["groupKey"]
    assert escalation["details"]["alerts"][0]["fingerprint"] == "a1b2c3d4e5f60718"
    assert escalation["details"]["externalURL"] == ALERTMANAGER["externalURL"]
    assert set(escalation["details"]) == {"alerts", "groupLabels", "commonLabels", "commonAnnotations", "externalURL"}

    again = copy.deepcopy(ALERTMANAGER)
    again["alerts"].append({**again["alerts"][0], "labels": {**again["alerts"][0]["labels"], "instance": "api-2"},
                            "fingerprint": "b2"})
    for _ in range(3):  # Alertmanager sends the group again at every group_interval while it fires
        status, body = await api.post(f"/intake/alertmanager/{key}", again)
        assert (status, body["action"], body["escalation_id"]) == (202, "updated", first["escalation_id"])
    await engine.run(now())
    assert len(recorder.calls) == 1
    assert len((await _escalation(api, first["escalation_id"]))["details"]["alerts"]) == 2

    resolved = {**again, "status": "resolved", "alerts": [{**a, "status": "resolved"} for a in again["alerts"]]}
    status, body = await api.post(f"/intake/alertmanager/{key}", resolved)
    assert (status, body["action"], body["escalation_id"]) == (202, "resolved", first["escalation_id"])
    escalation = await _escalation(api, first["escalation_id"])
    assert (escalation["status"], escalation["resolved_by"]) == ("resolved", "integration:prom")
    assert {a["status"] for a in escalation["details"]["alerts"]} == {"resolved"}
    status, body = await api.post(f"/intake/alertmanager/{key}", resolved)
    assert (status, body["action"], body["escalation_id"]) == (202, "ignored", None)
    status, audit = await api.get(f"/api/v1/audit?resource=escalation&id={first['escalation_id']}")
    assert [(e["action"], e["actor"]) for e in audit["items"]] == [("resolve", "integration:prom"),
                                                                   ("trigger", "integration:prom")]
    status, body = await api.post(f"/intake/alertmanager/{key}", ALERTMANAGER)  # firing again: a new escalation
    assert body["action"] == "triggered" and body["escalation_id"] != first["escalation_id"]


async def test_a_group_without_a_summary_is_named_by_its_alertname_and_group_labels(api, key):
    body = {**ALERTMANAGER, "commonAnnotations": {}}
    status, answer = await api.post(f"/intake/alertmanager/{key}", body)
    assert (await _escalation(api, answer["escalation_id"]))["summary"] == "HighErrorRate service=api"


async def test_grafana_s_webhook_is_taken_as_alertmanager_s(api, key, engine, recorder):
    status, body = await api.post(f"/intake/alertmanager/{key}", GRAFANA)
    assert status == 202 and body["action"] == "triggered" and body["dedup_key"] == "{}:{}"
    escalation = await _escalation(api, body["escalation_id"])
    assert escalation["summary"] == "[FIRING:1]  (blue us-1)"
    assert escalation["details"]["alerts"][0]["silenceURL"] == GRAFANA["alerts"][0]["silenceURL"]
    await engine.run(now())
    assert len(recorder.calls) == 1


async def test_a_group_key_longer_than_a_dedup_key_is_hashed(api, key):
    body = {**ALERTMANAGER, "groupKey": "{}:{" + "x" * 400 + "}"}
    status, first = await api.post(f"/intake/alertmanager/{key}", body)
    assert status == 202 and first["dedup_key"].startswith("sha256:") and len(first["dedup_key"]) == 71
    status, again = await api.post(f"/intake/alertmanager/{key}", body)
    assert (again["action"], again["escalation_id"]) == ("updated", first["escalation_id"])


@pytest.mark.parametrize("body", [
    [], "text", {"status": "firing"}, {"groupKey": "g", "status": "pending"},
    {**ALERTMANAGER, "alerts": [{"status": "firing", "labels": {"a": 1}}]},
    {**ALERTMANAGER, "commonLabels": {"a": "nul\u0000"}},
])
async def test_bodies_that_are_no_alertmanager_webhook_are_a_422_and_change_nothing(api, key, body):
    status, answer = await api.post(f"/intake/alertmanager/{key}", body)
    assert status == 422 and answer["error"]["code"] == "validation_error", answer
    assert (await api.get("/api/v1/escalations"))[1]["items"] == []


async def test_an_alertmanager_body_that_is_not_json_is_a_400(api, key):
    response = await api.client.post(f"/intake/alertmanager/{key}", data=b'{"status": "fir',
                                      headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and (await response.get_json())["error"]["code"] == "bad_request"


async def test_pagerduty_events_trigger_acknowledge_and_resolve_by_dedup_key(api, key, engine, recorder):
    status, body = await api.post("/v2/enqueue", {**PAGERDUTY, "routing_key": key})
    assert (status, body) == (202, {"status": "success", "message": "Event processed", "dedup_key": "srv01/mysql"})
    await engine.run(now())
    assert len(recorder.calls) == 1
    [escalation] = (await api.get("/api/v1/escalations"))[1]["items"]
    assert escalation["summary"] == PAGERDUTY["payload"]["summary"] and escalation["integration_id"] == "prom"
    assert escalation["details"]["payload"]["class"] == "disk"
    assert escalation["details"]["links"] == PAGERDUTY["links"] and escalation["details"]["client"] == PAGERDUTY["client"]

    for action, status_after in (("acknowledge", "acknowledged"), ("acknowledge", "acknowledged"), ("resolve", "resolved")):
        answer = await api.post("/v2/enqueue", {"routing_key": key, "dedup_key": "srv01/mysql", "event_action": action})
        assert answer == (202, {"status": "success", "message": "Event processed", "dedup_key": "srv01/mysql"})
        assert (await _escalation(api, escalation["id"]))["status"] == status_after
    done = await _escalation(api, escalation["id"])
    assert done["acknowledged_by"] == done["resolved_by"] == "integration:prom"
    await engine.run(now() + timedelta(minutes=6))
    assert len(recorder.calls) == 1  # acknowledged before step 1

    answer = await api.post("/v2/enqueue", {"routing_key": key, "dedup_key": "nothing-open", "event_action": "resolve"})
    assert answer[0] == 202 and len((await api.get("/api/v1/escalations"))[1]["items"]) == 1


async def test_a_pagerduty_trigger_without_a_dedup_key_gets_one_and_a_new_escalation(api, key):
    event = {k: v for k, v in PAGERDUTY.items() if k != "dedup_key"} | {"routing_key": key}
    keys = [(await api.post("/v2/enqueue", event))[1]["dedup_key"] for _ in range(2)]
    assert keys[0] != keys[1] and all(keys)
    assert len((await api.get("/api/v1/escalations"))[1]["items"]) == 2


@pytest.mark.parametrize("change, error", [
    (lambda e: e.pop("routing_key"), "routing_key"),
    (lambda e: e.update(routing_key=42), "routing_key"),
    (lambda e: e.update(event_action="explode"), "event_action"),
    (lambda e: e.pop("event_action"), "event_action"),
    (lambda e: e.pop("payload"), "payload: Field required"),
    (lambda e: e["payload"].pop("summary"), "payload.summary"),
    (lambda e: e["payload"].pop("source"), "payload.source"),
    (lambda e: e["payload"].pop("severity"), "payload.severity"),
    (lambda e: e["payload"].update(severity="fatal"), "severity"),
    (lambda e: e["payload"].update(summary=""), "summary"),
    (lambda e: e["payload"].update(summary="x" * 1025), "summary"),
    (lambda e: e.update(dedup_key="x" * 256), "dedup_key"),
    (lambda e: e.update(event_action="resolve", dedup_key=None), "dedup_key"),
    (lambda e: e.update(event_action="acknowledge") or e.pop("dedup_key"), "dedup_key"),
])
async def test_invalid_pagerduty_events_get_pagerduty_s_answer_and_change_nothing(api, key, change, error):
    event = copy.deepcopy(PAGERDUTY) | {"routing_key": key}
    change(event)
    status, body = await api.post("/v2/enqueue", event)
    assert status == 400 and body["status"] == "invalid event" and body["message"] == "Event object is invalid"
    assert any(error in e for e in body["errors"]), body
    assert (await api.get("/api/v1/escalations"))[1]["items"] == []


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b""])
async def test_pagerduty_bodies_that_are_no_event_are_invalid_events(api, key, raw):
    response = await api.client.post("/v2/enqueue", data=raw, headers={"Content-Type": "application/json"})
    body = await response.get_json()
    assert response.status_code == 400 and body["status"] == "invalid event" and body["errors"]


async def test_the_generic_format_as_json_form_and_query(api, key, engine, recorder):
    status, body = await api.post(f"/intake/generic/{key}", {"summary": "Backup failed", "details": {"host": "db1"},
                                                            "dedup_key": "backup"})
    assert (status, body["action"], body["dedup_key"]) == (202, "triggered", "backup")
    first = body["escalation_id"]
    response = await api.client.post(f"/intake/generic/{key}", form={"summary": "Backup failed again",
                                                                     "dedup_key": "backup", "details": '{"try": 2}'})
    again = await response.get_json()
    assert (response.status_code, again["action"], again["escalation_id"]) == (202, "updated", first)
    assert (await _escalation(api, first))["details"] == {"try": 2}
    response = await api.client.post(f"/intake/generic/{key}?action=acknowledge&dedup_key=backup")
    assert (await response.get_json())["action"] == "acknowledged"
    response = await api.client.post(f"/intake/generic/{key}", data=b"action=resolve&dedup_key=backup",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (await response.get_json())["action"] == "resolved"
    assert (await _escalation(api, first))["resolved_by"] == "integration:prom"
    response = await api.client.post(f"/intake/generic/{key}?summary=from+a+URL&details=plain+words")
    made = await response.get_json()
    assert made["action"] == "triggered" and len(made["dedup_key"]) == 32
    assert (await _escalation(api, made["escalation_id"]))["details"] == {"text": "plain words"}
    await engine.run(now())
    assert [m.summary for m, _ in recorder.calls] == ["from a URL"]  # "backup" was resolved before its step was due


@pytest.mark.parametrize("send, status", [
    ({"json": {"details": {}}}, 422),  # a trigger needs a summary
    ({"json": {"action": "resolve"}}, 422),  # acting needs a dedup key
    ({"json": {"summary": "s", "action": "escalate"}}, 422),
    ({"json": {"summary": ""}}, 422),
    ({"data": b"{oops", "headers": {"Content-Type": "application/json"}}, 400),
    ({"query_string": {"summary": "s"}, "form": {"summary": "t"}}, 202),  # the body's field wins
])
async def test_generic_events_that_break_a_rule(api, key, send, status):
    response = await api.client.post(f"/intake/generic/{key}", **send)
    assert response.status_code == status, await response.get_json()


async def test_a_field_given_twice_is_a_400(api, key):
    response = await api.client.post(f"/intake/generic/{key}?summary=a&summary=b")
    assert response.status_code == 400


async def test_dedup_keys_belong_to_their_source(api, key):
    status, other = await api.post("/api/v1/integrations", {"id": "grafana", "name": "Grafana", "policy_id": "sre"})
    ids = {
        (await api.post(f"/intake/generic/{key}", {"summary": "s", "dedup_key": "same"}))[1]["escalation_id"],
        (await api.post(f"/intake/generic/{other['key']}", {"summary": "s", "dedup_key": "same"}))[1]["escalation_id"],
        (await api.post("/api/v1/escalations", {"policy_id": "sre", "summary": "s", "dedup_key": "same"}))[1]["id"],
    }
    assert len(ids) == 3
    answer = await api.post("/v2/enqueue", {"routing_key": other["key"], "dedup_key": "same", "event_action": "resolve"})
    assert answer[0] == 202
    statuses = sorted(e["status"] for e in (await api.get("/api/v1/escalations"))[1]["items"])
    assert statuses == ["resolved", "triggered", "triggered"]


async def test_a_storm_on_one_open_escalation_pages_nobody_twice(api, key, engine, recorder):
    event = {**PAGERDUTY, "routing_key": key}
    answers = await asyncio.gather(*(api.post("/v2/enqueue", event) for _ in range(40)),
                                   *(api.post(f"/intake/alertmanager/{key}", ALERTMANAGER) for _ in range(20)))
    assert {status for status, _ in answers} == {202}
    await engine.run(now())
    assert len((await api.get("/api/v1/escalations"))[1]["items"]) == 2
    assert len(recorder.calls) == 2


# Heartbeats, on the engine's test clock (from the real present: the API stamps pings with the real clock).


async def _heartbeat(api, ident="backup", minutes=10.0) -> str:
    steps = [{"delay_minutes": 5, "targets": PAGER}]
    await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "steps": steps})
    body = {"id": ident, "name": "Nightly backup", "policy_id": "sre", "interval_minutes": minutes}
    status, created = await api.post("/api/v1/heartbeats", body)
    assert status == 201, created
    return created["url"].removeprefix("http://127.0.0.1:3840")


async def _open(api) -> list[dict]:
    return (await api.get("/api/v1/escalations?status=triggered,acknowledged"))[1]["items"]


async def test_a_silent_heartbeat_pages_once_and_its_next_ping_resolves_it(api, engine, recorder):
    ping = await _heartbeat(api)
    await engine.run(now() + timedelta(minutes=9))
    assert await _open(api) == [] and recorder.calls == []
    for _ in range(2):
        await engine.run(now() + timedelta(minutes=11))
    [escalation] = await _open(api)
    assert escalation["dedup_key"] == "heartbeat:backup" and escalation["heartbeat_id"] == "backup"
    assert escalation["summary"] == "Heartbeat 'Nightly backup' expired: it has never pinged"
    assert len(recorder.calls) == 1
    assert (await api.get("/api/v1/heartbeats/backup"))[1]["status"] == "ok"  # by the API's clock, not yet expired

    assert (await api.get(ping))[0] == 200
    assert await _open(api) == []
    resolved = await _escalation(api, escalation["id"])
    assert resolved["resolved_by"] == "heartbeat:backup"
    await engine.run(now() + timedelta(minutes=9))
    assert await _open(api) == []
    await engine.run(now() + timedelta(minutes=11))  # silent again: a new escalation, naming the last ping
    [again] = await _open(api)
    assert again["id"] != escalation["id"] and "no ping since" in again["summary"]


async def test_a_shorter_interval_can_expire_a_heartbeat_at_once(api, engine):
    await _heartbeat(api, minutes=600)
    status, body = await api.patch("/api/v1/heartbeats/backup", {"interval_minutes": 0.1})
    await engine.run(now() + timedelta(seconds=7))
    assert len(await _open(api)) == 1
    assert (await api.get("/api/v1/heartbeats/backup"))[1]["status"] in ("ok", "expired")


async def test_a_deleted_heartbeat_never_expires(api, engine):
    await _heartbeat(api)
    assert (await api.delete("/api/v1/heartbeats/backup"))[0] == 204
    await engine.run(now() + timedelta(days=1))
    assert await _open(api) == []


async def test_a_heartbeat_whose_escalation_fails_does_not_stop_the_others(api, engine, monkeypatch, caplog):
    await _heartbeat(api, "broken")
    await _heartbeat(api, "fine")
    real = policies.get

    async def failing(policy_id):
        if failing.calls == 0:
            failing.calls += 1
            raise RuntimeError("a policy that cannot be read")
        return await real(policy_id)

    failing.calls = 0
    monkeypatch.setattr(policies, "get", failing)
    await engine.run(now() + timedelta(minutes=11))
    assert len(await _open(api)) == 1
    [line] = [r for r in caplog.records if "could not be triggered" in r.getMessage()]
    assert line.levelno == logging.ERROR and line.exc_info is not None


# Batches: events arriving together are let in and written together (service/intake.py's Intake).


async def test_events_arriving_together_are_let_in_up_to_the_rate_and_no_further(app, api, key):
    intake = Intake(Rule(3, timedelta(minutes=1)))
    results = await asyncio.gather(*(intake.integration(key) for _ in range(5)), return_exceptions=True)
    assert [type(r).__name__ for r in results] == ["IntegrationRecord"] * 3 + ["RateLimited"] * 2
    assert all(r.retry_after >= 1 for r in results[3:])
    assert isinstance((await asyncio.gather(intake.integration("no-such-key"), return_exceptions=True))[0], UnknownKey)


async def test_a_run_of_triggers_opens_each_new_key_once_and_keeps_the_order_of_events(app, api, key, engine, recorder):
    intake = Intake(Rule(1000, timedelta(minutes=1)))
    found = await intake.integration(key)
    woken = []
    events = [Event("trigger", "a", "A", {"n": 1}, refresh=True), Event("trigger", "b", "B", {"n": 1}),
              Event("trigger", "a", "A", {"n": 2}, refresh=True), Event("resolve", "a"),
              Event("trigger", "a", "A again", {"n": 3}, refresh=True), Event("trigger", None, "new", {})]
    outcomes = await asyncio.gather(*(intake.apply(found, e, lambda: woken.append(1)) for e in events))
    assert [o.action for o in outcomes] == ["triggered", "triggered", "updated", "resolved", "triggered", "triggered"]
    assert outcomes[0].escalation_id == outcomes[2].escalation_id == outcomes[3].escalation_id
    assert outcomes[4].escalation_id != outcomes[0].escalation_id
    assert (await _escalation(api, outcomes[0].escalation_id))["details"] == {"n": 2}
    await engine.run(now())
    assert sorted(m.summary for m, _ in recorder.calls) == ["A again", "B", "new"]  # "A" was resolved before its step
    status, audit = await api.get("/api/v1/audit?resource=escalation&limit=100")
    assert sum(e["action"] == "trigger" and e["actor"] == "integration:prom" for e in audit["items"]) == 4


async def test_when_a_run_cannot_be_written_together_each_event_is_tried_alone(app, api, key, monkeypatch):
    intake = Intake(Rule(1000, timedelta(minutes=1)))
    found = await intake.integration(key)

    async def refused(*args, **kwargs):
        raise ValueError("one of these events breaks the batch")

    monkeypatch.setattr(escalations_store, "insert_many", refused)
    real = escalations_store.open_or_new

    async def alone(policy_id, summary, *args, **kwargs):
        if summary == "bad":
            raise ValueError("this one fails alone")
        return await real(policy_id, summary, *args, **kwargs)

    monkeypatch.setattr(escalations_store, "open_or_new", alone)
    events = [Event("trigger", f"k{i}", "bad" if i == 1 else f"s{i}", {}) for i in range(4)]
    results = await asyncio.gather(*(intake.apply(found, e, lambda: None) for e in events), return_exceptions=True)
    assert [getattr(r, "action", type(r).__name__) for r in results] == ["triggered", "ValueError", "triggered",
                                                                         "triggered"]


async def test_an_integration_made_again_with_the_same_id_starts_afresh(api, key, engine, recorder):
    status, first = await api.post(f"/intake/generic/{key}", {"summary": "disk", "dedup_key": "disk"})
    await api.post(f"/api/v1/escalations/{first['escalation_id']}/acknowledge")
    assert (await api.delete("/api/v1/integrations/prom"))[0] == 204
    status, again = await api.post("/api/v1/integrations", {"id": "prom", "name": "Prometheus", "policy_id": "sre"})
    status, second = await api.post(f"/intake/generic/{again['key']}", {"summary": "disk", "dedup_key": "disk"})
    assert second["action"] == "triggered" and second["escalation_id"] != first["escalation_id"]
    await engine.run(now())
    assert [m.escalation_id for m, _ in recorder.calls] == [second["escalation_id"]]


async def test_a_heartbeat_made_again_with_the_same_id_pages_when_it_expires(api, engine, recorder):
    await _heartbeat(api)
    await engine.run(now() + timedelta(minutes=11))
    [old] = await _open(api)
    await api.post(f"/api/v1/escalations/{old['id']}/acknowledge")
    assert (await api.delete("/api/v1/heartbeats/backup"))[0] == 204
    status, _ = await api.post("/api/v1/heartbeats", {"id": "backup", "name": "Backup", "policy_id": "sre",
                                                      "interval_minutes": 10})
    await engine.run(now() + timedelta(minutes=11))
    assert len(await _open(api)) == 2 and len(recorder.calls) == 2
