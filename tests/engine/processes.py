"""Real processes for the engine's race, crash and restart tests (and bench/): workers, a receiver, a database.

- `Receiver`: a real HTTP server that counts webhook deliveries by their Idempotency-Key (the
  notification id), so deliveries are counted where they arrive, not in our own tables.
- `Workers`: `nself-oncall worker` processes on one database, each restartable and killable.
- `PostgresCluster`: a throwaway PostgreSQL of our own (initdb and pg_ctl from Debian's packages,
  into a temporary folder, on its own port), which a test may stop, kill and restart without
  touching the shared server.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from nself_oncall.store.listen import probe

CLI = Path(sys.executable).with_name("nself-oncall")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Delivery:
    key: str
    at: float  # time.time() when it arrived
    body: dict


class Receiver:
    """Counts webhook deliveries. `behave(key, attempt)` answers "ok", "slow" (200 after `hang_seconds`),
    "error" (503), "reject" (400) or "hang" (503 after `hang_seconds`); `attempt` counts this key's
    arrivals from 1. A delivery counts when a 200 is decided, as it arrives.

    An asyncio server on a thread of its own: one thread per connection (http.server) starved under a few
    hundred connections from several engines while the test's own loop held the GIL, so answers came after the
    notifier's timeout and the retries showed up as duplicates that no engine had made."""

    def __init__(self, behave: Callable[[str, int], str] | None = None, hang_seconds: float = 30.0):
        self.behave = behave or (lambda key, attempt: "ok")
        self.hang_seconds = hang_seconds
        self.deliveries: list[Delivery] = []
        self.arrivals: list[tuple[str, float, str]] = []
        self.attempts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        listening = asyncio.start_server(self._connection, "127.0.0.1", 0, backlog=1024)
        self.server = asyncio.run_coroutine_threadsafe(listening, self.loop).result(10)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/hook"

    def _arrived(self, key: str, body: bytes) -> str:
        with self.lock:
            self.attempts[key] += 1
            answer = self.behave(key, self.attempts[key])
            now = time.time()
            if answer in ("ok", "slow"):
                self.deliveries.append(Delivery(key, now, json.loads(body)))
            self.arrivals.append((key, now, answer))
        return answer

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """HTTP/1.1 with keep-alive, as much of it as the webhook notifier speaks."""
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
                body = await reader.readexactly(int(headers.get("content-length") or 0))
                answer = self._arrived(headers.get("idempotency-key", ""), body)
                if answer in ("hang", "slow"):
                    await asyncio.sleep(self.hang_seconds)
                status = {"ok": "200 OK", "slow": "200 OK", "error": "503 Service Unavailable",
                          "reject": "400 Bad Request", "hang": "503 Service Unavailable"}[answer]
                writer.write(f"HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n".encode())
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, asyncio.CancelledError):
            return  # a cancelled handler that returns spares asyncio's "Exception in callback" at close
        finally:
            writer.close()

    def counts(self) -> Counter[str]:
        """Accepted deliveries per Idempotency-Key."""
        with self.lock:
            return Counter(d.key for d in self.deliveries)

    def wait_for(self, keys: int, timeout: float) -> bool:
        """Wait until `keys` distinct keys have been accepted."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.counts()) >= keys:
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    async def _shutdown(self) -> None:
        self.server.close()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)


def plugins_toml(folder: Path, receiver_url: str, timeout: float = 10.0) -> Path:
    """A plugins.toml with one webhook channel, `hook`, posting to the receiver."""
    path = folder / "plugins.toml"
    path.write_text(
        f'[channels.hook]\nnotifier = "webhook"\nurl = "{receiver_url}"\nallow = ["127.0.0.1"]\ntimeout = {timeout}\n'
    )
    return path


class Workers:
    """`nself-oncall worker` processes on one database; `env` adds to the environment of each."""

    def __init__(self, folder: Path, database_url: str, plugins: Path, env: dict[str, str] | None = None):
        self.folder = folder
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "NSELF_ONCALL_PLUGINS": str(plugins),
            "PLUGIN_SECRET": "worker-secret-0123456789",
            **(env or {}),
        }
        self.processes: list[subprocess.Popen] = []
        self.started = 0

    def start(self, count: int = 1, env: dict[str, str] | None = None) -> list[subprocess.Popen]:
        new = []
        for _ in range(count):
            log = open(self.folder / f"worker-{self.started}.log", "w")  # noqa: SIM115 (kept open with the process)
            self.started += 1
            process = subprocess.Popen(
                [str(CLI), "worker"], cwd=self.folder, env={**self.env, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
            )
            new.append(process)
        self.processes += new
        return new

    def alive(self) -> list[subprocess.Popen]:
        return [p for p in self.processes if p.poll() is None]

    def killed(self) -> int:
        """How many died by SIGKILL."""
        return sum(1 for p in self.processes if p.poll() == -signal.SIGKILL)

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM each one that runs, and wait for it (SIGKILL after `timeout`)."""
        for p in self.alive():
            p.send_signal(signal.SIGTERM)
        for p in self.processes:
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def logs(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.folder.glob("worker-*.log")))


def _pg_bindir() -> Path | None:
    try:
        return Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        return None


class PostgresCluster:
    """A PostgreSQL cluster of our own in a new temporary folder, on a free port, with trust auth for `postgres`.

    As root, the server runs as the `postgres` system user (initdb refuses root), so the folder is made
    outside pytest's own, which only root may enter. `remove()` deletes it."""

    def __init__(self) -> None:
        self.bindir = _pg_bindir()
        if self.bindir is None or not (self.bindir / "initdb").exists():
            raise RuntimeError("PostgreSQL's initdb and pg_ctl are not installed (Debian: apt-get install postgresql)")
        folder = Path(tempfile.mkdtemp(prefix="nself-oncall-pg-"))
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` disconnects everyone and shuts down cleanly; `immediate` is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, down_for: float = 0.0, mode: str = "immediate") -> None:
        self.stop(mode)
        time.sleep(down_for)
        self.start()

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


#: Where .ci/run starts PgBouncer in transaction pooling mode, in front of the shared PostgreSQL server.
PGBOUNCER_PORT_ENV = "NSELF_ONCALL_TEST_PGBOUNCER_PORT"


async def through_pgbouncer(pg_database: str) -> str:
    """`pg_database` through PgBouncer (whose [databases] section passes every database name on to the server);
    a skip, or under CI=true a failure, when PgBouncer is not there."""
    port = os.environ.get(PGBOUNCER_PORT_ENV)
    if not port:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PGBOUNCER_PORT_ENV} is not set: under CI=true the PgBouncer tests must run (see .ci/run)")
        pytest.skip(f"{PGBOUNCER_PORT_ENV} is not set (see .ci/run, which starts Debian's pgbouncer)")
    parts = urlsplit(pg_database)
    url = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{port}"))
    try:
        await probe(url, pooled=True)
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PgBouncer on port {port} does not answer: {exc}")
        pytest.skip(f"PgBouncer on port {port} does not answer: {exc}")
    return url
