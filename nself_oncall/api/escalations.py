"""/api/v1/escalations: trigger, list, read, acknowledge and resolve. Nothing here waits on a notifier."""

from __future__ import annotations

from quart import Blueprint, current_app
from quart_schema import document_request, document_response, tag, validate_querystring, validate_request

from ..service import escalations as service
from .actor import actor
from .bodies import optional_body
from .responses import BODY, QUERY, EscalationItem, EscalationOut, NotificationOut, Page, answers
from .schemas import ActorIn, EscalationIn, EscalationsQuery, NotificationsQuery
from .views import by_id, by_position, escalation_json, notification_json, page_json

bp = Blueprint("escalations", __name__)


@bp.post("/escalations")
@tag(["escalations"])
@validate_request(EscalationIn)
@answers(EscalationOut, 201, errors=(*BODY, 404, 409))
@document_response(EscalationOut, 200)
async def trigger(data: EscalationIn):
    """Trigger an escalation of a policy (201); the engine notifies step 0 at once.

    With a `dedup_key` that an escalation not yet resolved has, answer that one with 200 and notify nobody again.
    An unknown policy is 404; a policy whose escalation would make over 10,000 messages (its users' contacts as
    they are now) is 422."""
    wake = current_app.extensions["wake_engine"]
    record, created = await service.trigger(
        data.policy_id, data.summary, data.details, data.dedup_key, wake, actor=actor()
    )
    return escalation_json(record), 201 if created else 200


@bp.get("/escalations")
@tag(["escalations"])
@validate_querystring(EscalationsQuery)
@answers(Page[EscalationItem], errors=QUERY)
async def list_escalations(query_args: EscalationsQuery):
    """Escalations, newest first, without their notifications."""
    page = await service.list_escalations(query_args.statuses, query_args.policy_id, query_args.limit, query_args.cursor)
    return page_json(page, escalation_json, by_id)


@bp.get("/escalations/<server_id:escalation_id>")
@tag(["escalations"])
@answers(EscalationOut, errors=(404,))
async def get_escalation(escalation_id: str):
    """One escalation with its first 100 notifications, in the order their steps were reached; with more,
    `notifications_next_cursor` reads the others from GET /api/v1/escalations/{id}/notifications."""
    return escalation_json(await service.get(escalation_id))


@bp.get("/escalations/<server_id:escalation_id>/notifications")
@tag(["escalations"])
@validate_querystring(NotificationsQuery)
@answers(Page[NotificationOut], errors=(*QUERY, 404))
async def list_notifications(escalation_id: str, query_args: NotificationsQuery):
    """One escalation's notifications, in the order their steps were reached (as in the escalation), paginated."""
    page = await service.notifications(escalation_id, query_args.limit, query_args.cursor)
    return page_json(page, notification_json, by_position)


@bp.post("/escalations/<server_id:escalation_id>/acknowledge")
@tag(["escalations"])
@document_request(ActorIn)
@answers(EscalationOut, errors=(*BODY, 404, 409))
async def acknowledge(escalation_id: str):
    """Stop further steps. The body is optional; `by` records who. Again: 200, unchanged. Resolved: 409."""
    body = await optional_body(ActorIn)
    return escalation_json(await service.acknowledge(escalation_id, body.by, actor=actor()))


@bp.post("/escalations/<server_id:escalation_id>/resolve")
@tag(["escalations"])
@document_request(ActorIn)
@answers(EscalationOut, errors=(*BODY, 404, 409))
async def resolve(escalation_id: str):
    """End the escalation: no further steps, and its dedup_key is free again. The body is optional. Resolved: 409."""
    body = await optional_body(ActorIn)
    return escalation_json(await service.resolve(escalation_id, body.by, actor=actor()))
