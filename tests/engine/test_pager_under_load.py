"""Due pages stay on time while heavy requests run against the same `serve` (issue 15, item 11): bodies the
nesting check once took 19 s over, 1 MB nested bodies, twenty fetches at once of calendar links of a large schedule,
its feed and its shifts over 400 days (tests/engine/heavy.py). Each of them used to hold the event loop that
`serve`'s engine shared with the API, and with it every due page, by 15 s and more.

Lateness is measured generously: from the instant a page was due (the engine's `due_at`, or the moment the test
sent the trigger of a page due at once) to the moment the receiver (a thread of this test's process) had read the
whole request, so it holds the webhook's HTTP round trip and this process's own scheduling too. The load runs in a
process of its own so that the receiver's thread does not wait for the GIL behind it; the machine's cores, though,
are shared by all. The bound is the issue's: no request delays a due page by more than 1 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import asyncpg
import httpx
from heavy import KINDS

from processes import plugins_toml

TOKEN = "pager-under-load-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HEAVY = Path(__file__).with_name("heavy.py")
TO_HOOK = [{"type": "channel", "id": "hook"}]
#: Ten pages, due FIRST, FIRST + APART, ... seconds after their escalations were triggered (before the load).
PAGES, FIRST, APART = 10, 4.0, 0.6
BOUND = 1.0


class Load:
    """tests/engine/heavy.py in a process of its own: seeded at once, loading from `go()` for `seconds`."""

    def __init__(self, base: str, seconds: float, kinds: tuple[str, ...] = KINDS):
        self.process = subprocess.Popen([sys.executable, str(HEAVY), base, TOKEN, str(seconds), ",".join(kinds)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "seeded"

    def go(self) -> None:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def ran(self) -> dict:
        """When the load started and ended, what it sent and what was answered (once it has ended)."""
        try:
            return json.loads(self.process.stdout.readline())
        finally:
            self.process.kill()
            self.process.wait()


def _serve(tmp_path: Path, serve_process, hook, db_url: str, policies: dict[str, float]):
    """`serve` with a policy per entry: step 0 to the hook channel, step 1 after the given seconds."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NSELF_ONCALL_", "DATABASE_URL"))}
    env.update(PLUGIN_SECRET=TOKEN, DATABASE_URL=db_url, NSELF_ONCALL_PLUGINS=str(plugins_toml(tmp_path, hook.url)))
    served = serve_process(tmp_path, env)
    served.wait_healthy()
    for name, seconds in policies.items():
        steps = [{"delay_minutes": seconds / 60, "targets": TO_HOOK}, {"delay_minutes": 1, "targets": TO_HOOK}]
        answer = httpx.post(f"{served.base}/api/v1/policies", headers=AUTH, json={"id": name, "name": "P", "steps": steps})
        assert answer.status_code == 201, answer.text
    return served


def _trigger(base: str, policy: str) -> str:
    answer = httpx.post(f"{base}/api/v1/escalations", headers=AUTH, json={"policy_id": policy, "summary": "s"}, timeout=120)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _first_arrivals(hook) -> dict[str, float]:
    arrived: dict[str, float] = {}
    for key, at, answer in hook.arrivals:
        if answer == "ok":
            arrived.setdefault(key, at)
    return arrived


def _answered(ran: dict) -> dict[tuple[str, int], int]:
    """What the load was answered, which is never anything but what each kind must get."""
    answered = {(kind, status): n for kind, status, n in ran["answered"]}
    assert set(answered) <= {("escaped", 400), ("deep", 400), ("links", 200), ("feed", 200), ("shifts", 200)}, ran
    return answered


def test_due_pages_are_on_time_beside_heavy_requests(tmp_path: Path, serve_process, receiver, db_url):
    hook = receiver()
    # Step 1 of policy p<i> is due FIRST + i * APART seconds after its trigger.
    served = _serve(tmp_path, serve_process, hook, db_url, {f"p{i}": FIRST + i * APART for i in range(PAGES)})
    load = Load(served.base, FIRST + PAGES * APART + 2)
    for i in range(PAGES):
        _trigger(served.base, f"p{i}")
    load.go()
    ran = load.ran()
    assert hook.wait_for(2 * PAGES, timeout=20), served.output()
    due = asyncio.run(_notifications(db_url, step=1))

    # Every page came due while every kind of heavy request ran (what was still under way when the load stopped
    # was dropped), and the bodies were answered many times over.
    assert len(due) == PAGES and ran["started"] < min(at for _, at in due.values()) < max(at for _, at in due.values())
    assert max(at for _, at in due.values()) < ran["ended"] and set(ran["sent"]) == set(KINDS), ran
    answered = _answered(ran)
    assert answered.get(("escaped", 400), 0) > PAGES and answered.get(("deep", 400), 0) > PAGES, ran
    arrived = _first_arrivals(hook)
    late = {key: arrived[key] - at for key, (_, at) in due.items()}
    assert max(late.values()) < BOUND, late


def test_pages_triggered_beside_heavy_bodies_are_on_time(tmp_path: Path, serve_process, receiver, db_url):
    """Pages due at their triggers, sent while the API checks bodies of escaped quotes and 1 MB nested ones: the
    check that took 19 s over 80 KB held the trigger, and with it the page, as long."""
    hook = receiver()
    served = _serve(tmp_path, serve_process, hook, db_url, {"p": 60})
    triggers, apart = 5, 1.0
    load = Load(served.base, (triggers + 1) * apart, kinds=("escaped", "deep"))
    load.go()
    sent = {}
    for _ in range(triggers):
        time.sleep(apart)
        at = time.time()
        sent[_trigger(served.base, "p")] = at
    ran = load.ran()
    hook.wait_for(triggers, timeout=20)
    pages = {escalation: key for key, (escalation, _) in asyncio.run(_notifications(db_url, step=0)).items()}
    arrived = _first_arrivals(hook)
    late = {escalation: arrived.get(pages.get(escalation), float("inf")) - at for escalation, at in sent.items()}
    assert max(late.values()) < BOUND, late

    # The triggers were sent while the bodies were, and the bodies were answered many times over.
    assert ran["started"] < min(sent.values()) and max(sent.values()) < ran["ended"], ran
    answered = _answered(ran)
    assert answered.get(("escaped", 400), 0) > triggers and answered.get(("deep", 400), 0) > triggers, ran


async def _notifications(database_url: str, step: int) -> dict[str, tuple[str, float]]:
    """The notifications of `step`: their ids, with their escalation's and their due time (epoch seconds)."""
    sql = "SELECT id, escalation_id, due_at FROM notifications WHERE step = $1"
    if database_url.startswith("sqlite://"):
        with sqlite3.connect(database_url.removeprefix("sqlite://")) as db:
            found = db.execute(sql.replace("$1", "?"), [step])
            return {key: (escalation, datetime.fromisoformat(at).timestamp()) for key, escalation, at in found}
    connection = await asyncpg.connect(database_url)
    try:
        found = await connection.fetch(sql, step)
        return {row["id"]: (row["escalation_id"], row["due_at"].timestamp()) for row in found}
    finally:
        await connection.close()
