"""Escalation policies: ordered steps of targets. Running escalations keep their own copy."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..records import Page, PolicyRecord
from ..store import policies as store


async def list_policies(limit: int, after: str | None) -> Page[PolicyRecord]:
    return await store.list_page(limit, after)


async def get(policy_id: str) -> PolicyRecord:
    return await store.get(policy_id)


async def create(data: dict[str, Any], channels: Collection[str], *, actor: str) -> PolicyRecord:
    """Every target must name an existing schedule, user record or configured channel (422 otherwise)."""
    return await store.create(data, channels, actor=actor)


async def update(policy_id: str, data: dict[str, Any], channels: Collection[str], *, actor: str) -> PolicyRecord:
    return await store.update(policy_id, data, channels, actor=actor)


async def delete(policy_id: str, *, actor: str) -> None:
    await store.delete(policy_id, actor=actor)
