"""Plain values from the service layer as JSON: instants in UTC with a Z."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

from ..escalation import Policy
from ..oncall import Interval
from ..records import (
    AuditRecord,
    EscalationRecord,
    HeartbeatRecord,
    IntegrationRecord,
    NoticeItem,
    NotificationRecord,
    OverrideRecord,
    Page,
    PolicyRecord,
    ScheduleRecord,
    SubscriptionRecord,
    TemporaryRecord,
    UserRecord,
)
from ..service.people import UserShift
from ..service.preview import Item as PreviewItem
from ..service.preview import Preview
from .fields import encode_cursor

T = TypeVar("T")


def iso(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with a Z."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def page_json(page: Page[T], item_json: Callable[[T], dict[str, Any]], position: Callable[[T], tuple[str, ...]]):
    """`{"items", "next_cursor"}`; the cursor names the last item's position."""
    cursor = encode_cursor(*position(page.items[-1])) if page.more else None
    return {"items": [item_json(item) for item in page.items], "next_cursor": cursor}


def by_id(item: Any) -> tuple[str]:
    return (item.id,)


def by_position(notification: NotificationRecord) -> tuple[str, ...]:
    return tuple(str(n) for n in notification.position)


def interval_json(interval: Interval) -> dict[str, Any]:
    """A copy: callers may change it."""
    return dict(_interval_json(interval))


@lru_cache(maxsize=4096)
def _interval_json(interval: Interval) -> dict[str, Any]:
    """Remembered: the same intervals are answered again and again (who is on call now, on every schedule)."""
    source = None
    if interval.source is not None:
        if interval.source.type == "layer":
            source = {"type": "layer", "layer": interval.source.ref}
        elif interval.source.type == "temporary":
            source = {"type": "temporary", "id": interval.source.ref}
        else:
            source = {"type": interval.source.type, "id": interval.source.ref, "replaces": interval.source.replaces}
    return {"user": interval.user, "start": iso(interval.start), "end": iso(interval.end), "source": source}


def user_shift_json(shift: UserShift) -> dict[str, Any]:
    interval = interval_json(shift.interval)
    del interval["user"]
    return {"schedule_id": shift.schedule_id, "schedule_name": shift.schedule_name, **interval}


def schedule_json(record: ScheduleRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "description": record.description,
        "timezone": record.timezone,
        "layers": [
            {
                "name": layer.name,
                "users": list(layer.users),
                "rotation": {"unit": layer.unit, "length": layer.length},
                "start": layer.start,
                "end": layer.end,
                "restrictions": list(layer.restrictions),
            }
            for layer in record.layers
        ],
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
        "notices": [
            {
                "channel": n.channel,
                "oncall_contacts": n.oncall_contacts,
                "minutes_before": _number(n.minutes_before),
                "configured_at": iso(n.configured_at),
            }
            for n in record.notices
        ],
    }


def audit_json(record: AuditRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "at": iso(record.at),
        "actor": record.actor,
        "resource": record.resource,
        "resource_id": record.resource_id,
        "action": record.action,
        "before": record.before,
        "after": record.after,
    }


def override_json(record: OverrideRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "schedule_id": record.schedule_id,
        "user": record.user,
        "replaces": record.replaces,
        "start": iso(record.start),
        "end": iso(record.end),
        "created_at": iso(record.created_at),
    }


def temporary_json(record: TemporaryRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "schedule_id": record.schedule_id,
        "start": iso(record.start),
        "end": iso(record.end),
        "shifts": [{"user": s.user, "start": iso(s.start), "end": iso(s.end)} for s in record.shifts],
        "created_at": iso(record.created_at),
    }


def subscription_json(record: SubscriptionRecord) -> dict[str, Any]:
    """A calendar subscription as listed: never its link, its token or the token's hash."""
    return {
        "id": record.id,
        "schedule_id": record.schedule_id,
        "user_id": record.user_id,
        "name": record.name,
        "created_at": iso(record.created_at),
    }


def user_json(record: UserRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "contacts": [{"channel": c.channel, "address": c.address} for c in record.contacts],
        "notification_rules": [
            {"contact": r.contact, "delay_minutes": _number(r.delay_minutes)} for r in record.notification_rules
        ],
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
    }


def policy_json(record: PolicyRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "description": record.description,
        "repeat": record.repeat,
        "steps": [
            {
                "delay_minutes": _number(step.delay_minutes),
                "targets": [{"type": t.type, "id": t.id} for t in step.targets],
            }
            for step in record.steps
        ],
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
    }


def escalation_json(record: EscalationRecord) -> dict[str, Any]:
    """An escalation; with its notifications when the record carries them."""
    data = {
        "id": record.id,
        "status": record.status,
        "policy_id": record.policy_id,
        "policy": snapshot_json(record.policy),
        "summary": record.summary,
        "details": record.details,
        "dedup_key": record.dedup_key,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
        "acknowledged_at": iso(record.acknowledged_at),
        "acknowledged_by": record.acknowledged_by,
        "resolved_at": iso(record.resolved_at),
        "resolved_by": record.resolved_by,
        "steps_notified": record.steps_done,
        "next_step_at": iso(record.next_step_at),
        "integration_id": record.integration_id,
        "heartbeat_id": record.heartbeat_id,
    }
    if record.notifications is not None:
        first = page_json(Page(record.notifications, record.more_notifications), notification_json, by_position)
        data["notifications"], data["notifications_next_cursor"] = first["items"], first["next_cursor"]
    return data


def snapshot_json(policy: Policy) -> dict[str, Any]:
    return {
        "id": policy.id,
        "name": policy.name,
        "repeat": policy.repeat,
        "steps": [
            {"delay_minutes": _number(step.delay_minutes), "targets": [{"type": t.type, "id": t.id} for t in step.targets]}
            for step in policy.steps
        ],
    }


def notification_json(record: NotificationRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "step": record.step,
        "loop": record.loop,
        "target": {"type": record.target.type, "id": record.target.id},
        "user": record.user,
        "channel": record.channel,
        "rule": record.rule,
        "status": record.status,
        "attempts": record.attempts,
        "due_at": iso(record.due_at),
        "sent_at": iso(record.sent_at),
        "error": record.error,
    }


def _number(value: float) -> int | float:
    """5.0 reads back as 5, as it was most likely written."""
    return int(value) if value.is_integer() else value


def preview_json(preview: Preview) -> dict[str, Any]:
    return {"policy_id": preview.policy_id, "at": iso(preview.at), "items": [_preview_item(i) for i in preview.items]}


def _preview_item(item: PreviewItem) -> dict[str, Any]:
    m = item.message
    return {
        "loop": m.loop,
        "step": m.step,
        "due_at": iso(m.due_at),
        "target": {"type": m.target.type, "id": m.target.id},
        "user": m.user,
        "channel": m.channel,
        "rule": m.rule,
        "address": m.address,
        "status": item.status,
        "reason": item.reason,
    }


def notice_item_json(item: NoticeItem) -> dict[str, Any]:
    return {
        "shift_start": iso(item.shift_start),
        "user": item.user,
        "notice": item.notice,
        "channel": item.channel,
        "due_at": iso(item.due_at),
        "status": item.status,
        "sent_at": iso(item.sent_at),
        "error": item.error,
    }


def integration_json(record: IntegrationRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "policy_id": record.policy_id,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
    }


def heartbeat_json(record: HeartbeatRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "policy_id": record.policy_id,
        "interval_minutes": _number(record.interval_minutes),
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
        "last_ping_at": iso(record.last_ping_at),
        "expires_at": iso(record.expires_at),
        "status": record.status,
    }
