"""Log lines: JSON or text on stderr, each with the ids of the request, escalation and notification it is about."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from apiclient import AUTH
from nself_oncall.config import ConfigError, Settings
from nself_oncall.logs import ESCALATION_ID, REQUEST_ID, ContextIds, JsonFormatter, TextFormatter, request_id

CLI = Path(sys.executable).with_name("nself-oncall")
HEX_ID = re.compile(r"[0-9a-f]{32}")


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NSELF_ONCALL_PLUGINS", "NSELF_ONCALL_LOG_FORMAT")}
    return {**env, "PLUGIN_SECRET": AUTH["Authorization"].split()[1], "DATABASE_URL": f"sqlite://{tmp_path / 'db'}",
            **settings}


def _page_alice(base: str) -> str:
    """Trigger an escalation that pages alice on the `log` channel; its id once the page is sent."""
    user = {"id": "alice", "name": "Alice", "contacts": [{"channel": "log", "address": "desk 4"}]}
    policy = {"id": "sre", "name": "SRE", "steps": [{"delay_minutes": 5, "targets": [{"type": "user", "id": "alice"}]}]}
    assert httpx.post(f"{base}/api/v1/users", json=user, headers=AUTH).status_code == 201
    assert httpx.post(f"{base}/api/v1/policies", json=policy, headers=AUTH).status_code == 201
    created = httpx.post(f"{base}/api/v1/escalations", json={"policy_id": "sre", "summary": "disk full"}, headers=AUTH)
    escalation = created.json()["id"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        notifications = httpx.get(f"{base}/api/v1/escalations/{escalation}", headers=AUTH).json()["notifications"]
        if notifications and notifications[0]["status"] == "sent":
            return escalation
        time.sleep(0.1)
    raise AssertionError("the page was not sent")


def test_json_lines_of_a_real_serve_carry_the_ids(tmp_path, serve_process):
    served = serve_process(tmp_path, _env(tmp_path, NSELF_ONCALL_LOG_FORMAT="json"), split_stderr=True)
    served.wait_healthy()
    test = f"{served.base}/api/v1/channels/log/test"  # the log notifier writes the message to the log
    given = httpx.post(test, headers={**AUTH, "X-Request-Id": "lb-7f3a.2:9"})
    made = httpx.post(test, headers=AUTH)
    assert given.headers["X-Request-Id"] == "lb-7f3a.2:9"
    assert HEX_ID.fullmatch(made.headers["X-Request-Id"])
    escalation = _page_alice(served.base)
    served.output()

    lines = [json.loads(line) for line in served.stderr.splitlines()]  # every line is one JSON object
    for line in lines:
        assert {"time", "level", "logger", "message"} <= set(line)
        assert datetime.fromisoformat(line["time"]).utcoffset().total_seconds() == 0 and line["time"].endswith("Z")
    pages = [line for line in lines if line["message"].startswith("PAGE ")]
    by_request = {line.get("request_id"): line for line in pages}
    assert by_request["lb-7f3a.2:9"]["logger"] == "nself_oncall.notify"
    assert by_request[made.headers["X-Request-Id"]]["level"] == "WARNING"
    (paged,) = [line for line in pages if "escalation_id" in line]
    assert paged["escalation_id"] == escalation and "request_id" not in paged
    assert paged["message"].startswith(f"PAGE {paged['notification_id']} ")
    reached = [line for line in lines if line["logger"] == "nself_oncall.engine.escalator"]
    assert reached and all(line["escalation_id"] == escalation for line in reached)
    assert any(line["logger"] == "hypercorn.error" and "Running on" in line["message"] for line in lines)


@pytest.mark.parametrize("log_format", ["", "text"])
def test_the_text_format_of_a_real_command(tmp_path, log_format):
    env = _env(tmp_path, NSELF_ONCALL_LOG_FORMAT=log_format)
    done = subprocess.run([str(CLI), "plugins"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    classic = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO nself_oncall\.plugins\.registry: notifiers: .*usable channels: log"
    assert re.fullmatch(classic, done.stderr.strip()), done.stderr


def test_request_ids_accepted_as_they_are():
    assert request_id(b"x" * 128) == "x" * 128
    assert request_id(b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")[:3] == "00-"
    assert request_id(b"one two") != request_id(b"one two")  # replaced, each time by a new one


def _record(message: str, exc_info=None) -> logging.LogRecord:
    record = logging.LogRecord("hypercorn.error", logging.ERROR, __file__, 1, message, (), exc_info)
    ContextIds().filter(record)
    return record


def test_the_text_format_is_the_classic_one_with_the_ids_after_it():
    formatter = TextFormatter("%(levelname)s %(name)s: %(message)s")
    assert formatter.format(_record("plain")) == "ERROR hypercorn.error: plain"
    token, other = REQUEST_ID.set("r1"), ESCALATION_ID.set("e1")
    try:
        record = _record("about one")
    finally:
        REQUEST_ID.reset(token)
        ESCALATION_ID.reset(other)
    assert formatter.format(record) == "ERROR hypercorn.error: about one [request_id=r1 escalation_id=e1]"


def test_a_json_line_holds_the_exception():
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = _record("failed", sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed" and "ValueError: boom\nsecond line" in entry["exception"]
    assert "request_id" not in entry


def test_a_bad_log_format_is_a_one_line_error(tmp_path):
    with pytest.raises(ConfigError, match="NSELF_ONCALL_LOG_FORMAT: expected text or json, not 'xml'"):
        Settings.from_env({"NSELF_ONCALL_LOG_FORMAT": "xml"})
    assert Settings.from_env({"NSELF_ONCALL_LOG_FORMAT": "JSON"}).log_format == "json"
    assert Settings.from_env({}).log_format == "text"
    env = _env(tmp_path, NSELF_ONCALL_LOG_FORMAT="xml")
    result = subprocess.run([str(CLI), "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == "nself-oncall: NSELF_ONCALL_LOG_FORMAT: expected text or json, not 'xml'\n"
