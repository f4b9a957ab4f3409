"""The process's own Prometheus metrics: one CollectorRegistry per app, never prometheus_client's global one
(tests make many apps in one process, and each must count alone).

What lives here is counted in memory as it happens: HTTP requests (api/metrics.py records them), refused
credentials (api/auth.py, ui/pages.py), events from alert sources (api/intake.py), the deliveries of this process's engine (engine/dispatcher.py), the
messages it planned and the work it could not plan (engine/escalator.py, engine/notices.py). The gauges read from
the database at scrape time are made by api/metrics.py from service/metrics.py's snapshot; `serve`'s engine process
registers its own, nself_oncall_engine_up and nself_oncall_engine_restarts_total (engine/process.py).
docs/operations.md lists every metric.

Labels are low-cardinality by design: a route template, a method, a status, a channel or notifier name from
plugins.toml; never a user, schedule, escalation or notification id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

PREFIX = "nself_oncall"

#: Request latencies: API answers take milliseconds; the slow end is /shifts over long ranges.
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
#: Notifier calls: webhooks in milliseconds, SMTP and SMS APIs in seconds, up to a channel's timeout.
DELIVERY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
#: Where a credential is refused, and why: every pair starts at 0, so that an alert on its rate sees it from the start.
AUTH_FAILURES = (
    ("api", "missing"), ("api", "wrong"), ("metrics", "missing"), ("metrics", "wrong"), ("ui", "wrong"), ("ui", "throttled"),
)
INTAKE_DOORS = ("alertmanager", "pagerduty", "generic", "heartbeat")
INBOUND_DOORS = ("twilio_sms", "twilio_voice", "slack")
#: The engine's jobs that plan work item by item, each of which may fail alone.
ENGINE_JOBS = ("escalator", "notice_planner", "notice_sender")


class EngineMetrics:
    """What this process's engine counts: its notifier calls, by channel and notifier (see engine/dispatcher.py),
    the messages it planned, by channel and status, and the escalations and notices it could not plan, by job."""

    def __init__(self, registry: CollectorRegistry):
        self.planned = Counter(
            f"{PREFIX}_messages_planned_total",
            "Notification rows that this process's engine wrote for escalation steps and handoff notices, by channel "
            "(empty when none) and status: pending (to be sent) or undeliverable (nobody to send it to)",
            ("channel", "status"),
            registry=registry,
        )
        self.planned.labels("", "undeliverable")  # starts at 0, as AUTH_FAILURES do: what to alert on
        self.failures = Counter(
            f"{PREFIX}_engine_failures_total",
            "Escalations and handoff notices that this process's engine could not plan (each recorded with the "
            "reason, the others went on), by job: escalator, notice_planner, notice_sender",
            ("job",),
            registry=registry,
        )
        for job in ENGINE_JOBS:  # each starts at 0, as AUTH_FAILURES do
            self.failures.labels(job)
        labels = ("channel", "notifier")
        self.attempts = Counter(
            f"{PREFIX}_delivery_attempts_total",
            "Notifier calls made by this process's engine, by outcome: sent, temporary_failure, "
            "permanent_failure, undeliverable",
            (*labels, "outcome"),
            registry=registry,
        )
        self.retries = Counter(
            f"{PREFIX}_delivery_retries_total",
            "Temporary failures that this process's engine scheduled to be tried again",
            labels,
            registry=registry,
        )
        self.given_up = Counter(
            f"{PREFIX}_delivery_given_up_total",
            "Messages that this process's engine failed for good after their last attempt failed temporarily",
            labels,
            registry=registry,
        )
        self.duration = Histogram(
            f"{PREFIX}_delivery_duration_seconds",
            "How long this process's notifier calls took",
            labels,
            buckets=DELIVERY_BUCKETS,
            registry=registry,
        )


def count_planned(metrics: Any, planned: Mapping[tuple[str, str], int]) -> None:
    """Count the rows a pass wrote and committed, by (channel, status), in `metrics`: EngineMetrics; in the engine
    process of `serve` (engine/process.py), engine/counts.py's ForwardedMetrics, which sends each count to `serve`
    and takes `labels` and `inc` only; None: a worker, which counts nothing."""
    if metrics is None:
        return
    for (channel, status), count in planned.items():
        metrics.planned.labels(channel, status).inc(count)


class Metrics:
    """An app's registry: the default process collectors, HTTP requests, and what its engine counts."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.requests = Counter(
            f"{PREFIX}_http_requests_total",
            "HTTP requests answered, by method, route template and status",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            f"{PREFIX}_http_request_duration_seconds",
            "Time from the start of a request to its answer, by method and route template",
            ("method", "route"),
            buckets=REQUEST_BUCKETS,
            registry=self.registry,
        )
        self.auth_failures = Counter(
            f"{PREFIX}_auth_failures_total",
            "Requests refused for their credential, by door (api, metrics: the bearer token; ui: the web view's "
            "sign-in) and reason (missing, wrong, throttled: too many failed sign-ins from the address)",
            ("door", "reason"),
            registry=self.registry,
        )
        for door, reason in AUTH_FAILURES:
            self.auth_failures.labels(door, reason)
        self.intake = Counter(
            f"{PREFIX}_intake_events_total",
            "Events at the doors for alert sources, by door (alertmanager, pagerduty, generic, heartbeat) and outcome "
            "(what the event did: triggered, updated, deduplicated, acknowledged, resolved, ignored, pinged; or why it "
            "was refused: unknown_key, rate_limited, invalid)",
            ("door", "outcome"),
            registry=self.registry,
        )
        for door in INTAKE_DOORS:  # the refusals start at 0, as AUTH_FAILURES do
            for outcome in ("unknown_key", "rate_limited"):
                self.intake.labels(door, outcome)
        self.inbound = Counter(
            f"{PREFIX}_inbound_requests_total",
            "Requests at the doors for providers' callbacks, by door (twilio_sms, twilio_voice, slack) and outcome "
            "(acknowledged, resolved: what the answer asked for is done; ignored: answered without acting; or why it "
            "was refused: forbidden, a signature that does not match; rate_limited, an address past its refusals)",
            ("door", "outcome"),
            registry=self.registry,
        )
        for door in INBOUND_DOORS:
            for outcome in ("forbidden", "rate_limited"):
                self.inbound.labels(door, outcome)
        self.engine = EngineMetrics(self.registry)
