"""Heartbeats whose pings stopped -> one escalation each, once, whatever the number of engines.

A heartbeat's expiry is a due time in its row (store/heartbeats.py): a pass locks the due ones, triggers each one's
escalation on its policy (dedup key `heartbeat:{id}`, by `heartbeat:{id}`) and clears the due time, in one
transaction. One whose escalation is still open from an earlier expiry gets no second one. One whose escalation
cannot be triggered (any error but one of the moment) is logged with its traceback and left expired: the next
ping starts it again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from ..records import Source
from ..store import escalations, heartbeats, policies
from ..store.heartbeats import Expired
from ..store.sql import default

log = logging.getLogger(__name__)


class Heartbeats:
    def __init__(self, batch: int = 50):
        self.batch = batch

    async def run_once(self, now: datetime) -> int:
        """Trigger the escalations of up to `batch` heartbeats expired by `now`; how many were handled."""

        async def expire(heartbeat: Expired) -> None:
            await _trigger(heartbeat, now)

        async def failed(heartbeat: Expired, error: Exception) -> None:
            log.error("heartbeat %r expired, but its escalation could not be triggered (%s: %s); it stays expired "
                      "until its next ping", heartbeat.id, type(error).__name__, error, exc_info=error)

        handled = await heartbeats.expire_due(now, self.batch, expire, failed)
        if handled:
            log.info("heartbeats: %d expired", handled)
        return handled


async def _trigger(heartbeat: Expired, now: datetime) -> None:
    source, key = Source(heartbeat_id=heartbeat.id), heartbeats.dedup_key(heartbeat.id)
    if await escalations.open_id(key, source) is not None:
        return
    snapshot = policies.snapshot(await policies.get(heartbeat.policy_id))
    await policies.check_size(snapshot, "policy_id")
    details = {
        "heartbeat_id": heartbeat.id,
        "name": heartbeat.name,
        "last_ping_at": _iso(heartbeat.last_ping_at),
        "expired_at": _iso(heartbeat.expires_at),
    }
    await escalations.insert(
        default(), snapshot, summary(heartbeat), details, key, now, f"heartbeat:{heartbeat.id}", source
    )


def summary(heartbeat: Expired) -> str:
    if heartbeat.last_ping_at is None:
        return f"Heartbeat {heartbeat.name!r} expired: it has never pinged"
    return f"Heartbeat {heartbeat.name!r} expired: no ping since {heartbeat.last_ping_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")

