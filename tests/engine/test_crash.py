"""kill -9 under load: workers kill themselves at a fail point (engine/faults.py), a supervisor restarts them,
and every notification still arrives at the receiver and ends `sent`; a duplicate only ever comes from a row
that a killed process held.

Two runs:
- after_claim, with probability 1: every worker that has the fail point dies right after its first claim
  commits, before it calls any notifier. What it held comes back when the lease runs out and is delivered
  exactly once: no duplicates at all.
- after_send and before_result together: a notifier call returned and its result was not written, or a batch
  of results was about to be written. Those rows, and any other the process held, are delivered again after
  their lease: duplicates, but only of rows held at a kill.

A call that times out is tried again even though the receiver may have had it (at least once, by design); on
this shared 2-core machine a starved worker sometimes times out its own calls, so such duplicates are told
apart by the "timed out" lines of the worker logs and allowed, whatever the fail point.

bench/engine_crash.py runs the same scenario with many more kills.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from chaos import (
    Supervisor,
    api_for,
    create_policy,
    duplicates,
    explain,
    policy,
    rows,
    timed_out,
    trigger,
    undelivered,
)
from processes import Workers, plugins_toml, through_pgbouncer

pytestmark = pytest.mark.postgres

#: NSELF_ONCALL_FAILPOINTS of each run: the probability that a hit kills. after_claim and before_result are hit
#: once per batch, after_send once per notifier call.
RUNS = {"after_claim": "after_claim:1", "after_call": "after_send:0.02,before_result:0.05"}
KILLS = 5
WORKERS = 3
#: Two steps 0.6 s apart, each to the hook channel and to the user's contact on it.
PER_ESCALATION = 4
#: An engine's concurrency (EngineOptions): the most rows one process can hold.
CONCURRENCY = 200
#: The channel's timeout; the lease is 5 s longer. A worker sends the up to 200 rows it claims at once, and on a
#: busy 2-core machine the last of them can wait more than 2 s for its own event loop.
TIMEOUT = 3.0


@pytest.mark.parametrize(("run", "through"), [("after_claim", "server"), ("after_call", "server"),
                                              ("after_claim", "pgbouncer")])
async def test_kill_at_a_fail_point_loses_nothing(tmp_path, pg_database, receiver, run, through):
    """`through`: the server itself, or PgBouncer in transaction pooling mode (DATABASE_URL PgBouncer's,
    NSELF_ONCALL_DIRECT_DATABASE_URL the server's)."""
    hook = receiver()
    # A call that timed out is tried again soon.
    env = {"NSELF_ONCALL_FAILPOINTS": RUNS[run], "NSELF_ONCALL_RETRY_SECONDS": "0.5"}
    url, direct = pg_database, None
    if through == "pgbouncer":
        url, direct = await through_pgbouncer(pg_database), pg_database
        env["NSELF_ONCALL_DIRECT_DATABASE_URL"] = direct
    workers = Workers(tmp_path, url, plugins_toml(tmp_path, hook.url, timeout=TIMEOUT), env)
    supervisor = Supervisor(workers, pg_database, kill_budget=KILLS)
    started = time.monotonic()
    try:
        async with api_for(url, hook.url, direct_url=direct) as api:
            await create_policy(api, hook.url, policy([0.01, 0.01]))
            workers.start(WORKERS)
            escalations = await _load_until_killed(api, supervisor)
        loaded = time.monotonic()
        await supervisor.run_until(lambda: undelivered(pg_database, hook.counts), 60)
    finally:
        workers.stop()
    counts, found = hook.counts(), await rows(pg_database)
    doubled = {key for key, n in counts.items() if n > 1}
    after_timeout = doubled & timed_out(workers)
    print(
        f"\n{run}: {escalations} escalations, {len(found)} notifications, {supervisor.kills} kills, "
        f"{len(supervisor.in_flight)} rows held at the kills, {duplicates(counts)} duplicates "
        f"({len(after_timeout)} keys after a timeout), {loaded - started:.1f} s of load, "
        f"{time.monotonic() - loaded:.1f} s to deliver the rest"
    )

    assert len(found) == escalations * PER_ESCALATION
    lost = {r.id for r in found} - set(counts)
    assert not lost, f"{len(lost)} notification(s) never arrived"
    assert all(r.status == "sent" for r in found), {r.status for r in found}
    # Workers started before the budget was spent keep their fail point: a few more kills than the budget.
    assert supervisor.kills >= KILLS and all(d.returncode == -9 for d in supervisor.deaths), supervisor.deaths
    unexplained = doubled - supervisor.in_flight - after_timeout
    assert not unexplained, "duplicates of rows no killed process held:\n" + explain(unexplained, workers, hook.arrivals)
    from_kills = {key: counts[key] - 1 for key in doubled - after_timeout}
    # A row held when a process died can be held again by the one that claimed it next and die with it too:
    # each kill adds at most one copy of each row it held.
    assert max(from_kills.values(), default=0) <= supervisor.kills
    assert sum(from_kills.values()) <= supervisor.kills * CONCURRENCY
    if run == "after_claim":
        assert not from_kills, "rows claimed by a process that died before calling, delivered twice:\n" + explain(
            set(from_kills), workers, hook.arrivals
        ) + f"\ndeaths: {[(d.pid, round(d.at % 1000, 3), len(d.in_flight)) for d in supervisor.deaths]}"


async def _load_until_killed(api, supervisor: Supervisor, per_second: float = 25, most: float = 45) -> int:
    """Trigger escalations at about `per_second` until the kill budget is spent (AssertionError after `most`
    seconds); returns how many were triggered."""
    triggered = 0
    started = time.monotonic()
    while supervisor.kills < supervisor.kill_budget:
        elapsed = time.monotonic() - started
        assert elapsed < most, f"only {supervisor.kills} kill(s) in {elapsed:.0f} s ({triggered} escalations)"
        if triggered < elapsed * per_second:
            triggered += len(await trigger(api, 5))
        await supervisor.check()
        await asyncio.sleep(0.05)
    return triggered
