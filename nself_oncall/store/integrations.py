"""Integrations: an alert source's key, tied to one policy (see models/integrations.py, store/intake_keys.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from ..errors import NotFound
from ..escalation import Rule
from ..models import Integration
from ..records import IntegrationRecord, Page, Source
from . import audit, escalations, intake_keys, policies
from .ids import derive_id, insert_new
from .sql import instant


async def create(data: dict[str, Any], *, actor: str) -> tuple[IntegrationRecord, str]:
    """A new integration, and its key: the only time the key is known."""
    key = intake_keys.new_key()
    async with in_transaction() as connection:
        await policies.lock_existing(connection, data["policy_id"], "policy_id")
        ident = data.get("id") or await derive_id(Integration, data["name"])
        row = await insert_new(
            Integration, ident, name=data["name"], policy_id=data["policy_id"], key_hash=intake_keys.key_hash(key)
        )
        created = _record(row)
        await audit.record(connection, "integration", ident, "create", before=None, after=created, actor=actor)
    return created, key


async def get(integration_id: str) -> IntegrationRecord:
    row = await Integration.get_or_none(id=integration_id)
    if row is None:
        raise NotFound("integration", integration_id)
    return _record(row)


async def list_page(limit: int, after: str | None) -> Page[IntegrationRecord]:
    query = Integration.all().order_by("id").limit(limit + 1)
    if after is not None:
        query = query.filter(id__gt=after)
    found = await query
    return Page(tuple(_record(r) for r in found[:limit]), len(found) > limit)


async def update(integration_id: str, data: dict[str, Any], now: datetime, *, actor: str) -> IntegrationRecord:
    async with in_transaction() as connection:
        row = await Integration.select_for_update().get_or_none(id=integration_id)
        if row is None:
            raise NotFound("integration", integration_id)
        if data.get("policy_id") is not None:
            await policies.lock_existing(connection, data["policy_id"], "policy_id")
        before = _record(row)
        for name in ("name", "policy_id"):
            if data.get(name) is not None:
                setattr(row, name, data[name])
        row.updated_at = now
        await row.save()
        after = _record(row)
        await audit.record(connection, "integration", integration_id, "update", before=before, after=after, actor=actor)
    return after


async def delete(integration_id: str, *, actor: str) -> None:
    """Gone, and its key with it: the next event sent with the key is refused as unknown. Its open escalations stay
    open, but no longer take events (escalations.forget_keys): one made again with the same id starts afresh."""
    async with in_transaction() as connection:
        row = await Integration.select_for_update().get_or_none(id=integration_id)
        if row is None:
            raise NotFound("integration", integration_id)
        await escalations.forget_keys(connection, Source(integration_id=integration_id))
        await row.delete()
        await audit.record(connection, "integration", integration_id, "delete", before=_record(row), after=None,
                           actor=actor)


async def admit(
    key: str, now: datetime, rule: Rule, count: int = 1
) -> tuple[IntegrationRecord, int, int] | intake_keys.Limited | None:
    """The integration of `key`, with how many of `count` events its rate let in (counted), and in how many seconds
    the others may try again; Limited when none was let in; None for no integration."""
    found = await intake_keys.admit("integrations", key, now, rule, _COLUMNS, count)
    if not isinstance(found, intake_keys.Admitted):
        return found
    row = found.row
    record = IntegrationRecord(row["id"], row["name"], row["policy_id"], instant(row["created_at"]),
                               instant(row["updated_at"]))
    return record, found.taken, found.retry_after


_COLUMNS = "id, name, policy_id, created_at, updated_at"


def _record(row: Integration) -> IntegrationRecord:
    return IntegrationRecord(row.id, row.name, row.policy_id, row.created_at, row.updated_at)
