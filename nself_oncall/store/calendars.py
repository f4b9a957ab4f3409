"""Calendar subscriptions: secret links to feeds, kept as the sha256 of their token."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from ..clock import utcnow
from ..errors import NotFound
from ..models import CalendarSubscription, Schedule
from ..records import Page, SubscriptionRecord
from . import audit
from .ids import new_id


async def create(
    schedule_id: str | None, user_id: str | None, name: str, token_hash: str, *, actor: str
) -> SubscriptionRecord:
    """A subscription of an existing schedule (404 otherwise) and/or a user id (no record needed). The audit
    entry holds the record, which has neither the token nor its hash.

    A schedule deleted between the check and the insert makes the insert break its foreign key: that is a 404 too,
    not the 409 an IntegrityError otherwise is (the check takes no lock, so that links are made while the schedule
    is being edited)."""
    try:
        async with in_transaction() as connection:
            if schedule_id is not None and not await Schedule.exists(id=schedule_id):
                raise NotFound("schedule", schedule_id)
            row = await CalendarSubscription.create(
                id=new_id(), schedule_id=schedule_id, user_id=user_id, name=name, token_hash=token_hash,
                created_at=utcnow(),
            )
            after = _record(row)
            await audit.record(connection, "calendar_subscription", row.id, "create", before=None, after=after,
                               actor=actor)
    except IntegrityError:
        if schedule_id is not None and not await Schedule.exists(id=schedule_id):
            raise NotFound("schedule", schedule_id) from None
        raise
    return after


async def list_page(limit: int, after: str | None) -> Page[SubscriptionRecord]:
    """Oldest first (ids sort by creation time); `after` is the last id of the previous page."""
    query = CalendarSubscription.all().order_by("id").limit(limit + 1)
    if after is not None:
        query = query.filter(id__gt=after)
    rows = await query
    return Page(tuple(_record(r) for r in rows[:limit]), len(rows) > limit)


async def get(subscription_id: str) -> SubscriptionRecord:
    row = await CalendarSubscription.get_or_none(id=subscription_id)
    if row is None:
        raise NotFound("calendar subscription", subscription_id)
    return _record(row)


async def delete(subscription_id: str, *, actor: str) -> None:
    async with in_transaction() as connection:
        row = await CalendarSubscription.select_for_update().get_or_none(id=subscription_id)
        if row is None:
            raise NotFound("calendar subscription", subscription_id)
        before = _record(row)
        await row.delete()
        await audit.record(
            connection, "calendar_subscription", subscription_id, "delete", before=before, after=None, actor=actor
        )


async def by_token_hash(token_hash: str) -> tuple[str, SubscriptionRecord] | None:
    """The stored hash and the subscription whose token hashes to `token_hash` (a unique index), or None."""
    row = await CalendarSubscription.get_or_none(token_hash=token_hash)
    return None if row is None else (row.token_hash, _record(row))


def _record(row: CalendarSubscription) -> SubscriptionRecord:
    return SubscriptionRecord(row.id, row.schedule_id, row.user_id, row.name, row.created_at)
