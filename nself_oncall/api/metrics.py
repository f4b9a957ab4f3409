"""/metrics in Prometheus's text format (0.0.4), behind the bearer token; and the request counters.

A scrape awaits the service's snapshot of the database, then writes the app's registry (process collectors,
requests, this process's deliveries) and the snapshot's gauges, collected by a `_Scrape` made for this scrape
alone: prometheus_client's collectors are synchronous and cannot await a query themselves.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from quart import Blueprint, Quart, Response, current_app, g, request
from quart_schema import document_response, tag

from ..metrics import PREFIX, Metrics
from ..service import metrics as service
from ..service.metrics import Snapshot
from .responses import ErrorOut, MetricsText

bp = Blueprint("metrics", __name__)

#: Methods counted under their own name; any other is "other" (a client can send any token as a method).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: The route label of a request that matched no route (a 404, or a path id its converter refused).
UNMATCHED = "unmatched"
_PARAMETER = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


@bp.get("/metrics")
@tag(["health"])
@document_response(MetricsText)
@document_response(ErrorOut, 401)
async def metrics():
    """Prometheus metrics, in its text exposition format; needs the bearer token, as /api/v1 does.

    docs/operations.md lists every metric, with example alert rules."""
    snapshot = await service.snapshot(current_app.extensions["notifiers"])
    body = generate_latest(_Scrape(current_app.extensions["metrics"].registry, snapshot))
    return Response(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)


def instrument(app: Quart) -> None:
    """Count and time every request by route template. Call before any other before_request hook is added:
    a request that an earlier hook answers (a 401) is counted too."""
    app.before_request(_start)
    app.after_request(_count)


async def _start() -> None:
    g.metrics_started = time.perf_counter()


async def _count(response: Response) -> Response:
    elapsed = time.perf_counter() - g.metrics_started
    method = request.method if request.method in METHODS else "other"
    route = route_template(request.url_rule.rule) if request.url_rule is not None else UNMATCHED
    metrics: Metrics = current_app.extensions["metrics"]
    metrics.requests.labels(method, route, str(response.status_code)).inc()
    metrics.latency.labels(method, route).observe(elapsed)
    return response


def route_template(rule: str) -> str:
    """`/api/v1/schedules/<slug:schedule_id>` as the OpenAPI document writes it: `/api/v1/schedules/{schedule_id}`."""
    return _PARAMETER.sub(r"{\1}", rule)


class _Scrape:
    """What one scrape writes: the app's registry, then the snapshot's gauges."""

    def __init__(self, registry: CollectorRegistry, snapshot: Snapshot):
        self.registry = registry
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()
        yield from snapshot_metrics(self.snapshot)


def snapshot_metrics(snapshot: Snapshot) -> Iterator[Metric]:
    channel_up = GaugeMetricFamily(
        f"{PREFIX}_channel_up", "1 if the channel can be used, 0 if not (GET /api/v1/channels says why)",
        labels=("channel", "notifier"),
    )
    for channel in snapshot.channels:
        channel_up.add_metric((channel.name, channel.notifier), int(channel.up))
    yield channel_up
    plugin_up = GaugeMetricFamily(
        f"{PREFIX}_plugin_up", "1 if the notifier plugin loaded, 0 if it is broken (disabled ones are not listed)",
        labels=("plugin",),
    )
    for name, up in sorted(snapshot.plugins.items()):
        plugin_up.add_metric((name,), int(up))
    yield plugin_up
    yield GaugeMetricFamily(
        f"{PREFIX}_database_up", "1 if the database answered this scrape's queries, 0 if it could not be reached",
        value=int(snapshot.database is not None),
    )
    if snapshot.database is not None:
        yield from _database_metrics(snapshot.database)


def _database_metrics(database: service.Database) -> Iterator[Metric]:
    escalations = GaugeMetricFamily(f"{PREFIX}_escalations", "Open escalations by status", labels=("status",))
    for status, count in sorted(database.escalations.items()):
        escalations.add_metric((status,), count)
    yield escalations
    notifications = GaugeMetricFamily(
        f"{PREFIX}_notifications",
        "Notifications (messages) not yet sent or given up, by channel, whichever engine sends them",
        labels=("channel", "status"),
    )
    for channel, count in sorted(database.pending.items()):
        notifications.add_metric((channel, "pending"), count)
    yield notifications
    yield GaugeMetricFamily(
        f"{PREFIX}_outbox_pending", "Notifications not yet sent or given up (due, retrying, rate-limited or being sent)",
        value=sum(database.pending.values()),
    )
    yield GaugeMetricFamily(
        f"{PREFIX}_outbox_oldest_due_age_seconds",
        "How long the oldest notification that is ready to send has waited for an engine (0: none waits)",
        value=database.message_lag,
    )
    yield GaugeMetricFamily(
        f"{PREFIX}_escalation_oldest_due_age_seconds",
        "How long the oldest escalation step that is due has waited for an engine (0: none waits)",
        value=database.step_lag,
    )
    yield GaugeMetricFamily(
        f"{PREFIX}_migrations_pending", "Database migrations not yet applied", value=database.migrations_pending
    )
