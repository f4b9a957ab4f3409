"""docs/integrations.md's examples, run as written against a real `nself-oncall serve`.

The page marks each shell example that talks to the service with the line

    <!-- tested: tests/test_integrations_doc.py -->

right before its ```sh fence. As tests/test_readme_commands.py does for the README, this test starts `serve` from a
temporary directory with the page's token, rewrites `127.0.0.1:3840` to the port it listens on, and runs the marked
blocks in page order in one bash, with `curl` wrapped to fail on a status of 400 or more and to print each status.
Every curl must get a 2xx, and a ```json block shown right after a marked block must be what the block printed last
(one JSON document per answer), but for the values that differ on every run (ids, keys, urls, instants).

Then the cron examples run: the failure-reporting script with the backup command replaced by `false` and by `true`,
and the crontab lines' commands with the page's urls replaced by this run's. Last, every `alertmanager.yml` of the
page is checked by `amtool check-config` when Alertmanager's amtool is installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from test_readme_commands import _FENCE, _STATUS, curl_count, need_bash_and_curl

ROOT = Path(__file__).parents[1]
PAGE = ROOT / "docs" / "integrations.md"
PLUGINS_TOML = ROOT / "plugins.toml"
MARKER = "<!-- tested: tests/test_integrations_doc.py -->"
PAGE_PORT = "127.0.0.1:3840"
PAGE_ORIGIN = "https://oncall.example.com"

# As the README test's wrapper, and `-f` (which curl refuses beside --fail-with-body) taken out: the status decides.
_WRAPPER = """\
set -euo pipefail
curl() {
  local args=()
  for arg in "$@"; do [ "$arg" = -fsS ] && arg=-sS; args+=("$arg"); done
  command curl --fail-with-body --write-out '\\n[http %{http_code}]\\n' "${args[@]}"
}
"""
_HEADING = re.compile(r"^#", re.MULTILINE)
# Values that differ on every run: made by the server, or holding the port or a key.
_VOLATILE = {"escalation_id", "key", "url", "alertmanager", "generic", "pagerduty", "created_at", "updated_at",
             "expires_at"}


def blocks(text: str) -> list[tuple[str, str, bool, str]]:
    """Every top-level fenced block as (language, content, marked, the text between it and the block before)."""
    found, end = [], 0
    for match in _FENCE.finditer(text):
        before = text[end: match.start()]
        found.append((match[1], match[2], before.rstrip("\n").rsplit("\n", 1)[-1].strip() == MARKER, before))
        end = match.end()
    return found


def documents(text: str) -> list:
    """A ```json block's documents: the block as one, or one per line."""
    try:
        return [json.loads(text)]
    except ValueError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def printed(output: str) -> list:
    """The JSON objects a block printed (each answer and each `cat` of one is a line of its own)."""
    found = []
    for line in _STATUS.sub("\n", output).splitlines():
        if line.startswith("{"):
            found.append(json.loads(line))
    return found


def stable(value, name: str = ""):
    """`value` with what differs on every run replaced by a placeholder (None stays None)."""
    if isinstance(value, dict):
        return {k: stable(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return "<varies>" if name in _VOLATILE and value is not None else value


def test_integrations_page_examples_run_as_written(tmp_path: Path, serve_process):
    need_bash_and_curl("the page's examples")
    text = PAGE.read_text(encoding="utf-8")
    found = blocks(text)
    tested = [i for i, (lang, _, marked, _) in enumerate(found) if marked]
    assert text.count(MARKER) == len(tested) >= 7, "a marker is not right before a fence"
    assert all(found[i][0] == "sh" for i in tested)
    for lang, content, marked, _ in found:  # every shell example talking to the service is run
        if lang == "sh" and PAGE_PORT in content:
            assert marked, f"shell example not marked as tested:\n{content}"

    (token,) = re.findall(r"^export TOKEN=(\S+)", text, re.MULTILINE)
    shutil.copyfile(PLUGINS_TOML, tmp_path / "plugins.toml")
    drop = ("PLUGIN_SECRET", "TOKEN", "DATABASE_URL", "NSELF_ONCALL_PLUGINS", "NSELF_ONCALL_PUBLIC_URL", "HOST",
            "PORT", "NSELF_ONCALL_INTAKE_RATE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    served = serve_process(tmp_path, {**env, "PLUGIN_SECRET": token})
    try:
        served.wait_healthy()
        port = f"127.0.0.1:{served.port}"
        script = _WRAPPER + "".join(
            f"printf '\\n[block {n}]\\n'\n{found[i][1].replace(PAGE_PORT, port)}\n" for n, i in enumerate(tested)
        )
        run = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, f"exit {run.returncode}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"

        outputs = re.split(r"^\[block \d+\]\n", run.stdout, flags=re.MULTILINE)[1:]
        assert len(outputs) == len(tested)
        shown = 0
        for n, i in enumerate(tested):
            statuses = _STATUS.findall(outputs[n])
            assert len(statuses) == curl_count(found[i][1]), (found[i][1], outputs[n])
            assert all(s.startswith("2") for s in statuses), outputs[n]
            follows = found[i + 1] if i + 1 < len(found) else None
            if follows and follows[0] == "json" and not _HEADING.search(follows[3]):  # right after it, no heading between
                expected = documents(follows[1])
                answers = printed(outputs[n])[-len(expected):]
                assert [stable(a) for a in answers] == [stable(e) for e in expected], outputs[n]
                shown += 1
        assert shown >= 6

        api = httpx.Client(base_url=f"http://{port}", headers={"Authorization": f"Bearer {token}"})
        key = json.loads((tmp_path / "integration.json").read_text())["key"]
        ping_url = json.loads((tmp_path / "heartbeat.json").read_text())["url"]
        _run_cron_examples(found, tmp_path, env, port, key, ping_url, api)

        # What the examples did, as the API and the audit log show it.
        escalations = api.get("/api/v1/escalations", params={"limit": 1000}).json()["items"]
        from_page = [e for e in escalations if e["integration_id"] == "prometheus"]
        assert {e["dedup_key"] for e in from_page} >= {
            '{}:{alertname="HighErrorRate", job="api"}', "db-1-disk", "backup-db-1"}
        for e in from_page:  # every one resolved by the page's last event for it
            assert (e["status"], e["resolved_by"]) == ("resolved", "integration:prometheus"), e
        audit = api.get("/api/v1/audit", params={"resource": "escalation", "limit": 1000}).json()["items"]
        assert {a["actor"] for a in audit} == {"integration:prometheus"}
        heartbeats = api.get("/api/v1/heartbeats").json()["items"]
        assert [(h["id"], h["status"]) for h in heartbeats] == [("alertmanager-watchdog", "ok"),
                                                                ("nightly-backup", "ok")]
        assert heartbeats[1]["last_ping_at"] is not None
    finally:
        log = served.output()
    assert key not in log and ping_url.rsplit("/", 1)[1] not in log, "a key reached the service's log"


def _run_cron_examples(found, tmp_path: Path, env: dict, port: str, key: str, ping_url: str, api) -> None:
    """The backup script (its backup replaced by `false`, then `true`) and each crontab line's command, with the
    page's urls replaced by this run's."""
    (script,) = [content for lang, content, _, _ in found if lang == "sh" and content.startswith("#!/bin/sh")]
    page_key = re.search(r"/intake/generic/([A-Za-z0-9_-]+)", script)[1]

    def local(text: str) -> str:
        return text.replace(PAGE_ORIGIN, f"http://{port}").replace(page_key, key)

    for backup, action in (("false", "triggered"), ("true", "resolved")):
        path = tmp_path / f"backup-and-report-{backup}"
        path.write_text(local(script).replace("/usr/local/bin/backup.sh", backup))
        path.chmod(0o755)
        run = subprocess.run([str(path)], env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0 and run.stdout == "" and run.stderr == "", run
        opened = api.get("/api/v1/escalations", params={"limit": 1}).json()["items"][0]
        assert opened["dedup_key"] == "backup-" + os.uname().nodename
        assert opened["status"] == ("triggered" if action == "triggered" else "resolved"), opened

    crontab = [content.strip() for lang, content, _, _ in found
               if lang == "" and re.match(r"^(\S+\s+){5}/", content.strip())]
    assert len(crontab) == 2, crontab
    for line in crontab:
        command = re.match(r"^(?:\S+\s+){5}(.*)$", line)[1]
        command = re.sub(rf"{re.escape(PAGE_ORIGIN)}/heartbeat/\S+", ping_url, command)
        command = command.replace("/usr/local/bin/backup-and-report", str(tmp_path / "backup-and-report-true"))
        command = command.replace("/usr/local/bin/backup.sh", "true")
        run = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0 and run.stdout == "" and run.stderr == "", (command, run)


def test_integrations_page_alertmanager_configs_check(tmp_path: Path):
    """Every alertmanager.yml of the page passes `amtool check-config` (Alertmanager's own checker)."""
    configs = [content for lang, content, _, _ in blocks(PAGE.read_text(encoding="utf-8"))
               if lang == "yaml" and "receivers:" in content]
    assert len(configs) == 3
    for config in configs:
        assert "send_resolved:" in config
    amtool = shutil.which("amtool")
    if amtool is None:
        pytest.skip("amtool (Debian's prometheus-alertmanager) is not installed")
    for n, config in enumerate(configs):
        path = tmp_path / f"alertmanager-{n}.yml"
        path.write_text(config)
        run = subprocess.run([amtool, "check-config", str(path)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, f"{run.stdout}{run.stderr}\n{config}"
