"""/api/v1/policies: escalation policies."""

from __future__ import annotations

from quart import Blueprint, current_app
from quart_schema import tag, validate_querystring, validate_request

from ..service import policies as service
from .responses import BODY, QUERY, NoContent, Page, PolicyOut, answers
from .schemas import PolicyIn, PolicyPatch, SlugPageQuery, patch_fields
from .views import by_id, page_json, policy_json

bp = Blueprint("policies", __name__)


def _channels():
    return current_app.config["SETTINGS"].channels


@bp.get("/policies")
@tag(["policies"])
@validate_querystring(SlugPageQuery)
@answers(Page[PolicyOut], errors=QUERY)
async def list_policies(query_args: SlugPageQuery):
    """List policies, by id."""
    return page_json(await service.list_policies(query_args.limit, query_args.cursor), policy_json, by_id)


@bp.post("/policies")
@tag(["policies"])
@validate_request(PolicyIn)
@answers(PolicyOut, 201, errors=(*BODY, 409))
async def create_policy(data: PolicyIn):
    """Create a policy; every target must name an existing schedule, user or configured channel."""
    return policy_json(await service.create(data.model_dump(), _channels())), 201


@bp.get("/policies/<slug:policy_id>")
@tag(["policies"])
@answers(PolicyOut, errors=(404,))
async def get_policy(policy_id: str):
    """One policy with its steps."""
    return policy_json(await service.get(policy_id))


@bp.patch("/policies/<slug:policy_id>")
@tag(["policies"])
@validate_request(PolicyPatch)
@answers(PolicyOut, errors=(*BODY, 404))
async def update_policy(policy_id: str, data: PolicyPatch):
    """Change fields or replace the steps; escalations already running keep their copy."""
    return policy_json(await service.update(policy_id, patch_fields(data), _channels()))


@bp.delete("/policies/<slug:policy_id>")
@tag(["policies"])
@answers(NoContent, 204, errors=(404,))
async def delete_policy(policy_id: str):
    """Remove a policy."""
    await service.delete(policy_id)
    return "", 204
