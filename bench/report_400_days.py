"""The load report over 400 days of a 3-layer schedule, against /shifts over the same range.

    python bench/report_400_days.py [--rounds 20]

Starts `nself-oncall serve --api-only` on a fresh SQLite file (or BENCH_DATABASE_URL) and creates a
schedule in America/New_York (two DST changes in the range) with three layers: a weekly 24/7
rotation, a daily business-hours one on weekdays, and a 4-hour night rotation on 22:00-06:00
windows, plus 100 overrides. Then it times, in turns, GET .../report and GET .../shifts (the same
render, without the sums) over 400 days, and GET /health. Issue goal: the report under 0.5 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

import httpx
from _http import AUTH, serving

SINCE = datetime(2025, 1, 1, tzinfo=UTC)
UNTIL = SINCE + timedelta(days=400)
SCHEDULE = {
    "id": "three-layers", "name": "Three layers", "timezone": "America/New_York",
    "layers": [
        {"name": "weekly", "users": ["ann", "ben", "cat", "dan"], "rotation": {"unit": "week", "length": 1},
         "start": "2024-12-30T09:00:00"},
        {"name": "business", "users": ["eve", "fay", "gus"], "rotation": {"unit": "day", "length": 1},
         "start": "2024-12-30T09:00:00",
         "restrictions": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}]},
        {"name": "nights", "users": ["hal", "ivy", "jon", "kim", "lee"], "rotation": {"unit": "hour", "length": 4},
         "start": "2024-12-30T22:00:00", "restrictions": [{"start": "22:00", "end": "06:00"}]},
    ],
}


def seed(client: httpx.Client) -> None:
    client.post("/api/v1/schedules", json=SCHEDULE).raise_for_status()
    for i in range(100):
        start = SINCE + timedelta(days=4 * i, hours=13)
        client.post("/api/v1/overrides", json={"schedule_id": "three-layers", "user": "zed",
                                               "start": start.isoformat(), "end": (start + timedelta(hours=5)).isoformat()}
                    ).raise_for_status()


def timed(client: httpx.Client, url: str) -> float:
    began = time.perf_counter()
    client.get(url).raise_for_status()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    query = f"since={SINCE.isoformat()}&until={UNTIL.isoformat()}".replace("+", "%2B")
    with serving() as (base, database), httpx.Client(base_url=base, headers=AUTH, timeout=60) as client:
        seed(client)
        urls = {"report": f"/api/v1/schedules/three-layers/report?{query}",
                "shifts": f"/api/v1/schedules/three-layers/shifts?{query}", "health": "/health"}
        times: dict[str, list[float]] = {label: [] for label in urls}
        for _ in range(args.rounds):
            for label, url in urls.items():
                times[label].append(timed(client, url))
        report = client.get(urls["report"]).json()
        shifts = len(client.get(urls["shifts"]).json()["items"])
        print(f"database: {database}; 400 days, 3 layers, {shifts} intervals, {len(report['items'])} people")
        for label, found in times.items():
            print(f"GET {label:<8} median {statistics.median(found) * 1000:8.1f} ms   max {max(found) * 1000:8.1f} ms")
        ratio = statistics.median(r / s for r, s in zip(times["report"], times["shifts"], strict=True))
        print(f"ratio report/shifts: {ratio:.2f}   (goal: the report under 500 ms)")


if __name__ == "__main__":
    main()
