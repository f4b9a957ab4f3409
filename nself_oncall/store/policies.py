"""Escalation policies with ordered steps and targets."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from tortoise.transactions import in_transaction

from ..errors import Invalid, NotFound
from ..models import Policy, PolicyStep, PolicyTarget, Schedule, User
from .ids import derive_id, insert_new, utcnow

_STEPS = "steps__targets"


async def get(policy_id: str) -> Policy:
    row = await Policy.get_or_none(id=policy_id).prefetch_related(_STEPS)
    if row is None:
        raise NotFound("policy", policy_id)
    return row


async def list_page(limit: int, after: str | None) -> list[Policy]:
    query = Policy.all().order_by("id").limit(limit + 1).prefetch_related(_STEPS)
    if after is not None:
        query = query.filter(id__gt=str(after))
    return await query


async def create(data: dict[str, Any], channels: Collection[str]) -> Policy:
    async with in_transaction():
        await _check_targets(data["steps"], channels)
        ident = data.get("id") or await derive_id(Policy, data["name"])
        row = await insert_new(Policy, ident, name=data["name"], description=data["description"], repeat=data["repeat"])
        await _save_steps(row, data["steps"])
    return await get(ident)


async def update(policy_id: str, data: dict[str, Any], channels: Collection[str]) -> Policy:
    async with in_transaction():
        row = await Policy.select_for_update().get_or_none(id=policy_id)
        if row is None:
            raise NotFound("policy", policy_id)
        for key in ("name", "description", "repeat"):
            if data.get(key) is not None:
                setattr(row, key, data[key])
        if data.get("steps") is not None:
            await _check_targets(data["steps"], channels)
            await PolicyStep.filter(policy_id=policy_id).delete()
            await _save_steps(row, data["steps"])
        row.updated_at = utcnow()
        await row.save()
    return await get(policy_id)


async def delete(policy_id: str) -> None:
    if not await Policy.filter(id=policy_id).delete():
        raise NotFound("policy", policy_id)


async def _check_targets(steps: list[dict[str, Any]], channels: Collection[str]) -> None:
    """Every target must name an existing schedule, user record or configured channel."""
    for i, step in enumerate(steps):
        for j, target in enumerate(step["targets"]):
            kind, ident = target["type"], target["id"]
            if kind == "schedule":
                found = await Schedule.exists(id=ident)
            elif kind == "user":
                found = await User.exists(id=ident)
            else:
                found = ident in channels
            if not found:
                where = "in plugins.toml" if kind == "channel" else "found"
                raise Invalid(f"steps[{i}].targets[{j}].id", f"no {kind} {ident!r} {where}")


async def _save_steps(policy: Policy, steps: list[dict[str, Any]]) -> None:
    for i, step in enumerate(steps):
        row = await PolicyStep.create(policy=policy, position=i, delay_minutes=step["delay_minutes"])
        targets = [
            PolicyTarget(step=row, position=j, type=t["type"], target_id=t["id"]) for j, t in enumerate(step["targets"])
        ]
        await PolicyTarget.bulk_create(targets)
