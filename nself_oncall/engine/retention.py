"""Retention: the engine deletes what is kept no longer, in small batches.

- a resolved escalation, once `days` have passed since its resolution, with its notifications and their action
  links (NSELF_ONCALL_RETENTION_DAYS);
- a handoff notice that was sent, once `days` have passed since its shift started, with its notifications;
- the record of an SMS reply that acted (which makes the same reply posted again change nothing), once `days` have
  passed since it was received;
- an audit entry, once `audit_days` have passed (NSELF_ONCALL_AUDIT_DAYS).

0 keeps them for ever. A pass is one batch of each: each batch is a short transaction of its own
(store/retention.py) that deletes at most `batch` rows of each table, so that neither the database nor the other
loops of the engine wait on it. Engines sharing a PostgreSQL database delete disjoint rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..store import retention as store

log = logging.getLogger(__name__)

#: How long the loop sleeps once nothing is left to delete, and between two batches while there is.
IDLE = 300.0
PAUSE = 0.1


@dataclass(frozen=True)
class RetentionOptions:
    days: int = 90
    audit_days: int = 365
    batch: int = 500


class Retention:
    def __init__(self, options: RetentionOptions = RetentionOptions()):
        self.options = options

    async def run_once(self, now: datetime) -> bool:
        """One batch of each kind expired at `now`; whether anything was deleted (then more may be left)."""
        days, audit_days, batch = self.options.days, self.options.audit_days, self.options.batch
        deleted = False
        if days:
            cutoff = now - timedelta(days=days)
            escalations = await store.delete_expired(store.ESCALATIONS, cutoff, batch)
            if escalations:
                log.info("retention: deleted %d escalation(s) resolved before %s, %d notification(s), "
                         "%d action link(s)", escalations.parents, cutoff.isoformat(), escalations.notifications,
                         escalations.links)
            notices = await store.delete_expired(store.NOTICES, cutoff, batch)
            if notices:
                log.info("retention: deleted %d handoff notice(s) of shifts before %s, %d notification(s)",
                         notices.parents, cutoff.isoformat(), notices.notifications)
            replies = await store.delete_replies(cutoff, batch)
            if replies:
                log.info("retention: deleted %d record(s) of SMS replies received before %s", replies, cutoff.isoformat())
            deleted = bool(escalations or notices or replies)
        if audit_days:
            cutoff = now - timedelta(days=audit_days)
            entries = await store.delete_audit(cutoff, batch)
            if entries:
                log.info("retention: deleted %d audit entries from before %s", entries, cutoff.isoformat())
            deleted = deleted or entries > 0
        return deleted
