"""GET /api/v1/oncall (who is on call on every schedule) with 500 schedules, against GET /health.

    python bench/oncall_everywhere.py [--schedules 500] [--seconds 10] [--connections 32] [--rounds 3]

Starts `nself-oncall serve --api-only` on a fresh SQLite file (or BENCH_DATABASE_URL), creates
`--schedules` schedules of every kind (zones, rotation units, restrictions, an override on every
tenth), then measures with wrk, in turns, in the same run:

- GET /health (the baseline);
- GET /api/v1/oncall, the default page of 100 schedules (issue goal: at least 0.5x /health);
- GET /api/v1/oncall?limit=500, every schedule in one page;
- GET /api/v1/users/{id}/oncall (now and next, across every schedule);
- GET /api/v1/users/{id}/shifts over the default 14 days.

Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import statistics
from datetime import UTC, datetime, timedelta

import httpx
from _http import AUTH, serving, wrk

ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney", "America/Los_Angeles"]
UNITS = ["hour", "day", "week", "month"]
USERS = [f"user{i}" for i in range(200)]


def schedule(i: int) -> dict:
    """The i-th schedule: a rotation of 3-6 people, on business hours for every third one."""
    people = [USERS[(7 * i + k) % len(USERS)] for k in range(3 + i % 4)]
    layer = {"name": "main", "users": people, "rotation": {"unit": UNITS[i % 4], "length": 1 + i % 3},
             "start": f"2024-0{1 + i % 9}-0{1 + i % 9}T09:00:00"}
    if i % 3 == 0:
        layer["restrictions"] = [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}]
    backup = {"name": "backup", "users": people[::-1], "rotation": {"unit": "week", "length": 1},
              "start": "2024-01-01T00:00:00"}
    return {"id": f"s{i:04}", "name": f"Schedule {i}", "timezone": ZONES[i % len(ZONES)], "layers": [backup, layer]}


def seed(base: str, count: int) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with httpx.Client(base_url=base, headers=AUTH, timeout=30) as client:
        for i in range(count):
            client.post("/api/v1/schedules", json=schedule(i)).raise_for_status()
            if i % 10 == 0:
                override = {"schedule_id": f"s{i:04}", "user": "user0", "start": (now - timedelta(hours=1)).isoformat(),
                            "end": (now + timedelta(days=2)).isoformat()}
                client.post("/api/v1/overrides", json=override).raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schedules", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="turns of each wrk load; the medians are printed")
    args = parser.parse_args()
    with serving() as (base, database):
        seed(base, args.schedules)
        urls = {
            "GET /health": f"{base}/health",
            "GET /api/v1/oncall (100 a page)": f"{base}/api/v1/oncall",
            f"GET /api/v1/oncall?limit={args.schedules}": f"{base}/api/v1/oncall?limit={args.schedules}",
            "GET /api/v1/users/user0/oncall": f"{base}/api/v1/users/user0/oncall",
            "GET /api/v1/users/user0/shifts": f"{base}/api/v1/users/user0/shifts",
        }
        for url in urls.values():  # load every schedule into the cache, and check the answers
            httpx.get(url, headers=AUTH, timeout=60).raise_for_status()
        rates: dict[str, list[float]] = {label: [] for label in urls}
        for _ in range(args.rounds):
            for label, url in urls.items():
                rates[label].append(wrk(url, args.seconds, args.connections))
        print(f"database: {database}, {args.schedules} schedules")
        health = rates["GET /health"]
        for label, found in rates.items():
            ratio = statistics.median(r / h for r, h in zip(found, health, strict=True))
            print(f"{label:<40} req/s: {', '.join(f'{r:.0f}' for r in found)}   ratio to /health: {ratio:.2f}")


if __name__ == "__main__":
    main()
