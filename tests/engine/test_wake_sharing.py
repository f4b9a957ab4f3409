"""One engine answers each wake-up (store/wake.py): a request of a `serve` whose engine runs wakes that engine
alone, and an engine that wrote no more messages than it has free slots sends them itself. What does go out is
heard on a LISTEN connection of the test's own (PostgreSQL: SQLite has one engine and no NOTIFY)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import asyncpg
import pytest

from nself_oncall.engine.escalator import Escalator
from nself_oncall.store.cache import ScheduleCache
from nself_oncall.store.wake import LOCAL_ENGINE, WAKE_CHANNEL


@pytest.fixture
async def heard(db_url):
    """The payloads of the engines' wake-ups, as a list that fills as they come."""
    if not db_url.startswith("postgres"):
        pytest.skip("NOTIFY is PostgreSQL's")
    connection = await asyncpg.connect(db_url)
    payloads: list[str] = []
    await connection.add_listener(WAKE_CHANNEL, lambda *args: payloads.append(args[3]))
    yield payloads
    await connection.close()


async def setup(api) -> None:
    policy = {"id": "p", "name": "P", "steps": [{"delay_minutes": 5, "targets": [{"type": "channel", "id": "team"}]}]}
    assert (await api.post("/api/v1/policies", policy))[0] == 201


async def trigger(api) -> datetime:
    status, body = await api.post("/api/v1/escalations", {"policy_id": "p", "summary": "disk full"})
    assert status == 201, body
    return datetime.fromisoformat(body["created_at"])


async def settled(payloads: list[str], expected: list[str]) -> list[str]:
    """`payloads` once `expected` came (or a second passed: then what came), emptied."""
    for _ in range(20):
        if payloads == expected:
            break
        await asyncio.sleep(0.05)
    found = list(payloads)
    payloads.clear()
    return found


async def test_a_request_wakes_every_engine_unless_its_own_process_runs_one(api, heard):
    await setup(api)
    await trigger(api)  # this app has no engine: `serve --api-only`
    assert await settled(heard, ["escalations"]) == ["escalations"]
    token = LOCAL_ENGINE.set(True)  # as app.py sets it for a request of a `serve` whose engine runs
    try:
        await trigger(api)
    finally:
        LOCAL_ENGINE.reset(token)
    assert await settled(heard, ["never"]) == []


async def test_an_engine_shares_only_what_its_free_slots_cannot_take(api, heard):
    await setup(api)
    escalator = Escalator(ScheduleCache(), sender="engine-a")
    at = await trigger(api)
    heard.clear()
    assert await escalator.run_once(at, free_slots=1) == 1  # one message, one free slot: sent by this engine
    assert await settled(heard, ["never"]) == []
    at = await trigger(api)
    heard.clear()
    assert await escalator.run_once(at, free_slots=0) == 1  # no free slot: the others are woken
    assert await settled(heard, ["notifications engine-a"]) == ["notifications engine-a"]
