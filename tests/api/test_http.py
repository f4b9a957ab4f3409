"""Auth, health, OpenAPI and the error shape for every failure."""

from __future__ import annotations

from dataclasses import replace

import asyncpg
import pytest
from tortoise.exceptions import OperationalError

from apiclient import AUTH, raw_headers, settings_for
from metrics_helpers import scrape
from nself_oncall.app import create_app
from nself_oncall.service import escalations


async def test_health_and_docs_need_no_token(app):
    client = app.test_client()
    response = await client.get("/health")
    assert response.status_code == 200 and await response.get_json() == {"status": "ok"}
    response = await client.get("/ready")
    assert response.status_code == 200
    response = await client.get("/openapi.json")
    spec = await response.get_json()
    assert response.status_code == 200 and "/api/v1/schedules/{schedule_id}/oncall" in spec["paths"]
    assert (await client.get("/docs")).status_code == 200


async def test_openapi_documents_every_answer(app):
    """Each operation documents its success and error answers (tests/api/test_schemathesis.py checks
    them against real ones); bodies are required but the channel test's and an escalation's acknowledge and resolve; path ids carry their pattern."""
    spec = await (await app.test_client().get("/openapi.json")).get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert any(s.startswith("2") for s in statuses), (method, path)
            if path.startswith("/api/v1/"):
                assert "401" in statuses, (method, path)
                error = operation["responses"]["401"]["content"]["application/json"]["schema"]
                assert error["properties"]["error"] == {"$ref": "#/components/schemas/Error"}
            if "requestBody" in operation:
                optional = path.endswith(("/test", "/acknowledge", "/resolve"))
                assert operation["requestBody"]["required"] == (not optional), (method, path)
                # PagerDuty's Events API answers every invalid event 400 ("invalid event"), never 422; a provider's
                # door reads nothing before the signature, and a body it cannot verify is a 403
                if path == "/v2/enqueue":
                    invalid = {"400"}
                elif path.startswith("/inbound/"):
                    invalid = {"403"}
                else:
                    invalid = {"400", "422"}
                assert invalid | {"413"} <= statuses, (method, path)
            for parameter in operation.get("parameters", []):
                assert parameter["in"] != "path" or parameter["schema"]["pattern"].startswith("^"), (method, path)
    assert "content" not in spec["paths"]["/api/v1/schedules/{schedule_id}"]["delete"]["responses"]["204"]


async def test_api_needs_the_token(app, auth):
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": auth["Authorization"] + "x"},
                    {"Authorization": "Basic abc"}):
        response = await client.get("/api/v1/schedules", headers=headers)
        assert response.status_code == 401
        assert (await response.get_json())["error"]["code"] == "unauthorized"
    response = await client.post("/api/v1/schedules", json={"name": "x"})
    assert response.status_code == 401
    response = await client.get("/api/v1/schedules", headers=auth)
    assert response.status_code == 200


async def test_the_bearer_scheme_name_is_case_insensitive(app, auth):
    client = app.test_client()
    token = auth["Authorization"].split(" ", 1)[1]
    for scheme in ("Bearer", "bearer", "BEARER", "bEaReR"):
        response = await client.get("/api/v1/schedules", headers={"Authorization": f"{scheme} {token}"})
        assert response.status_code == 200, scheme
    for header in (f"bearer {token}x", "bearer ", "bearer", token, f"Bearerx {token}", f"Basic {token}"):
        response = await client.get("/api/v1/schedules", headers={"Authorization": header})
        assert response.status_code == 401, header


async def test_unknown_route_and_method_are_json(api):
    status, body = await api.get("/api/v1/nothing-here")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body = await api.call("PUT", "/api/v1/schedules")
    assert status == 405 and body["error"]["code"] == "method_not_allowed"


async def test_body_over_one_mib_is_413(api):
    big = '{"name": "' + "x" * (1024 * 1024) + '"}'
    status, body = await api.call("POST", "/api/v1/schedules", data=big, headers={"Content-Type": "application/json"})
    assert status == 413 and body["error"]["code"] == "payload_too_large"


async def test_bad_limit_is_400(api):
    for query in ("limit=0", "limit=1001", "limit=abc", "limit=-1"):
        status, body = await api.get(f"/api/v1/schedules?{query}")
        assert status == 400, query
        assert body["error"]["code"] == "bad_request"


async def test_hostile_input_never_gets_a_5xx(api):
    layer = {"users": ["a"], "rotation": {"unit": "week"}, "start": "2024-01-01T00:00:00Z"}
    await api.post("/api/v1/schedules", {"id": "s", "name": "s", "layers": [layer]})
    cases = [
        ("POST", "/api/v1/schedules", {"name": "x", "layers": [{**layer, "start": "0001-01-01T00:00:00"}]}, 422),
        ("POST", "/api/v1/schedules", {"name": "x", "layers": [{**layer, "start": "9999-12-31T23:59:59+14:00"}]}, 422),
        ("POST", "/api/v1/schedules", {"name": "x", "layers": [{**layer, "start": "2024-01-01T00:00:00+25:00"}]}, 422),
        ("POST", "/api/v1/schedules", {"name": "x", "layers": [{**layer, "rotation": {"unit": "week", "length": 1e300}}]}, 422),
        ("POST", "/api/v1/schedules", {"name": "x", "layers": [{**layer, "rotation": {"unit": "week", "length": "2"}}]}, 422),
        ("POST", "/api/v1/schedules", {"name": "x", "timezone": "../../etc/passwd"}, 422),
        ("POST", "/api/v1/overrides", {"schedule_id": "s", "user": "u", "start": "0001-01-01T00:00:00",
                                       "end": "2024-01-01T00:00:00Z"}, 422),
        ("POST", "/api/v1/policies", {"name": "p", "repeat": True, "steps": [
            {"delay_minutes": 1, "targets": [{"type": "channel", "id": "log"}]}]}, 422),
        ("POST", "/api/v1/policies", {"name": "p", "steps": [
            {"delay_minutes": "NaN", "targets": [{"type": "channel", "id": "log"}]}]}, 422),
        ("GET", "/api/v1/schedules/s/oncall?at=0001-01-01T00:00:00", None, 400),
        ("GET", "/api/v1/overrides?cursor=WyIyMDI0IiwgMV0", None, 400),  # ["2024", 1]
        ("GET", "/api/v1/overrides?cursor=WyIyMDI0LTAxLTAxIiwgMV0", None, 400),  # ["2024-01-01", 1]
        ("GET", "/api/v1/overrides?cursor=eyJhIjoxfQ", None, 400),  # {"a": 1}
    ]
    for method, path, body, expected in cases:
        status, answer = await api.call(method, path, body)
        assert status == expected, (path, body, answer)
        assert set(answer["error"]) == {"code", "message", "details"}


async def test_a_body_that_is_not_utf8_is_400(api):
    for path in ("/api/v1/users", "/api/v1/channels/log/test"):
        status, body = await api.call("POST", path, data=b"\xff\xfe{", headers={"Content-Type": "application/json"})
        assert status == 400 and body["error"]["code"] == "bad_request", path


async def test_far_future_layer_and_long_rotations(api):
    layer = {"users": ["a"] * 999 + ["b"], "rotation": {"unit": "month", "length": 1000}, "start": "8999-01-31T00:00:00"}
    status, body = await api.post("/api/v1/schedules", {"id": "far", "name": "far", "layers": [layer]})
    assert status == 201 and body["oncall"]["user"] is None and body["oncall"]["end"] == "8999-01-31T00:00:00Z"
    status, body = await api.get("/api/v1/schedules/far/oncall?at=8999-12-31T00:00:00Z")
    assert status == 200 and body["user"] == "a" and body["end"] is None


async def test_a_non_ascii_authorization_header_is_401_and_every_refusal_is_counted(app, auth):
    client = app.test_client()
    token = auth["Authorization"].split(" ", 1)[1]
    for header in ("Bearer tökén".encode(), f"Bearer {token}é".encode(), b"Bearer \xff\xfe", f"Béarer {token}".encode(),
                   f"Bearer {token}\xe9".encode("latin-1")):
        response = await client.get("/api/v1/schedules", **raw_headers({"Authorization": header}))
        assert response.status_code == 401, header
        assert (await response.get_json())["error"]["code"] == "unauthorized"
    assert (await client.get("/api/v1/schedules")).status_code == 401
    assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
    got = await scrape(client)
    failures = {(door, reason): got.value("nself_oncall_auth_failures_total", door=door, reason=reason)
                for door, reason in (("api", "missing"), ("api", "wrong"), ("metrics", "missing"), ("metrics", "wrong"))}
    # Béarer is another scheme: no bearer token (missing), as no header at all is.
    assert failures == {("api", "missing"): 2, ("api", "wrong"): 4, ("metrics", "missing"): 0, ("metrics", "wrong"): 1}


async def test_the_metrics_token_reads_metrics_and_nothing_else(db_url, auth):
    metrics_token = "scrape-only-0123456789"
    async with create_app(replace(settings_for(db_url), metrics_token=metrics_token)).test_app() as app:
        client = app.test_client()
        scraper = {"Authorization": f"Bearer {metrics_token}"}
        response = await client.get("/metrics", headers=scraper)
        assert response.status_code == 200 and b"nself_oncall_http_requests_total" in await response.get_data()
        assert (await client.get("/metrics", headers=auth)).status_code == 200  # the API token still reads it
        for method, path in (("GET", "/api/v1/schedules"), ("GET", "/api/v1/audit"), ("POST", "/api/v1/users"),
                             ("GET", "/api/v1"), ("DELETE", "/api/v1/users/someone")):
            response = await client.open(path, method=method, headers=scraper, json={"id": "someone"})
            assert response.status_code == 401, (method, path)
        assert (await client.get("/metrics", headers={"Authorization": f"Bearer {metrics_token}x"})).status_code == 401
        got = await scrape(client)
        assert got.value("nself_oncall_auth_failures_total", door="api", reason="wrong") == 5
        assert got.value("nself_oncall_auth_failures_total", door="metrics", reason="wrong") == 1


@pytest.mark.parametrize("error", [asyncpg.exceptions.DeadlockDetectedError, asyncpg.exceptions.SerializationError])
async def test_an_error_of_the_moment_is_a_503_to_try_again(api, monkeypatch, error):
    """A deadlock or a serialization failure says nothing about the request: the client should send it again."""

    async def unlucky(*args, **kwargs):
        raise OperationalError("deadlock") from error("deadlock detected")

    monkeypatch.setattr(escalations, "list_escalations", unlucky)
    response = await api.client.get("/api/v1/escalations", headers=AUTH)
    assert (response.status_code, response.headers["Retry-After"]) == (503, "1")
    assert (await response.get_json())["error"]["code"] == "unavailable"
