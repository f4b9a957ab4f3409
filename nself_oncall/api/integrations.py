"""/api/v1/integrations and /api/v1/heartbeats: the keys that let alert sources and jobs in without the API token.

A key is in the answer that creates it, and nowhere else ever again: lists and reads leave it out, and the
database keeps only its hash. Lose it, and delete the integration or heartbeat and create another.
"""

from __future__ import annotations

from dataclasses import asdict

from quart import Blueprint, current_app
from quart_schema import tag, validate_querystring, validate_request

from ..service import integrations as service
from .actor import actor
from .responses import (
    BODY,
    QUERY,
    HeartbeatCreated,
    HeartbeatOut,
    IntegrationCreated,
    IntegrationOut,
    NoContent,
    Page,
    answers,
)
from .schemas import HeartbeatIn, HeartbeatPatch, IntegrationIn, IntegrationPatch, SlugPageQuery, patch_fields
from .views import by_id, heartbeat_json, integration_json, page_json

bp = Blueprint("integrations", __name__)


def _base_url() -> str:
    return current_app.config["SETTINGS"].base_url


@bp.post("/integrations")
@tag(["integrations"])
@validate_request(IntegrationIn)
@answers(IntegrationCreated, 201, errors=(*BODY, 409))
async def create_integration(data: IntegrationIn):
    """A new integration of a policy (422 when it does not exist), with its key and the urls that hold it: keep them
    now, they are never shown again. Point Alertmanager or Grafana at `urls.alertmanager`, any PagerDuty client at
    `urls.pagerduty` with the key as `routing_key`, a script at `urls.generic` (see docs/integrations.md)."""
    record, key, urls = await service.create(data.model_dump(), _base_url(), actor=actor())
    return {**integration_json(record), "key": key, "urls": asdict(urls)}, 201


@bp.get("/integrations")
@tag(["integrations"])
@validate_querystring(SlugPageQuery)
@answers(Page[IntegrationOut], errors=QUERY)
async def list_integrations(query_args: SlugPageQuery):
    """Integrations, by id, without their keys."""
    page = await service.list_integrations(query_args.limit, query_args.cursor)
    return page_json(page, integration_json, by_id)


@bp.get("/integrations/<slug:integration_id>")
@tag(["integrations"])
@answers(IntegrationOut, errors=(404,))
async def get_integration(integration_id: str):
    """One integration, without its key."""
    return integration_json(await service.get(integration_id))


@bp.patch("/integrations/<slug:integration_id>")
@tag(["integrations"])
@validate_request(IntegrationPatch)
@answers(IntegrationOut, errors=(*BODY, 404))
async def update_integration(integration_id: str, data: IntegrationPatch):
    """A new name or policy; escalations already open keep theirs. The key stays the same."""
    return integration_json(await service.update(integration_id, patch_fields(data), actor=actor()))


@bp.delete("/integrations/<slug:integration_id>")
@tag(["integrations"])
@answers(NoContent, 204, errors=(404,))
async def delete_integration(integration_id: str):
    """Remove an integration: its key is refused from now on. Its escalations stay as they are."""
    await service.delete(integration_id, actor=actor())
    return "", 204


@bp.post("/heartbeats")
@tag(["heartbeats"])
@validate_request(HeartbeatIn)
@answers(HeartbeatCreated, 201, errors=(*BODY, 409))
async def create_heartbeat(data: HeartbeatIn):
    """A new heartbeat of a policy (422 when it does not exist), with the url that pings it: keep it now, it is never
    shown again. Unless pinged, it expires `interval_minutes` from now, and an escalation is triggered."""
    record, url = await service.create_heartbeat(data.model_dump(), _base_url(), actor=actor())
    return {**heartbeat_json(record), "url": url}, 201


@bp.get("/heartbeats")
@tag(["heartbeats"])
@validate_querystring(SlugPageQuery)
@answers(Page[HeartbeatOut], errors=QUERY)
async def list_heartbeats(query_args: SlugPageQuery):
    """Heartbeats, by id, with when each last pinged and expires; without their urls."""
    page = await service.list_heartbeats(query_args.limit, query_args.cursor)
    return page_json(page, heartbeat_json, by_id)


@bp.get("/heartbeats/<slug:heartbeat_id>")
@tag(["heartbeats"])
@answers(HeartbeatOut, errors=(404,))
async def get_heartbeat(heartbeat_id: str):
    """One heartbeat, without its url."""
    return heartbeat_json(await service.get_heartbeat(heartbeat_id))


@bp.patch("/heartbeats/<slug:heartbeat_id>")
@tag(["heartbeats"])
@validate_request(HeartbeatPatch)
@answers(HeartbeatOut, errors=(*BODY, 404))
async def update_heartbeat(heartbeat_id: str, data: HeartbeatPatch):
    """A new name, policy or interval; a new interval counts from the last ping (or the creation), so the heartbeat
    may expire at once."""
    return heartbeat_json(await service.update_heartbeat(heartbeat_id, patch_fields(data), actor=actor()))


@bp.delete("/heartbeats/<slug:heartbeat_id>")
@tag(["heartbeats"])
@answers(NoContent, 204, errors=(404,))
async def delete_heartbeat(heartbeat_id: str):
    """Remove a heartbeat: its url is refused from now on. An escalation its expiry opened stays open."""
    await service.delete_heartbeat(heartbeat_id, actor=actor())
    return "", 204
