"""/api/v1/audit: who changed what through the API, and when."""

from __future__ import annotations

from quart import Blueprint
from quart_schema import tag, validate_querystring

from ..service import audit as service
from .responses import QUERY, AuditEntryOut, Page, answers
from .schemas import AuditQuery
from .views import audit_json, iso, page_json

bp = Blueprint("audit", __name__)


@bp.get("/audit")
@tag(["audit"])
@validate_querystring(AuditQuery)
@answers(Page[AuditEntryOut], errors=QUERY)
async def list_entries(query_args: AuditQuery):
    """The audit log, newest first: every change made through the API, with who made it (the trusted header,
    else `api`) and the resource before and after. `?since=&until=` (with an offset) keep the entries in
    that range, `?resource=` one kind of resource, `?id=` one resource."""
    q = query_args
    page = await service.entries(q.limit, q.cursor, q.resource, q.id, q.since, q.until)
    return page_json(page, audit_json, lambda e: (iso(e.at), e.id))
