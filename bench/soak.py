"""A long run at a steady load: resident memory per process, minute by minute, and nothing lost at the witness.

    python bench/soak.py [--minutes 20] [--rate 20] [--engines 3] [--warm 5]

Starts the webhook receiver (bench/_receiver.py, the witness) and `--engines` `nself-oncall serve` processes on a
fresh PostgreSQL database `nself_perf_soak`, and triggers `--rate` escalations per second through the API, round
robin, for `--minutes`. Each escalation's policy pages, at once, three channels: `hook` (answers 200), `flaky`
(503 the first time each message comes, so it is retried) and `down` (always 500: the notifier fails until its
attempts run out, 3 here, 1 s apart at first); 20 s later it pages a user. Half the escalations are acknowledged
10 s after their trigger (their second step is never sent), and every one is resolved after 40 s.

Every minute it prints each process's resident memory (VmRSS: the `serve` API processes and their engine
processes), the triggers so far and the deliveries at the witness. At the end it waits until no message is
pending, then prints:

- growth: each process's memory at the end as a ratio to its memory after `--warm` minutes (the baseline, in the
  same run; goal: under 1.05);
- at the witness: every message written `sent` arrived there at least once, and no more messages arrived than were
  planned for `hook` and `flaky`; every `down` message ended `failed`; no acknowledged escalation sent its second step.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _engine import AUTH, Engines, Receiver, fresh_database, run_in_folder, webhook_channel  # noqa: E402

ACK_AFTER, RESOLVE_AFTER, STEP_DELAY = 10.0, 40.0, 20.0


def resident_mb(pid: int) -> float:
    """VmRSS of `pid` in MB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def processes(engines: Engines) -> dict[str, int]:
    """Each `serve` process (`api-i`) and its engine process (`engine-i`), by pid."""
    found = {}
    for i, process in enumerate(engines.processes):
        found[f"api-{i}"] = process.pid
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        engines_of = [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        for child in engines_of:
            found[f"engine-{i}"] = child
    return found


def channels(receiver_url: str) -> str:
    base = receiver_url.rsplit("/", 1)[0]
    return "".join(webhook_channel(f"{base}/{path}", name, timeout=5.0)
                   for name, path in (("hook", "hook"), ("flaky", "flaky"), ("down", "down")))


async def seed(url: str) -> None:
    user = {"id": "u", "name": "U", "contacts": [{"channel": "hook", "address": "u@example.com"}]}
    policy = {"id": "soak", "name": "Soak", "repeat": 0, "steps": [
        # delay_minutes: from this step to the next
        {"delay_minutes": STEP_DELAY / 60, "targets": [{"type": "channel", "id": c} for c in ("hook", "flaky", "down")]},
        {"delay_minutes": 1, "targets": [{"type": "user", "id": "u"}]},
    ]}
    async with httpx.AsyncClient(base_url=url, headers=AUTH) as api:
        for path, body in (("/api/v1/users", user), ("/api/v1/policies", policy)):
            response = await api.post(path, json=body)
            assert response.status_code == 201, response.text


class Load:
    """Triggers at a steady rate; acknowledges half of them and resolves all, each at its time."""

    def __init__(self, urls: list[str]):
        self.clients = [httpx.AsyncClient(base_url=u, headers=AUTH, timeout=30) for u in urls]
        self.triggered: list[str] = []
        self.acknowledged: set[str] = set()
        self.failures: Counter = Counter()
        self.tasks: set[asyncio.Task] = set()

    async def run(self, rate: float, seconds: float) -> None:
        start = time.monotonic()
        for i in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            self._spawn(self._escalation(self.clients[i % len(self.clients)], i))
        await asyncio.gather(*self.tasks)

    def _spawn(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _escalation(self, client: httpx.AsyncClient, i: int) -> None:
        response = await self._post(client, "/api/v1/escalations", {"policy_id": "soak", "summary": f"soak {i}"})
        if response is None:
            return
        ident = response.json()["id"]
        self.triggered.append(ident)
        if random.random() < 0.5:
            await asyncio.sleep(ACK_AFTER)
            if await self._post(client, f"/api/v1/escalations/{ident}/acknowledge", {}) is not None:
                self.acknowledged.add(ident)
            await asyncio.sleep(RESOLVE_AFTER - ACK_AFTER)
        else:
            await asyncio.sleep(RESOLVE_AFTER)
        await self._post(client, f"/api/v1/escalations/{ident}/resolve", {})

    async def _post(self, client: httpx.AsyncClient, path: str, body: dict) -> httpx.Response | None:
        try:
            response = await client.post(path, json=body)
        except httpx.HTTPError as exc:
            self.failures[type(exc).__name__] += 1
            return None
        if response.status_code not in (200, 201):
            self.failures[response.status_code] += 1
            return None
        return response

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()


async def watch(engines: Engines, receiver: Receiver, load: Load, minutes: int) -> list[dict[str, float]]:
    """Print each process's memory every minute; the readings, one per minute (the first at minute 0)."""
    readings = []
    for minute in range(minutes + 1):
        if minute:
            await asyncio.sleep(60)
        pids = processes(engines)
        reading = {name: resident_mb(pid) for name, pid in pids.items()}
        readings.append(reading)
        memory = "  ".join(f"{name} {mb:6.1f}" for name, mb in sorted(reading.items()))
        print(f"minute {minute:3}: {memory} MB; {len(load.triggered)} triggered, "
              f"{await asyncio.to_thread(receiver.count)} at the witness", flush=True)
    return readings


async def settled(database: str, timeout: float = 180) -> int:
    """Wait until no message is pending (or `timeout`); how many are."""
    connection = await asyncpg.connect(database)
    try:
        deadline = time.monotonic() + timeout
        while True:
            pending = await connection.fetchval("SELECT count(*) FROM notifications WHERE status = 'pending'")
            if not pending or time.monotonic() > deadline:
                return pending
            await asyncio.sleep(1)
    finally:
        await connection.close()


async def verdict(database: str, receiver: Receiver, load: Load, readings: list[dict[str, float]], warm: int) -> None:
    connection = await asyncpg.connect(database)
    try:
        rows = await connection.fetch("SELECT id, escalation_id, step, channel, status FROM notifications")
    finally:
        await connection.close()
    arrived = Counter(key for key, _ in receiver.records())
    by = Counter((r["channel"], r["status"]) for r in rows)
    sent = {r["id"] for r in rows if r["status"] == "sent"}
    lost = sent - set(arrived)
    unknown = set(arrived) - {r["id"] for r in rows}
    second_after_ack = [r["id"] for r in rows if r["step"] == 1 and r["escalation_id"] in load.acknowledged]
    print(f"\n{len(load.triggered)} escalations, {len(load.acknowledged)} acknowledged; messages by channel and "
          f"status: {dict(sorted(by.items()))}; failed requests of the load: {dict(load.failures) or 'none'}")
    print(f"witness: {len(arrived)} messages arrived, {sum(arrived.values()) - len(arrived)} of them more than once; "
          f"{len(lost)} written sent but never arrived; {len(unknown)} arrived that no row names; "
          f"{await asyncio.to_thread(receiver.failures)} failures answered; {len(second_after_ack)} second steps of "
          f"acknowledged escalations")
    base, end = readings[warm], readings[-1]
    growth = {name: end[name] / base[name] for name in base if base[name] and name in end}
    print(f"memory at the end as a ratio to minute {warm} (goal < 1.05): "
          + "  ".join(f"{name} {ratio:.3f}" for name, ratio in sorted(growth.items())))
    print(f"largest growth: {max(growth.values()):.3f}")


async def run(args: argparse.Namespace, folder: Path) -> None:
    receiver = Receiver(folder)
    plugins = folder / "plugins.toml"
    plugins.write_text(channels(receiver.url))
    database = await fresh_database("soak")
    env = {"NSELF_ONCALL_DELIVERY_ATTEMPTS": "3", "NSELF_ONCALL_RETRY_SECONDS": "1"}
    engines = Engines(folder, "serve", database, plugins, env=env)
    load = Load([])
    try:
        engines.start(args.engines)
        engines.wait_running()
        await seed(engines.urls[0])
        load = Load(engines.urls)
        loading = asyncio.create_task(load.run(args.rate, args.minutes * 60))
        readings = await watch(engines, receiver, load, args.minutes)
        await loading
        pending = await settled(database)
        if pending:
            print(f"{pending} message(s) still pending 3 minutes after the load")
        await verdict(database, receiver, load, readings, args.warm)
        warnings = [w for w in engines.warnings() if "via channel 'down'" not in w and "via channel 'flaky'" not in w]
        print(f"{len(engines.warnings())} warning lines in the logs ({len(warnings)} not about the channels that fail)"
              + (f", the first: {warnings[:3]}" if warnings else ""))
    finally:
        await load.close()
        engines.stop()
        receiver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20, help="escalations triggered per second")
    parser.add_argument("--engines", type=int, default=3)
    parser.add_argument("--warm", type=int, default=5, help="minutes before the memory baseline")
    parser.add_argument("--keep", action="store_true", help="keep the folder with the processes' logs")
    args = parser.parse_args()
    args.profile = False
    if args.warm >= args.minutes:
        parser.error("--warm must be less than --minutes")
    run_in_folder(run, args, "bench-soak-")


if __name__ == "__main__":
    main()
