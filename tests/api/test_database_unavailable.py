"""While the database cannot be reached the API answers 503 with Retry-After, never a 500 (/metrics answers, with
nself_oncall_database_up 0); then it recovers.

Uses a throwaway PostgreSQL cluster of its own (tests/engine/processes.py), stopped and started again.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from apiclient import Api, settings_for
from metrics_helpers import scrape
from nself_oncall.app import create_app
from nself_oncall.migrate import apply_migrations

sys.path.insert(0, str(Path(__file__).parents[1] / "engine"))
from processes import PostgresCluster  # noqa: E402

pytestmark = pytest.mark.postgres


@pytest.fixture
def cluster():
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.remove()


async def test_a_database_that_went_away_is_a_503_until_it_is_back(cluster):
    await apply_migrations(cluster.url)
    app = create_app(settings_for(cluster.url))
    async with app.test_app() as test_app:
        api = Api(test_app.test_client())
        policy = {"id": "p", "name": "P", "steps": [{"delay_minutes": 1, "targets": [{"type": "channel", "id": "log"}]}]}
        assert (await api.post("/api/v1/policies", policy))[0] == 201
        cluster.stop("immediate")
        client = test_app.test_client()
        for method, path, body in (("POST", "/api/v1/escalations", {"policy_id": "p", "summary": "down"}),
                                   ("GET", "/api/v1/escalations", None), ("GET", "/api/v1/policies/p", None)):
            response = await client.open(path, method=method, json=body, headers=api_headers())
            assert response.status_code == 503, (path, await response.get_data(as_text=True))
            assert response.headers["Retry-After"] == "1"
            assert (await response.get_json())["error"]["code"] == "unavailable"
        for method in ("GET", "POST"):  # an action link's answer is a page, also then
            response = await client.open("/a/" + "A" * 43, method=method)
            assert (response.status_code, response.headers["Retry-After"]) == (503, "1")
            assert response.mimetype == "text/html" and "try again" in await response.get_data(as_text=True)
        down = await scrape(client)  # still answered: the process's own metrics, and that the database is down
        assert down.value("nself_oncall_database_up") == 0 and "nself_oncall_escalations" not in down.families
        assert down.value("nself_oncall_http_requests_total", method="GET", route="/api/v1/escalations", status="503") == 1
        cluster.start()
        for _ in range(50):  # the pool hands out a dead connection or two before it reconnects
            status, _ = await api.post("/api/v1/escalations", {"policy_id": "p", "summary": "back", "dedup_key": "k"})
            if status in (200, 201):
                break
            assert status == 503
        assert status == 201
        _, listed = await api.get("/api/v1/escalations")
        assert [e["summary"] for e in listed["items"]] == ["back"]  # the 503s stored nothing


def api_headers() -> dict[str, str]:
    from apiclient import AUTH

    return dict(AUTH)
