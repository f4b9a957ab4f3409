"""/metrics: the bearer token, Prometheus's text format, requests counted by route template, no id in any label,
channel and plugin health, migrations pending, a database error of the moment (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncpg
import pytest
from tortoise import connections
from tortoise.exceptions import OperationalError

from metrics_helpers import scrape
from nself_oncall.api.metrics import route_template
from nself_oncall.migrate import migration_names
from nself_oncall.store import metrics as store_metrics

# Ids that no metric name, help text or label value holds by chance.
USER, SCHEDULE, POLICY = "zq-user-48151", "zq-schedule-62342", "zq-policy-91735"


async def test_metrics_need_the_bearer_token(app):
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic dGVzdA=="}):
        response = await client.get("/metrics", headers=headers)
        assert response.status_code == 401
        assert (await response.get_json())["error"]["code"] == "unauthorized"
    assert (await scrape(client)).value("nself_oncall_http_requests_total", method="GET", route="/metrics",
                                        status="401") == 3


async def test_requests_are_counted_and_timed_by_route_template(api, app):
    client = app.test_client()
    for _ in range(2):
        assert (await api.get("/api/v1/schedules/no-such-schedule"))[0] == 404
    assert (await api.get("/api/v1/no/such/path"))[0] == 404
    assert (await api.post("/api/v1/users", {"id": "someone"}))[0] == 201
    got = await scrape(client)
    route = "/api/v1/schedules/{schedule_id}"
    assert got.value("nself_oncall_http_requests_total", method="GET", route=route, status="404") == 2
    assert got.value("nself_oncall_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert got.value("nself_oncall_http_requests_total", method="POST", route="/api/v1/users", status="201") == 1
    assert got.value("nself_oncall_http_request_duration_seconds_count", method="GET", route=route) == 2
    assert got.value("nself_oncall_http_request_duration_seconds_bucket", method="GET", route=route, le="+Inf") == 2
    assert got.families["nself_oncall_http_requests"].type == "counter"
    assert got.families["nself_oncall_http_request_duration_seconds"].type == "histogram"
    assert "process_cpu_seconds_total" in got.text and "python_info" in got.text  # the default collectors


def test_route_templates_are_written_as_the_openapi_document_writes_them():
    assert route_template("/api/v1/schedules/<slug:schedule_id>/shifts") == "/api/v1/schedules/{schedule_id}/shifts"
    assert route_template("/ical/<token:token>.ics") == "/ical/{token}.ics"
    assert route_template("/api/v1/users/<name>") == "/api/v1/users/{name}"
    assert route_template("/health") == "/health"


async def test_no_label_holds_an_id(api, app):
    contacts = [{"channel": "log", "address": "ops-48151"}]
    assert (await api.post("/api/v1/users", {"id": USER, "contacts": contacts}))[0] == 201
    layer = {"users": [USER], "rotation": {"unit": "day"}, "start": "2024-01-01T09:00:00"}
    assert (await api.post("/api/v1/schedules", {"id": SCHEDULE, "name": "S", "timezone": "UTC", "layers": [layer]}))[0] == 201
    steps = [{"delay_minutes": 1, "targets": [{"type": "schedule", "id": SCHEDULE}, {"type": "user", "id": USER}]}]
    assert (await api.post("/api/v1/policies", {"id": POLICY, "name": "P", "steps": steps}))[0] == 201
    status, esc = await api.post("/api/v1/escalations", {"policy_id": POLICY, "summary": "s"})
    assert status == 201
    for path in (f"/api/v1/schedules/{SCHEDULE}", f"/api/v1/users/{USER}/oncall", f"/api/v1/escalations/{esc['id']}",
                 f"/api/v1/policies/{POLICY}/preview", f"/api/v1/schedules/{SCHEDULE}zz"):
        await api.get(path)
    text = (await scrape(app.test_client())).text
    for ident in (USER, SCHEDULE, POLICY, esc["id"], "ops-48151"):
        assert ident not in text


async def test_channel_and_plugin_health(app):
    got = await scrape(app.test_client())
    assert got.value("nself_oncall_channel_up", channel="log", notifier="log") == 1
    assert got.value("nself_oncall_channel_up", channel="pigeon", notifier="carrier-pigeon") == 0  # not installed
    assert got.value("nself_oncall_plugin_up", plugin="webhook") == 1
    assert got.value("nself_oncall_database_up") == 1
    assert got.value("nself_oncall_escalations", status="triggered") == 0
    assert {labels["status"] for labels in got.labels("nself_oncall_escalations")} == {"triggered", "acknowledged"}


async def test_migrations_pending(app):
    assert (await scrape(app.test_client())).value("nself_oncall_migrations_pending") == 0
    connection = connections.get("default")
    last = migration_names(connection.schema_generator.DIALECT)[-1]
    # renamed, not deleted, and renamed back: PostgreSQL's test database keeps its aerich rows between tests
    await connection.execute_query(f"UPDATE aerich SET version = 'x{last}' WHERE version = '{last}'")
    try:
        assert (await scrape(app.test_client())).value("nself_oncall_migrations_pending") == 1
    finally:
        await connection.execute_query(f"UPDATE aerich SET version = '{last}' WHERE version = 'x{last}'")


def _wrapped(cause: Exception) -> OperationalError:
    """`cause` as Tortoise raises a failed query's error: its own, the driver's as the cause."""
    error = OperationalError(cause)
    error.__cause__ = cause
    return error


@pytest.mark.parametrize("error", [
    asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),  # 53300, from a new connection
    _wrapped(asyncpg.exceptions.DeadlockDetectedError("deadlock detected")),  # 40P01, from a query
], ids=["too_many_clients", "deadlock"])
async def test_a_database_error_of_the_moment_leaves_out_the_database_gauges_not_the_scrape(app, monkeypatch, error):
    """As a database that refuses connections does (tests/api/test_database_unavailable.py): the scrape answers."""
    async def failing(at):
        raise error

    monkeypatch.setattr(store_metrics, "backlog", failing)
    got = await scrape(app.test_client())
    assert got.value("nself_oncall_database_up") == 0 and "nself_oncall_escalations" not in got.families
    assert got.value("nself_oncall_channel_up", channel="log", notifier="log") == 1
