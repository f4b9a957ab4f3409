"""A PostgreSQL that accepts connections but never answers (hung, or cut off behind a proxy that keeps the TCP
connections open) makes /ready and the API answer 503 quickly, and the engine's loops try again, instead of every
request waiting a minute or for ever; once it answers again, paging goes on.

The database is the shared test server behind `HangingProxy` (tests/peers.py), a TCP proxy on loopback that can be made to stop
answering. The connect and query timeouts (5 s and 10 s) are shortened to 1 s to keep the test short; the deadline
on each step is many times that, so only a wait that is not bounded fails it.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

import pytest

from apiclient import AUTH, Api, engine_beside, settings_for
from nself_oncall import config
from nself_oncall.app import create_app
from nself_oncall.engine import EngineOptions
from peers import HangingProxy

pytestmark = pytest.mark.postgres

DEADLINE = 20.0  # seconds for a step: generous next to the 1 s timeouts, far below the 60 s asyncpg waits to connect


@pytest.fixture
def proxy(db_url):
    parts = urlsplit(db_url)
    proxy = HangingProxy((parts.hostname, parts.port or 5432))
    yield proxy
    proxy.close()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_a_database_that_never_answers_is_a_quick_503_and_the_engine_tries_again(db_url, proxy, monkeypatch,
                                                                                       caplog):
    monkeypatch.setattr(config, "CONNECT_TIMEOUT", 1)
    monkeypatch.setattr(config, "QUERY_TIMEOUT", 1.0)
    caplog.set_level(logging.WARNING)
    url = urlsplit(db_url)._replace(netloc=f"{urlsplit(db_url).username}@127.0.0.1:{proxy.port}").geturl()
    app = create_app(settings_for(url))
    async with app.test_app() as running, engine_beside(app, EngineOptions()):  # its warnings reach caplog
        client = running.test_client()
        api = Api(client)
        policy = {"id": "p", "name": "P", "steps": [{"delay_minutes": 1, "targets": [{"type": "channel", "id": "log"}]}]}
        assert (await api.post("/api/v1/policies", policy))[0] == 201  # the pool holds open connections now

        proxy.hang()
        async with asyncio.timeout(DEADLINE):
            answers = await asyncio.gather(
                client.get("/ready"),
                client.get("/api/v1/policies/p", headers=AUTH),
                client.post("/api/v1/escalations", json={"policy_id": "p", "summary": "hung"}, headers=AUTH),
                *(client.get("/api/v1/escalations", headers=AUTH) for _ in range(8)),  # more than the pool holds
            )
        ready, *calls = answers
        assert (ready.status_code, await ready.get_json()) == (503, {"status": "unavailable",
                                                                   "reason": "database not answering"})
        for response in calls:
            assert response.status_code == 503, await response.get_data(as_text=True)
            assert response.headers["Retry-After"] == "1"
            assert (await response.get_json())["error"]["code"] == "unavailable"
        async with asyncio.timeout(DEADLINE):
            while not {"escalator", "notice planner", "dispatcher"} <= _engine_loops_that_waited(caplog):
                await asyncio.sleep(0.1)

        proxy.recover()
        async with asyncio.timeout(DEADLINE):
            while (answer := await api.post("/api/v1/escalations", {"policy_id": "p", "summary": "back"}))[0] == 503:
                await asyncio.sleep(0.1)  # the pool finds its connections dropped, one request at a time
            assert answer[0] == 201, answer
            while [n["status"] for n in (await api.get(f"/api/v1/escalations/{answer[1]['id']}"))[1]["notifications"]
                   ] != ["sent"]:
                await asyncio.sleep(0.1)
        _, listed = await api.get("/api/v1/escalations")
        assert [e["summary"] for e in listed["items"]] == ["back"]  # the 503s stored nothing


def _engine_loops_that_waited(caplog: pytest.LogCaptureFixture) -> set[str]:
    """The engine loops that logged a database error and a wait, as they do while the database is away."""
    messages = [r.getMessage() for r in caplog.records if r.name == "nself_oncall.engine.runner"]
    return {loop for loop in ("escalator", "notice planner", "dispatcher")
            if any(m.startswith(f"engine {loop}: ") and "trying again" in m for m in messages)}
