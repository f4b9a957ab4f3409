"""Engine processes racing on one PostgreSQL: exactly one row per key, exactly one delivery per notification.

    python bench/engine_race.py [--escalations 10000] [--engines 4] [--baseline 1000] [--server postgres://...]

Each escalation follows two steps 1.2 s apart, repeated once: 4 notifications, to a channel and to a user's
contact, all posted to one real webhook receiver (tests/engine/processes.py) that counts deliveries by their
Idempotency-Key. The race: --engines `nself-oncall worker` processes run while --escalations are triggered
through the API. Then the rows must hold exactly one per (escalation, loop, step, target, contact), each row
must be `sent`, and each must have arrived exactly once.

Timing, as a ratio against a baseline measured in the same run: one engine drains a backlog of --baseline
escalations (all triggered before it starts), and the race's delivery rate is given over that rate.

Without --server each phase gets a throwaway PostgreSQL cluster (initdb into a temporary folder, fsync off);
with one, a new database on that server, dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests" / "engine"), str(HERE.parent / "tests")]

import asyncpg  # noqa: E402

from chaos import USER, api_for, create_policy, throwaway_database, trigger, undelivered  # noqa: E402
from processes import Receiver, Workers, plugins_toml  # noqa: E402

#: Step 0 to the channel, step 1 (1.2 s later) to the user's contact, repeated once: 4 notifications.
POLICY = {"id": "p", "name": "P", "repeat": 1, "steps": [
    {"delay_minutes": 0.02, "targets": [{"type": "channel", "id": "hook"}]},
    {"delay_minutes": 0.02, "targets": [{"type": "user", "id": USER}]},
]}
PER_ESCALATION = 4


async def _delivered(database_url: str, hook: Receiver, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while (left := await undelivered(database_url, hook.counts)) is not None:
        if time.monotonic() > deadline:
            raise SystemExit(f"not all delivered after {timeout:g} s: {left}")
        await asyncio.sleep(0.2)


def _rate(hook: Receiver) -> float:
    """Deliveries per second, from the first arrival to the last."""
    times = sorted(d.at for d in hook.deliveries)
    return (len(times) - 1) / (times[-1] - times[0])


async def baseline(server: str | None, escalations: int) -> float:
    """One engine draining a backlog: deliveries per second."""
    hook = Receiver()
    folder = Path(tempfile.mkdtemp(prefix="bench-race-baseline-"))
    async with throwaway_database(server) as (url, _):
        async with api_for(url, hook.url) as api:
            await create_policy(api, hook.url, POLICY)
            await trigger(api, escalations, "baseline")
        workers = Workers(folder, url, plugins_toml(folder, hook.url))
        workers.start(1)
        try:
            await _delivered(url, hook, timeout=600)
        finally:
            workers.stop()
    hook.close()
    return _rate(hook)


async def race(server: str | None, escalations: int, engines: int) -> dict:
    hook = Receiver()
    folder = Path(tempfile.mkdtemp(prefix="bench-race-"))
    async with throwaway_database(server) as (url, _):
        workers = Workers(folder, url, plugins_toml(folder, hook.url))
        try:
            async with api_for(url, hook.url) as api:
                await create_policy(api, hook.url, POLICY)
                workers.start(engines)
                began = time.time()
                await trigger(api, escalations, "race")
                triggered = time.time()
            await _delivered(url, hook, timeout=1200)
        finally:
            workers.stop()
        connection = await asyncpg.connect(url)
        try:
            ids = [r["id"] for r in await connection.fetch("SELECT id FROM notifications WHERE status = 'sent'")]
            total = await connection.fetchval("SELECT count(*) FROM notifications")
            twice = await connection.fetchval(
                "SELECT count(*) FROM (SELECT 1 FROM notifications GROUP BY escalation_id, loop, step, "
                "target_position, contact_position HAVING count(*) > 1) AS doubled"
            )
        finally:
            await connection.close()
    hook.close()
    counts = hook.counts()
    owners = {line.split(" as ")[1] for line in workers.logs().splitlines() if "engine running as" in line}
    last = max(d.at for d in hook.deliveries)
    return {
        "rows": total,
        "sent": len(ids),
        "keys doubled": twice,
        "lost": sum(1 for i in ids if i not in counts),
        "duplicates": sum(n - 1 for n in counts.values()),
        "unknown keys": len(set(counts) - set(ids)),
        "engines": len(owners),
        "trigger s": triggered - began,
        "lag s": last - triggered,
        "rate": _rate(hook),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--escalations", type=int, default=10_000)
    parser.add_argument("--engines", type=int, default=4)
    parser.add_argument("--baseline", type=int, default=1_000, help="escalations of the one-engine baseline")
    parser.add_argument("--server", help="a PostgreSQL server URL (default: a throwaway cluster per phase)")
    args = parser.parse_args()
    one = await baseline(args.server, args.baseline)
    print(f"baseline: 1 engine drains {args.baseline * PER_ESCALATION} notifications at {one:.0f}/s")
    found = await race(args.server, args.escalations, args.engines)
    expected = args.escalations * PER_ESCALATION
    print(
        f"race: {found['engines']} engines, {args.escalations} escalations triggered in {found['trigger s']:.1f} s "
        f"({args.escalations / found['trigger s']:.0f}/s) while they ran; {found['rows']} rows (expected {expected}), "
        f"{found['keys doubled']} keys with more than one row, {found['sent']} sent; at the receiver: "
        f"{found['lost']} lost, {found['duplicates']} duplicates, {found['unknown keys']} unknown keys; "
        f"last delivery {found['lag s']:.2f} s after the last trigger"
    )
    print(
        f"ratio race delivery rate / one-engine drain rate: {found['rate'] / one:.2f} "
        f"({found['rate']:.0f}/s over {one:.0f}/s; the race is paced by the triggers)"
    )
    ok = (found["rows"], found["sent"], found["keys doubled"], found["lost"], found["duplicates"]) == (
        expected, expected, 0, 0, 0
    )
    print("exactly once: " + ("yes" if ok and found["engines"] == args.engines else "NO"))
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
