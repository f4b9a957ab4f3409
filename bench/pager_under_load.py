"""Due pages beside heavy requests: how late a page arrives while requests that once held the API's event loop
for seconds run against the same process (issue 15, item 11).

    python bench/pager_under_load.py [--layout serve|split] [--database sqlite|postgres] [--seconds 20]

Starts a webhook receiver (bench/_receiver.py, its own process) and `nself-oncall serve` (`--layout split`:
`serve --api-only` and a `worker`, the engine in a process of its own) on a new SQLite file or PostgreSQL database,
and triggers an escalation every half second. Its step 1 is due 2 s after the trigger, at a scheduled instant:
a page's lateness is its arrival at the receiver minus that step's `due_at`. First `--seconds` with nothing else
running (the baseline, in the same run), then `--seconds` of the heavy requests of tests/engine/heavy.py (80 KB
of escaped quotes, 1 MB nested bodies, 20 calendar links fetched at once, a large schedule's feed and its
shifts over 400 days). It prints the lateness of both phases, the loaded one as a ratio to the baseline, and
how many heavy requests were answered. Must hold: no page later than 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

import asyncpg
import httpx

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests" / "engine")]
from _engine import AUTH, Engines, Receiver, fresh_database, run_in_folder, summary, webhook_channel  # noqa: E402
from heavy import heavy_load, seed  # noqa: E402

#: Seconds between triggers, and from a trigger to its step 1 (the page measured).
EVERY, STEP_DELAY = 0.5, 2.0


async def trigger_every(base: str, until: float) -> int:
    """Trigger an escalation every EVERY seconds until time.monotonic() passes `until`; how many were accepted."""
    accepted = 0
    async with httpx.AsyncClient(base_url=base, headers=AUTH, timeout=60) as client:
        while time.monotonic() < until:
            response = await client.post("/api/v1/escalations", json={"policy_id": "p", "summary": "probe"})
            accepted += response.status_code == 201
            await asyncio.sleep(EVERY)
    return accepted


async def step_due_times(database: str) -> dict[str, float]:
    """Each step-1 notification's id and due time (epoch seconds)."""
    sql = "SELECT id, due_at FROM notifications WHERE step = 1"
    if database.startswith("sqlite://"):
        with sqlite3.connect(database.removeprefix("sqlite://")) as db:
            return {key: _epoch(due) for key, due in db.execute(sql)}
    connection = await asyncpg.connect(database)
    try:
        return {row["id"]: row["due_at"].timestamp() for row in await connection.fetch(sql)}
    finally:
        await connection.close()


def _epoch(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


async def run(args: argparse.Namespace, folder: Path) -> None:
    receiver = Receiver(folder)
    plugins = folder / "plugins.toml"
    plugins.write_text(webhook_channel(receiver.url))
    database = f"sqlite://{folder / 'oncall.db'}" if args.database == "sqlite" else await fresh_database("pager")
    kinds = ["serve"] if args.layout == "serve" else ["api", "worker"]
    processes = [Engines(folder, kind, database, plugins) for kind in kinds]
    try:
        for p in processes:
            p.start(1)
            p.wait_running()
        base = processes[0].urls[0]
        async with httpx.AsyncClient(base_url=base, headers=AUTH) as api:
            user = {"id": "u", "contacts": [{"channel": "hook", "address": "u@example.com"}]}
            policy = {"id": "p", "name": "P", "steps": [
                {"delay_minutes": STEP_DELAY / 60, "targets": [{"type": "channel", "id": "hook"}]},
                {"delay_minutes": 1, "targets": [{"type": "user", "id": "u"}]}]}
            for path, body in (("/api/v1/users", user), ("/api/v1/policies", policy)):
                response = await api.post(path, json=body)
                assert response.status_code == 201, response.text
        links = await seed(base, AUTH)

        phases = {}
        for phase in ("idle", "loaded"):
            start = time.time()
            until = time.monotonic() + args.seconds
            load = heavy_load(base, AUTH, links, until) if phase == "loaded" else asyncio.sleep(0, Counter())
            _, answered = await asyncio.gather(trigger_every(base, until), load)
            phases[phase] = (start + STEP_DELAY, time.time(), answered)
        await asyncio.sleep(STEP_DELAY + 3)
        arrived = {}
        for key, at in sorted(receiver.records(), key=lambda r: r[1], reverse=True):
            arrived[key] = at  # the first arrival
        due = await step_due_times(database)
    finally:
        for p in processes:
            p.stop()
        receiver.close()

    late = {phase: [arrived[k] - d for k, d in due.items() if lo <= d <= hi and k in arrived]
            for phase, (lo, hi, _) in phases.items()}
    missing = {phase: sum(1 for k, d in due.items() if lo <= d <= hi and k not in arrived)
               for phase, (lo, hi, _) in phases.items()}
    idle = summary([s * 1000 for s in late["idle"]])
    print(f"\n`{' + '.join(kinds)}` on {args.database}, a page due every {EVERY:g} s; {args.seconds:g} s idle, then "
          f"{args.seconds:g} s beside heavy requests")
    for phase in ("idle", "loaded"):
        s = summary([x * 1000 for x in late[phase]])
        ratio = "" if phase == "idle" else (f"  ({s['p50'] / idle['p50']:.1f}x, {s['p99'] / idle['p99']:.1f}x, "
                                            f"{s['max'] / idle['max']:.1f}x the idle run)")
        print(f"{phase:>7}: due -> received p50 {s['p50']:8.1f} ms  p99 {s['p99']:8.1f} ms  max {s['max']:8.1f} ms  "
              f"n={s['n']}, not arrived {missing[phase]}{ratio}")
    answered = phases["loaded"][2]
    print("heavy requests answered: " + ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(answered.items())))
    print("must hold: max <= 1000 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", choices=("serve", "split"), default="serve")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the folder with the processes' logs")
    args = parser.parse_args()
    args.profile = False
    run_in_folder(run, args, "bench-pager-")


if __name__ == "__main__":
    main()
