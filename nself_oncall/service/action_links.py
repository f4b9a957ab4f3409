"""Acknowledge or resolve from the message: the links each escalation message carries (see store/action_links.py).

A link names one notification and one action. Reading it (`look`) changes nothing: mail scanners and link
previews fetch every URL they see. Acting (`act`) goes through the escalations' own acknowledge and resolve,
recording who the notification reached: its contact's user, or `channel:<name>` for a channel target, both
as `by` and as the audit log's actor (the link is what names the person: no proxy header does here). A
link of a resolved escalation, one older than the links' lifetime, one made under another key (the secret
changed since), like an unknown one, is not found.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import timedelta

from ..clock import utcnow
from ..errors import Conflict, NotFound
from ..records import EscalationRecord
from ..store import action_links as store
from . import escalations

#: Derived from when no link has the hash asked for, so that both cases do the same work.
_NOBODY = "-"


class UnknownActionLink(NotFound):
    """No open escalation behind this link (never made, expired, made under another key, or the escalation is
    resolved); the token is not repeated."""

    def __init__(self) -> None:
        Exception.__init__(
            self, "this link does not work any more: the escalation is resolved, or the link has expired or is unknown"
        )


@dataclass(frozen=True)
class LinkCheck:
    """What a link is checked against: the key its token is derived under (keys.link_key), and how long it works."""

    key: bytes = field(repr=False)
    ttl: timedelta


@dataclass(frozen=True)
class Link:
    """What a link does (`action`), as whom (`by`), and the escalation it acts on, as it is now."""

    action: str
    by: str
    escalation: EscalationRecord


async def look(token: str, check: LinkCheck) -> Link:
    """The link's escalation, unchanged; `UnknownActionLink` when the link does not work."""
    found = await _found(token, check)
    escalation = await escalations.get(found.escalation_id)
    if escalation.status == "resolved":
        raise UnknownActionLink()
    return Link(found.action, _by(found), escalation)


async def act(token: str, check: LinkCheck) -> Link:
    """Acknowledge or resolve the link's escalation (acknowledging it again changes nothing)."""
    found = await _found(token, check)
    change = escalations.acknowledge if found.action == "acknowledge" else escalations.resolve
    try:
        escalation = await change(found.escalation_id, _by(found), actor=_by(found))
    except (Conflict, NotFound):  # resolved (or deleted) since the link was made
        raise UnknownActionLink() from None
    return Link(found.action, _by(found), escalation)


async def _found(token: str, check: LinkCheck) -> store.Found:
    """Looked up by the hash's unique index, then derived again under the check's key and compared in constant
    time (also when nothing was found), and within its lifetime."""
    found = await store.find(store.token_hash(token))
    expected = store.token(check.key, found.notification_id if found else _NOBODY, found.action if found else _NOBODY)
    matches = hmac.compare_digest(expected.encode(), token.encode())
    if found is None or not matches or utcnow() >= found.created_at + check.ttl:
        raise UnknownActionLink()
    return found


async def answer(notification_id: str, action: str, check: LinkCheck, by: str | None = None) -> Link:
    """Acknowledge or resolve as the link of one notification for `action` would (`act`), for an answer to that
    message that came another way (a key pressed during a call, an SMS reply, a Slack button): its token is derived
    again under the check's key, so the answer works exactly while the link works. `by` names who acted when the
    answer says so itself (a Slack user), else the message's contact acted, as with the link."""
    link = store.token(check.key, notification_id, action)
    if by is None:
        return await act(link, check)
    found = await _found(link, check)
    change = escalations.acknowledge if action == "acknowledge" else escalations.resolve
    try:
        escalation = await change(found.escalation_id, by, actor=by)
    except (Conflict, NotFound):
        raise UnknownActionLink() from None
    return Link(action, by, escalation)


def _by(found: store.Found) -> str:
    return found.user if found.user is not None else f"channel:{found.channel}"
