"""`serve`, `serve --api-only` and `worker` as real processes on SQLite: one engine per database file,
a standby that takes over, and a graceful stop that finishes the notifier call under way."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from processes import Workers, plugins_toml  # noqa: E402

TOKEN = "serve-worker-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def environment(folder: Path, hook_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NSELF_ONCALL_", "DATABASE_URL"))}
    return {**env, "PLUGIN_SECRET": TOKEN, "DATABASE_URL": f"sqlite://{folder / 'oncall.db'}",
            "NSELF_ONCALL_PLUGINS": str(plugins_toml(folder, hook_url))}


def seed(base: str, hook_url: str) -> None:
    assert httpx.post(f"{base}/api/v1/users", headers=AUTH,
                      json={"id": "u", "contacts": [{"channel": "hook", "address": hook_url}]}).status_code == 201
    policy = {"id": "p", "name": "P", "steps": [{"delay_minutes": 1, "targets": [{"type": "user", "id": "u"}]}]}
    assert httpx.post(f"{base}/api/v1/policies", headers=AUTH, json=policy).status_code == 201


def trigger(base: str, summary: str) -> str:
    response = httpx.post(f"{base}/api/v1/escalations", headers=AUTH, json={"policy_id": "p", "summary": summary})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def statuses(folder: Path) -> list[str]:
    with sqlite3.connect(folder / "oncall.db") as db:
        return [row[0] for row in db.execute("SELECT status FROM notifications ORDER BY id")]


def wait_until(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def summaries(hook) -> list[str]:
    return [d.body["message"]["summary"] for d in hook.deliveries]


def test_api_only_then_a_worker_then_a_standby_that_takes_over(tmp_path: Path, serve_process, receiver):
    hook = receiver()
    env = environment(tmp_path, hook.url)
    api = serve_process(tmp_path, env, "--api-only")
    api.wait_healthy()
    seed(api.base, hook.url)
    trigger(api.base, "first")
    time.sleep(1.5)
    assert hook.deliveries == []  # the API alone pages nobody

    workers = Workers(tmp_path, env["DATABASE_URL"], Path(env["NSELF_ONCALL_PLUGINS"]), {"PLUGIN_SECRET": TOKEN})
    try:
        first, = workers.start()
        assert wait_until(lambda: summaries(hook) == ["first"]), workers.logs()
        second, = workers.start()
        assert wait_until(lambda: "waiting to take over" in workers.logs()), workers.logs()
        trigger(api.base, "second")
        assert wait_until(lambda: summaries(hook) == ["first", "second"]), workers.logs()
        first.send_signal(signal.SIGTERM)
        assert first.wait(20) == 0
        assert wait_until(lambda: workers.logs().count("engine running as") == 2), workers.logs()
        trigger(api.base, "third")
        assert wait_until(lambda: summaries(hook) == ["first", "second", "third"]), workers.logs()
    finally:
        workers.stop()
        output = api.output()
    assert set(hook.counts().values()) == {1}
    assert statuses(tmp_path) == ["sent", "sent", "sent"]
    assert "Traceback" not in output + workers.logs()


def test_sigterm_finishes_the_call_under_way_and_writes_its_result(tmp_path: Path, serve_process, receiver):
    hook = receiver(lambda key, attempt: "slow", hang_seconds=2.0)
    served = serve_process(tmp_path, environment(tmp_path, hook.url))
    served.wait_healthy()
    seed(served.base, hook.url)
    trigger(served.base, "slow one")
    assert wait_until(lambda: len(hook.arrivals) == 1)  # the notifier call is under way: the peer answers in 2 s
    served.process.send_signal(signal.SIGTERM)
    try:
        served.process.wait(30)
    except subprocess.TimeoutExpired:
        served.process.kill()
    output = served.output()
    assert served.process.returncode == 0, output
    assert statuses(tmp_path) == ["sent"], output
    assert "waiting for 1 notifier call" in output and "engine stopped" in output


def _engine_process(served) -> int:
    """The pid of `serve`'s engine process: the child multiprocessing spawned (beside its resource tracker)."""
    pid = served.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    spawned = [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
    assert len(spawned) == 1, children
    return spawned[0]


def _count(base: str, sample: str) -> float:
    """The value of `sample` (a name and its labels, as /metrics writes them) in `serve`'s /metrics."""
    for line in httpx.get(f"{base}/metrics", headers=AUTH).text.splitlines():
        if line.startswith(f"{sample} "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _serve_and_page(tmp_path: Path, serve_process, hook, summary: str):
    """`serve` on a new SQLite file, with one escalation `summary` triggered and delivered."""
    served = serve_process(tmp_path, environment(tmp_path, hook.url))
    served.wait_healthy()
    seed(served.base, hook.url)
    trigger(served.base, summary)
    assert wait_until(lambda: summaries(hook) == [summary])
    return served


def test_serve_runs_its_engine_in_a_process_that_counts_into_its_metrics(tmp_path: Path, serve_process, receiver):
    """The engine of `serve` is a child process of its own: what it plans and delivers is counted in the app's
    /metrics."""
    served = _serve_and_page(tmp_path, serve_process, receiver(), "counted")
    engine = _engine_process(served)
    sent = 'nself_oncall_delivery_attempts_total{channel="hook",notifier="webhook",outcome="sent"}'
    assert wait_until(lambda: _count(served.base, sent) == 1.0)
    assert _count(served.base, 'nself_oncall_messages_planned_total{channel="hook",status="pending"}') == 1.0
    assert f"engine running as {os.uname().nodename}:{engine}" in served.output()


def test_serve_starts_its_engine_again_when_it_dies(tmp_path: Path, serve_process, receiver):
    hook = receiver()
    served = _serve_and_page(tmp_path, serve_process, hook, "before")
    # The result is written just after the receiver answers: kill the engine only once it is written, or the
    # message stays claimed (and pending) until its claim runs out.
    assert wait_until(lambda: statuses(tmp_path) == ["sent"]), statuses(tmp_path)
    os.kill(_engine_process(served), signal.SIGKILL)
    trigger(served.base, "after")
    assert httpx.get(f"{served.base}/health").status_code == 200  # the API went on answering
    assert wait_until(lambda: summaries(hook) == ["before", "after"]), served.output()
    output = served.output()
    assert "engine process exited with status -9; starting another in 1 s" in output
    # A message's result is written just after the receiver answers: it may still be pending at the receipt.
    assert wait_until(lambda: statuses(tmp_path) == ["sent", "sent"]), statuses(tmp_path)


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"  # a zombie not reaped yet
    except FileNotFoundError:
        return True


def test_the_engine_process_stops_when_serve_dies(tmp_path: Path, serve_process, receiver):
    """No engine is left behind (on SQLite it would keep the database's engine lock from the next serve)."""
    served = _serve_and_page(tmp_path, serve_process, receiver(), "engine runs")
    engine = _engine_process(served)
    served.process.kill()
    served.process.wait()
    assert wait_until(lambda: _gone(engine), timeout=40)


def test_sigterm_to_serve_and_its_engine_at_once_starts_no_other_engine(tmp_path: Path, serve_process, receiver):
    """systemd signals a unit's whole cgroup: the engine process stops on its own (status 0) while `serve` is still
    in Hypercorn's graceful shutdown, here held by a request whose body never comes (for Hypercorn's 3 s, longer
    than the wait before a restart). `serve` knows it is stopping from its own signal: it starts no other engine."""
    served = _serve_and_page(tmp_path, serve_process, receiver(), "engine runs")
    engine = _engine_process(served)
    with socket.create_connection(("127.0.0.1", served.port)) as held:
        held.sendall(b"POST /api/v1/escalations HTTP/1.1\r\nHost: oncall\r\nContent-Type: application/json\r\n"
                     b"Authorization: Bearer " + TOKEN.encode() + b"\r\nContent-Length: 100\r\n\r\n{")
        os.kill(served.process.pid, signal.SIGTERM)
        os.kill(engine, signal.SIGTERM)
        assert served.process.wait(30) == 0
    output = served.output()
    assert "starting another" not in output and output.count("engine running as") == 1, output
