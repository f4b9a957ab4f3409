"""/api/v1/notifiers and /api/v1/channels: what the plugins provide and whether each channel works."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from quart import Blueprint, current_app, request
from quart_schema import document_request, tag
from quart_schema.validation import RequestSchemaValidationError

from ..errors import Invalid, NotFound
from ..plugins import (
    ChannelState,
    Contact,
    InvalidAddress,
    Message,
    Outcome,
    Registry,
    Target,
    channel_item,
    channel_items,
    deliver,
    notifier_items,
)
from ..store import users
from ..store.ids import new_id
from .params import iso, now
from .schemas import ChannelTestIn

bp = Blueprint("notifiers", __name__)

TEST_SUMMARY = "Test notification from nself-oncall"


def _registry() -> Registry:
    return current_app.extensions["notifiers"]


@bp.get("/notifiers")
@tag(["plugins"])
async def list_notifiers():
    """Installed notifier plugins: each notifier they register, and the plugins that are broken or disabled."""
    return {"items": notifier_items(_registry()), "next_cursor": None}


@bp.get("/channels")
@tag(["plugins"])
async def list_channels():
    """The channels of plugins.toml: notifier, whether each can be used (and why not), settings with secrets masked."""
    return {"items": channel_items(_registry()), "next_cursor": None}


@bp.get("/channels/<name>")
@tag(["plugins"])
async def get_channel(name: str):
    """One channel."""
    return channel_item(_channel(name))


@bp.post("/channels/<name>/test")
@tag(["plugins"])
@document_request(ChannelTestIn)
async def test_channel(name: str):
    """Send a test message through the channel now and answer with the outcome (200 even when delivery fails).

    The body is optional: `address` sends to that address, `user_id` to that user's contact on this channel;
    with neither, the channel's own default recipient is used."""
    state = _channel(name)
    body = await _test_body()
    contact = await _test_contact(state, body)
    message = Message(
        id=new_id(),
        escalation_id=None,
        summary=body.summary or TEST_SUMMARY,
        details={"test": True, "channel": name},
        step=0,
        loop=0,
        target=Target("channel", name),
        link=f"{current_app.config['SETTINGS'].base_url}/api/v1/channels/{name}",
        created_at=now(),
        test=True,
    )
    outcome = await deliver(_registry(), name, message, contact)
    return {"channel": name, "notifier": state.notifier, "message_id": message.id, **outcome_json(outcome)}


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "ok": outcome.status == "sent",
        "status": outcome.status,
        "temporary": outcome.temporary,
        "provider_id": outcome.provider_id,
        "error": outcome.error,
        "retry_after": outcome.retry_after,
        "attempted_at": iso(outcome.attempted_at),
        "duration_ms": round(outcome.duration_ms, 1),
    }


def _channel(name: str) -> ChannelState:
    state = _registry().channels.get(name)
    if state is None:
        raise NotFound("channel", name)
    return state


async def _test_body() -> ChannelTestIn:
    """The body is optional: an empty one means all defaults."""
    raw = await request.get_data()
    data = await request.get_json() if raw.strip() else {}
    try:
        return ChannelTestIn.model_validate(data)
    except ValidationError as exc:
        raise RequestSchemaValidationError(exc) from None


async def _test_contact(state: ChannelState, body: ChannelTestIn) -> Contact:
    if body.user_id is not None:
        try:
            user = await users.get(body.user_id)
        except NotFound:
            raise Invalid("user_id", f"no user {body.user_id!r}") from None
        contacts = sorted(user.contacts, key=lambda c: c.position)
        address = next((c.address for c in contacts if c.channel == state.name), None)
        if address is None:
            raise Invalid("user_id", f"user {user.id!r} has no contact on channel {state.name!r}")
        return Contact(state.name, address, user.id, user.name)
    if body.address is None:
        return Contact(state.name)
    try:
        return Contact(state.name, _registry().check_address(state.name, body.address))
    except InvalidAddress as exc:
        raise Invalid("address", str(exc) or "not an address this channel can use") from None
