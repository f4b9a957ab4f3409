"""kill -9 at each fail point, many times under load, workers restarted: nothing lost, duplicates only of rows held.

    python bench/engine_crash.py [--kills 20] [--workers 3] [--rate 15] [--timeout 3] [--server postgres://...]

One run per fail point (after_claim, after_send, before_result; engine/faults.py), each on a database of its
own: workers are started with the fail point, escalations are triggered at --rate per second until --kills
workers have killed themselves, a supervisor restarts every worker that dies (the first --kills replacements
keep the fail point, later ones do not, so that the run ends), and the run waits until every notification is
`sent` and has arrived at the receiver. Per run it prints:

- lost: rows whose id never arrived (must be 0);
- duplicates, split into those of rows a killed process held when it died, those after a call that timed out
  (the receiver may have had it; at least once), and any other (must be 0);
- redelivery: for each row held at a kill, from the death to its next arrival, against the lease (the design
  says within the lease, plus the time to claim) and against the median due-to-arrival latency of the rows no
  kill touched, measured in the same run.

Without --server each run gets a throwaway PostgreSQL cluster; with one, a new database on that server.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests" / "engine"), str(HERE.parent / "tests")]

from chaos import (  # noqa: E402
    Supervisor,
    api_for,
    create_policy,
    policy,
    rows,
    throwaway_database,
    timed_out,
    trigger,
    undelivered,
)
from processes import Receiver, Workers, plugins_toml  # noqa: E402

#: Per point, the probability that a hit kills: after_claim and before_result are hit once per batch,
#: after_send once per notifier call.
CHANCE = {"after_claim": 0.03, "after_send": 0.003, "before_result": 0.01}
MARGIN = 5.0  # the lease is the channel's timeout plus this (engine/dispatcher.py)


async def run(point: str, args: argparse.Namespace) -> dict:
    hook = Receiver()
    folder = Path(tempfile.mkdtemp(prefix=f"bench-crash-{point}-"))
    env = {"NSELF_ONCALL_FAILPOINTS": f"{point}:{CHANCE[point]}", "NSELF_ONCALL_RETRY_SECONDS": "0.5"}
    started = time.monotonic()
    async with throwaway_database(args.server) as (url, _):
        workers = Workers(folder, url, plugins_toml(folder, hook.url, timeout=args.timeout), env)
        supervisor = Supervisor(workers, url, kill_budget=args.kills)
        try:
            async with api_for(url, hook.url) as api:
                await create_policy(api, hook.url, policy([0.01, 0.01]))
                workers.start(args.workers)
                escalations = await _load(api, supervisor, args.rate)
            await supervisor.run_until(lambda: undelivered(url, hook.counts), 600)
        finally:
            workers.stop()
        found = await rows(url)
    hook.close()
    return _figures(point, found, hook, supervisor, workers, escalations, args, time.monotonic() - started)


async def _load(api, supervisor: Supervisor, rate: float) -> int:
    triggered, began = 0, time.monotonic()
    while supervisor.kills < supervisor.kill_budget:
        if triggered < (time.monotonic() - began) * rate:
            triggered += len(await trigger(api, 5))
        await supervisor.check()
        await asyncio.sleep(0.05)
    return triggered


def _figures(point, found, hook, supervisor, workers, escalations, args, seconds) -> dict:
    counts = hook.counts()
    doubled = {key for key, n in counts.items() if n > 1}
    after_timeout = doubled & timed_out(workers) - supervisor.in_flight
    arrivals: dict[str, list[float]] = {}
    for key, at, answer in hook.arrivals:
        if answer == "ok":
            arrivals.setdefault(key, []).append(at)
    redelivery = _redelivery(supervisor.deaths, arrivals)
    untouched = [arrivals[r.id][0] - r.due_at.timestamp() for r in found if r.id not in supervisor.in_flight]
    return {
        "point": point,
        "escalations": escalations,
        "notifications": len(found),
        "kills": supervisor.kills,
        "held": len(supervisor.in_flight),
        "lost": sum(1 for r in found if r.id not in counts),
        "not sent": sum(1 for r in found if r.status != "sent"),
        "duplicates": sum(n - 1 for n in counts.values()),
        "of held rows": sum(counts[k] - 1 for k in doubled & supervisor.in_flight),
        "after a timeout": sum(counts[k] - 1 for k in after_timeout),
        "other": sum(counts[k] - 1 for k in doubled - supervisor.in_flight - after_timeout),
        "redelivery": redelivery,
        "baseline": statistics.median(untouched),
        "lease": args.timeout + MARGIN,
        "seconds": seconds,
    }


def _redelivery(deaths, arrivals: dict[str, list[float]]) -> list[float]:
    """For each row held at a death, from the death to the row's next arrival; a row that a later death held
    again before it arrived counts for that later death only."""
    delays = []
    for death in deaths:
        for key in death.in_flight:
            after = [at for at in arrivals.get(key, []) if at > death.at]
            if not after:
                continue
            again = any(d.at > death.at and d.at < min(after) and key in d.in_flight for d in deaths)
            if not again:
                delays.append(min(after) - death.at)
    return delays


def _print(f: dict) -> None:
    delays = f["redelivery"]
    p50, worst = (statistics.median(delays), max(delays)) if delays else (0.0, 0.0)
    print(
        f"{f['point']}: {f['escalations']} escalations, {f['notifications']} notifications, {f['kills']} kills, "
        f"{f['held']} rows held at the kills; lost {f['lost']}, not sent {f['not sent']}; duplicates "
        f"{f['duplicates']} ({f['of held rows']} of held rows, {f['after a timeout']} after a timeout, "
        f"{f['other']} other); redelivery after a kill p50 {p50:.2f} s, max {worst:.2f} s; {f['seconds']:.0f} s"
    )
    print(
        f"  ratio max redelivery / lease ({f['lease']:g} s): {worst / f['lease']:.2f}; "
        f"ratio max redelivery / median latency of untouched rows ({f['baseline'] * 1000:.0f} ms): "
        f"{worst / f['baseline']:.0f}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20, help="kills per fail point")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rate", type=float, default=15, help="escalations triggered per second")
    parser.add_argument("--timeout", type=float, default=3.0, help="the channel's timeout (the lease is 5 s more)")
    parser.add_argument("--points", default=",".join(CHANCE), help="fail points to run, comma-separated")
    parser.add_argument("--server", help="a PostgreSQL server URL (default: a throwaway cluster per run)")
    args = parser.parse_args()
    failed = False
    for point in args.points.split(","):
        figures = await run(point, args)
        _print(figures)
        failed |= bool(figures["lost"] or figures["not sent"] or figures["other"])
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
