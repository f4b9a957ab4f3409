"""Due pages beside heavy requests: how late a page arrives while requests that once held the API's event loop
for seconds run against the same `serve` (issue 15, item 11).

    python bench/pager_under_load.py [--layout serve|split] [--database sqlite|postgres] [--seconds 20]

Starts a webhook receiver (bench/_receiver.py, its own process) and `nself-oncall serve` (`--layout split`:
`serve --api-only` and a `worker`) on a new SQLite file or PostgreSQL database, and triggers an escalation every
half second. Its step 1 is due 3 s after the trigger, at a scheduled instant: a page's lateness is its arrival at
the receiver minus that step's `due_at`. A page whose trigger was answered only after it was due is left out (no
engine could have sent it on time; under load the API answers slowly). First `--seconds` with nothing else
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
EVERY, STEP_DELAY = 0.5, 3.0


async def trigger_every(base: str, until: float) -> dict[str, float]:
    """Trigger an escalation every EVERY seconds, each at its instant whatever the answers before it do, until
    time.monotonic() passes `until`; when each accepted one's answer arrived (time.time()), by id."""
    async with httpx.AsyncClient(base_url=base, headers=AUTH, timeout=60) as client:

        async def one() -> tuple[str, float] | None:
            response = await client.post("/api/v1/escalations", json={"policy_id": "p", "summary": "probe"})
            return (response.json()["id"], time.time()) if response.status_code == 201 else None

        triggers = []
        while time.monotonic() < until:
            triggers.append(asyncio.create_task(one()))
            await asyncio.sleep(EVERY)
        return dict(t for t in await asyncio.gather(*triggers) if t is not None)


async def step_due_times(database: str) -> dict[str, tuple[str, float]]:
    """Each step-1 notification's id, with its escalation's and its due time (epoch seconds)."""
    sql = "SELECT id, escalation_id, due_at FROM notifications WHERE step = 1"
    if database.startswith("sqlite://"):
        with sqlite3.connect(database.removeprefix("sqlite://")) as db:
            return {key: (escalation, _epoch(due)) for key, escalation, due in db.execute(sql)}
    connection = await asyncpg.connect(database)
    try:
        return {row["id"]: (row["escalation_id"], row["due_at"].timestamp()) for row in await connection.fetch(sql)}
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

        phases, triggered = {}, {}
        for phase in ("idle", "loaded"):
            start = time.time()
            until = time.monotonic() + args.seconds
            load = heavy_load(base, AUTH, links, until) if phase == "loaded" else asyncio.sleep(0, (Counter(), Counter()))
            accepted, (_, answered) = await asyncio.gather(trigger_every(base, until), load)
            triggered.update(accepted)
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

    # A page counts only if its escalation's trigger was answered before the page was due: one accepted later
    # (a slow API) could not have been paged on time by any engine.
    measured = {phase: [(k, d) for k, (e, d) in due.items() if lo <= d <= hi and triggered.get(e, d) < d]
                for phase, (lo, hi, _) in phases.items()}
    late = {phase: [arrived[k] - d for k, d in pages if k in arrived] for phase, pages in measured.items()}
    missing = {phase: sum(1 for k, _ in pages if k not in arrived) for phase, pages in measured.items()}
    left_out = {phase: sum(1 for e, d in due.values() if lo <= d <= hi) - len(measured[phase])
                for phase, (lo, hi, _) in phases.items()}
    idle = summary([s * 1000 for s in late["idle"]])
    print(f"\n`{' + '.join(kinds)}` on {args.database}, a page due every {EVERY:g} s; {args.seconds:g} s idle, then "
          f"{args.seconds:g} s beside heavy requests")
    for phase in ("idle", "loaded"):
        s = summary([x * 1000 for x in late[phase]])
        ratio = "" if phase == "idle" else (f"  ({s['p50'] / idle['p50']:.1f}x, {s['p99'] / idle['p99']:.1f}x, "
                                            f"{s['max'] / idle['max']:.1f}x the idle run)")
        print(f"{phase:>7}: due -> received p50 {s['p50']:8.1f} ms  p99 {s['p99']:8.1f} ms  max {s['max']:8.1f} ms  "
              f"n={s['n']}, not arrived {missing[phase]}, left out {left_out[phase]} (triggers answered late){ratio}")
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
