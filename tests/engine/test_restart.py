"""The database crashes (pg_ctl stop -m immediate) and comes back under load: workers survive, nothing is lost,
and what was in flight or fell due while the database was away arrives within the lease plus 1 s of its return.

The database is a throwaway cluster of this test's own (processes.PostgresCluster), never the shared server.
Escalations are triggered before the crash and all through it (a trigger that fails while the database is away
is not counted: the rows in the database say what has to arrive). Steps fall due every 1.2 s, so some are due
while the database is down, and a slow receiver keeps calls under way at the crash.

bench/engine_restart.py runs the same scenario longer, with more restarts.
"""

from __future__ import annotations

import asyncio
import time
import zlib

import asyncpg
import pytest
from tortoise.backends.asyncpg.client import TransactionWrapper

from chaos import (
    Supervisor,
    api_for,
    create_policy,
    duplicates,
    explain,
    loop_errors,
    policy,
    rows,
    running,
    timed_out,
    trigger,
    undelivered,
)
from nself_oncall.engine import EngineOptions
from nself_oncall.engine.runner import BACKOFF, IDLE
from nself_oncall.migrate import apply_migrations
from processes import PostgresCluster, Workers, plugins_toml

pytestmark = pytest.mark.postgres

TIMEOUT = 3.0
LEASE = TIMEOUT + 5
DOWN_FOR = 2.0
WORKERS = 3
SLOW = 1.0  # two keys in five are answered this many seconds after they arrive, so calls are under way at the crash
#: Loops try again every BACKOFF (0.5 s): once the database is back, none may fail after this many seconds.
RECOVERED = 3.0


def slow_two_fifths(key: str, attempt: int) -> str:
    return "slow" if zlib.crc32(key.encode()) % 5 < 2 else "ok"


@pytest.fixture
def cluster():
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.remove()


async def test_database_restart_under_load(cluster, receiver, tmp_path):
    await apply_migrations(cluster.url)
    hook = receiver(slow_two_fifths, hang_seconds=SLOW)
    workers = Workers(tmp_path, cluster.url, plugins_toml(tmp_path, hook.url, timeout=TIMEOUT))
    supervisor = Supervisor(workers, cluster.url, kill_budget=0)
    async with api_for(cluster.url, hook.url) as api:
        await create_policy(api, hook.url, policy([0.02, 0.02, 0.02], targets=[{"type": "channel", "id": "hook"}]))
        workers.start(WORKERS)
        await running(workers, WORKERS)
        load = asyncio.create_task(_trigger_steadily(api, per_second=20))
        try:
            await asyncio.sleep(4)
            held = {r.id for r in await rows(cluster.url, "lease_owner IS NOT NULL")}
            down = time.time()
            await asyncio.to_thread(cluster.stop, "immediate")
            await asyncio.sleep(DOWN_FOR)
            await asyncio.to_thread(cluster.start)
            back = time.time()
            await asyncio.sleep(2)
        finally:
            load.cancel()
            triggered, refused = await load
    try:
        await supervisor.run_until(lambda: undelivered(cluster.url, hook.counts), 30)
    finally:
        alive = len(workers.alive())
        workers.stop()

    found, counts = await rows(cluster.url), hook.counts()
    first = _first_arrivals(hook.arrivals)
    due_away = {r.id for r in found if down <= r.due_at.timestamp() < back}
    after_back = [(key, at - back) for key, at, answer in hook.arrivals if answer != "error" and at > back]
    held_again = [s for key, s in after_back if key in held]
    caught_up = [first[key] - back for key in due_away if key in first]
    print(
        f"\nrestart: {triggered} escalations triggered ({refused} refused while the database was away), "
        f"{len(found)} notifications; database away {back - down:.1f} s; {len(held)} held at the crash, "
        f"{len(held_again)} of them arrived after it was back, the last {max(held_again, default=0):.2f} s after; "
        f"{len(due_away)} fell due while it was away, the last arrived {max(caught_up, default=0):.2f} s after it "
        f"was back; lease {LEASE:g} s; {duplicates(counts)} duplicates"
    )

    assert alive == WORKERS and not supervisor.deaths, f"a worker died: {supervisor.deaths}"
    errors = loop_errors(workers)
    assert errors and "LISTEN connection lost" in workers.logs(), "the workers never saw the database go"
    still = [line for at, line in errors if at > back + RECOVERED]
    assert not still, f"engine loops still failing {RECOVERED:g} s after the database was back:\n" + "\n".join(still[-5:])
    assert {r.id for r in found} <= set(counts), "lost: a notification never arrived"
    assert all(r.status == "sent" for r in found)
    assert held and due_away, "nothing was in flight at the crash or due while it lasted: the test proves nothing"
    overdue = {r.id: round(first[r.id] - max(r.due_at.timestamp(), back), 2) for r in found}
    overdue = {key: late for key, late in overdue.items() if late > LEASE + 1}
    overdue.update({key: round(s, 2) for key, s in after_back if key in held and s > LEASE + 1})
    assert not overdue, f"later than the lease + 1 s after the database was back: {overdue}\n" + explain(
        set(overdue), workers, hook.arrivals
    )
    doubled = {key for key, n in counts.items() if n > 1}
    assert doubled <= held | timed_out(workers), explain(doubled - held, workers, hook.arrivals)


async def _trigger_steadily(api, per_second: float) -> tuple[int, int]:
    """Trigger escalations until cancelled; returns (triggered, refused). A trigger the API refuses (the
    database is away: 503) or that hangs is counted and not retried."""
    triggered = refused = 0
    started = time.monotonic()
    try:
        while True:
            if triggered + refused < (time.monotonic() - started) * per_second:
                try:
                    async with asyncio.timeout(2):
                        status, _ = await api.post("/api/v1/escalations", {"policy_id": "p", "summary": "restart"})
                except TimeoutError:
                    status = None
                if status == 201:
                    triggered += 1
                else:
                    refused += 1
            await asyncio.sleep(0.01)
    except asyncio.CancelledError:
        return triggered, refused


def _first_arrivals(arrivals: list[tuple[str, float, str]]) -> dict[str, float]:
    """When each key was first accepted (answered 200) at the receiver."""
    first: dict[str, float] = {}
    for key, at, answer in arrivals:
        if answer in ("ok", "slow"):
            first.setdefault(key, at)
    return first


async def test_engine_loops_work_again_after_begin_fails(pg_database, receiver, monkeypatch):
    """For a while every BEGIN fails on a connection that dies (as when the database goes away between a
    connection leaving the pool and BEGIN), long enough for each of the engine's loops to meet it. Once BEGIN
    works again, so must the loops: a new escalation is notified.

    Tortoise 1.1.9 makes the transaction its task's current connection before BEGIN and leaves it so when BEGIN
    fails: a loop kept that dead transaction for good, and every later pass failed with "connection has been
    released back to the pool"; the worker stayed up and paged nobody (store/postgres_client.py undoes it)."""
    hook = receiver()
    async with api_for(pg_database, hook.url, engine=EngineOptions()) as api:
        # Step 1 comes due 1.8 s after the trigger, while BEGIN fails: the escalator's pass meets it.
        await create_policy(api, hook.url, policy([0.03, 1], targets=[{"type": "channel", "id": "hook"}]))
        await trigger(api, 1)
        assert await _arrived(hook, 1, within=5)
        failed = _break_begin(monkeypatch)
        await asyncio.sleep(1.8 + IDLE + 2 * BACKOFF)
        monkeypatch.undo()
        assert failed, "no loop tried a transaction while BEGIN failed"
        assert await _arrived(hook, 2, within=5), "the step that came due while BEGIN failed was not notified"
        await _trigger_until_accepted(api)
        assert await _arrived(hook, 3, within=5), "the engine did not notify an escalation triggered after BEGIN failed"


def _break_begin(monkeypatch) -> list[str]:
    """Make every BEGIN kill its connection and fail until `monkeypatch.undo()`; returns the tasks it failed in."""
    failed = []

    async def begin(self) -> None:
        failed.append(asyncio.current_task().get_name())
        self._connection.terminate()
        raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")

    monkeypatch.setattr(TransactionWrapper, "begin", begin)
    return failed


async def _trigger_until_accepted(api, attempts: int = 20) -> None:
    """Trigger one escalation, trying again while the API meets connections that died (each time in a task of
    its own, so that this test's task keeps a clean context)."""
    for _ in range(attempts):
        status, _ = await asyncio.create_task(api.post("/api/v1/escalations", {"policy_id": "p", "summary": "after"}))
        if status == 201:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"the API refused every trigger after the restart (last: {status})")


async def _arrived(hook, keys: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while len(hook.counts()) < keys:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True
