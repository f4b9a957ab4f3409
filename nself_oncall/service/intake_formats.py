"""What each alert source's format means, as an `intake.Event`: Alertmanager's (and Grafana's) webhook, PagerDuty's
Events API v2 and the generic one. Plain dicts in (bodies the API validated), events out; no I/O."""

from __future__ import annotations

from typing import Any

from .intake import Event, clipped, dedup_key

#: The fields of each Alertmanager alert kept in `details` (Grafana's extra ones too, when sent).
_ALERT_FIELDS = (
    "status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint",
    "silenceURL", "dashboardURL", "panelURL", "valueString",
)
_GROUP_FIELDS = ("groupLabels", "commonLabels", "commonAnnotations", "externalURL")
_PAGERDUTY_FIELDS = ("links", "images", "client", "client_url")


def alertmanager(body: dict[str, Any]) -> Event:
    """One escalation per alert group (its `groupKey`): "firing" triggers, or refreshes the open one's details;
    "resolved" resolves it."""
    details = {
        "alerts": [{k: alert[k] for k in _ALERT_FIELDS if alert.get(k) is not None} for alert in body["alerts"]],
        **{k: body[k] for k in _GROUP_FIELDS},
    }
    action = "trigger" if body["status"] == "firing" else "resolve"
    return Event(action, dedup_key(body["groupKey"]), _group_summary(body), details, refresh=True)


def _group_summary(body: dict[str, Any]) -> str:
    """`commonAnnotations.summary`, else the group's alertname and its other group labels ("HighLatency
    cluster=eu job=api"), else Grafana's title, else the group's key."""
    summary = body["commonAnnotations"].get("summary", "").strip()
    if summary:
        return clipped(summary)
    labels = body["groupLabels"]
    name = labels.get("alertname") or body["commonLabels"].get("alertname")
    if name:
        others = " ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "alertname")
        return clipped(f"{name} {others}".strip())
    return clipped((body.get("title") or "").strip() or f"Alert group {body['groupKey']}")


def pagerduty(body: dict[str, Any]) -> Event:
    """PagerDuty's event: details hold its payload, links, images, client and client_url."""
    payload = body.get("payload")
    if body["event_action"] != "trigger":
        return Event(body["event_action"], body["dedup_key"])
    details = {"payload": payload, **{k: body[k] for k in _PAGERDUTY_FIELDS if body.get(k) is not None}}
    return Event("trigger", body.get("dedup_key"), payload["summary"], details)


def generic(fields: dict[str, Any]) -> Event:
    """The generic format; a trigger for an open escalation refreshes its details, as Alertmanager's do."""
    action = fields["action"]
    if action != "trigger":
        return Event(action, fields["dedup_key"])
    return Event("trigger", fields.get("dedup_key"), fields["summary"], fields["details"], refresh=True)
