"""Scenarios for the crash, database-restart and failing-notifier tests, and for bench/: a user and a policy
whose messages all go to one webhook receiver, escalations triggered through the API, workers kept running by a
supervisor that restarts any that die, and the notification rows read straight from the database.

The receiver (processes.Receiver) counts what arrived; the rows say what the engine believes. A test compares
the two: every row's id must have arrived (nothing lost), and a key that arrived twice must be explained.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import signal
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

import asyncpg

from apiclient import Api, engine_beside, settings_for
from nself_oncall.app import create_app
from nself_oncall.config import Channel
from nself_oncall.engine import EngineOptions
from nself_oncall.migrate import apply_migrations
from processes import PostgresCluster, Workers

USER = "u"


def policy(delays_minutes: list[float], repeat: int = 0, targets: list[dict] | None = None) -> dict:
    """A policy `p` with one step per delay, each to `targets` (default: the hook channel and the user)."""
    targets = targets or [{"type": "channel", "id": "hook"}, {"type": "user", "id": USER}]
    steps = [{"delay_minutes": d, "targets": targets} for d in delays_minutes]
    return {"id": "p", "name": "P", "repeat": repeat, "steps": steps}


@contextlib.asynccontextmanager
async def api_for(
    database_url: str, hook_url: str, engine: EngineOptions | None = None, timeout: float = 10.0,
    direct_url: str | None = None,
) -> AsyncIterator[Api]:
    """The API of this database in this process; an engine runs here too, on this event loop, only with `engine`
    options (most tests leave the work to worker processes; `serve` would start its engine in a process of its
    own, where a test cannot reach into it). `direct_url`: NSELF_ONCALL_DIRECT_DATABASE_URL, when `database_url` is
    PgBouncer's."""
    hook = Channel("hook", "webhook", {"url": hook_url, "allow": ["127.0.0.1"], "timeout": timeout})
    app = create_app(replace(settings_for(database_url), channels={"hook": hook}, direct_database_url=direct_url))
    async with app.test_app() as test_app:
        if engine is None:
            yield Api(test_app.test_client())
            return
        async with engine_beside(app, engine):
            yield Api(test_app.test_client())


async def create_policy(api: Api, hook_url: str, body: dict) -> None:
    """The user (one contact, on the hook channel) and the policy."""
    user = {"id": USER, "contacts": [{"channel": "hook", "address": hook_url}]}
    assert (await api.post("/api/v1/users", user))[0] == 201
    status, answer = await api.post("/api/v1/policies", body)
    assert status == 201, answer


async def trigger(api: Api, count: int, summary: str = "chaos") -> list[str]:
    ids = []
    for i in range(count):
        status, body = await api.post("/api/v1/escalations", {"policy_id": "p", "summary": f"{summary} {i}"})
        assert status == 201, body
        ids.append(body["id"])
    return ids


@dataclass(frozen=True)
class Row:
    id: str
    escalation_id: str
    loop: int
    step: int
    status: str
    attempts: int
    due_at: datetime
    sent_at: datetime | None
    lease_owner: str | None
    error: str | None


async def rows(database_url: str, where: str = "TRUE", *args) -> list[Row]:
    """Notification rows, read with a connection of our own (not through the service)."""
    fields = "id, escalation_id, loop, step, status, attempts, due_at, sent_at, lease_owner, error"
    connection = await asyncpg.connect(database_url, timeout=10)
    try:
        found = await connection.fetch(f"SELECT {fields} FROM notifications WHERE {where}", *args)
    finally:
        await connection.close()
    return [Row(**dict(r)) for r in found]


async def open_steps(database_url: str) -> int:
    """How many escalations still have a step to reach."""
    connection = await asyncpg.connect(database_url, timeout=10)
    try:
        return await connection.fetchval("SELECT count(*) FROM escalations WHERE due_at IS NOT NULL")
    finally:
        await connection.close()


async def running(workers: Workers, count: int, timeout: float = 30.0) -> None:
    """Wait until `count` engines have logged that they run (a worker migrates and connects first)."""
    deadline = time.monotonic() + timeout
    while workers.logs().count("engine running as") < count:
        assert time.monotonic() < deadline, f"fewer than {count} engines running after {timeout:g} s"
        await asyncio.sleep(0.1)


def duplicates(counts: Counter[str]) -> int:
    """Deliveries beyond the first, over all keys."""
    return sum(n - 1 for n in counts.values())


@dataclass(frozen=True)
class Death:
    pid: int
    returncode: int
    at: float  # time.time() when the supervisor saw it
    in_flight: frozenset[str]  # notification ids still leased by this process when it died


class Supervisor:
    """Restarts any worker that dies. The first `kill_budget` replacements keep the fail points; after that they
    start without them, so that a run ends (a fail point that fires on most batches would otherwise kill
    every worker before it writes a result). A death records the rows the process still held (its lease_owner)."""

    def __init__(self, workers: Workers, database_url: str, kill_budget: int):
        self.workers = workers
        self.database_url = database_url
        self.kill_budget = kill_budget
        self.deaths: list[Death] = []
        self._seen: set[int] = set()

    @property
    def kills(self) -> int:
        return sum(1 for d in self.deaths if d.returncode == -signal.SIGKILL)

    @property
    def in_flight(self) -> set[str]:
        return set().union(*(d.in_flight for d in self.deaths))

    async def check(self) -> None:
        for process in list(self.workers.processes):
            if process.pid in self._seen or process.poll() is None:
                continue
            self._seen.add(process.pid)
            owner = f"{socket.gethostname()}:{process.pid}"
            held = await rows(self.database_url, "lease_owner = $1", owner)
            self.deaths.append(Death(process.pid, process.returncode, time.time(), frozenset(r.id for r in held)))
            calm = len(self.deaths) >= self.kill_budget
            self.workers.start(env={"NSELF_ONCALL_FAILPOINTS": ""} if calm else None)

    async def run_until(self, missing: Callable[[], Awaitable[str | None]], timeout: float) -> None:
        """Supervise until `missing()` answers None (what is still missing otherwise); AssertionError after
        `timeout` seconds, with the last answer."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await self.check()
            left = await missing()
            if left is None:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"after {timeout:g} s: {left}; deaths {self.deaths}\n{self.workers.logs()[-3000:]}")


async def undelivered(database_url: str, counts: Callable[[], Counter[str]]) -> str | None:
    """None once every escalation has reached its last step, every row is `sent`, and every row's id has arrived;
    else what is missing. Counts first, so that polling a large run stays cheap."""
    connection = await asyncpg.connect(database_url, timeout=10)
    try:
        steps = await connection.fetchval("SELECT count(*) FROM escalations WHERE due_at IS NOT NULL")
        statuses = dict(await connection.fetch("SELECT status, count(*) FROM notifications GROUP BY status"))
        received = counts()
        absent = 0
        if not steps and statuses.keys() <= {"sent"} and len(received) >= sum(statuses.values()):
            ids = await connection.fetch("SELECT id FROM notifications")
            absent = sum(1 for row in ids if row["id"] not in received)
            if not absent:
                return None
        held = await connection.fetchval("SELECT count(*) FROM notifications WHERE lease_owner IS NOT NULL")
    finally:
        await connection.close()
    return f"{steps} escalation(s) with steps to come, rows {statuses}, {absent} sent but never arrived, {held} held"


def timed_out(workers: Workers) -> set[str]:
    """Notification ids whose notifier call timed out in some worker (the receiver may have had it all the same:
    a call that times out is tried again, and a second arrival is the at-least-once the design accepts)."""
    found = re.findall(r"message (\w+) via channel '[^']*': failed \(temporary: timed out", workers.logs())
    return set(found)


@contextlib.asynccontextmanager
async def throwaway_database(server_url: str | None = None) -> AsyncIterator[tuple[str, PostgresCluster | None]]:
    """A new, migrated database: on `server_url` (created, then dropped) or, without one, in a PostgreSQL cluster
    of its own (processes.PostgresCluster, removed after). Yields its URL and the cluster, if any."""
    cluster = None
    if server_url is None:
        cluster = PostgresCluster()
        cluster.start()
        url = cluster.url
    else:
        url = urlsplit(server_url)._replace(path=f"/nself_bench_{secrets.token_hex(6)}").geturl()
        admin = await asyncpg.connect(server_url, timeout=10)
        await admin.execute(f'CREATE DATABASE "{urlsplit(url).path[1:]}"')
        await admin.close()
    try:
        await apply_migrations(url)
        yield url, cluster
    finally:
        if cluster is not None:
            cluster.remove()
        else:
            admin = await asyncpg.connect(server_url, timeout=10)
            await admin.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}" WITH (FORCE)')
            await admin.close()


def explain(keys: set[str], workers: Workers, arrivals: list[tuple[str, float, str]], most: int = 5) -> str:
    """For a failure message: when each of (some of) `keys` arrived, and what the worker logs say of it."""
    lines = []
    logs = {path.name: path.read_text().splitlines() for path in sorted(workers.folder.glob("worker-*.log"))}
    for key in sorted(keys)[:most]:
        lines.append(f"{key}: arrived at {[round(at % 1000, 3) for k, at, _ in arrivals if k == key]}")
        lines += [f"  {name}: {line}" for name, text in logs.items() for line in text if key in line]
    return "\n".join(lines)


def loop_errors(workers: Workers) -> list[tuple[float, str]]:
    """(when, line) of every error an engine loop logged ("engine escalator: ...; trying again"), in all logs."""
    found = []
    for line in workers.logs().splitlines():
        if re.search(r"WARNING nself_oncall\.engine\.runner: engine (escalator|dispatcher|result writer):", line):
            found.append((datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp(), line))
    return found
