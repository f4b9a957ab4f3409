"""One SQLite file, two writers: `serve --api-only` and a `worker`, as docs/operations.md lays them out, answer no
5xx while both write (issue 15, item 2). `serve` alone is two writers too: its engine runs in a process of its own.

A transaction that read, then wrote, used to begin DEFERRED: when the other process wrote in between, SQLite failed
it at once with "database is locked", whatever the busy timeout, and acknowledgements racing the worker answered
503. Transactions now begin IMMEDIATE and wait for the lock (store/sqlite_client.py).
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
from collections import Counter
from pathlib import Path

import httpx
import pytest

from processes import Workers, plugins_toml

TOKEN = "sqlite-contention-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ESCALATIONS = 60
#: Steps half a second apart to the channel and to a user: the worker writes steps and results all the while.
POLICY = {"id": "p", "name": "P", "repeat": 2, "steps": [
    {"delay_minutes": 1 / 120, "targets": [{"type": "channel", "id": "hook"}, {"type": "user", "id": "u"}]},
    {"delay_minutes": 1 / 120, "targets": [{"type": "channel", "id": "hook"}, {"type": "user", "id": "u"}]},
]}
#: Requests under way at once.
AT_ONCE = 12


@pytest.mark.parametrize("layout", ["api-only-and-worker", "serve"])
def test_triggers_and_acknowledgements_racing_the_engine_answer_no_5xx(tmp_path: Path, serve_process, receiver, layout):
    hook = receiver()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NSELF_ONCALL_", "DATABASE_URL"))}
    env.update(PLUGIN_SECRET=TOKEN, DATABASE_URL=f"sqlite://{tmp_path / 'oncall.db'}",
               NSELF_ONCALL_PLUGINS=str(plugins_toml(tmp_path, hook.url)))
    served = serve_process(tmp_path, env, *(["--api-only"] if layout != "serve" else []))
    served.wait_healthy()
    workers = Workers(tmp_path, env["DATABASE_URL"], Path(env["NSELF_ONCALL_PLUGINS"]), {"PLUGIN_SECRET": TOKEN})
    try:
        if layout != "serve":
            workers.start()
        answers = asyncio.run(_race(served.base, hook.url))
        acknowledged = _acknowledged(tmp_path)
    finally:
        workers.stop()
        output = served.output()
    assert not [status for status in answers if status >= 500], (answers, output[-3000:], workers.logs()[-3000:])
    assert answers == Counter({201: ESCALATIONS, 200: ESCALATIONS}), answers
    assert acknowledged == ESCALATIONS
    assert hook.counts(), "the engine sent nothing: there was no race"


async def _race(base: str, hook_url: str) -> Counter[int]:
    """The user and the policy; then ESCALATIONS escalations, each acknowledged a moment after its trigger, while
    the engine reaches their steps and sends their messages; the statuses of the triggers and acknowledgements."""
    statuses: Counter[int] = Counter()
    gate = asyncio.Semaphore(AT_ONCE)
    async with httpx.AsyncClient(base_url=base, headers=AUTH, timeout=60) as client:
        user = {"id": "u", "contacts": [{"channel": "hook", "address": hook_url}]}
        for path, body in (("/api/v1/users", user), ("/api/v1/policies", POLICY)):
            assert (await client.post(path, json=body)).status_code == 201

        async def call(path: str, body: dict | None = None) -> httpx.Response:
            async with gate:
                response = await client.post(path, json=body)
            statuses[response.status_code] += 1
            return response

        async def one(i: int) -> None:
            response = await call("/api/v1/escalations", {"policy_id": "p", "summary": f"race {i}"})
            if response.status_code == 201:
                await asyncio.sleep(random.uniform(0.2, 1.5))  # its first steps are under way
                await call(f"/api/v1/escalations/{response.json()['id']}/acknowledge")

        await asyncio.gather(*(one(i) for i in range(ESCALATIONS)))
    return statuses


def _acknowledged(folder: Path) -> int:
    with sqlite3.connect(folder / "oncall.db") as db:
        return db.execute("SELECT COUNT(*) FROM escalations WHERE status = 'acknowledged'").fetchone()[0]
