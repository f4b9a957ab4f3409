"""Due pages stay on time while heavy requests run against the same `serve` (issue 15, item 11): bodies the
nesting check once took 19 s over, 1 MB nested bodies, twenty calendar links of a large schedule fetched at once,
its feed and its shifts over 400 days (tests/engine/heavy.py). Each of them used to hold the event loop that
`serve`'s engine shared with the API, and with it every due page, by 15 s and more."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import asyncpg
import httpx
from heavy import KINDS

from processes import plugins_toml

TOKEN = "pager-under-load-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HEAVY = Path(__file__).with_name("heavy.py")
#: Ten pages, due FIRST, FIRST + APART, ... seconds after their escalations were triggered (before the load).
PAGES, FIRST, APART = 10, 4.0, 0.6
LOAD_SECONDS = FIRST + PAGES * APART + 2
#: The issue's bound: no request delays a due page by more than this.
BOUND = 1.0


def test_due_pages_are_on_time_beside_heavy_requests(tmp_path: Path, serve_process, receiver, db_url):
    hook = receiver()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NSELF_ONCALL_", "DATABASE_URL"))}
    env.update(PLUGIN_SECRET=TOKEN, DATABASE_URL=db_url, NSELF_ONCALL_PLUGINS=str(plugins_toml(tmp_path, hook.url)))
    served = serve_process(tmp_path, env)
    served.wait_healthy()
    to_hook = [{"type": "channel", "id": "hook"}]
    for i in range(PAGES):  # step 1 of policy i is due FIRST + i * APART seconds after a trigger
        steps = [{"delay_minutes": (FIRST + i * APART) / 60, "targets": to_hook}, {"delay_minutes": 1, "targets": to_hook}]
        answer = httpx.post(f"{served.base}/api/v1/policies", headers=AUTH, json={"id": f"p{i}", "name": "P", "steps": steps})
        assert answer.status_code == 201, answer.text
    load = subprocess.Popen([sys.executable, str(HEAVY), served.base, TOKEN, str(LOAD_SECONDS)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # its own process: see below
    try:
        assert load.stdout.readline().strip() == "seeded"
        for i in range(PAGES):
            answer = httpx.post(f"{served.base}/api/v1/escalations", headers=AUTH, json={"policy_id": f"p{i}", "summary": "s"})
            assert answer.status_code == 201, answer.text
        load.stdin.write("go\n")
        load.stdin.flush()
        ran = json.loads(load.stdout.readline())
    finally:
        load.kill()
        load.wait()
    assert hook.wait_for(2 * PAGES, timeout=20), served.output()
    due = asyncio.run(_step_one_due_times(db_url))

    # Every page came due while every kind of heavy request ran (what was still under way when the load stopped
    # was dropped); every answer was the right one, and the bodies were answered many times over.
    assert len(due) == PAGES and ran["started"] < min(due.values()) and max(due.values()) < ran["ended"]
    assert set(ran["sent"]) == set(KINDS), ran
    answered = {(kind, status): n for kind, status, n in ran["answered"]}
    assert set(answered) <= {("escaped", 400), ("deep", 400), ("links", 200), ("feed", 200), ("shifts", 200)}, ran
    assert answered.get(("escaped", 400), 0) > PAGES and answered.get(("deep", 400), 0) > PAGES, ran
    # Lateness is measured generously: from the due instant the engine computed to the moment the receiver (a
    # thread of this test's process) had read the whole request, so it holds the webhook's HTTP round trip and
    # this process's own scheduling too. The load runs in a process of its own so that the receiver's thread does
    # not wait for the GIL behind it; the machine's cores, though, are shared by all.
    arrived = {}
    for key, at, answer in hook.arrivals:
        if answer == "ok":
            arrived.setdefault(key, at)
    late = {key: arrived[key] - at for key, at in due.items()}
    assert max(late.values()) < BOUND, late


async def _step_one_due_times(database_url: str) -> dict[str, float]:
    """Each step-1 notification's id and due time (epoch seconds)."""
    sql = "SELECT id, due_at FROM notifications WHERE step = 1"
    if database_url.startswith("sqlite://"):
        with sqlite3.connect(database_url.removeprefix("sqlite://")) as db:
            return {key: datetime.fromisoformat(at).timestamp() for key, at in db.execute(sql)}
    connection = await asyncpg.connect(database_url)
    try:
        return {row["id"]: row["due_at"].timestamp() for row in await connection.fetch(sql)}
    finally:
        await connection.close()
