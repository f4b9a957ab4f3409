"""Notification rules in real processes: two engines on one PostgreSQL page a person by their rules, each message
arriving once at a real receiver, none before its time, the chain outliving its step, and an acknowledgement
stopping what is left of it."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from apiclient import Api, settings_for
from nself_oncall.app import create_app
from nself_oncall.config import Channel

sys.path.insert(0, str(Path(__file__).parent))
from processes import Workers, plugins_toml  # noqa: E402

pytestmark = pytest.mark.postgres

CALL_AFTER = 6.0  # seconds: alice's second rule
ALICE = {"id": "alice", "contacts": [{"channel": "hook", "address": "push"}, {"channel": "hook", "address": "call"}],
         "notification_rules": [{"contact": 0, "delay_minutes": 0}, {"contact": 1, "delay_minutes": CALL_AFTER / 60}]}
BOB = {"id": "bob", "contacts": [{"channel": "hook", "address": "bob"}]}
# alice first, then bob 1.2 s later: the escalation has moved on long before alice's call is due.
POLICY = {"id": "p", "name": "P", "steps": [{"delay_minutes": 0.02, "targets": [{"type": "user", "id": "alice"}]},
                                            {"delay_minutes": 60, "targets": [{"type": "user", "id": "bob"}]}]}


def _app(database_url: str, hook_url: str):
    hook = Channel("hook", "webhook", {"url": hook_url, "allow": ["127.0.0.1"]})
    return create_app(replace(settings_for(database_url), channels={"hook": hook}))


def arrivals(hook, escalation_id: str) -> list[tuple[str, float]]:
    """(contact address, arrival time) of each delivery of the escalation, in arrival order."""
    return [(d.body["contact"]["address"], d.at) for d in hook.deliveries
            if d.body["message"]["escalation_id"] == escalation_id]


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


async def test_rules_run_on_time_outlive_their_step_and_stop_at_an_acknowledgement(tmp_path, pg_database, receiver):
    hook = receiver()
    async with _app(pg_database, hook.url).test_app() as app:
        api = Api(app.test_client())
        for path, body in (("users", ALICE), ("users", BOB), ("policies", POLICY)):
            assert (await api.post(f"/api/v1/{path}", body))[0] == 201
        engines = Workers(tmp_path, pg_database, plugins_toml(tmp_path, hook.url))
        engines.start(2)
        try:
            _, first = await api.post("/api/v1/escalations", {"policy_id": "p", "summary": "one"})
            triggered = datetime.fromisoformat(first["created_at"]).timestamp()
            assert wait_until(lambda: len(arrivals(hook, first["id"])) >= 3, 60), engines.logs()[-3000:]

            _, second = await api.post("/api/v1/escalations", {"policy_id": "p", "summary": "two"})
            assert wait_until(lambda: len(arrivals(hook, second["id"])) >= 2, 60), engines.logs()[-3000:]
            assert (await api.post(f"/api/v1/escalations/{second['id']}/acknowledge", {"by": "alice"}))[0] == 200
            acknowledged = time.time()
            time.sleep(max(0.0, datetime.fromisoformat(second["created_at"]).timestamp() + CALL_AFTER + 2 - time.time()))
        finally:
            engines.stop()

        got = arrivals(hook, first["id"])
        assert [address for address, _ in got] == ["push", "bob", "call"]  # the call after the next step's page
        assert got[2][1] >= triggered + CALL_AFTER  # never ahead of its time
        assert sorted(hook.counts().values()) == [1] * len(hook.counts())  # each message once, by two engines
        assert acknowledged < datetime.fromisoformat(second["created_at"]).timestamp() + CALL_AFTER  # before the call
        assert [address for address, _ in arrivals(hook, second["id"])] == ["push", "bob"]  # so no call
        _, body = await api.get(f"/api/v1/escalations/{first['id']}")
        assert [(n["user"], n["rule"], n["status"]) for n in body["notifications"]] == [
            ("alice", 0, "sent"), ("alice", 1, "sent"), ("bob", None, "sent")]
