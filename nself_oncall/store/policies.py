"""Escalation policies with ordered steps and targets."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Any

from tortoise.transactions import in_transaction

from .. import escalation
from ..clock import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..models import Heartbeat, Integration, Policy, PolicyStep, PolicyTarget
from ..records import Page, PolicyRecord, StepRecord, TargetRecord
from . import audit, users
from .ids import derive_id, insert_new
from .sql import any_of, default, instant, is_postgres, rows

_STEPS = "steps__targets"
_KINDS = ("schedule", "user", "channel")


_GET = """SELECT p.id, p.name, p.description, p."repeat", p.created_at, p.updated_at,
                 s.id AS step, s.delay_minutes, t.type, t.target_id
          FROM policies AS p
          LEFT JOIN policy_steps AS s ON s.policy_id = p.id
          LEFT JOIN policy_targets AS t ON t.step_id = s.id
          WHERE p.id = $1 ORDER BY s.position, t.position"""


async def get(policy_id: str) -> PolicyRecord:
    """One query (every trigger reads its policy: ORM objects with prefetch cost more than the query)."""
    found = await rows(default(), _GET, [policy_id])
    if not found:
        raise NotFound("policy", policy_id)
    steps: dict[int, tuple[float, list[TargetRecord]]] = {}  # in order of position
    for row in found:
        if row["step"] is not None:
            _, targets = steps.setdefault(row["step"], (row["delay_minutes"], []))
            if row["type"] is not None:
                targets.append(TargetRecord(row["type"], row["target_id"]))
    first = found[0]
    return PolicyRecord(
        id=first["id"],
        name=first["name"],
        description=first["description"],
        repeat=first["repeat"],
        steps=tuple(StepRecord(delay, tuple(targets)) for delay, targets in steps.values()),
        created_at=instant(first["created_at"]),
        updated_at=instant(first["updated_at"]),
    )


def snapshot(policy: PolicyRecord) -> escalation.Policy:
    """The pure policy an escalation follows (and the preview runs)."""
    return escalation.Policy(
        policy.id,
        policy.name,
        policy.repeat,
        tuple(
            escalation.Step(s.delay_minutes, tuple(escalation.Target(t.type, t.id) for t in s.targets))
            for s in policy.steps
        ),
    )


async def list_page(limit: int, after: str | None) -> Page[PolicyRecord]:
    query = Policy.all().order_by("id").limit(limit + 1).prefetch_related(_STEPS)
    if after is not None:
        query = query.filter(id__gt=after)
    found = await query
    return Page(tuple(_record(r) for r in found[:limit]), len(found) > limit)


async def create(data: dict[str, Any], channels: Collection[str], *, actor: str) -> PolicyRecord:
    async with in_transaction() as connection:
        await _check_targets(connection, data["steps"], channels)
        ident = data.get("id") or await derive_id(Policy, data["name"])
        await check_size(escalation.Policy(ident, data["name"], data["repeat"], _steps(data["steps"])), "steps")
        row = await insert_new(Policy, ident, name=data["name"], description=data["description"], repeat=data["repeat"])
        await _save_steps(row, data["steps"])
        after = await get(ident)
        await audit.record(connection, "policy", ident, "create", before=None, after=after, actor=actor)
    return after


async def update(policy_id: str, data: dict[str, Any], channels: Collection[str], *, actor: str) -> PolicyRecord:
    async with in_transaction() as connection:
        row = await Policy.select_for_update().get_or_none(id=policy_id)
        if row is None:
            raise NotFound("policy", policy_id)
        before = await get(policy_id)
        if data.get("steps") is not None:
            await _check_targets(connection, data["steps"], channels)
        if data.get("steps") is not None or data.get("repeat") is not None:
            await _check_size_after(before, data)
        for key in ("name", "description", "repeat"):
            if data.get(key) is not None:
                setattr(row, key, data[key])
        if data.get("steps") is not None:
            await PolicyStep.filter(policy_id=policy_id).delete()
            await _save_steps(row, data["steps"])
        row.updated_at = utcnow()
        await row.save()
        after = await get(policy_id)
        await audit.record(connection, "policy", policy_id, "update", before=before, after=after, actor=actor)
    return after


async def check_size(policy: escalation.Policy, field: str) -> None:
    """422 (naming `field`) when an escalation of `policy` makes more than MAX_MESSAGES messages at least, as
    `escalation.fewest_messages` counts them: the user targets' contacts are read (one query), nothing else is.
    A schedule target counts one: whom it reaches is known when its step is due, and `escalation.expand` holds a
    step to MAX_MESSAGES then (the engine writes the first MAX_MESSAGES - 1, and one undeliverable for the rest)."""
    fewest = escalation.fewest_messages(policy)
    if fewest <= escalation.MAX_MESSAGES:
        named = {t.id for step in policy.steps for t in step.targets if t.type == "user"}
        fewest = escalation.fewest_messages(policy, await users.contact_counts(named))
    if fewest > escalation.MAX_MESSAGES:
        raise Invalid(field, escalation.too_many(f"at least {fewest:,}"))


async def _check_size_after(before: PolicyRecord, data: dict[str, Any]) -> None:
    """check_size of the policy as `data` (a PATCH) changes it."""
    policy = snapshot(before)
    steps = policy.steps if data.get("steps") is None else _steps(data["steps"])
    repeat = policy.repeat if data.get("repeat") is None else data["repeat"]
    await check_size(replace(policy, repeat=repeat, steps=steps), "steps" if data.get("steps") is not None else "repeat")


def _steps(steps: list[dict[str, Any]]) -> tuple[escalation.Step, ...]:
    return tuple(
        escalation.Step(s["delay_minutes"], tuple(escalation.Target(t["type"], t["id"]) for t in s["targets"]))
        for s in steps
    )


async def delete(policy_id: str, *, actor: str) -> None:
    async with in_transaction() as connection:
        row = await Policy.select_for_update().get_or_none(id=policy_id)
        if row is None:
            raise NotFound("policy", policy_id)
        await _refuse_if_named(policy_id)
        before = await get(policy_id)
        await row.delete()
        await audit.record(connection, "policy", policy_id, "delete", before=before, after=None, actor=actor)


async def lock_existing(connection: Any, policy_id: str, field: str) -> None:
    """422 (naming `field`) unless the policy exists; it is locked until `connection`'s transaction ends, so that a
    delete of it waits and then sees what names it (see _existing)."""
    if not await _existing(connection, "policies", {policy_id}):
        raise Invalid(field, f"no policy {policy_id!r} found")


async def _refuse_if_named(policy_id: str) -> None:
    """409 when an integration or a heartbeat sends its alerts to the policy (called with its row locked)."""
    for model in (Integration, Heartbeat):
        named = await model.filter(policy_id=policy_id).first()
        if named is not None:
            kind = model.__name__.lower()
            raise Conflict(f"policy {policy_id!r} is the policy of {kind} {named.id!r}; change or delete that first")


async def _check_targets(connection: Any, steps: list[dict[str, Any]], channels: Collection[str]) -> None:
    """Every target must name an existing schedule, user record or configured channel (one query per kind)."""
    wanted = {kind: {t["id"] for step in steps for t in step["targets"] if t["type"] == kind} for kind in _KINDS}
    found = {
        "schedule": await _existing(connection, "schedules", wanted["schedule"]),
        "user": await _existing(connection, "users", wanted["user"]),
        "channel": wanted["channel"] & set(channels),
    }
    for i, step in enumerate(steps):
        for j, target in enumerate(step["targets"]):
            kind, ident = target["type"], target["id"]
            if ident not in found[kind]:
                where = "in plugins.toml" if kind == "channel" else "found"
                raise Invalid(f"steps[{i}].targets[{j}].id", f"no {kind} {ident!r} {where}")


async def _existing(connection: Any, table: str, ids: set[str]) -> set[str]:
    """The ids among `ids` that `table` has, locked until the policy commits. A delete of one of them locks its row
    and then refuses if a policy targets it (ids.refuse_if_targeted): on PostgreSQL, FOR SHARE makes it wait for
    this policy and then see it (or, deleting first, makes this policy wait and then not find the row); SQLite's
    write transactions run one at a time."""
    if not ids:
        return set()
    which, values = any_of(connection, "id", sorted(ids), 1)
    lock = " FOR SHARE" if is_postgres(connection) else ""
    return {row["id"] for row in await rows(connection, f"SELECT id FROM {table} WHERE {which} ORDER BY id{lock}", values)}


async def _save_steps(policy: Policy, steps: list[dict[str, Any]]) -> None:
    for i, step in enumerate(steps):
        row = await PolicyStep.create(policy=policy, position=i, delay_minutes=step["delay_minutes"])
        targets = [
            PolicyTarget(step=row, position=j, type=t["type"], target_id=t["id"]) for j, t in enumerate(step["targets"])
        ]
        await PolicyTarget.bulk_create(targets)


def _record(row: Policy) -> PolicyRecord:
    steps = sorted(row.steps, key=lambda s: s.position)
    return PolicyRecord(
        id=row.id,
        name=row.name,
        description=row.description,
        repeat=row.repeat,
        steps=tuple(
            StepRecord(
                step.delay_minutes,
                tuple(TargetRecord(t.type, t.target_id) for t in sorted(step.targets, key=lambda t: t.position)),
            )
            for step in steps
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
