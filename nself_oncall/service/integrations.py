"""Integrations and heartbeats as the API manages them: each created with a key that is shown once, never again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..records import HeartbeatRecord, IntegrationRecord, Page
from ..store import heartbeats as heartbeat_store
from ..store import integrations as store
from .instants import now


@dataclass(frozen=True)
class Urls:
    """Where an alert source sends its events: the key is in the first two (and is PagerDuty's `routing_key`)."""

    alertmanager: str
    generic: str
    pagerduty: str


async def create(data: dict[str, Any], base_url: str, *, actor: str) -> tuple[IntegrationRecord, str, Urls]:
    """A new integration, its key and the urls that hold it (422 for a policy that does not exist)."""
    record, key = await store.create(data, actor=actor)
    return record, key, urls(base_url, key)


def urls(base_url: str, key: str) -> Urls:
    return Urls(f"{base_url}/intake/alertmanager/{key}", f"{base_url}/intake/generic/{key}", f"{base_url}/v2/enqueue")


async def list_integrations(limit: int, after: str | None) -> Page[IntegrationRecord]:
    return await store.list_page(limit, after)


async def get(integration_id: str) -> IntegrationRecord:
    return await store.get(integration_id)


async def update(integration_id: str, data: dict[str, Any], *, actor: str) -> IntegrationRecord:
    """A new name or policy (escalations already open keep theirs)."""
    return await store.update(integration_id, data, now(), actor=actor)


async def delete(integration_id: str, *, actor: str) -> None:
    await store.delete(integration_id, actor=actor)


async def create_heartbeat(data: dict[str, Any], base_url: str, *, actor: str) -> tuple[HeartbeatRecord, str]:
    """A new heartbeat and the url that pings it (it holds the key)."""
    record, key = await heartbeat_store.create(data, now(), actor=actor)
    return record, f"{base_url}/heartbeat/{key}"


async def list_heartbeats(limit: int, after: str | None) -> Page[HeartbeatRecord]:
    return await heartbeat_store.list_page(limit, after, now())


async def get_heartbeat(heartbeat_id: str) -> HeartbeatRecord:
    return await heartbeat_store.get(heartbeat_id, now())


async def update_heartbeat(heartbeat_id: str, data: dict[str, Any], *, actor: str) -> HeartbeatRecord:
    return await heartbeat_store.update(heartbeat_id, data, now(), actor=actor)


async def delete_heartbeat(heartbeat_id: str, *, actor: str) -> None:
    await heartbeat_store.delete(heartbeat_id, actor=actor)
