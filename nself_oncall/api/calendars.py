"""Calendar feeds: a schedule's shifts as iCalendar, and secret links to feeds for calendar apps.

Calendar apps cannot send a bearer token, so `/ical/{token}.ics` lies outside /api/v1 (the app asks no
token there): the token in the link is the secret. Links are made, listed and revoked under /api/v1.
"""

from __future__ import annotations

from quart import Blueprint, Response, current_app
from quart_schema import document_response, security_scheme, tag, validate_querystring, validate_request

from ..service import calendars as service
from ..service.feed_documents import FeedDocuments
from ..service.instants import now
from .actor import actor
from .ical import CONTENT_TYPE, feed_ical
from .responses import BODY, QUERY, CalendarFeed, ErrorOut, NoContent, Page, SubscriptionItem, SubscriptionOut, answers
from .schemas import FeedQuery, ServerIdPageQuery, SubscriptionIn
from .views import by_id, page_json, subscription_json

bp = Blueprint("calendars", __name__)
#: Served without the bearer token.
links = Blueprint("calendar_links", __name__)


#: A feed is someone's schedule and its link a secret: no cache may keep it, and nothing it leads to learns the link.
FEED_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _cache():
    return current_app.extensions["schedule_cache"]


def _documents() -> FeedDocuments:
    return current_app.extensions["feed_documents"]


def _calendar(body: bytes) -> Response:
    return Response(body, content_type=CONTENT_TYPE, headers=FEED_HEADERS)


@links.before_app_serving
async def _keep_documents() -> None:
    current_app.extensions["feed_documents"] = FeedDocuments(feed_ical)


@bp.get("/schedules/<slug:schedule_id>/shifts.ics")
@tag(["calendars"])
@validate_querystring(FeedQuery)
@answers(CalendarFeed, errors=(*QUERY, 404, 422))
async def schedule_calendar(schedule_id: str, query_args: FeedQuery):
    """The final schedule as an iCalendar feed.

    One event per item of /shifts over `?since=&until=` (default: 14 days ago to 180 days on; at most 400 days,
    and at most 10,000 events), times in UTC, with a UID that stays the same for the same shift; `?user=` keeps
    only that user's shifts."""
    q = query_args
    feed = await service.schedule_feed(_cache(), schedule_id, q.since, q.until, q.user)
    return _calendar(await _documents().write(feed, now()))


@bp.post("/calendar-subscriptions")
@tag(["calendars"])
@validate_request(SubscriptionIn)
@answers(SubscriptionOut, 201, errors=(*BODY, 404))
async def create_subscription(data: SubscriptionIn):
    """Make a secret link to a calendar feed.

    The feed of a schedule, of a schedule filtered to one user, or (`user_id` alone) of one user's shifts on
    every schedule. The link is in this answer only; anyone who has it can read the feed."""
    record, token = await service.create_subscription(data.schedule_id, data.user_id, data.name, actor=actor())
    url = f"{current_app.config['SETTINGS'].base_url}/ical/{token}.ics"
    return {**subscription_json(record), "url": url}, 201


@bp.get("/calendar-subscriptions")
@tag(["calendars"])
@validate_querystring(ServerIdPageQuery)
@answers(Page[SubscriptionItem], errors=QUERY)
async def list_subscriptions(query_args: ServerIdPageQuery):
    """Calendar subscriptions, oldest first, without their links."""
    return page_json(await service.list_subscriptions(query_args.limit, query_args.cursor), subscription_json, by_id)


@bp.get("/calendar-subscriptions/<server_id:subscription_id>")
@tag(["calendars"])
@answers(SubscriptionItem, errors=(404,))
async def get_subscription(subscription_id: str):
    """One calendar subscription, without its link."""
    return subscription_json(await service.get_subscription(subscription_id))


@bp.delete("/calendar-subscriptions/<server_id:subscription_id>")
@tag(["calendars"])
@answers(NoContent, 204, errors=(404,))
async def revoke_subscription(subscription_id: str):
    """Revoke a subscription: its link answers 404 from now on."""
    await service.revoke(subscription_id, actor=actor())
    return "", 204


@links.get("/ical/<token:token>.ics")
@tag(["calendars"])
@security_scheme([])
@document_response(CalendarFeed)
@document_response(ErrorOut, 404)
@document_response(ErrorOut, 422)
@document_response(ErrorOut, 503)
async def subscribed_calendar(token: str):
    """The calendar feed behind a secret link, without the bearer token.

    The link is the secret. The feed covers 14 days ago to 180 days on; it is kept for up to 5 minutes while its
    schedules do not change. An unknown or revoked link is 404; a schedule too heavy to compute over that range
    at once, or with more than 10,000 shifts in it, is 422."""
    return _calendar(await service.subscription_document(_cache(), _documents(), token))
