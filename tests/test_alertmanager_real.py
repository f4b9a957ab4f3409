"""The intake doors against the real Prometheus Alertmanager (Debian's prometheus-alertmanager), on SQLite and
PostgreSQL: a real `nself-oncall serve` (engine included) pages a user through a webhook channel, counted at a real
receiver, while Alertmanager notifies it through its webhook (`/intake/alertmanager/{key}`) and its PagerDuty
notifier (`/v2/enqueue`).

Checked: one escalation per alert group, opened by the integration; one page per escalation although Alertmanager
sends each group again when the group changes; both resolved by the integration when the alerts end.

Without /usr/bin/prometheus-alertmanager this test is skipped, except under CI=true where it fails (.ci/run
installs the package), as the browser test does.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent / "engine"))
from processes import Receiver, free_port, plugins_toml  # noqa: E402

ALERTMANAGER = Path("/usr/bin/prometheus-alertmanager")
TOKEN = "alertmanager-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: The dedup keys Alertmanager sends for each group: the webhook sends the group key (its route's key, that is the
#: parent's, "/" and the route's matchers; ":"; the group's labels); the PagerDuty notifier sends its SHA-256.
WEBHOOK_KEY = '{}/{via="webhook"}:{alertname="DiskFull"}'
PAGERDUTY_KEY = hashlib.sha256(b'{}/{via="pagerduty"}:{alertname="HighLatency"}').hexdigest()


@pytest.fixture
def alertmanager_binary() -> Path:
    if not ALERTMANAGER.exists():
        reason = f"{ALERTMANAGER} is missing (apt-get install prometheus-alertmanager)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"{reason}; CI is set: the Alertmanager test must run", pytrace=False)
        pytest.skip(reason)
    return ALERTMANAGER


def wait_until(condition, what: str, timeout: float = 15.0):
    """Poll `condition` until it returns something true, and return that; fail naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return result


class Alertmanager:
    """A real Alertmanager on a free port, clustering off, its state in `folder`; `stop()` ends it."""

    def __init__(self, binary: Path, folder: Path, config: dict):
        folder.mkdir()
        # JSON is YAML: the config needs no YAML writer.
        (folder / "alertmanager.yml").write_text(json.dumps(config, indent=1))
        self.base = f"http://127.0.0.1:{free_port()}"
        self.log = folder / "alertmanager.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [str(binary), f"--config.file={folder / 'alertmanager.yml'}", f"--storage.path={folder / 'data'}",
                 f"--web.listen-address={self.base.removeprefix('http://')}", "--cluster.listen-address="],
                stdout=log, stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        def ready() -> bool:
            assert self.process.poll() is None, f"Alertmanager exited:\n{self.log.read_text()}"
            try:
                return httpx.get(f"{self.base}/-/ready", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(ready, "Alertmanager to be ready", timeout=20)

    def post(self, alerts: list[dict]) -> None:
        answer = httpx.post(f"{self.base}/api/v2/alerts", json=alerts)
        assert answer.status_code == 200, answer.text

    def sent(self, integration: str, metric: str = "alertmanager_notifications_total") -> float:
        """How many notifications Alertmanager has made (or, with `metric`, failed) through `integration`, from its
        /metrics (summed over any other labels: newer versions add some)."""
        sample = re.compile(rf'{metric}{{[^}}]*integration="{integration}"[^}}]*}} (\S+)')
        lines = httpx.get(f"{self.base}/metrics").text.splitlines()
        return sum(float(m[1]) for m in map(sample.fullmatch, lines) if m)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text()


def alertmanager_config(urls: dict[str, str], key: str) -> dict:
    """Short group timers; alerts labelled via="webhook" go to the webhook, via="pagerduty" to the PagerDuty
    notifier (pointed at this service instead of PagerDuty); `matchers` needs Alertmanager 0.22 or later (Debian
    bookworm has 0.25). An alert posted without `endsAt` would resolve by itself
    `resolve_timeout` after its last post: a long one leaves the test's own `endsAt` the only thing that resolves."""
    return {
        "global": {"resolve_timeout": "1h"},
        "route": {
            "receiver": "nobody", "group_by": ["alertname"],
            "group_wait": "1s", "group_interval": "2s", "repeat_interval": "1h",
            "routes": [{"matchers": ['via="webhook"'], "receiver": "webhook"},
                       {"matchers": ['via="pagerduty"'], "receiver": "pagerduty"}],
        },
        "receivers": [
            {"name": "nobody"},
            {"name": "webhook", "webhook_configs": [{"url": urls["alertmanager"], "send_resolved": True}]},
            {"name": "pagerduty", "pagerduty_configs": [
                {"routing_key": key, "url": urls["pagerduty"], "send_resolved": True}]},
        ],
    }


def alerts(instances: list[str], ended: bool = False) -> list[dict]:
    """One DiskFull alert (webhook route) and one HighLatency alert (PagerDuty route) per instance; `ended`: with
    an `endsAt` in the past, which resolves them."""
    started = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    ends = {"endsAt": (datetime.now(UTC) - timedelta(seconds=1)).isoformat()} if ended else {}
    return [
        {"labels": {"alertname": name, "via": via, "instance": instance},
         "annotations": {"description": f"{name} on {instance}"},
         "startsAt": started, **ends, "generatorURL": f"http://prometheus.test/graph?g0.expr={name}"}
        for instance in instances
        for name, via in (("DiskFull", "webhook"), ("HighLatency", "pagerduty"))
    ]


def escalations(base: str) -> list[dict]:
    answer = httpx.get(f"{base}/api/v1/escalations", headers=AUTH)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def notifications(base: str, escalation_id: str) -> list[dict]:
    answer = httpx.get(f"{base}/api/v1/escalations/{escalation_id}", headers=AUTH)
    assert answer.status_code == 200, answer.text
    return answer.json()["notifications"]


def escalations_when(base: str, check, what: str) -> list[dict]:
    """The escalations, once `check(escalations)` holds."""
    def found():
        items = escalations(base)
        return check(items) and items

    return wait_until(found, what)


def setup_service(base: str) -> dict:
    """A user reached through the `hook` webhook channel, a policy paging them once, at once, an integration of it."""
    user = {"id": "u", "contacts": [{"channel": "hook", "address": "u@hook"}]}
    policy = {"id": "p", "name": "P", "steps": [{"delay_minutes": 60, "targets": [{"type": "user", "id": "u"}]}]}
    for path, body in (("users", user), ("policies", policy)):
        answer = httpx.post(f"{base}/api/v1/{path}", json=body, headers=AUTH)
        assert answer.status_code == 201, answer.text
    answer = httpx.post(f"{base}/api/v1/integrations", json={"id": "am", "name": "Alertmanager", "policy_id": "p"},
                        headers=AUTH)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_alertmanager_triggers_pages_once_and_resolves(alertmanager_binary, tmp_path, db_url, serve_process):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NSELF_ONCALL_", "DATABASE_URL"))}
    hook = Receiver()
    served = alertmanager = None
    try:
        served = serve_process(tmp_path, {**env, "PLUGIN_SECRET": TOKEN, "DATABASE_URL": db_url,
                                          "NSELF_ONCALL_PLUGINS": str(plugins_toml(tmp_path, hook.url))})
        served.wait_healthy()
        integration = setup_service(served.base)
        assert integration["urls"]["alertmanager"] == f"{served.base}/intake/alertmanager/{integration['key']}"
        alertmanager = Alertmanager(alertmanager_binary, tmp_path / "alertmanager",
                                    alertmanager_config(integration["urls"], integration["key"]))
        alertmanager.wait_ready()

        alertmanager.post(alerts(["a"]))
        opened = escalations_when(served.base, lambda found: len(found) == 2, "two escalations")
        by_key = {e["dedup_key"]: e for e in opened}
        assert set(by_key) == {WEBHOOK_KEY, PAGERDUTY_KEY}
        assert {(e["status"], e["integration_id"], e["policy_id"]) for e in opened} == {("triggered", "am", "p")}
        webhook_escalation = by_key[WEBHOOK_KEY]
        assert webhook_escalation["summary"] == "DiskFull"  # no summary annotation: the group's alertname
        assert by_key[PAGERDUTY_KEY]["summary"].startswith("[FIRING:1] HighLatency")  # Alertmanager's description
        assert [a["labels"]["instance"] for a in webhook_escalation["details"]["alerts"]] == ["a"]
        wait_until(lambda: len(hook.counts()) == 2, "a page per escalation")

        # The same alert again and a second one in each group: Alertmanager sends both groups again (firing) at their
        # next group_interval (the same alert alone would change nothing, and be sent again only after repeat_interval).
        alertmanager.post(alerts(["a", "b"]))
        wait_until(lambda: alertmanager.sent("webhook") >= 2 and alertmanager.sent("pagerduty") >= 2,
                   "Alertmanager to notify both groups again")

        def webhook_alerts(found: list[dict]) -> list[dict]:
            return next(e for e in found if e["id"] == webhook_escalation["id"])["details"]["alerts"]

        refreshed = escalations_when(served.base, lambda found: len(webhook_alerts(found)) == 2,
                                     "the webhook escalation's details to hold both alerts")
        assert {a["labels"]["instance"] for a in webhook_alerts(refreshed)} == {"a", "b"}
        assert len(refreshed) == 2  # the groups' open escalations, not new ones

        alertmanager.post(alerts(["a", "b"], ended=True))
        ended = escalations_when(served.base, lambda found: all(e["status"] == "resolved" for e in found),
                                 "both escalations to be resolved")
        assert {e["resolved_by"] for e in ended} == {"integration:am"}
        assert {e["id"] for e in ended} == {e["id"] for e in opened}
        assert all(len(notifications(served.base, e["id"])) == 1 for e in ended)  # as the service counts them
        assert alertmanager.sent("webhook", "alertmanager_notifications_failed_total") == 0
        assert alertmanager.sent("pagerduty", "alertmanager_notifications_failed_total") == 0
    finally:
        # Printed for a failure's report (pytest shows what a failing test printed).
        print("Alertmanager:", alertmanager.stop() if alertmanager else "not started", sep="\n")
        output = served.output() if served else ""
        print("serve:", output, sep="\n")
        hook.close()
    # Each page arrived once, and each escalation paged once, Alertmanager's repeated firing notwithstanding.
    assert set(hook.counts().values()) == {1}, hook.counts()
    pages = Counter(d.body["message"]["escalation_id"] for d in hook.deliveries)
    assert pages == Counter({e["id"]: 1 for e in opened}), pages
    assert "Traceback" not in output
