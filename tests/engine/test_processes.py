"""Engines in real processes on one PostgreSQL: every notification delivered once, counted at a real receiver.

Bounded forms of the race and crash runs; bench/engine_race.py and bench/engine_crash.py run the full sizes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from apiclient import Api, settings_for
from nself_oncall.app import create_app
from nself_oncall.config import Channel

sys.path.insert(0, str(Path(__file__).parent))
from processes import Workers, plugins_toml  # noqa: E402

pytestmark = pytest.mark.postgres

# Two steps 1.2 s apart, repeated once: four notifications per escalation, two of them to a user's contact.
POLICY = {"id": "p", "name": "P", "repeat": 1, "steps": [
    {"delay_minutes": 0.02, "targets": [{"type": "channel", "id": "hook"}]},
    {"delay_minutes": 0.02, "targets": [{"type": "user", "id": "u"}]},
]}
PER_ESCALATION = 4


async def trigger_many(database_url: str, hook_url: str, count: int, direct_url: str | None = None) -> list[str]:
    """Create the user and policy, then trigger `count` escalations through the API (no engine in this process);
    `direct_url`: NSELF_ONCALL_DIRECT_DATABASE_URL, when `database_url` is PgBouncer's."""
    hook = Channel("hook", "webhook", {"url": hook_url, "allow": ["127.0.0.1"]})
    app = create_app(replace(settings_for(database_url), channels={"hook": hook}, direct_database_url=direct_url))
    async with app.test_app() as test_app:
        api = Api(test_app.test_client())
        user = {"id": "u", "contacts": [{"channel": "hook", "address": hook_url}]}
        assert (await api.post("/api/v1/users", user))[0] == 201
        assert (await api.post("/api/v1/policies", POLICY))[0] == 201
        ids = []
        for i in range(count):
            status, body = await api.post("/api/v1/escalations", {"policy_id": "p", "summary": f"race {i}"})
            assert status == 201, body
            ids.append(body["id"])
        return ids


async def test_four_engines_deliver_each_notification_exactly_once(tmp_path, pg_database, receiver):
    hook = receiver()
    folder = tmp_path / "run"
    folder.mkdir()
    engines = Workers(folder, pg_database, plugins_toml(folder, hook.url))
    engines.start(4)
    try:
        count = int(os.environ.get("NSELF_ONCALL_RACE_ESCALATIONS", "150"))
        ids = await trigger_many(pg_database, hook.url, count)
        assert hook.wait_for(count * PER_ESCALATION, timeout=120), (len(hook.counts()), engines.logs()[-3000:])
        engines.stop()
    finally:
        engines.stop()
    counts = hook.counts()
    assert len(counts) == count * PER_ESCALATION and set(counts.values()) == {1}
    bodies = [d.body for d in hook.deliveries]
    assert {b["message"]["escalation_id"] for b in bodies} == set(ids)
    owners = {line.split(" as ")[1] for line in engines.logs().splitlines() if "engine running as" in line}
    assert len(owners) == 4
