"""The third-party example in examples/ is pip-installed, found, configured by plugins.toml and called,
with nothing in nself-oncall changed: the real `pip install` and the real `nself-oncall` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

EXAMPLE = Path(__file__).parents[2] / "examples" / "nself-oncall-jsonl"
CLI = Path(sys.executable).with_name("nself-oncall")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The example installed with pip into its own folder (added to the environment through PYTHONPATH)."""
    target = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(EXAMPLE)]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    return target


def environment(site: Path, plugins_toml: Path) -> dict[str, str]:
    drop = ("PLUGIN_SECRET", "DATABASE_URL", "NSELF_ONCALL_STRICT_PLUGINS")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, "PYTHONPATH": str(site), "NSELF_ONCALL_PLUGINS": str(plugins_toml), "PLUGIN_SECRET": "example-token"}


def write_plugins_toml(folder: Path, pages: Path) -> Path:
    path = folder / "plugins.toml"
    path.write_text(f'[channels.audit]\nnotifier = "jsonl"\npath = "{pages}"\n\n[channels.log]\nnotifier = "log"\n')
    return path


def test_the_installed_example_is_listed_with_its_channel(installed, tmp_path):
    env = environment(installed, write_plugins_toml(tmp_path, tmp_path / "pages.jsonl"))
    done = subprocess.run([str(CLI), "plugins", "--json"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    jsonl = next(item for item in status["notifiers"] if item["name"] == "jsonl")
    assert (jsonl["distribution"], jsonl["version"], jsonl["builtin"], jsonl["status"]) == (
        "nself-oncall-jsonl",
        "1.0.0",
        False,
        "ok",
    )
    audit = next(item for item in status["channels"] if item["name"] == "audit")
    assert (audit["notifier"], audit["ok"], audit["settings"]) == ("jsonl", True, {"path": str(tmp_path / "pages.jsonl")})


def test_the_service_delivers_through_the_example(installed, tmp_path, serve_process):
    pages = tmp_path / "pages.jsonl"
    env = environment(installed, write_plugins_toml(tmp_path, pages))
    served = serve_process(tmp_path, {**env, "DATABASE_URL": f"sqlite://{tmp_path / 'db.sqlite'}"})
    served.wait_healthy()
    auth = {"Authorization": "Bearer example-token"}
    answer = httpx.post(f"{served.base}/api/v1/channels/audit/test", json={"address": "ops-room"}, headers=auth)
    assert answer.status_code == 200, answer.text
    outcome = answer.json()
    assert (outcome["status"], outcome["notifier"]) == ("sent", "jsonl")
    line = json.loads(pages.read_text())
    assert line["to"] == "ops-room"
    assert line["message"]["id"] == outcome["message_id"] and line["message"]["test"] is True
    assert outcome["provider_id"] == f"{pages}:{outcome['message_id']}"
