"""Due time -> notifier call, and trigger accepted -> first notifier call, with engines in real processes.

    python bench/engine_latency.py [--seconds 20] [--rate 100] [--engines 3] [--kind serve] [--delay 3]

Starts a webhook receiver (bench/_receiver.py, its own process), `--engines` `nself-oncall serve`
processes (API and engine; `--kind worker` runs workers and one `serve --api-only` for the API) on a
fresh PostgreSQL database `nself_perf_latency`, and triggers `--rate` escalations per second through
the API, round robin over the processes, for `--seconds`. The policy: step 0 (due at the trigger) to the
webhook channel, then `--delay` seconds later step 1 to a user's webhook contact, so step 1 is due at a
scheduled instant rather than at a trigger. Measured at the receiver, on the machine's one clock:

- due -> call: arrival of step 1's delivery minus the notification's `due_at` (from the database);
- trigger accepted -> first call: arrival of step 0's delivery minus the instant the 201 answer arrived.

The first `--warmup` seconds of triggers are left out. Baselines, in the same run, on the same machine,
while the load runs: the round trip of a plain POST to the same receiver (httpx, the webhook notifier's
client) and a PostgreSQL NOTIFY round trip; every figure is also printed as a multiple of their p50.
Also printed, to name the bottleneck: the engine processes' CPU per escalation, PostgreSQL transactions
per escalation, and how many of the machine's cores were busy. `--profile` runs the engines under cProfile
(CPU time, bench/_profiled.py; with `--kind worker`: the engine of `serve` is a process the profiler does not
see) while the load runs and keeps the `.prof` files.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _engine import (  # noqa: E402
    AUTH,
    Engines,
    Receiver,
    fresh_database,
    machine_cpu,
    notify_round_trips,
    post_round_trips,
    run_in_folder,
    summary,
    webhook_channel,
)

#: Connections (and requests at once) from the load generator to each API.
CONNECTIONS = 8


async def trigger_load(urls: list[str], rate: float, seconds: float) -> list[tuple[str, float]]:
    """POST `rate` triggers per second for `seconds`, open loop (each at its instant, whatever the answers
    before it do); (escalation id, time.time() when its 201 arrived) for each. One small client per server:
    this process shares the machine's cores with the engines, and httpx costs more CPU per request the more
    connections one client holds."""
    accepted: list[tuple[str, float]] = []
    failures: Counter = Counter()
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    clients = [httpx.AsyncClient(base_url=url, limits=limits, headers=AUTH, timeout=60) for url in urls]
    gates = [asyncio.Semaphore(CONNECTIONS) for _ in urls]

    async def one(server: int, i: int) -> None:
        async with gates[server]:
            try:
                response = await clients[server].post("/api/v1/escalations", json={"policy_id": "bench", "summary": f"bench {i}"})
            except httpx.HTTPError as exc:
                failures[type(exc).__name__] += 1
                return
        if response.status_code != 201:
            failures[response.status_code] += 1
            return
        accepted.append((response.json()["id"], time.time()))

    tasks = []
    start = time.monotonic()
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        tasks.append(asyncio.create_task(one(i % len(urls), i)))
    await asyncio.gather(*tasks)
    for client in clients:
        await client.aclose()
    if failures:
        print(f"trigger failures: {dict(failures)}")
    return accepted


async def _commits(database: str) -> int:
    """Transactions committed in `database` so far (the statistics lag by up to half a second)."""
    connection = await asyncpg.connect(database)
    try:
        await asyncio.sleep(0.6)
        return await connection.fetchval(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
    finally:
        await connection.close()


def line(name: str, values: dict[str, float], post: float, notify: float) -> str:
    figures = "  ".join(f"{k} {values[k]:7.1f} ms ({values[k] / post:5.1f}x POST, {values[k] / notify:5.1f}x NOTIFY)"
                        for k in ("p50", "p99", "max"))
    return f"{name:<32} {figures}  n={values['n']}"


async def run(args: argparse.Namespace, folder: Path) -> None:
    receiver = Receiver(folder)
    plugins = folder / "plugins.toml"
    plugins.write_text(webhook_channel(receiver.url))
    database = await fresh_database("latency")
    engines = Engines(folder, args.kind, database, plugins, profile=args.profile)
    api_only = None
    try:
        engines.start(args.engines)
        if args.kind == "worker":
            api_only = Engines(folder, "api", database, plugins)
            api_only.start(1)
            api_only.wait_running()
        engines.wait_running()
        urls = engines.urls or api_only.urls
        async with httpx.AsyncClient(base_url=urls[0], headers=AUTH) as api:
            user = {"id": "u", "name": "U", "contacts": [{"channel": "hook", "address": "u@example.com"}]}
            policy = {"id": "bench", "name": "Bench", "repeat": 0, "steps": [
                {"delay_minutes": args.delay / 60, "targets": [{"type": "channel", "id": "hook"}]},
                {"delay_minutes": 1, "targets": [{"type": "user", "id": "u"}]},
            ]}
            for path, body in (("/api/v1/users", user), ("/api/v1/policies", policy)):
                response = await api.post(path, json=body)
                assert response.status_code == 201, response.text

        until = time.monotonic() + args.seconds + args.delay + 1
        split, wall = engines.cpu_split(), time.monotonic()
        commits = await _commits(database)
        machine = machine_cpu()
        engines.profiling(True)
        load = asyncio.create_task(trigger_load(urls, args.rate, args.seconds))
        posts = asyncio.create_task(post_round_trips(receiver.url, until))
        notifies = asyncio.create_task(notify_round_trips(database, until))
        accepted = await load
        post_trips, notify_trips = await posts, await notifies
        expected = 2 * len(accepted) + len(post_trips)
        seen = receiver.wait_for(expected, timeout=60)
        split = [after - before for after, before in zip(engines.cpu_split(), split, strict=True)]
        cpu, wall = sum(split), time.monotonic() - wall
        machine = [after - before for after, before in zip(machine_cpu(), machine, strict=True)]
        commits = await _commits(database) - commits
        engines.profiling(False)
        records = [r for r in receiver.records() if not r[0].startswith("probe-")]
    finally:
        engines.stop()
        if api_only:
            api_only.stop()
        receiver.close()

    connection = await asyncpg.connect(database)
    rows = await connection.fetch("SELECT id, escalation_id, step, due_at FROM notifications")
    await connection.close()
    note = {r["id"]: r for r in rows}
    keys = Counter(key for key, _ in records)
    arrived = {key: at for key, at in sorted(records, key=lambda r: r[1], reverse=True)}  # the first arrival
    accepted_at = dict(accepted)
    first_trigger = min(accepted_at.values())
    measured = {e for e, at in accepted if at >= first_trigger + args.warmup}
    due_to_call, trigger_to_call = [], []
    for key, at in arrived.items():
        row = note[key]
        if row["escalation_id"] not in measured:
            continue
        if row["step"] == 1:
            due_to_call.append((at - row["due_at"].timestamp()) * 1000)
        else:
            trigger_to_call.append((at - accepted_at[row["escalation_id"]]) * 1000)

    post, notify = summary(post_trips), summary(notify_trips)
    print(f"\n{args.engines} x `nself-oncall {args.kind}` on one PostgreSQL, {args.rate:g} escalations/s for "
          f"{args.seconds:g} s: {len(accepted)} accepted, {len(rows)} notification rows, {seen - len(post_trips)} "
          f"deliveries at the receiver, {sum(1 for c in keys.values() if c > 1)} keys delivered twice or more, "
          f"{len(rows) - len(keys)} never delivered (first {args.warmup:g} s of triggers left out below)")
    print(f"{'baseline: POST to the receiver':<32} p50 {post['p50']:7.2f} ms  p99 {post['p99']:7.2f} ms  "
          f"max {post['max']:7.2f} ms  n={post['n']}")
    print(f"{'baseline: NOTIFY round trip':<32} p50 {notify['p50']:7.2f} ms  p99 {notify['p99']:7.2f} ms  "
          f"max {notify['max']:7.2f} ms  n={notify['n']}")
    print(line("due -> call (step 1)", summary(due_to_call), post["p50"], notify["p50"]))
    print(line("trigger accepted -> first call", summary(trigger_to_call), post["p50"], notify["p50"]))
    per = 1000 / max(1, len(accepted))
    parts = (f" (API processes {split[0] * per:.1f} ms, engine processes {split[1] * per:.1f} ms)"
             if args.kind == "serve" else "")
    print(f"engine processes' CPU: {cpu * per:.1f} ms per escalation (trigger and two steps){parts}, "
          f"{cpu / wall:.2f} cores busy on average over {wall:.1f} s; {commits / max(1, len(accepted)):.1f} PostgreSQL "
          "transactions per escalation (statements outside a transaction included)")
    print(f"whole machine: {machine[0] / wall:.2f} of {machine[1] / wall:.0f} cores busy (engines, PostgreSQL, this load "
          "generator, the receiver, and whatever else runs on it)")
    print("goals (issue 8): due -> call p50 <= 20 ms, p99 <= 100 ms, max <= 1 s; trigger -> first call p99 <= 250 ms")
    warnings = engines.warnings()
    if warnings:
        print(f"{len(warnings)} warning(s) in the engines' logs, the first: {warnings[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=100, help="escalations triggered per second")
    parser.add_argument("--engines", type=int, default=3)
    parser.add_argument("--kind", choices=("serve", "worker"), default="serve")
    parser.add_argument("--delay", type=float, default=3, help="seconds from step 0 to step 1")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of triggers left out of the figures")
    parser.add_argument("--profile", action="store_true", help="run the engines under cProfile (implies --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the folder with the processes' logs")
    args = parser.parse_args()
    run_in_folder(run, args, "bench-latency-")


if __name__ == "__main__":
    main()
