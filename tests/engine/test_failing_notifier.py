"""A receiver that fails 30 % of keys, by errors and by hangs longer than the channel's timeout, decided by a
hash of the key so that a run can be repeated: failed calls are tried again with a growing backoff, a key that
always fails ends `failed` after exactly the configured number of attempts, and meanwhile the escalations'
later steps still go out on time.

Keys by crc32 % 10: 0 always answers 503; 1 always hangs; 2 hangs, then answers 503, then 200; the rest 200.
"""

from __future__ import annotations

import statistics
import zlib
from collections import defaultdict

import pytest

from chaos import Supervisor, api_for, create_policy, open_steps, policy, rows, running, trigger
from processes import Workers, plugins_toml

pytestmark = pytest.mark.postgres

ATTEMPTS = 4
BASE = 0.5  # NSELF_ONCALL_RETRY_SECONDS: the wait after attempt n is BASE * 2**(n-1), less up to half of it
TIMEOUT = 1.0
HANG = 2.5  # longer than TIMEOUT
ESCALATIONS = 40
STEP_SECONDS = 1.5
ON_TIME = 1.0  # the first attempt of every message must arrive within this many seconds of its due time


def behave(key: str, attempt: int) -> str:
    kind = zlib.crc32(key.encode()) % 10
    if kind == 0:
        return "error"
    if kind == 1:
        return "hang"
    if kind == 2:
        return {1: "hang", 2: "error"}.get(attempt, "ok")
    return "ok"


async def test_failing_notifier_backs_off_gives_up_and_keeps_later_steps_on_time(tmp_path, pg_database, receiver):
    hook = receiver(behave, hang_seconds=HANG)
    env = {"NSELF_ONCALL_RETRY_SECONDS": str(BASE), "NSELF_ONCALL_DELIVERY_ATTEMPTS": str(ATTEMPTS)}
    workers = Workers(tmp_path, pg_database, plugins_toml(tmp_path, hook.url, timeout=TIMEOUT), env)
    supervisor = Supervisor(workers, pg_database, kill_budget=0)
    delay = STEP_SECONDS / 60
    try:
        async with api_for(pg_database, hook.url) as api:
            await create_policy(api, hook.url, policy([delay] * 3, targets=[{"type": "channel", "id": "hook"}]))
            workers.start(2)
            await running(workers, 2)
            await trigger(api, ESCALATIONS)
        await supervisor.run_until(lambda: _unfinished(pg_database), 40)
    finally:
        workers.stop()
    found = await rows(pg_database)
    times = defaultdict(list)
    for key, at, _answer in hook.arrivals:
        times[key].append(at)
    kinds = {r.id: zlib.crc32(r.id.encode()) % 10 for r in found}
    gaps = [[b - a for a, b in zip(times[k], times[k][1:], strict=False)] for k in kinds if kinds[k] == 0]
    lateness = [times[r.id][0] - r.due_at.timestamp() for r in found]
    medians = [statistics.median(g[i] for g in gaps) for i in range(ATTEMPTS - 1)] if gaps else []
    print(
        f"\nfailing notifier: {len(found)} notifications, {sum(k < 3 for k in kinds.values())} of them failing "
        f"at first; gaps between attempts of a key that always fails (median): "
        f"{', '.join(f'{m:.2f}' for m in medians)} s; first attempt after its due time: "
        f"median {statistics.median(lateness):.3f} s, max {max(lateness):.3f} s"
    )

    assert not supervisor.deaths
    assert len(found) == ESCALATIONS * 3 and {0, 1, 2} <= set(kinds.values())
    for r in found:
        arrived = len(times[r.id])
        if kinds[r.id] in (0, 1):
            assert (r.status, r.attempts, arrived) == ("failed", ATTEMPTS, ATTEMPTS), (kinds[r.id], r)
            assert f"gave up after {ATTEMPTS} attempts" in r.error
        elif kinds[r.id] == 2:
            assert (r.status, r.attempts, arrived) == ("sent", 3, 3), r
        else:
            assert (r.status, r.attempts, arrived) == ("sent", 1, 1), r
    for g in gaps:  # a retry never comes before its backoff: at least half of BASE * 2**(n-1) after attempt n
        assert all(gap >= BASE * 2**n / 2 - 0.01 for n, gap in enumerate(g)), g
    assert medians == sorted(medians) and medians[-1] > 2 * medians[0], f"the backoff does not grow: {medians}"
    late = {r.id: round(s, 3) for r, s in zip(found, lateness, strict=True) if s > ON_TIME}
    assert not late, f"first attempts later than {ON_TIME:g} s after their due time: {late}"


async def _unfinished(database_url: str) -> str | None:
    """None once every escalation has reached its last step and every row is final (sent or failed)."""
    steps, pending = await open_steps(database_url), await rows(database_url, "status = 'pending'")
    return f"{steps} escalation(s) with steps to come, {len(pending)} row(s) pending" if steps or pending else None
