"""Heartbeats expiring under three engines in real processes on one PostgreSQL: each silent heartbeat opens exactly
one escalation, whose page arrives once at a real receiver; each next ping resolves it."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from apiclient import Api, settings_for
from nself_oncall.app import create_app
from nself_oncall.config import Channel

sys.path.insert(0, str(Path(__file__).parent))
from processes import Workers, plugins_toml  # noqa: E402

pytestmark = pytest.mark.postgres

HEARTBEATS = 20
POLICY = {"id": "p", "name": "P", "steps": [{"delay_minutes": 60, "targets": [{"type": "channel", "id": "hook"}]}]}


def _app(database_url: str, hook_url: str):
    hook = Channel("hook", "webhook", {"url": hook_url, "allow": ["127.0.0.1"]})
    return create_app(replace(settings_for(database_url), channels={"hook": hook}))


async def test_three_engines_page_once_per_silent_heartbeat(tmp_path, pg_database, receiver):
    hook = receiver()
    async with _app(pg_database, hook.url).test_app() as app:
        api = Api(app.test_client())
        assert (await api.post("/api/v1/policies", POLICY))[0] == 201
        pings = {}
        for i in range(HEARTBEATS):  # expiring 6 s from now, unless pinged
            body = {"id": f"job-{i}", "name": f"Job {i}", "policy_id": "p", "interval_minutes": 0.1}
            status, created = await api.post("/api/v1/heartbeats", body)
            assert status == 201, created
            pings[created["id"]] = created["url"].removeprefix("http://127.0.0.1:3840")

        engines = Workers(tmp_path, pg_database, plugins_toml(tmp_path, hook.url))
        engines.start(3)
        try:
            assert hook.wait_for(HEARTBEATS, timeout=60), (len(hook.counts()), engines.logs()[-3000:])
            time.sleep(2)  # time for a second page, were any engine to make one
        finally:
            engines.stop()
        assert sorted(hook.counts().values()) == [1] * HEARTBEATS
        status, found = await api.get("/api/v1/escalations?limit=1000")
        per_heartbeat = Counter(e["heartbeat_id"] for e in found["items"])
        assert per_heartbeat == Counter(pings.keys()) and {e["status"] for e in found["items"]} == {"triggered"}
        assert {b["message"]["escalation_id"] for b in (d.body for d in hook.deliveries)} == {
            e["id"] for e in found["items"]}

        for path in pings.values():
            assert (await api.post(path))[0] == 200
        status, found = await api.get("/api/v1/escalations?limit=1000")
        assert {(e["status"], e["resolved_by"]) for e in found["items"]} == {
            ("resolved", f"heartbeat:{ident}") for ident in pings}
