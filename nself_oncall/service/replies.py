"""Answers from the phone (Twilio's webhooks, api/inbound_twilio.py): an SMS reply that names a reply code ("3a"), and a
key pressed during a call (4 or 6).

Each acts as the acknowledge or resolve link of the message it answers would (action_links.answer): the same check
(the links' key and lifetime), the same actor (the contact's user, or `channel:<name>`) and the same audit entry. An
answer counts only for a message of a channel that the request was verified for (its auth token signed it).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from ..clock import utcnow
from ..store import replies as store
from . import action_links
from .action_links import Link, LinkCheck, UnknownActionLink

#: A reply: the code, then `a` or `r` (either case), spaces allowed around and between them, a final "." or "!".
_REPLY = re.compile(r"\s*([0-9]{1,6})\s*([ar])\s*[.!]?\s*", re.IGNORECASE)
_LETTERS = {"a": "acknowledge", "r": "resolve"}
#: The keys a call asks for.
KEYS = {"4": "acknowledge", "6": "resolve"}


class NotUnderstood(Exception):
    """The answer is not one this service takes (a reply that is not a code and a letter, a key other than 4 or 6)."""


class UnknownCode(Exception):
    """No escalation has this reply code at this number (or it belongs to a channel that the request does not
    speak for)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


class Replayed(Exception):
    """This very reply (its MessageSid) acted already: posted again, it changes nothing."""


class AlreadyResolved(Exception):
    """The answered message's escalation is resolved: nothing is done."""

    def __init__(self, summary: str):
        super().__init__(summary)
        self.summary = summary


@dataclass(frozen=True)
class Replied:
    """What a reply did: its code, and the link's outcome (its action, actor and the escalation as it is now)."""

    code: int
    link: Link


def parse(text: str) -> tuple[int, str] | None:
    """A reply's code and action ("3a" -> (3, "acknowledge")), or None when it is not one."""
    match = _REPLY.fullmatch(text)
    return (int(match[1]), _LETTERS[match[2].lower()]) if match else None


async def reply(number: str, text: str, sid: str, channels: Collection[str], check: LinkCheck) -> Replied:
    """Act on the SMS reply `sid` (Twilio's MessageSid), `text` from `number` (E.164), to a message of one of
    `channels`; each reply acts once (Twilio's signature carries no time, and codes are given again once their
    escalation is resolved: a replayed "1r" must not resolve the next escalation with code 1).

    `NotUnderstood`, `UnknownCode`, `Replayed`, `AlreadyResolved`, or `UnknownActionLink` (the message's links no
    longer work)."""
    parsed = parse(text)
    if parsed is None:
        raise NotUnderstood()
    code, action = parsed
    found = await store.find(number, code)
    if found is None or found.channel not in channels:
        raise UnknownCode(code)
    if not await store.first_reply(sid, utcnow()):
        raise Replayed()
    return Replied(code, await _answer(found, action, check))


async def press(channel: str, notification_id: str, key: str, check: LinkCheck) -> Link:
    """Act on the key pressed during the call of message `notification_id` through `channel`.

    `NotUnderstood`, `AlreadyResolved`, or `UnknownActionLink` (no such message of that channel, or its links no
    longer work)."""
    action = KEYS.get(key)
    if action is None:
        raise NotUnderstood()
    found = await store.message(notification_id)
    if found is None or found.channel != channel:
        raise UnknownActionLink()
    return await _answer(found, action, check)


async def _answer(found: store.Answered, action: str, check: LinkCheck) -> Link:
    if found.status == "resolved":
        raise AlreadyResolved(found.summary)
    return await action_links.answer(found.notification_id, action, check)
