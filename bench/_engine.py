"""What the engine benchmarks share: a fresh database on the shared PostgreSQL, the receiver process,
engine processes (`serve` or `worker`), the no-op notifier plugin, percentiles.

Databases are named `nself_perf_<name>` on BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432),
dropped and created again at each run.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx

BENCH = Path(__file__).resolve().parent
CLI = Path(sys.executable).with_name("nself-oncall")
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
TOKEN = "bench-token-not-secret-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def fresh_database(name: str) -> str:
    """Drop and create `nself_perf_<name>`, apply the migrations; its URL."""
    database = f"nself_perf_{name}"
    admin = await asyncpg.connect(f"{SERVER}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    url = f"{SERVER}/{database}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([str(CLI), "migrate"], env=env, check=True, capture_output=True)
    return url


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (Linux /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile `q` (0-100) of `values`."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": percentile(values, 50), "p99": percentile(values, 99), "max": max(values), "n": len(values)}


class Receiver:
    """bench/_receiver.py in a process of its own."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.process = subprocess.Popen(
            [sys.executable, str(BENCH / "_receiver.py"), str(self.port)],
            stdout=subprocess.PIPE, stderr=open(folder / "receiver.log", "w"), text=True,  # noqa: SIM115
        )
        assert self.process.stdout.readline().strip() == "ready"

    def count(self) -> int:
        return int(httpx.get(f"http://127.0.0.1:{self.port}/count").text)

    def failures(self) -> int:
        """How many 5xx answers the receiver gave (its /flaky and /down paths)."""
        return int(httpx.get(f"http://127.0.0.1:{self.port}/failures").text)

    def records(self) -> list[tuple[str, float]]:
        return [tuple(r) for r in httpx.get(f"http://127.0.0.1:{self.port}/dump", timeout=60).json()]

    def wait_for(self, count: int, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while (seen := self.count()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return seen

    def close(self) -> None:
        self.process.terminate()
        self.process.wait()


def webhook_channel(receiver_url: str, name: str = "hook", timeout: float = 10.0) -> str:
    return f'[channels.{name}]\nnotifier = "webhook"\nurl = "{receiver_url}"\nallow = ["127.0.0.1"]\ntimeout = {timeout}\n'


NOOP_PLUGIN = '''"""A notifier that does nothing: the engine's own cost (bench/engine_throughput.py)."""

from nself_oncall import Notifier, Sent, hookimpl


class NoopNotifier(Notifier):
    name = "noop"
    description = "Accepts every message and does nothing."

    async def send(self, message, contact, settings, *, timeout):
        return Sent()


@hookimpl
def register_notifiers(register):
    register(NoopNotifier())
'''


def noop_plugin(folder: Path) -> Path:
    """The `noop` notifier as an installed plugin: a module and its dist-info (with the entry point of the
    `nself_oncall` group) in `folder`, to put on PYTHONPATH. Nothing is installed into the venv."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nself_oncall_bench_noop.py").write_text(NOOP_PLUGIN)
    info = folder / "nself_oncall_bench_noop-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nself-oncall-bench-noop\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[nself_oncall]\nnoop = nself_oncall_bench_noop\n")
    return folder


class Engines:
    """`nself-oncall serve` (API and engine), `worker` (engine) or `api` (`serve --api-only`) processes on one
    database."""

    def __init__(
        self, folder: Path, kind: str, database_url: str, plugins: Path, env: dict[str, str] | None = None,
        profile: bool = False,
    ):
        """`profile`: run each under cProfile (bench/_profiled.py), writing `<kind>-<i>.prof` into `folder`."""
        assert kind in ("serve", "worker", "api")
        self.folder, self.kind, self.profile = folder, kind, profile
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "NSELF_ONCALL_PLUGINS": str(plugins),
            "PLUGIN_SECRET": TOKEN,
            **(env or {}),
        }
        self.processes: list[subprocess.Popen] = []
        self.urls: list[str] = []
        self.logs: list[Path] = []

    def start(self, count: int) -> None:
        for _ in range(count):
            i = len(self.processes)
            command = [str(CLI), "worker" if self.kind == "worker" else "serve"]
            if self.kind != "worker":
                port = free_port()
                command += ["--port", str(port)] + (["--api-only"] if self.kind == "api" else [])
                self.urls.append(f"http://127.0.0.1:{port}")
            if self.profile:
                profile = self.folder / f"{self.kind}-{i}.prof"
                command = [sys.executable, str(BENCH / "_profiled.py"), str(profile), *command[1:]]
            log = self.folder / f"{self.kind}-{i}.log"
            self.logs.append(log)
            self.processes.append(
                subprocess.Popen(command, cwd=self.folder, env=self.env, stdout=open(log, "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
            )

    def wait_running(self, timeout: float = 60.0) -> None:
        """Until every engine logged that it runs (and every API answers)."""
        deadline = time.monotonic() + timeout
        for process, log in zip(self.processes, self.logs, strict=True):
            while self.kind != "api" and "engine running as" not in log.read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{log} did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.05)
        for url in self.urls:
            while True:
                try:
                    if httpx.get(f"{url}/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"{url} does not answer")
                time.sleep(0.05)

    def stop(self) -> None:
        for p in self.processes:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.processes:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def profiling(self, on: bool) -> None:
        """Start (or stop) the profilers of processes started with `profile`."""
        if self.profile:
            for p in self.processes:
                p.send_signal(signal.SIGUSR1 if on else signal.SIGUSR2)

    def cpu_seconds(self) -> float:
        """User and system CPU time the running processes, and their children (the engine process of `serve`),
        used so far (Linux /proc)."""
        return sum(self.cpu_split())

    def cpu_split(self) -> tuple[float, float]:
        """cpu_seconds as (the started processes themselves, their children): for `serve`, (API, engine)."""
        started = {p.pid for p in self.processes}
        own = children = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
            if int(stat.parent.name) in started:
                own += ticks
            elif int(fields[1]) in started:  # its parent's pid (field 4)
                children += ticks
        return own / os.sysconf("SC_CLK_TCK"), children / os.sysconf("SC_CLK_TCK")

    def warnings(self) -> list[str]:
        return [line for log in self.logs for line in log.read_text().splitlines() if " WARNING " in line or " ERROR " in line]


async def notify_round_trips(database_url: str, until: float, every: float = 0.05) -> list[float]:
    """PostgreSQL NOTIFY round trips (commit of a NOTIFY on one connection -> the listener on another
    called), in ms, one every `every` seconds until time.monotonic() passes `until`."""
    listener, sender = await asyncpg.connect(database_url), await asyncpg.connect(database_url)
    arrived: asyncio.Future[float] | None = None

    def heard(*_: object) -> None:
        if arrived is not None and not arrived.done():
            arrived.set_result(time.perf_counter())

    await listener.add_listener("bench_probe", heard)
    trips = []
    try:
        while time.monotonic() < until:
            arrived = asyncio.get_running_loop().create_future()
            started = time.perf_counter()
            await sender.execute("NOTIFY bench_probe")
            trips.append((await asyncio.wait_for(arrived, 10) - started) * 1000)
            await asyncio.sleep(every)
    finally:
        await listener.close()
        await sender.close()
    return trips


async def post_round_trips(url: str, until: float, every: float = 0.05) -> list[float]:
    """Round trips of a plain POST of a small JSON body to `url` with httpx (the webhook notifier's client),
    in ms, one every `every` seconds until time.monotonic() passes `until`."""
    trips = []
    async with httpx.AsyncClient() as client:
        n = 0
        while time.monotonic() < until:
            n += 1
            started = time.perf_counter()
            response = await client.post(url, json={"probe": n}, headers={"Idempotency-Key": f"probe-{n}"})
            response.raise_for_status()
            trips.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(every)
    return trips


def run_in_folder(run, args, prefix: str) -> None:
    """`asyncio.run(run(args, folder))` in a new temporary folder for the processes' logs, kept with
    `args.keep` (or `args.profile`, whose .prof files are there too) and removed otherwise."""
    import shutil
    import tempfile

    keep = args.keep or args.profile
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    asyncio.run(run(args, folder))
    if keep:
        print(f"logs: {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
