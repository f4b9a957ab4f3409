"""PagerDuty-format events through an integration (`POST /v2/enqueue`), against baselines measured in the same run.

    python bench/intake.py [--seconds 10] [--rounds 3] [--connections 32] [--rate 20] [--latency-seconds 15]
    python bench/intake.py --database postgres://postgres@127.0.0.1:5432/nself_oncall_h2  # or BENCH_DATABASE_URL=...

Each part runs on a fresh SQLite file, or on the PostgreSQL database of `--database` (default: BENCH_DATABASE_URL),
which is DROPPED AND CREATED AGAIN before each part: give it a database of its own. The servers run with
NSELF_ONCALL_INTAKE_RATE=999999/1s, so that the integration's rate limit (default 300/5m) never answers 429.
Printed, with the database used:

1. distinct/health: requests/s of triggers, each with a new dedup_key (so each opens an escalation), over
   requests/s of GET /health; wrk on `serve --api-only`, in turns, `--rounds` times, the median ratio (goal >= 0.5);
2. storm/health: requests/s of triggers all with ONE dedup_key whose escalation is open (each answered 202, nobody
   paged again) over GET /health, the same way (goal >= 0.8);
3. accepted -> first call: `serve` with its engine, a policy whose step 0 targets a user whose contact is a webhook
   channel pointing at a local receiver (bench/_receiver.py), `--rate` events per second (open loop) for
   `--latency-seconds`, `--rounds` times: the time from the 202 arriving at the sender to the receiver getting
   the first notifier call of that event's escalation, p50/p99/max (goal p99 < 100 ms), beside the same figures
   for the baseline, the API's own trigger (`POST /api/v1/escalations`, 201), in turns in the same run.

wrk's Lua script gives each request a dedup_key of a per-run prefix, wrk's thread number and a counter, so keys never
repeat across threads, rounds or runs; every answer must be a 2xx (else the run stops, printing each failed status with
one of its bodies). Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _engine import AUTH as ENGINE_AUTH  # noqa: E402
from _engine import Engines, Receiver, summary, webhook_channel  # noqa: E402
from _http import AUTH, serving, wrk  # noqa: E402

RATE = {"NSELF_ONCALL_INTAKE_RATE": "999999/1s"}
PAYLOAD = {"summary": "disk full", "source": "bench", "severity": "critical"}

ENQUEUE_LUA = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  key, prefix, storm, n, failed = args[1], args[2], args[3] == "storm", 0, {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function response(status, headers, body)
  if status > 299 then failed[status] = body end
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, body in pairs(thread:get("failed")) do print("failed: " .. status .. " " .. (body:gsub("%s+$", ""))) end
  end
end
function request()
  n = n + 1
  local dedup = storm and (prefix .. "-storm") or string.format("%s-%d-%d", prefix, tid, n)
  return wrk.format(nil, nil, nil, string.format('{"routing_key": "%s", "event_action": "trigger", "dedup_key": "%s", '
    .. '"payload": {"summary": "disk full", "source": "bench", "severity": "critical"}}', key, dedup))
end
"""


def fresh(database: str | None, folder: Path, name: str) -> str:
    """A SQLite file in `folder`, or the PostgreSQL database `database` dropped and created again."""
    if database is None:
        return f"sqlite://{folder / name}.db"
    server = database.partition("?")[0].rpartition("/")[0]

    async def recreate() -> None:
        admin = await asyncpg.connect(f"{server}/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{dbname(database)}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{dbname(database)}"')
        finally:
            await admin.close()

    asyncio.run(recreate())
    return database


def dbname(url: str) -> str:
    return url.partition("?")[0].rpartition("/")[2]


async def query(database: str, sql: str) -> list[tuple]:
    if database.startswith("sqlite://"):
        with sqlite3.connect(database.removeprefix("sqlite://")) as db:
            return db.execute(sql).fetchall()
    connection = await asyncpg.connect(database)
    try:
        return [tuple(r) for r in await connection.fetch(sql)]
    finally:
        await connection.close()


def setup(base: str, auth: dict[str, str], channel: str) -> str:
    """User `u` (one contact on `channel`), policy `p` (step 0 to `u`, never repeated) and integration `i`; its key."""
    user = {"id": "u", "name": "U", "contacts": [{"channel": channel, "address": "u@example.com"}]}
    policy = {"id": "p", "name": "P", "repeat": 0, "steps": [{"delay_minutes": 60, "targets": [{"type": "user", "id": "u"}]}]}
    integration = {"id": "i", "name": "Bench", "policy_id": "p"}
    with httpx.Client(base_url=base, headers=auth) as client:
        for path, body in (("/api/v1/users", user), ("/api/v1/policies", policy), ("/api/v1/integrations", integration)):
            response = client.post(path, json=body)
            assert response.status_code == 201, response.text
    return response.json()["key"]


def throughput(args: argparse.Namespace, folder: Path) -> None:
    database = fresh(args.database, folder, "throughput")
    script = folder / "enqueue.lua"
    script.write_text(ENQUEUE_LUA)
    with serving(database, RATE) as (base, kind):
        key = setup(base, AUTH, "log")
        prefix = secrets.token_hex(4)
        rates: dict[str, list[float]] = {"health": [], "distinct": [], "storm": []}
        for i in range(args.rounds):
            rates["health"].append(wrk(f"{base}/health", args.seconds, args.connections))
            for mode in ("distinct", "storm"):
                rates[mode].append(wrk(f"{base}/v2/enqueue", args.seconds, args.connections, script,
                                       [key, f"{prefix}{i}", mode]))
        opened = asyncio.run(query(database, "SELECT count(*) FROM escalations"))[0][0]
    where = "a fresh file for each part" if kind == "sqlite" else f"{dbname(database)}, dropped and created again"
    print(f"database: {kind} ({where})")
    for mode, label in (("health", "GET /health"), ("distinct", "POST /v2/enqueue, distinct keys"),
                        ("storm", "POST /v2/enqueue, one open key")):
        print(f"{label:<34} req/s: " + ", ".join(f"{r:.0f}" for r in rates[mode]))
    print(f"escalations opened: {opened} (about {sum(rates['distinct']) * args.seconds:.0f} distinct-key triggers "
          f"answered, and {args.rounds} storm keys)")
    for mode, goal in (("distinct", 0.5), ("storm", 0.8)):
        ratio = statistics.median(m / h for m, h in zip(rates[mode], rates["health"], strict=True))
        print(f"ratio {mode}/health: {ratio:.2f}  (goal >= {goal})")


async def send(base: str, kind: str, key: str, prefix: str, rate: float, seconds: float) -> dict[str, float]:
    """`rate` events per second for `seconds`, open loop, each with dedup_key `prefix-N`: when each one's 2xx
    answer arrived (time.time()), by its dedup_key."""
    accepted: dict[str, float] = {}

    async def one(client: httpx.AsyncClient, dedup: str) -> None:
        if kind == "intake":
            body = {"routing_key": key, "event_action": "trigger", "dedup_key": dedup, "payload": PAYLOAD}
            response = await client.post("/v2/enqueue", json=body)
        else:
            response = await client.post("/api/v1/escalations", json={"policy_id": "p", "summary": "disk full",
                                                                       "dedup_key": dedup})
        if response.is_success:
            accepted[dedup] = time.time()
        else:
            print(f"{kind} {dedup}: {response.status_code} {response.text}")

    async with httpx.AsyncClient(base_url=base, headers=ENGINE_AUTH, timeout=60) as client:
        tasks, start = [], time.monotonic()
        for i in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            tasks.append(asyncio.create_task(one(client, f"{prefix}-{i}")))
        await asyncio.gather(*tasks)
    return accepted


async def latency(args: argparse.Namespace, folder: Path) -> None:
    database = await asyncio.to_thread(fresh, args.database, folder, "latency")
    receiver = Receiver(folder)
    plugins = folder / "plugins.toml"
    plugins.write_text(webhook_channel(receiver.url))
    engines = Engines(folder, "serve", database, plugins, env=RATE)
    accepted: dict[str, dict[str, float]] = {"intake": {}, "api": {}}
    try:
        engines.start(1)
        engines.wait_running()
        base = engines.urls[0]
        key = await asyncio.to_thread(setup, base, ENGINE_AUTH, "hook")
        for kind in accepted:  # warm up: connections, first calls; not measured
            await send(base, kind, key, f"warm-{kind}", args.rate, 1)
        for i in range(args.rounds):
            for kind in accepted:
                accepted[kind].update(await send(base, kind, key, f"{kind}{i}", args.rate, args.latency_seconds))
        total = sum(len(a) for a in accepted.values()) + 2 * int(args.rate)
        await asyncio.to_thread(receiver.wait_for, total, 30)
        arrivals = await asyncio.to_thread(receiver.records)
    finally:
        engines.stop()
        receiver.close()
    dedup = dict(await query(database, "SELECT n.id, e.dedup_key FROM notifications n JOIN escalations e "
                                       "ON e.id = n.escalation_id"))
    first: dict[str, float] = {}
    for message, at in arrivals:
        first[dedup[message]] = min(at, first.get(dedup[message], at))
    print(f"accepted -> first webhook call, {args.rate:g} events/s for {args.latency_seconds:g} s x {args.rounds}, "
          f"one `serve` with its engine on {database.split('://')[0]}:")
    figures = {}
    for kind, label in (("intake", "POST /v2/enqueue (202)"), ("api", "baseline: POST /api/v1/escalations (201)")):
        delays = [(first[d] - at) * 1000 for d, at in accepted[kind].items() if d in first]
        figures[kind] = s = summary(delays)
        print(f"  {label:<42} p50 {s['p50']:6.1f} ms  p99 {s['p99']:6.1f} ms  max {s['max']:6.1f} ms  n={s['n']}, "
              f"never called: {len(accepted[kind]) - len(delays)}")
    print("  ratio intake/api: " + ", ".join(f"{q} {figures['intake'][q] / figures['api'][q]:.2f}"
                                             for q in ("p50", "p99", "max")) + "  (goal: intake p99 < 100 ms)")
    warnings = engines.warnings()
    if warnings:
        print(f"  {len(warnings)} warning(s) in the server's log, the first: {warnings[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="of each wrk load")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each load; medians (ratios) or pooled (latency)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rate", type=float, default=20, help="events per second of the latency part")
    parser.add_argument("--latency-seconds", type=float, default=15, help="of each latency load")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="a PostgreSQL URL (dropped and created again!); default BENCH_DATABASE_URL, else SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as folder:
        throughput(args, Path(folder))
        asyncio.run(latency(args, Path(folder)))


if __name__ == "__main__":
    main()
