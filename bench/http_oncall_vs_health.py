"""GET /api/v1/schedules/{id}/oncall against GET /health, and with a long history against none.

    python bench/http_oncall_vs_health.py [--seconds 10] [--connections 32] [--history 10000] [--rounds 3]

Starts `nself-oncall serve --api-only` on a fresh SQLite file (or on BENCH_DATABASE_URL) and creates
the README's example schedule twice: `my-schedule`, and `with-history`, which also gets
`--history` overrides that all ended before the last 35 days. Then, in the same run:

- requests/s of /oncall over /health (wrk, in turns; goal 0.8);
- requests/s of /oncall now on `with-history` over `my-schedule` (goal at least 0.9);
- a change (PATCH) followed by /oncall, the cache reloading each time, `my-schedule` time
  over `with-history` time: 1.0 means the reload does not grow with history.

Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

import httpx
from _http import AUTH, serving, wrk

SEED = {
    "id": "my-schedule", "name": "Primary SRE", "timezone": "America/New_York",
    "layers": [{"name": "weekly", "users": ["alice", "bob", "carol"], "rotation": {"unit": "week", "length": 1},
                "start": "2024-03-08T09:00:00",
                "restrictions": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}]}],
}


def _seed_history(base: str, auth: dict[str, str], count: int) -> None:
    """`count` one-hour overrides, back to back, the last one ended 60 days ago."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=60, hours=count)
    with httpx.Client(base_url=base, headers=auth) as client:
        for i in range(count):
            body = {"schedule_id": "with-history", "user": f"u{i % 7}",
                    "start": (start + timedelta(hours=i)).isoformat(), "end": (start + timedelta(hours=i + 1)).isoformat()}
            client.post("/api/v1/overrides", json=body).raise_for_status()


def _change_then_read(base: str, auth: dict[str, str], schedule_id: str, rounds: int) -> float:
    """Seconds per (PATCH the description, GET /oncall): every read after a change reloads the schedule."""
    with httpx.Client(base_url=base, headers=auth) as client:
        began = time.perf_counter()
        for i in range(rounds):
            client.patch(f"/api/v1/schedules/{schedule_id}", json={"description": str(i)}).raise_for_status()
            client.get(f"/api/v1/schedules/{schedule_id}/oncall").raise_for_status()
        return (time.perf_counter() - began) / rounds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--history", type=int, default=10_000, help="past overrides of the second schedule")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each wrk load; the medians are printed")
    args = parser.parse_args()
    with serving() as (base, database):
        auth = AUTH
        for schedule_id in ("my-schedule", "with-history"):
            httpx.delete(f"{base}/api/v1/schedules/{schedule_id}", headers=auth)
            httpx.post(f"{base}/api/v1/schedules", json={**SEED, "id": schedule_id}, headers=auth).raise_for_status()
        _seed_history(base, auth, args.history)
        oncall = f"{base}/api/v1/schedules/my-schedule/oncall?at=2024-03-18T14:00:00Z"
        now_plain, now_history = (f"{base}/api/v1/schedules/{s}/oncall" for s in ("my-schedule", "with-history"))
        for url in (oncall, now_plain, now_history):
            httpx.get(url, headers=auth).raise_for_status()
        rates: dict[str, list[float]] = {"health": [], "oncall": [], "plain": [], "history": []}
        for _ in range(args.rounds):
            for key, url in (("health", f"{base}/health"), ("oncall", oncall), ("plain", now_plain),
                             ("history", now_history)):
                rates[key].append(wrk(url, args.seconds, args.connections))
        reloads = [(_change_then_read(base, auth, "my-schedule", 50), _change_then_read(base, auth, "with-history", 50))
                   for _ in range(3)]
        print(f"database: {database}")
        for key, label in (("health", "GET /health"), ("oncall", "GET .../oncall?at="), ("plain", "GET oncall, no history"),
                           ("history", f"GET oncall, {args.history} past overrides")):
            print(f"{label:<40} req/s: " + ", ".join(f"{r:.0f}" for r in rates[key]))
        print(f"ratio oncall/health: {_median_ratio(rates['oncall'], rates['health']):.2f}  (floor 0.5, goal 0.8)")
        print(f"ratio history/no history: {_median_ratio(rates['history'], rates['plain']):.2f}  (goal at least 0.9)")
        print("change + read, ms: " + ", ".join(f"{p * 1000:.1f} vs {h * 1000:.1f}" for p, h in reloads))
        print(f"ratio change+read no history/history: {statistics.median(p / h for p, h in reloads):.2f}  (1.0: flat)")


def _median_ratio(numerators: list[float], denominators: list[float]) -> float:
    return statistics.median(n / d for n, d in zip(numerators, denominators, strict=True))


if __name__ == "__main__":
    main()
