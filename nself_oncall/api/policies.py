"""/api/v1/policies: escalation policies."""

from __future__ import annotations

from quart import Blueprint, current_app
from quart_schema import tag, validate_querystring, validate_request

from ..service import policies as service
from ..service import preview as previews
from .actor import actor
from .responses import BODY, QUERY, NoContent, Page, PolicyOut, PreviewOut, answers
from .schemas import PolicyIn, PolicyPatch, PreviewQuery, SlugPageQuery, patch_fields
from .views import by_id, page_json, policy_json, preview_json

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
    """Create a policy; every target must name an existing schedule, user or configured channel, and an escalation
    of it may make at most 10,000 messages through its last repeat (each target once a loop, a user once per
    contact): 422 otherwise."""
    return policy_json(await service.create(data.model_dump(), _channels(), actor=actor())), 201


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
    """Change fields or replace the steps; escalations already running keep their copy. Steps or a repeat that make
    over 10,000 messages are refused (422), as when a policy is created."""
    return policy_json(await service.update(policy_id, patch_fields(data), _channels(), actor=actor()))


@bp.delete("/policies/<slug:policy_id>")
@tag(["policies"])
@answers(NoContent, 204, errors=(404, 409))
async def delete_policy(policy_id: str):
    """Remove a policy; one that an integration or a heartbeat sends its alerts to is a 409 (change or delete that
    first). Escalations of it keep their copy."""
    await service.delete(policy_id, actor=actor())
    return "", 204


@bp.get("/policies/<slug:policy_id>/preview")
@tag(["policies"])
@validate_querystring(PreviewQuery)
@answers(PreviewOut, errors=(*QUERY, 404, 422))
async def preview_policy(policy_id: str, query_args: PreviewQuery):
    """A dry run: every message an escalation of this policy triggered at `?at=` would send if nobody
    acknowledged it, through the last repeat, in due order.

    `at` defaults to now; without an offset it is read as UTC (a policy has no time zone). A schedule target
    resolves to who is on call at its step's due time (a gap is `undeliverable`, reason `nobody on call`), a
    user to each of their contacts; `status` is `would_send` or `undeliverable`, with the `reason` the engine
    would record. The same code decides the preview and the engine, from the schedules, overrides, users and
    channels as they are now. A policy whose escalation would make over 10,000 messages is refused (422)."""
    cache = current_app.extensions["schedule_cache"]
    registry = current_app.extensions["notifiers"]
    return preview_json(await previews.preview(cache, registry, policy_id, query_args.at))
