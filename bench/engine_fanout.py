"""One step fanned out to 1,300 recipients: from its due time to the last notifier call, at the receiver.

    python bench/engine_fanout.py [--recipients 1300] [--engines 3] [--rounds 3]

Starts the webhook receiver (bench/_receiver.py), `--engines` `nself-oncall worker` processes and one
`serve --api-only` on a fresh PostgreSQL database `nself_perf_fanout`, creates `--recipients` users
(at most 2,000, the targets of one step) with one webhook contact each, and a policy whose step 0
pages the webhook channel and whose step 1, due `--delay` seconds later, pages all the users. Each
round triggers one escalation and waits for every delivery; the figure is the time from the fan-out
step's `due_at` to the arrival of its last delivery (first and median arrivals shown too).

Baseline, in the same run, before each round: the same number of POSTs of a small JSON body to the
same receiver from this process, through one httpx client (the webhook notifier's library) over 5
keep-alive connections, 5 requests at a time (its cheapest way: with more connections per client,
httpcore's pool costs more CPU per request), from the first request to the last answer.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _engine import AUTH, Engines, Receiver, fresh_database, run_in_folder, webhook_channel  # noqa: E402

MAX_TARGETS = 2000  # a step's targets at most


async def post_burst(url: str, count: int, concurrency: int = 5) -> float:
    """Seconds for `count` POSTs to `url`, `concurrency` at a time, through one httpx client."""
    semaphore = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def one(i: int) -> None:
            async with semaphore:
                response = await client.post(url, json={"probe": i}, headers={"Idempotency-Key": f"probe-{i}"})
                response.raise_for_status()

        started = time.monotonic()
        await asyncio.gather(*(one(i) for i in range(count)))
        return time.monotonic() - started


async def seed(api_url: str, hook: str, recipients: int, delay: float) -> None:
    async with httpx.AsyncClient(base_url=api_url, headers=AUTH, timeout=60) as client:
        semaphore = asyncio.Semaphore(16)

        async def user(i: int) -> None:
            body = {"id": f"u{i}", "name": f"U{i}", "contacts": [{"channel": hook, "address": f"u{i}@example.com"}]}
            async with semaphore:
                response = await client.post("/api/v1/users", json=body)
                assert response.status_code == 201, response.text

        await asyncio.gather(*(user(i) for i in range(recipients)))
        users = [{"type": "user", "id": f"u{i}"} for i in range(recipients)]
        # Step 0 pages the channel; the fan-out step follows `delay` seconds later.
        steps = [{"delay_minutes": delay / 60, "targets": [{"type": "channel", "id": hook}]},
                 {"delay_minutes": 1, "targets": users}]
        policy = {"id": "fanout", "name": "Fan-out", "repeat": 0, "steps": steps}
        response = await client.post("/api/v1/policies", json=policy)
        assert response.status_code == 201, response.text


async def run(args: argparse.Namespace, folder: Path) -> None:
    receiver = Receiver(folder)
    plugins = folder / "plugins.toml"
    plugins.write_text(webhook_channel(receiver.url))
    database = await fresh_database("fanout")
    api = Engines(folder, "api", database, plugins)
    engines = Engines(folder, "worker", database, plugins, profile=args.profile)
    rounds = []
    try:
        api.start(1)
        engines.start(args.engines)
        api.wait_running()
        engines.wait_running()
        await seed(api.urls[0], "hook", args.recipients, args.delay)
        connection = await asyncpg.connect(database)
        async with httpx.AsyncClient(base_url=api.urls[0], headers=AUTH) as client:
            for n in range(args.rounds):
                baseline = await post_burst(receiver.url, args.recipients)
                seen = receiver.count()
                engines.profiling(True)
                response = await client.post("/api/v1/escalations", json={"policy_id": "fanout", "summary": f"fan-out {n}"})
                assert response.status_code == 201, response.text
                escalation = response.json()["id"]
                receiver.wait_for(seen + 1 + args.recipients, timeout=120)
                engines.profiling(False)
                rows = await connection.fetch(
                    "SELECT id, due_at FROM notifications WHERE escalation_id = $1 AND step > 0", escalation)
                arrived = {key: at for key, at in reversed(receiver.records())}  # the first arrival of each key
                late = [arrived[r["id"]] - r["due_at"].timestamp() for r in rows if r["id"] in arrived]
                missing = len(rows) - len(late)
                rounds.append((baseline, min(late), statistics.median(late), max(late), missing))
        await connection.close()
    finally:
        engines.stop()
        api.stop()
        receiver.close()

    print(f"\none step to {args.recipients} recipients (one webhook contact each), {args.engines} x `nself-oncall worker` "
          "on one PostgreSQL, measured at the receiver from the step's due time")
    for n, (baseline, first, median, last, missing) in enumerate(rounds):
        print(f"round {n}: baseline {args.recipients} POSTs, 5 at a time: {baseline * 1000:6.0f} ms | due -> first "
              f"{first * 1000:6.0f} ms, median {median * 1000:6.0f} ms, last {last * 1000:6.0f} ms "
              f"({last / baseline:.2f}x baseline){f', {missing} NOT DELIVERED' if missing else ''}")
    lasts = [r[3] for r in rounds]
    baselines = [r[0] for r in rounds]
    print(f"due -> last call: median of rounds {statistics.median(lasts) * 1000:.0f} ms, worst "
          f"{max(lasts) * 1000:.0f} ms; baseline median {statistics.median(baselines) * 1000:.0f} ms; ratio "
          f"{statistics.median(lasts) / statistics.median(baselines):.2f}x")
    print("goal (issue 8): every notifier call within 5 s of the due time")
    warnings = engines.warnings()
    if warnings:
        print(f"{len(warnings)} warning(s) in the workers' logs, the first: {warnings[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1300)
    parser.add_argument("--engines", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--delay", type=float, default=2, help="seconds from step 0 to the fan-out step")
    parser.add_argument("--profile", action="store_true", help="run the workers under cProfile (implies --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the folder with the processes' logs")
    args = parser.parse_args()
    if not 1 <= args.recipients <= MAX_TARGETS:
        parser.error(f"--recipients: 1 to {MAX_TARGETS} (the targets of one step)")
    run_in_folder(run, args, "bench-fanout-")


if __name__ == "__main__":
    main()
