"""The audit log: every change made through the API, newest first."""

from __future__ import annotations

from datetime import datetime

from ..errors import BadQuery
from ..records import AuditRecord, Page
from ..store import audit as store
from .instants import query_instant


async def entries(
    limit: int,
    after: tuple[datetime, str] | None,
    resource: str | None,
    resource_id: str | None,
    since: datetime | None,
    until: datetime | None,
) -> Page[AuditRecord]:
    """Entries in [since, until) (both need an offset: the log is about no one schedule)."""
    since, until = query_instant("since", since, None), query_instant("until", until, None)
    if since is not None and until is not None and until < since:
        raise BadQuery("until", "must not be before since")
    return await store.list_page(limit, after, resource, resource_id, since, until)
