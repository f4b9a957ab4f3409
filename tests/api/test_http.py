"""Auth, health, OpenAPI and the error shape for every failure."""

from __future__ import annotations


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
