"""Notifier plugins and channels: what is installed, what works, and a test message through one channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
from .instants import now

TEST_SUMMARY = "Test notification from nself-oncall"


@dataclass(frozen=True)
class TestResult:
    channel: str
    notifier: str
    message_id: str
    outcome: Outcome


def list_notifiers(registry: Registry) -> list[dict[str, Any]]:
    return notifier_items(registry)


def list_channels(registry: Registry) -> list[dict[str, Any]]:
    return channel_items(registry)


def get_channel(registry: Registry, name: str) -> dict[str, Any]:
    return channel_item(_channel(registry, name))


async def send_test(
    registry: Registry, base_url: str, name: str, address: str | None, user_id: str | None, summary: str | None
) -> TestResult:
    """Send a test message now: to `address`, to `user_id`'s contact on this channel, or to the channel's default."""
    state = _channel(registry, name)
    contact = await _test_contact(registry, state, address, user_id)
    message = Message(
        id=new_id(),
        escalation_id=None,
        summary=summary or TEST_SUMMARY,
        details={"test": True, "channel": name},
        step=0,
        loop=0,
        target=Target("channel", name),
        link=f"{base_url}/api/v1/channels/{name}",
        created_at=now(),
        test=True,
    )
    outcome = await deliver(registry, name, message, contact)
    return TestResult(name, state.notifier, message.id, outcome)


def _channel(registry: Registry, name: str) -> ChannelState:
    state = registry.channels.get(name)
    if state is None:
        raise NotFound("channel", name)
    return state


async def _test_contact(registry: Registry, state: ChannelState, address: str | None, user_id: str | None) -> Contact:
    if user_id is not None:
        try:
            user = await users.get(user_id)
        except NotFound:
            raise Invalid("user_id", f"no user {user_id!r}") from None
        found = next((c.address for c in user.contacts if c.channel == state.name), None)
        if found is None:
            raise Invalid("user_id", f"user {user.id!r} has no contact on channel {state.name!r}")
        return Contact(state.name, found, user.id, user.name)
    if address is None:
        return Contact(state.name)
    try:
        return Contact(state.name, registry.check_address(state.name, address))
    except InvalidAddress as exc:
        raise Invalid("address", str(exc) or "not an address this channel can use") from None
