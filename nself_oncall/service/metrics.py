"""What /metrics reads at scrape time: the database's counts (the same whichever process runs the engine) and
the health of this process's plugins and channels."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from ..migrate import pending_migrations
from ..plugins import Registry
from ..store import database_unavailable
from ..store import metrics as store
from .instants import now

log = logging.getLogger(__name__)

ESCALATION_STATUSES = ("triggered", "acknowledged", "resolved")
NOTIFICATION_STATUSES = ("pending", "sent", "failed", "undeliverable")


@dataclass(frozen=True)
class ChannelHealth:
    name: str
    notifier: str
    up: bool


@dataclass(frozen=True)
class Database:
    """The counts read from the database; ages in seconds (0 when nothing is late)."""

    escalations: dict[str, int]
    notifications: dict[tuple[str, str], int]
    pending: int
    message_lag: float
    step_lag: float
    migrations_pending: int


@dataclass(frozen=True)
class Snapshot:
    channels: list[ChannelHealth]
    plugins: dict[str, bool]  # plugin -> loaded (a disabled plugin is not listed)
    database: Database | None  # None: the database could not be reached


async def snapshot(registry: Registry) -> Snapshot:
    channels = [ChannelHealth(s.name, s.notifier, s.ok) for s in sorted(registry.channels.values(), key=lambda s: s.name)]
    plugins = {info.name: info.status == "ok" for info in registry.plugins.values() if info.status != "disabled"}
    try:
        database = await _database(now(), [c.name for c in channels])
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        log.warning("metrics: the database cannot be reached: %s", type(exc).__name__)
        database = None
    return Snapshot(channels, plugins, database)


async def _database(at: datetime, channels: list[str]) -> Database:
    """Every status of every configured channel is counted, 0 included, so that a rate of the first failure
    can be seen (a series that appears at 1 has no increase)."""
    backlog = await store.backlog(at)
    zeros = {(channel, status): 0 for channel in channels for status in NOTIFICATION_STATUSES}
    return Database(
        escalations={status: 0 for status in ESCALATION_STATUSES} | await store.escalations_by_status(),
        notifications=zeros | await store.notifications_by_channel(),
        pending=backlog.pending,
        message_lag=_age(backlog.oldest_message_due, at),
        step_lag=_age(backlog.oldest_step_due, at),
        migrations_pending=len(await pending_migrations()),
    )


def _age(due: datetime | None, at: datetime) -> float:
    return 0.0 if due is None else max(0.0, (at - due).total_seconds())
