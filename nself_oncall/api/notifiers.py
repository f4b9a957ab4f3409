"""/api/v1/notifiers and /api/v1/channels: what the plugins provide and whether each channel works."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, current_app
from quart_schema import document_request, tag

from ..service import channels as service
from ..service.channels import TestResult
from .bodies import optional_body
from .responses import BODY, ChannelOut, ChannelTestOut, Everything, NotifierOut, answers
from .schemas import ChannelTestIn
from .views import iso

bp = Blueprint("notifiers", __name__)


def _registry():
    return current_app.extensions["notifiers"]


@bp.get("/notifiers")
@tag(["plugins"])
@answers(Everything[NotifierOut])
async def list_notifiers():
    """Installed notifier plugins: each notifier they register, and the plugins that are broken or disabled."""
    return {"items": service.list_notifiers(_registry()), "next_cursor": None}


@bp.get("/channels")
@tag(["plugins"])
@answers(Everything[ChannelOut])
async def list_channels():
    """The channels of plugins.toml: notifier, whether each can be used (and why not), settings with secrets masked."""
    return {"items": service.list_channels(_registry()), "next_cursor": None}


@bp.get("/channels/<channel:name>")
@tag(["plugins"])
@answers(ChannelOut, errors=(404,))
async def get_channel(name: str):
    """One channel."""
    return service.get_channel(_registry(), name)


@bp.post("/channels/<channel:name>/test")
@tag(["plugins"])
@document_request(ChannelTestIn)
@answers(ChannelTestOut, errors=(*BODY, 404))
async def test_channel(name: str):
    """Send a test message through the channel now and answer with the outcome (200 even when delivery fails).

    The body is optional: `address` sends to that address, `user_id` to that user's contact on this channel;
    with neither, the channel's own default recipient is used."""
    body = await optional_body(ChannelTestIn)
    base_url = current_app.config["SETTINGS"].base_url
    return result_json(await service.send_test(_registry(), base_url, name, body.address, body.user_id, body.summary))


def result_json(result: TestResult) -> dict[str, Any]:
    outcome = result.outcome
    return {
        "channel": result.channel,
        "notifier": result.notifier,
        "message_id": result.message_id,
        "ok": outcome.status == "sent",
        "status": outcome.status,
        "temporary": outcome.temporary,
        "provider_id": outcome.provider_id,
        "error": outcome.error,
        "retry_after": outcome.retry_after,
        "attempted_at": iso(outcome.attempted_at),
        "duration_ms": round(outcome.duration_ms, 1),
    }
