"""Slack's interactive buttons (api/inbound_slack.py): who clicked, acting as the message's link would, and the
message updated through the click's `response_url` to say what the click did.

The update is the `slack` notifier's to make (its blocks, through its outbound guard and the channel's `allow`): this
module reaches it through the registry, as the engine reaches a notifier, never by importing it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..plugins import Registry
from ..plugins.redact import mask, secret_parts
from ..plugins.types import DeliveryError
from ..store import replies, users
from . import action_links
from .action_links import Link, LinkCheck, UnknownActionLink

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Click:
    """A click on Acknowledge or Resolve in a message of `channel`: the button's `action` and `message_id` (its value,
    the notification's id), the Slack `member` who clicked, where to answer, and the message's blocks as Slack
    shows them."""

    channel: str
    action: str
    message_id: str
    member: str
    response_url: str = field(repr=False)  # a credential: it posts into the conversation for 30 minutes
    blocks: Sequence[Mapping[str, Any]] = ()


async def actor(channel: str, member: str) -> str:
    """Who a click acts as: the user whose contact on `channel` has the Slack member id as its address, when exactly
    one user's has; else `slack:<member id>` (nobody's, or several people's)."""
    found = await users.with_contact(channel, member)
    return found[0] if len(found) == 1 else f"slack:{member}"


async def act(click: Click, check: LinkCheck, channels: Collection[str]) -> Link | None:
    """Acknowledge or resolve as the message's link would, with the Slack member as the actor; None when the link no
    longer works (the escalation is resolved, or the link expired or is unknown), and when the message did not go
    through one of `channels`, those that share the signing secret that the click was verified under: a button is
    only as good as the Slack app that posted it, and anyone who can post to one app's channel can make a button
    with any value."""
    sent = await replies.message(click.message_id)
    if sent is None or sent.channel not in channels:
        return None
    by = await actor(click.channel, click.member)
    try:
        return await action_links.answer(click.message_id, click.action, check, by=by)
    except UnknownActionLink:
        return None


async def tell(registry: Registry, click: Click, link: Link | None) -> None:
    """Update the clicked message to say who acknowledged or resolved the escalation and when, or, when the click
    changed nothing, tell the clicker alone. Runs after the answer to Slack, which wants one within 3 seconds: a
    failure is logged (without the response URL), and changes nothing else."""
    state = registry.channels[click.channel]
    notifier: Any = registry.notifiers[state.notifier]  # the slack notifier: the door checked it
    try:
        async with asyncio.timeout(state.timeout):
            if link is None:
                await notifier.refused(state.settings, click.response_url, timeout=state.timeout)
            else:
                await notifier.answered(state.settings, click.response_url, click.blocks, **_outcome(click, link),
                                        timeout=state.timeout)
    except TimeoutError:
        log.warning("channel %r: Slack message %s not updated: timed out", click.channel, click.message_id)
    except DeliveryError as exc:
        reason = mask(state.redact(str(exc)), secret_parts(click.response_url))
        log.warning("channel %r: Slack message %s not updated: %s", click.channel, click.message_id, reason)
    except Exception as exc:  # the notifier's bug: its text may quote the URL
        log.error("channel %r: updating Slack message %s raised %s", click.channel, click.message_id,
                  type(exc).__name__)


def _outcome(click: Click, link: Link) -> dict[str, Any]:
    """What the update says: the escalation's status, who brought it there and when (an earlier acknowledgement
    stays its own person's), and the Slack member to mention when that was a Slack member."""
    escalation = link.escalation
    resolved = escalation.status == "resolved"
    by = escalation.resolved_by if resolved else escalation.acknowledged_by  # None: acknowledged with no `by`
    at = escalation.resolved_at if resolved else escalation.acknowledged_at
    if by == link.by:
        member: str | None = click.member
    else:
        member = by.removeprefix("slack:") if by and by.startswith("slack:") else None
    return {"message_id": click.message_id, "status": escalation.status, "by": by, "member": member, "at": at}
