"""/api/v1/policies: escalation policies."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, current_app
from quart_schema import document_querystring, tag, validate_request

from ..models import Policy
from ..store import policies as store
from .params import iso, page, page_args
from .schemas import PageQuery, PolicyIn, PolicyPatch, patch_fields

bp = Blueprint("policies", __name__)


def _channels():
    return current_app.config["SETTINGS"].channels


@bp.get("/policies")
@tag(["policies"])
@document_querystring(PageQuery)
async def list_policies():
    """List policies, by id."""
    limit, after = page_args()
    rows = await store.list_page(limit, after)
    return page([policy_json(r) for r in rows], limit, lambda item: item["id"])


@bp.post("/policies")
@tag(["policies"])
@validate_request(PolicyIn)
async def create_policy(data: PolicyIn):
    """Create a policy; every target must name an existing schedule, user or configured channel."""
    return policy_json(await store.create(data.model_dump(), _channels())), 201


@bp.get("/policies/<policy_id>")
@tag(["policies"])
async def get_policy(policy_id: str):
    """One policy with its steps."""
    return policy_json(await store.get(policy_id))


@bp.patch("/policies/<policy_id>")
@tag(["policies"])
@validate_request(PolicyPatch)
async def update_policy(policy_id: str, data: PolicyPatch):
    """Change fields or replace the steps; escalations already running keep their copy."""
    return policy_json(await store.update(policy_id, patch_fields(data), _channels()))


@bp.delete("/policies/<policy_id>")
@tag(["policies"])
async def delete_policy(policy_id: str):
    """Remove a policy."""
    await store.delete(policy_id)
    return "", 204


def policy_json(row: Policy) -> dict[str, Any]:
    steps = sorted(row.steps, key=lambda s: s.position)
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "repeat": row.repeat,
        "steps": [
            {
                "delay_minutes": _number(step.delay_minutes),
                "targets": [
                    {"type": t.type, "id": t.target_id} for t in sorted(step.targets, key=lambda t: t.position)
                ],
            }
            for step in steps
        ],
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def _number(value: float) -> int | float:
    """5.0 reads back as 5, as it was most likely written."""
    return int(value) if value.is_integer() else value
