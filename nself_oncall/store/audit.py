"""The audit log: `record` writes one entry inside the transaction of the change it describes, so that
the change and its entry commit together or not at all.

`before` and `after` are the store's records as plain JSON. Contact addresses never appear: each is
replaced by a marker, an HMAC-SHA256 prefix under a random key made for that one entry and then thrown
away. Within an entry the same address gives the same marker (a PATCH shows which contacts changed);
across entries markers cannot be compared, and no dictionary of phone numbers or emails can undo them.
Calendar subscriptions are logged from their record, which holds neither the token nor its hash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tortoise import BaseDBAsyncClient
from tortoise.expressions import Q

from ..clock import utcnow
from ..models import AuditEntry
from ..records import AuditRecord, EscalationRecord, Page, UserRecord
from .ids import new_id

#: An escalation's state in the log leaves out its policy snapshot (a copy of a policy whose every change
#: the log holds already) and its notifications (the engine's, not the API's).
_ESCALATION_LEFT_OUT = {"policy", "notifications", "more_notifications"}


async def record(
    connection: BaseDBAsyncClient,
    resource: str,
    resource_id: str,
    action: str,
    *,
    before: Any,
    after: Any,
    actor: str,
    at: datetime | None = None,
) -> None:
    """Add the entry for one change on `connection`, the change's transaction; `before`/`after` are records."""
    await _entry(resource, resource_id, action, before, after, actor, at or utcnow()).save(using_db=connection)


async def record_many(
    connection: BaseDBAsyncClient,
    resource: str,
    action: str,
    changes: list[tuple[str, Any, Any]],
    *,
    actor: str,
    at: datetime,
) -> None:
    """`record` for several changes of one kind at once: (resource id, before, after) each, in one statement."""
    entries = [_entry(resource, ident, action, before, after, actor, at) for ident, before, after in changes]
    await AuditEntry.bulk_create(entries, using_db=connection)


def _entry(resource: str, resource_id: str, action: str, before: Any, after: Any, actor: str, at: datetime) -> AuditEntry:
    mask = _masker()
    return AuditEntry(
        id=new_id(), at=at, actor=actor, resource=resource, resource_id=resource_id, action=action,
        before=_state(before, mask), after=_state(after, mask),
    )


def _state(value: Any, mask: Callable[[str], str]) -> dict[str, Any] | None:
    """A record as the log keeps it: plain JSON, addresses masked by `mask`."""
    if value is None:
        return None
    data = _plain(value)
    if isinstance(value, UserRecord):
        data["contacts"] = [{**c, "address": mask(c["address"])} for c in data["contacts"]]
    elif isinstance(value, EscalationRecord):
        data = {k: v for k, v in data.items() if k not in _ESCALATION_LEFT_OUT}
        data["steps_notified"] = data.pop("steps_done")  # the API's name for it
    return data


def _masker() -> Callable[[str], str]:
    key = secrets.token_bytes(32)
    return lambda address: "masked:" + hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:12]


def _plain(value: Any) -> Any:
    """Dataclasses as dicts, tuples as lists, instants as RFC 3339 UTC text with Z."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


async def list_page(
    limit: int,
    after: tuple[datetime, str] | None,
    resource: str | None,
    resource_id: str | None,
    since: datetime | None,
    until: datetime | None,
) -> Page[AuditRecord]:
    """Entries in [since, until), newest first (by `at`, then id), after an (at, id) cursor."""
    query = AuditEntry.all().order_by("-at", "-id").limit(limit + 1)
    if resource is not None:
        query = query.filter(resource=resource)
    if resource_id is not None:
        query = query.filter(resource_id=resource_id)
    if since is not None:
        query = query.filter(at__gte=since)
    if until is not None:
        query = query.filter(at__lt=until)
    if after is not None:
        at, ident = after
        query = query.filter(Q(at__lt=at) | Q(at=at, id__lt=ident))
    rows = await query
    return Page(tuple(_record(r) for r in rows[:limit]), len(rows) > limit)


def _record(row: AuditEntry) -> AuditRecord:
    return AuditRecord(row.id, row.at, row.actor, row.resource, row.resource_id, row.action, row.before, row.after)
