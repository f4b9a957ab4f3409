"""The database crashes and comes back, again and again, under load: workers survive, nothing is lost, and what
was in flight or fell due while it was away arrives soon after it is back.

    python bench/engine_restart.py [--restarts 6] [--down 1,3,10] [--workers 3] [--rate 15] [--timeout 3]

A throwaway PostgreSQL cluster (never a shared server: it is killed), --workers engines, escalations triggered
at --rate per second through the API for the whole run (those refused while the database is away are not
retried: the rows say what has to arrive). Each escalation has three steps 1.2 s apart to a webhook receiver
that answers two keys in five after 1 s, so that calls are under way at each crash. A few quiet seconds first
measure the due-to-arrival latency; then each restart is `pg_ctl stop -m immediate`, --down seconds (cycled
through the list; a value longer than the lease makes the leases of the rows held at the crash run out while
it lasts), start, and the lease plus 2 s to settle. Per restart it prints:

- held: rows leased at the crash; how many arrived (again) after the database was back, and when;
- due while away: rows that fell due during the outage, and when the last of them arrived after it was back;
- loop errors later than 3 s after it was back (must be 0), and any worker that died (must be none).

At the end: lost (must be 0), not sent (must be 0), duplicates. Timings are given as ratios against the lease
and against the median latency measured before the first restart.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests" / "engine"), str(HERE.parent / "tests")]

from chaos import (  # noqa: E402
    Supervisor,
    api_for,
    create_policy,
    loop_errors,
    policy,
    rows,
    running,
    throwaway_database,
    undelivered,
)
from processes import Receiver, Workers, plugins_toml  # noqa: E402

MARGIN = 5.0  # the lease is the channel's timeout plus this (engine/dispatcher.py)
RECOVERED = 3.0


def slow_two_fifths(key: str, attempt: int) -> str:
    return "slow" if zlib.crc32(key.encode()) % 5 < 2 else "ok"


async def trigger_steadily(api, rate: float, counts: dict[str, int]) -> None:
    """Trigger until cancelled, counting what the API accepted and refused (each try at most 2 s)."""
    began = time.monotonic()
    while True:
        if counts["triggered"] + counts["refused"] < (time.monotonic() - began) * rate:
            try:
                async with asyncio.timeout(2):
                    status, _ = await api.post("/api/v1/escalations", {"policy_id": "p", "summary": "restart"})
            except TimeoutError:
                status = None
            counts["triggered" if status == 201 else "refused"] += 1
        await asyncio.sleep(0.01)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--restarts", type=int, default=6)
    parser.add_argument("--down", default="1,3,10", help="seconds the database stays away, cycled")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rate", type=float, default=15, help="escalations triggered per second")
    parser.add_argument("--timeout", type=float, default=3.0, help="the channel's timeout (the lease is 5 s more)")
    args = parser.parse_args()
    downs = [float(d) for d in args.down.split(",")]
    lease = args.timeout + MARGIN
    hook = Receiver(slow_two_fifths, hang_seconds=1.0)
    folder = Path(tempfile.mkdtemp(prefix="bench-restart-"))
    counts = {"triggered": 0, "refused": 0}
    outages = []
    async with throwaway_database(None) as (url, cluster):
        workers = Workers(folder, url, plugins_toml(folder, hook.url, timeout=args.timeout))
        supervisor = Supervisor(workers, url, kill_budget=0)
        try:
            async with api_for(url, hook.url) as api:
                await create_policy(api, hook.url, policy([0.02] * 3, targets=[{"type": "channel", "id": "hook"}]))
                workers.start(args.workers)
                await running(workers, args.workers)
                load = asyncio.create_task(trigger_steadily(api, args.rate, counts))
                quiet_until = time.time() + 8
                await asyncio.sleep(8)
                for i in range(args.restarts):
                    held = {r.id for r in await rows(url, "lease_owner IS NOT NULL")}
                    down = time.time()
                    await asyncio.to_thread(cluster.stop, "immediate")
                    await asyncio.sleep(downs[i % len(downs)])
                    await asyncio.to_thread(cluster.start)
                    back = time.time()
                    outages.append((down, back, held))
                    await asyncio.sleep(lease + 2)
                    await supervisor.check()
                load.cancel()
            await supervisor.run_until(lambda: undelivered(url, hook.counts), 300)
        finally:
            alive = len(workers.alive())
            workers.stop()
        found = await rows(url)
    hook.close()
    report(found, hook, workers, supervisor, outages, counts, lease, quiet_until, alive, args)


def report(found, hook, workers, supervisor, outages, counts, lease, quiet_until, alive, args) -> None:
    first: dict[str, float] = {}
    for key, at, _answer in hook.arrivals:
        first.setdefault(key, at)
    quiet = [first[r.id] - r.due_at.timestamp() for r in found if r.due_at.timestamp() < quiet_until - 2]
    baseline = statistics.median(quiet)
    errors = loop_errors(workers)
    print(
        f"restart: {args.workers} workers, {counts['triggered']} escalations ({counts['refused']} refused while the "
        f"database was away), {len(found)} notifications; lease {lease:g} s; median due-to-arrival latency before "
        f"the first restart {baseline * 1000:.0f} ms"
    )
    worst, late = 0.0, 0
    for i, (down, back, held) in enumerate(outages):
        again = [at - back for key, at, answer in hook.arrivals if key in held and at > back and answer != "error"]
        due = [r.id for r in found if down <= r.due_at.timestamp() < back]
        caught = [first[key] - back for key in due if key in first]
        next_down = outages[i + 1][0] if i + 1 < len(outages) else float("inf")
        late_errors = [at for at, _ in errors if back + RECOVERED < at < next_down]
        late += len(late_errors)
        worst = max([worst, *again, *caught])
        print(
            f"  restart {i + 1}: away {back - down:.1f} s; held {len(held)}, {len(again)} arrived after it was back"
            + (f" (last {max(again):.2f} s after)" if again else "")
            + f"; {len(due)} fell due while away, last arrived {max(caught, default=0):.2f} s after it was back; "
            f"{len(late_errors)} loop errors later than {RECOVERED:g} s after"
        )
    received = hook.counts()
    lost = sum(1 for r in found if r.id not in received)
    not_sent = sum(1 for r in found if r.status != "sent")
    print(
        f"lost {lost}, not sent {not_sent}, duplicates {sum(n - 1 for n in received.values())}, workers died "
        f"{len(supervisor.deaths)}, alive at the end {alive} of {args.workers}"
    )
    print(
        f"ratio worst arrival after a return / lease: {worst / lease:.2f}; "
        f"ratio worst arrival after a return / median latency before: {worst / baseline:.0f}"
    )
    if lost or not_sent or supervisor.deaths or alive != args.workers or late:
        raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
