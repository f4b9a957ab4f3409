"""What the HTTP benchmarks share: `nself-oncall serve` on a fresh SQLite file (or BENCH_DATABASE_URL), and wrk
(Debian: apt-get install wrk), with a Lua script for requests other than a plain GET.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
from _engine import free_port

TOKEN = "bench-token-not-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def serving(database: str | None = None, env: dict[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """A running server: (its base URL, the database kind). `database`: its URL (default: BENCH_DATABASE_URL, else
    a fresh SQLite file); `env`: more environment variables for it."""
    cli = Path(sys.executable).with_name("nself-oncall")
    workdir = Path(tempfile.mkdtemp())
    port = free_port()
    database = database or os.environ.get("BENCH_DATABASE_URL", f"sqlite://{workdir / 'bench.db'}")
    env = {**os.environ, "PLUGIN_SECRET": TOKEN, "DATABASE_URL": database, **(env or {})}
    server = subprocess.Popen([str(cli), "serve", "--api-only", "--port", str(port)], cwd=workdir, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                if server.poll() is not None:
                    raise SystemExit(f"nself-oncall serve exited with {server.returncode}") from None
                time.sleep(0.1)
        yield base, env["DATABASE_URL"].split("://")[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def wrk(url: str, seconds: int, connections: int, script: Path | None = None, script_args: Sequence[str] = ()) -> float:
    """Requests per second of GET `url` with the bearer token (or the requests of the Lua `script`, which gets
    `script_args`); every answer must be a 2xx."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"Authorization: Bearer {TOKEN}", url]
    if script is not None:
        command += ["-s", str(script), "--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx[1]} failed responses\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
