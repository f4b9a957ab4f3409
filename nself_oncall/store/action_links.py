"""Links that acknowledge or resolve an escalation from its message, kept as the sha256 of their token.

A link's token must be the same at every attempt of its notification: a retry carries the same message
(the same id, the provider's idempotency key), and a receiver that keeps the first copy must keep a
working link. A random token kept only in memory until the first send would not survive a restart, nor
reach another process that retries the message; storing it in clear would put working links in every
copy of the database. So the token is HMAC-SHA256(key, "<notification id>:<action>"), encoded as
secrets.token_urlsafe encodes 32 random bytes (43 characters), and `key` is derived from a secret the
database does not hold (keys.link_key: NSELF_ONCALL_LINK_SECRET, else PLUGIN_SECRET), so each engine
derives the same token at each attempt while a copy of the database forges none. Only the token's sha256
is stored (`action_links`, primary key: a unique index), with the time the link was made, written in the
transaction that claims the notification, before any notifier sees it. A link is found by that hash;
the service then derives its token again under the current key (a link made under another secret does
not work) and checks its age.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..models import ActionLink
from .sql import is_postgres

ACTIONS = ("acknowledge", "resolve")
# A notification's link for an action is made once: a retry derives the same token and changes nothing. Under a
# new key (the secret changed), the retry's token is new, and replaces the old one, made again from now.
_UPSERT = """ON CONFLICT (notification_id, action) DO UPDATE SET token_hash = excluded.token_hash,
             created_at = excluded.created_at WHERE action_links.token_hash <> excluded.token_hash"""
_INSERT = {
    "postgres": f"""INSERT INTO action_links (token_hash, notification_id, action, created_at)
                    SELECT t, n, a, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS links (t, n, a) {_UPSERT}""",
    "sqlite": f"INSERT INTO action_links (token_hash, notification_id, action, created_at) VALUES (?, ?, ?, ?) {_UPSERT}",
}


@dataclass(frozen=True)
class Found:
    """A link's action and the notification it belongs to: its escalation and whom it reached."""

    token_hash: str
    notification_id: str
    action: str
    created_at: datetime
    escalation_id: str
    user: str | None
    channel: str | None


def token(key: bytes, notification_id: str, action: str) -> str:
    """The link's token for one notification and action (43 URL-safe characters)."""
    digest = hmac.new(key, f"{notification_id}:{action}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def insert(connection: Any, link_key: bytes, notification_ids: Sequence[str], now: datetime) -> None:
    """Store the hashes of the links of these notifications, made at `now`, in `connection`'s transaction (again,
    under the same key: nothing changes)."""
    links = [(token_hash(token(link_key, n, a)), n, a) for n in notification_ids for a in ACTIONS]
    if not links:
        return
    if is_postgres(connection):
        columns = [list(column) for column in zip(*links, strict=True)]
        await connection.execute_query(_INSERT["postgres"], [*columns, now])
    else:
        await connection.execute_many(_INSERT["sqlite"], [[*link, now] for link in links])


async def find(digest: str) -> Found | None:
    """The link whose token hashes to `digest` (by the primary key), or None."""
    row = await ActionLink.get_or_none(token_hash=digest).select_related("notification")
    if row is None or row.notification.escalation_id is None:
        return None
    notification = row.notification
    return Found(
        row.token_hash, row.notification_id, row.action, row.created_at, notification.escalation_id, notification.user,
        notification.channel,
    )
