"""Links that acknowledge or resolve an escalation from its message, kept as the sha256 of their token.

A link's token must be the same at every attempt of its notification: a retry carries the same message
(the same id, the provider's idempotency key), and a receiver that keeps the first copy must keep a
working link. A random token kept only in memory until the first send would not survive a restart, nor
reach another process that retries the message; storing it in clear would put working links in every
copy of the database. So the token is HMAC-SHA256(key, "<notification id>:<action>"), encoded as
secrets.token_urlsafe encodes 32 random bytes (43 characters): `key` is 32 random bytes made once per
database (`server_keys`, the first engine to need it writes it; every process then reads the same), so
each engine derives the same token at each attempt, and nobody can guess one without the key. Only the
token's sha256 is stored (`action_links`, primary key: a unique index), written in the transaction that
claims the notification, before any notifier sees it. A link is found by that hash and compared in
constant time by the service.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..clock import utcnow
from ..models import ActionLink
from .sql import default, execute, is_postgres, rows

ACTIONS = ("acknowledge", "resolve")
_KEY_NAME = "action_links"
_NEW_KEY = "INSERT INTO server_keys (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
_INSERT = {
    "postgres": """INSERT INTO action_links (token_hash, notification_id, action)
                   SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING""",
    "sqlite": "INSERT INTO action_links (token_hash, notification_id, action) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
}


@dataclass(frozen=True)
class Found:
    """A link's action and the notification it belongs to: its escalation and whom it reached."""

    token_hash: str
    action: str
    escalation_id: str
    user: str | None
    channel: str | None


def token(key: bytes, notification_id: str, action: str) -> str:
    """The link's token for one notification and action (43 URL-safe characters)."""
    digest = hmac.new(key, f"{notification_id}:{action}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def key() -> bytes:
    """The database's link key, made on first use; processes racing to make it all read the one that won."""
    connection = default()
    await execute(connection, _NEW_KEY, [_KEY_NAME, secrets.token_hex(32), utcnow()])
    found = await rows(connection, "SELECT value FROM server_keys WHERE name = $1", [_KEY_NAME])
    return bytes.fromhex(found[0]["value"])


async def insert(connection: Any, link_key: bytes, notification_ids: Sequence[str]) -> None:
    """Store the hashes of the links of these notifications in `connection`'s transaction (again: nothing changes)."""
    links = [(token_hash(token(link_key, n, a)), n, a) for n in notification_ids for a in ACTIONS]
    if not links:
        return
    if is_postgres(connection):
        await connection.execute_query(_INSERT["postgres"], [list(column) for column in zip(*links, strict=True)])
    else:
        await connection.execute_many(_INSERT["sqlite"], [list(link) for link in links])


async def find(digest: str) -> Found | None:
    """The link whose token hashes to `digest` (by the primary key), or None."""
    row = await ActionLink.get_or_none(token_hash=digest).select_related("notification")
    if row is None or row.notification.escalation_id is None:
        return None
    notification = row.notification
    return Found(row.token_hash, row.action, notification.escalation_id, notification.user, notification.channel)
