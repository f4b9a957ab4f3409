"""The real `nself-oncall serve` in a subprocess, spoken to over HTTP as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

CLI = Path(sys.executable).with_name("nself-oncall")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    if not CLI.exists():
        pytest.fail(f"{CLI} is missing: install the project (pip install '.[test]') before running the tests")
    return subprocess.Popen([str(CLI), *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _read_token(process: subprocess.Popen) -> str:
    """The generated token is printed once, on the line after the notice."""
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if "PLUGIN_SECRET is not set" in line:
            return next(process.stdout).strip()
        if time.monotonic() > deadline:
            break
    raise AssertionError("serve did not print a generated token")


def _wait_healthy(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve exited early"
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("serve did not become healthy")


def test_serve_from_any_directory_with_generated_token(tmp_path: Path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PLUGIN_SECRET", "DATABASE_URL", "NSELF_ONCALL_PLUGINS")}
    process = _start(["serve", "--port", str(port)], tmp_path, env)
    try:
        token = _read_token(process)
        assert len(token) >= 32
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, process)
        assert (tmp_path / "nself_oncall.db").exists()  # the default SQLite file, in the working directory
        assert httpx.get(f"{base}/ready").status_code == 200
        assert httpx.get(f"{base}/api/v1/schedules").status_code == 401
        auth = {"Authorization": f"Bearer {token}"}
        seed = {
            "id": "my-schedule", "name": "Primary SRE", "timezone": "America/New_York",
            "layers": [{"name": "weekly", "users": ["alice", "bob", "carol"], "rotation": {"unit": "week", "length": 1},
                        "start": "2024-03-08T09:00:00",
                        "restrictions": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}]}],
        }
        created = httpx.post(f"{base}/api/v1/schedules", json=seed, headers=auth)
        assert created.status_code == 201, created.text
        answer = httpx.get(f"{base}/api/v1/schedules/my-schedule/oncall", params={"at": "2024-03-18T14:00:00Z"}, headers=auth)
        assert answer.json()["user"] == "bob"
        assert httpx.get(f"{base}/api/v1/schedules/nope", headers=auth).json()["error"]["code"] == "not_found"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert process.returncode in (0, -15), output
    assert output.count(token) == 0  # printed once, before this capture began, and never logged again


def test_migrate_command_on_a_fresh_file(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'fresh.db'}"}
    first = subprocess.run([str(CLI), "migrate"], cwd="/", env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "applied 0 migration(s)" not in first.stdout
    again = subprocess.run([str(CLI), "migrate"], cwd="/", env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "applied 0 migration(s)" in again.stdout


def test_bad_configuration_is_a_clear_error(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": "mysql://nope"}
    result = subprocess.run([str(CLI), "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
