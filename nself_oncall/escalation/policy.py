"""A policy as an escalation keeps it: a frozen snapshot, stored as JSON with the escalation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    type: str  # "schedule", "user" or "channel"
    id: str


@dataclass(frozen=True)
class Step:
    """`delay_minutes` as written; `delay_us` is the same delay in whole microseconds, so that
    adding delays up is exact and gives the same instants wherever it is done."""

    delay_minutes: float
    targets: tuple[Target, ...]

    @property
    def delay_us(self) -> int:
        return round(self.delay_minutes * 60_000_000)


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    repeat: int
    steps: tuple[Step, ...]


def policy_json(policy: Policy) -> dict[str, Any]:
    return {
        "id": policy.id,
        "name": policy.name,
        "repeat": policy.repeat,
        "steps": [
            {"delay_minutes": step.delay_minutes, "targets": [{"type": t.type, "id": t.id} for t in step.targets]}
            for step in policy.steps
        ],
    }


def policy_from_json(data: dict[str, Any]) -> Policy:
    return Policy(
        id=data["id"],
        name=data["name"],
        repeat=data["repeat"],
        steps=tuple(
            Step(step["delay_minutes"], tuple(Target(t["type"], t["id"]) for t in step["targets"]))
            for step in data["steps"]
        ),
    )
