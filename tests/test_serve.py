"""The real `nself-oncall serve` in a subprocess, spoken to over HTTP as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

CLI = Path(sys.executable).with_name("nself-oncall")


def test_serve_from_any_directory_with_generated_token(tmp_path: Path, serve_process):
    env = {k: v for k, v in os.environ.items() if k not in ("PLUGIN_SECRET", "DATABASE_URL", "NSELF_ONCALL_PLUGINS")}
    served = serve_process(tmp_path, env)
    try:
        token = served.read_token()
        assert len(token) >= 32
        base = served.base
        served.wait_healthy()
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
        output = served.output()
    assert served.process.returncode in (0, -15), output
    assert output.count(token) == 0  # printed once, before this capture began, and never logged again
    assert output.count("Running on http://127.0.0.1") == 1  # hypercorn's lines are logged once
    assert "PLUGIN_SECRET is shorter" not in output  # the generated token is long enough


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
