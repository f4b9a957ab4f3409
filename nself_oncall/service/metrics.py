"""What /metrics reads at scrape time: the database's open work (the same whichever process runs the engine) and
the health of this process's plugins and channels. What is over (resolved escalations, messages sent or given up) is
never read: its count only grows, and so would each scrape's cost. The engine counts its messages' outcomes as it
finishes them instead (nself_oncall/metrics.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from ..migrate import pending_migrations
from ..plugins import Registry
from ..store import metrics as store
from ..store import transient
from .instants import now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelHealth:
    name: str
    notifier: str
    up: bool


@dataclass(frozen=True)
class Database:
    """The open work read from the database: open escalations by status, messages not yet final by channel; ages in
    seconds (0 when nothing is late)."""

    escalations: dict[str, int]
    pending: dict[str, int]
    message_lag: float
    step_lag: float
    migrations_pending: int


@dataclass(frozen=True)
class Snapshot:
    channels: list[ChannelHealth]
    plugins: dict[str, bool]  # plugin -> loaded (a disabled plugin is not listed)
    database: Database | None  # None: the database could not answer (away, or an error of the moment)


async def snapshot(registry: Registry) -> Snapshot:
    channels = [ChannelHealth(s.name, s.notifier, s.ok) for s in sorted(registry.channels.values(), key=lambda s: s.name)]
    plugins = {info.name: info.status == "ok" for info in registry.plugins.values() if info.status != "disabled"}
    try:
        database = await _database(now(), [c.name for c in channels])
    except Exception as exc:
        if not transient(exc):  # the database away, or an error of the moment (out of connections, a deadlock)
            raise
        log.warning("metrics: the database cannot answer just now: %s", type(exc).__name__)
        database = None
    return Snapshot(channels, plugins, database)


async def _database(at: datetime, channels: list[str]) -> Database:
    """Every open status and every configured channel is there, 0 included."""
    backlog = await store.backlog(at)
    return Database(
        escalations=dict.fromkeys(store.OPEN, 0) | await store.open_escalations(),
        pending=dict.fromkeys(channels, 0) | backlog.pending,
        message_lag=_age(backlog.oldest_message_due, at),
        step_lag=_age(backlog.oldest_step_due, at),
        migrations_pending=len(await pending_migrations()),
    )


def _age(due: datetime | None, at: datetime) -> float:
    return 0.0 if due is None else max(0.0, (at - due).total_seconds())
