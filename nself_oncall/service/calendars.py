"""Calendar feeds: the final schedule as a list of shifts for iCalendar, and secret links to feeds.

A link's token is random (secrets.token_urlsafe(32)), shown once when the link is made, and kept only
as its sha256: a stolen database yields no working link. A feed asked for by token costs the same
whether the token is known or not until the answer is found to be 404.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import oncall
from ..errors import Invalid, NotFound
from ..records import Page, SubscriptionRecord
from ..store import calendars as store
from ..store.cache import Loaded, ScheduleCache, interval_at
from . import people
from .feed_documents import FeedDocuments
from .instants import now
from .schedules import final_schedule, query_range

#: A feed's range when none is asked for: from two weeks ago to about six months on.
FEED_BEFORE = timedelta(days=14)
FEED_AFTER = timedelta(days=180)
#: The most events one feed holds (about 2.5 MB, and 2 s of CPU to write on a small machine).
MAX_FEED_SHIFTS = 10_000
#: Compared with when no subscription has the hash asked for, so that both cases do the same work.
_NO_HASH = "0" * 64


@dataclass(frozen=True)
class Shift:
    """One event of a feed: `interval` clipped to the feed's range, `start` where the shift really begins
    (before the range when it was already running then): what names the shift from one fetch to the next."""

    schedule_id: str
    schedule_name: str
    interval: oncall.Interval
    start: datetime


@dataclass(frozen=True)
class Feed:
    name: str
    shifts: list[Shift]


class UnknownLink(NotFound):
    """No subscription has this token (never made, or revoked); the message does not repeat the token."""

    def __init__(self) -> None:
        Exception.__init__(self, "no calendar feed at this link: unknown or revoked")


async def schedule_feed(
    cache: ScheduleCache, schedule_id: str, since: datetime | None, until: datetime | None, user: str | None = None
) -> Feed:
    """The shifts of one schedule over [since, until) (default now - 14 days to now + 180 days; the other
    rules of /shifts), only `user`'s when given."""
    loaded = await cache.get(schedule_id)
    since = feed_start() if since is None else since
    since, until = query_range(since, until, loaded.pure.zone, after=FEED_BEFORE + FEED_AFTER)
    intervals = [i for i in await final_schedule(loaded, since, until) if user is None or i.user == user]
    _check_size(len(intervals))
    name = loaded.record.name if user is None else f"{loaded.record.name}: {user}"
    return Feed(name, [await _shift(loaded, interval, since) for interval in intervals])


async def user_feed(cache: ScheduleCache, user_id: str) -> Feed:
    """One person's shifts on every schedule over the default range, by start then schedule id."""
    since = feed_start()
    found = await people.user_shifts(cache, user_id, since, since + FEED_BEFORE + FEED_AFTER)
    _check_size(len(found))
    return Feed(f"On call: {user_id}", [await _user_shift(cache, shift, since) for shift in found])


async def _user_shift(cache: ScheduleCache, shift: people.UserShift, since: datetime) -> Shift:
    if shift.interval.start > since:
        return Shift(shift.schedule_id, shift.schedule_name, shift.interval, shift.interval.start)
    return await _shift(await cache.get(shift.schedule_id), shift.interval, since)


def _check_size(shifts: int) -> None:
    if shifts > MAX_FEED_SHIFTS:
        raise Invalid(
            "until", f"this feed holds {shifts:,} shifts, over the limit of {MAX_FEED_SHIFTS:,}: ask for a shorter range"
        )


def feed_start() -> datetime:
    """The default start, in whole seconds: what iCalendar can write (it drops fractions)."""
    return now().replace(microsecond=0) - FEED_BEFORE


async def _shift(loaded: Loaded, interval: oncall.Interval, since: datetime) -> Shift:
    """Only the interval holding `since` can be clipped: its real start is that of the whole interval there."""
    start = interval.start if interval.start > since else (await interval_at(loaded, since)).start
    return Shift(loaded.record.id, loaded.record.name, interval, start)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_subscription(
    schedule_id: str | None, user_id: str | None, name: str, *, actor: str
) -> tuple[SubscriptionRecord, str]:
    """A new link to a feed (of a schedule, a user, or both: the API asks for one at least), with its token:
    the only time the token is known."""
    token = secrets.token_urlsafe(32)
    return await store.create(schedule_id, user_id, name, token_hash(token), actor=actor), token


async def list_subscriptions(limit: int, after: str | None) -> Page[SubscriptionRecord]:
    return await store.list_page(limit, after)


async def get_subscription(subscription_id: str) -> SubscriptionRecord:
    return await store.get(subscription_id)


async def revoke(subscription_id: str, *, actor: str) -> None:
    await store.delete(subscription_id, actor=actor)


async def subscription_document(cache: ScheduleCache, documents: FeedDocuments, token: str) -> bytes:
    """The document a link serves, over the default range; an unknown or revoked token is a 404. It is kept
    while the schedules it reads do not change (service/feed_documents.py)."""
    subscription = await _subscription(token)
    if subscription.schedule_id is None:
        versions, more = await cache.versions()  # a user's feed reads every schedule
        read: Hashable = (tuple(versions), more)
    else:
        read = (await cache.get(subscription.schedule_id)).version
    return await documents.kept(subscription.id, read, lambda: _subscription_feed(cache, subscription))


async def _subscription_feed(cache: ScheduleCache, subscription: SubscriptionRecord) -> Feed:
    if subscription.schedule_id is None:
        feed = await user_feed(cache, subscription.user_id)
    else:
        feed = await schedule_feed(cache, subscription.schedule_id, None, None, subscription.user_id)
    return Feed(subscription.name, feed.shifts)


async def _subscription(token: str) -> SubscriptionRecord:
    """Looked up by the hash's unique index, then compared in constant time, also when nothing was found."""
    digest = token_hash(token)
    found = await store.by_token_hash(digest)
    stored, subscription = found if found is not None else (_NO_HASH, None)
    if not hmac.compare_digest(stored, digest) or subscription is None:
        raise UnknownLink()
    return subscription
