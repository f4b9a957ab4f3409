"""Notifications per second on one PostgreSQL with a no-op notifier, 1 and 2 worker processes.

    python bench/engine_throughput.py [--escalations 2000] [--fanout 10] [--workers 1 2]

The `noop` notifier (bench/_engine.py) is an installed plugin of the `nself_oncall` entry-point group:
its module and dist-info are written to a temporary folder that goes on the workers' PYTHONPATH.
`--fanout` users, each with one contact on the `noop` channel, are the targets of the one step of a
policy; `--escalations` escalations of it are triggered through the API (`serve --api-only`) and parked.
Then, for each worker count, on a fresh database state:

- escalate + deliver: every escalation made due at once; from then until every notification is `sent`
  (the escalator writes the rows, the dispatcher claims them, calls the notifier, writes the results);
- deliver only: the same rows made pending again and due at once; until every one is `sent` again.

Baselines in the same run, on the same table: the claim and result SQL alone (the engine's claim and
finish statements, batches of 200, through asyncpg, one connection per worker), and inserting the
rows alone (one multi-row INSERT per 500 rows). Each engine rate is printed as a fraction of them.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import time
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _engine import AUTH, Engines, fresh_database, machine_cpu, noop_plugin, run_in_folder  # noqa: E402

NOTIFY = "NOTIFY nself_oncall_engine, '{}'"
RESET = """UPDATE notifications SET status = 'pending', attempts = 0, available_at = NULL, lease = NULL,
           lease_owner = NULL, first_attempt_at = NULL, sent_at = NULL, provider_id = NULL, error = NULL"""


async def seed(folder: Path, database: str, plugins: Path, env: dict[str, str], escalations: int, fanout: int) -> None:
    api = Engines(folder, "api", database, plugins, env)
    api.start(1)
    try:
        api.wait_running()
        async with httpx.AsyncClient(base_url=api.urls[0], headers=AUTH, timeout=60) as client:
            for i in range(fanout):
                user = {"id": f"u{i}", "name": f"U{i}", "contacts": [{"channel": "noop", "address": f"u{i}@example.com"}]}
                assert (response := await client.post("/api/v1/users", json=user)).status_code == 201, response.text
            targets = [{"type": "user", "id": f"u{i}"} for i in range(fanout)]
            policy = {"id": "tp", "name": "Throughput", "repeat": 0, "steps": [{"delay_minutes": 1, "targets": targets}]}
            assert (response := await client.post("/api/v1/policies", json=policy)).status_code == 201, response.text
            semaphore = asyncio.Semaphore(16)

            async def trigger(i: int) -> None:
                async with semaphore:
                    response = await client.post("/api/v1/escalations", json={"policy_id": "tp", "summary": f"t{i}"})
                    assert response.status_code == 201, response.text

            await asyncio.gather(*(trigger(i) for i in range(escalations)))
    finally:
        api.stop()


async def wait_sent(connection: asyncpg.Connection, total: int, timeout: float = 600) -> float:
    """Poll until `total` notifications are sent; time.monotonic() when they were."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await connection.fetchval("SELECT count(*) FROM notifications WHERE status = 'sent'") >= total:
            return time.monotonic()
        await asyncio.sleep(0.05)
    raise SystemExit(f"not all {total} notifications were sent in {timeout} s")


async def engine_run(folder: Path, database: str, plugins: Path, env: dict[str, str], workers: int, total: int,
                     escalate: bool, profile: bool = False) -> tuple[float, float, float]:
    """Notifications/s of `workers` worker processes, their CPU ms per 1,000 notifications, and the cores of the
    whole machine busy meanwhile (workers, PostgreSQL and anything else)."""
    connection = await asyncpg.connect(database)
    try:
        await connection.execute("UPDATE escalations SET due_at = NULL, steps_done = 0")
        if escalate:
            await connection.execute("DELETE FROM notifications")
        else:
            await connection.execute(RESET)
        await connection.execute("VACUUM ANALYZE notifications")
        await connection.execute("VACUUM ANALYZE escalations")
        engines = Engines(folder / ("escalate" if escalate else "deliver"), "worker", database, plugins, env, profile)
        engines.folder.mkdir(exist_ok=True)
        engines.start(workers)
        try:
            engines.wait_running()
            time.sleep(0.5)
            engines.profiling(True)
            cpu, machine = engines.cpu_seconds(), machine_cpu()[0]
            started = time.monotonic()
            if escalate:
                await connection.execute(f"UPDATE escalations SET due_at = now(); {NOTIFY.format('escalations')}")
            else:
                await connection.execute(f"UPDATE notifications SET available_at = now(); {NOTIFY.format('notifications')}")
            done = await wait_sent(connection, total)
            cpu, machine = engines.cpu_seconds() - cpu, machine_cpu()[0] - machine
            engines.profiling(False)
        finally:
            engines.stop()
        warnings = engines.warnings()
        if warnings:
            print(f"  {len(warnings)} warning(s) in the workers' logs, the first: {warnings[0]}")
    finally:
        await connection.close()
    return total / (done - started), cpu * 1e6 / total, machine / (done - started)


async def raw_claim_finish(database: str, connections: int, batch: int = 200) -> float:
    """Rows/s of the engine's claim and result statements alone, `connections` loops at once."""
    admin = await asyncpg.connect(database)
    await admin.execute(RESET)
    await admin.execute("UPDATE notifications SET available_at = now() - interval '1 second'")
    await admin.execute("VACUUM ANALYZE notifications")
    total = await admin.fetchval("SELECT count(*) FROM notifications")
    await admin.close()

    async def loop() -> None:
        connection = await asyncpg.connect(database)
        try:
            while True:
                lease = secrets.token_hex(16)
                async with connection.transaction():
                    now = await connection.fetchval("SELECT now()")
                    ready = await connection.fetch(
                        """SELECT id, channel, contact_key, attempts FROM notifications WHERE available_at <= $1
                           ORDER BY available_at LIMIT $2 FOR UPDATE SKIP LOCKED""", now, batch)
                    if not ready:
                        return
                    rows = await connection.fetch(
                        """UPDATE notifications SET lease = $1, lease_owner = $2, attempts = attempts + 1,
                           available_at = $3, first_attempt_at = COALESCE(first_attempt_at, $4)
                           WHERE id = ANY($5::text[]) RETURNING id, escalation_id, loop, step, target_type, target_id,
                           "user", user_name, channel, address, attempts, due_at, created_at""",
                        lease, "raw", now.replace(year=now.year + 1), now, [r["id"] for r in ready])
                    await connection.fetch("SELECT id, summary, details FROM escalations WHERE id = ANY($1::text[])",
                                           list({r["escalation_id"] for r in rows}))
                ids = [r["id"] for r in rows]
                n = len(ids)
                await connection.fetch(
                    """UPDATE notifications AS n SET status = v.status, available_at = v.retry_at, sent_at = v.sent_at,
                       provider_id = v.provider_id, error = v.error, lease = NULL, lease_owner = NULL
                       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[],
                                   $6::text[], $7::text[]) AS v(id, lease, status, retry_at, sent_at, provider_id, error)
                       WHERE n.id = v.id AND n.lease = v.lease RETURNING n.id""",
                    ids, [lease] * n, ["sent"] * n, [None] * n, [now] * n, [None] * n, [None] * n)
        finally:
            await connection.close()

    started = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(connections)))
    return total / (time.monotonic() - started)


async def raw_insert(database: str, batch: int = 500) -> float:
    """Rows/s of writing the notification rows alone: the rows as they are, copied into a temporary table of the
    same shape in multi-row INSERTs of `batch` rows."""
    connection = await asyncpg.connect(database)
    try:
        rows = await connection.fetch("SELECT * FROM notifications")
        columns = list(rows[0].keys())
        await connection.execute("CREATE TEMPORARY TABLE copy_of (LIKE notifications INCLUDING ALL)")
        names = ", ".join(f'"{c}"' for c in columns)
        started = time.monotonic()
        for i in range(0, len(rows), batch):
            chunk = rows[i:i + batch]
            marks = ", ".join(
                "(" + ", ".join(f"${j * len(columns) + k + 1}" for k in range(len(columns))) + ")" for j in range(len(chunk))
            )
            async with connection.transaction():
                await connection.execute(f"INSERT INTO copy_of ({names}) VALUES {marks}",
                                         *[row[c] for row in chunk for c in columns])
        return len(rows) / (time.monotonic() - started)
    finally:
        await connection.close()


async def run(args: argparse.Namespace, folder: Path) -> None:
    env = {"PYTHONPATH": str(noop_plugin(folder / "plugin"))}
    plugins = folder / "plugins.toml"
    plugins.write_text('[channels.noop]\nnotifier = "noop"\n')
    database = await fresh_database("throughput")
    total = args.escalations * args.fanout
    await seed(folder, database, plugins, env, args.escalations, args.fanout)
    print(f"{args.escalations} escalations x {args.fanout} notifications = {total} notifications per run, "
          f"`noop` notifier, one PostgreSQL")
    for workers in args.workers:
        pipeline, pipeline_cpu, pipeline_busy = await engine_run(folder, database, plugins, env, workers, total, escalate=True, profile=args.profile)
        raw = await raw_claim_finish(database, workers)
        inserts = await raw_insert(database)
        deliver, deliver_cpu, deliver_busy = await engine_run(folder, database, plugins, env, workers, total, escalate=False, profile=args.profile)
        print(f"\n{workers} worker(s):")
        print(f"  baseline: claim + result SQL alone, {workers} connection(s)  {raw:8.0f} rows/s")
        print(f"  baseline: INSERT of the rows alone, 1 connection        {inserts:8.0f} rows/s")
        print(f"  escalate + deliver  {pipeline:8.0f} notifications/s  ({pipeline / raw:.2f}x claim+result SQL, "
              f"{pipeline / inserts:.2f}x INSERT)  workers' CPU {pipeline_cpu:.0f} ms per 1,000, "
              f"machine {pipeline_busy:.2f} cores busy")
        print(f"  deliver only        {deliver:8.0f} notifications/s  ({deliver / raw:.2f}x claim+result SQL)  "
              f"workers' CPU {deliver_cpu:.0f} ms per 1,000, machine {deliver_busy:.2f} cores busy")
    print("\ngoal (issue 8): >= 5,000 notifications/s on one PostgreSQL with a no-op notifier")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--escalations", type=int, default=2000)
    parser.add_argument("--fanout", type=int, default=10, help="notifications per escalation (users in its one step)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--profile", action="store_true", help="run the workers under cProfile (implies --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the folder with the processes' logs")
    args = parser.parse_args()
    run_in_folder(run, args, "bench-throughput-")


if __name__ == "__main__":
    main()
