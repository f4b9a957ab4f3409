"""Requests/s of GET /api/v1/schedules/{id}/oncall divided by GET /health, same server, same run.

    python bench/http_oncall_vs_health.py [--seconds 10] [--connections 32]

Starts `nself-oncall serve` on a fresh SQLite file (or on BENCH_DATABASE_URL),
creates the contract's example schedule, then loads both endpoints with wrk in
turns (health, oncall, health, oncall) and prints the median ratio. The issue's
floor is 0.5, the project's goal 0.8. Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TOKEN = "bench-token-not-secret"
SEED = {
    "id": "my-schedule", "name": "Primary SRE", "timezone": "America/New_York",
    "layers": [{"name": "weekly", "users": ["alice", "bob", "carol"], "rotation": {"unit": "week", "length": 1},
                "start": "2024-03-08T09:00:00",
                "restrictions": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}]}],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wrk(url: str, seconds: int, connections: int) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"Authorization: Bearer {TOKEN}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx[1]} failed responses\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    cli = Path(sys.executable).with_name("nself-oncall")
    workdir = Path(tempfile.mkdtemp())
    port = _free_port()
    env = {**os.environ, "PLUGIN_SECRET": TOKEN,
           "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite://{workdir / 'bench.db'}")}
    server = subprocess.Popen([str(cli), "serve", "--port", str(port)], cwd=workdir, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        httpx.delete(f"{base}/api/v1/schedules/my-schedule", headers=auth)
        httpx.post(f"{base}/api/v1/schedules", json=SEED, headers=auth).raise_for_status()
        oncall = f"{base}/api/v1/schedules/my-schedule/oncall?at=2024-03-18T14:00:00Z"
        httpx.get(oncall, headers=auth).raise_for_status()
        health_rates, oncall_rates = [], []
        for _ in range(2):
            health_rates.append(_wrk(f"{base}/health", args.seconds, args.connections))
            oncall_rates.append(_wrk(oncall, args.seconds, args.connections))
        ratios = [o / h for o, h in zip(oncall_rates, health_rates, strict=True)]
        print(f"database: {env['DATABASE_URL'].split('://')[0]}")
        print("GET /health         req/s: " + ", ".join(f"{r:.0f}" for r in health_rates))
        print("GET .../oncall?at=  req/s: " + ", ".join(f"{r:.0f}" for r in oncall_rates))
        print(f"ratio oncall/health: {statistics.median(ratios):.2f}  (floor 0.5, goal 0.8)")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
