"""Users and their contact methods."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from tortoise.transactions import in_transaction

from ..clock import utcnow
from ..errors import NotFound
from ..models import ContactMethod, User
from ..records import ContactRecord, NotificationRuleRecord, Page, UserRecord
from . import audit
from .ids import insert_new, refuse_if_targeted
from .sql import any_of, default, instant, json_value, rows

NAME_LENGTH = User._meta.fields_map["name"].max_length
Contact = tuple[str, str]  # (channel, address), already checked


async def get(user_id: str) -> UserRecord:
    row = await User.get_or_none(id=user_id).prefetch_related("contacts")
    if row is None:
        raise NotFound("user", user_id)
    return _record(row)


async def with_contact(channel: str, address: str) -> list[str]:
    """The ids of at most two users with a contact of `address` on `channel`: enough to tell whether exactly one has."""
    found = ContactMethod.filter(channel=channel, address=address).order_by("user_id").distinct()
    return list(await found.limit(2).values_list("user_id", flat=True))


async def list_page(limit: int, after: str | None) -> Page[UserRecord]:
    query = User.all().order_by("id").limit(limit + 1).prefetch_related("contacts")
    if after is not None:
        query = query.filter(id__gt=after)
    found = await query
    return Page(tuple(_record(r) for r in found[:limit]), len(found) > limit)


async def create(
    user_id: str, name: str | None, contacts: list[Contact], rules: list[NotificationRuleRecord], *, actor: str
) -> UserRecord:
    """A new user with checked contacts and rules; without a name, the id (as much as a name holds) stands for it."""
    async with in_transaction() as connection:
        row = await insert_new(User, user_id, name=name or user_id[:NAME_LENGTH], notification_rules=_rules_json(rules))
        await _save_contacts(row, contacts)
        after = await get(row.id)
        await audit.record(connection, "user", user_id, "create", before=None, after=after, actor=actor)
    return after


async def update(
    user_id: str,
    name: str | None,
    contacts: list[Contact] | None,
    rules: list[NotificationRuleRecord] | None,
    check: Callable[[UserRecord], None],
    *,
    actor: str,
) -> UserRecord:
    """Change what is not None (`contacts` and `rules` replace them all), once `check` passes the user as they are
    (read under the row's lock, so that two changes cannot leave a rule without its contact)."""
    async with in_transaction() as connection:
        row = await User.select_for_update().get_or_none(id=user_id)
        if row is None:
            raise NotFound("user", user_id)
        before = await get(user_id)
        check(before)
        if name is not None:
            row.name = name
        if rules is not None:
            row.notification_rules = _rules_json(rules)
        if contacts is not None:
            await ContactMethod.filter(user_id=user_id).delete()
            await _save_contacts(row, contacts)
        row.updated_at = utcnow()
        await row.save()
        after = await get(user_id)
        await audit.record(connection, "user", user_id, "update", before=before, after=after, actor=actor)
    return after


async def delete(user_id: str, *, actor: str) -> None:
    async with in_transaction() as connection:
        row = await User.select_for_update().get_or_none(id=user_id)
        if row is None:
            raise NotFound("user", user_id)
        await refuse_if_targeted("user", user_id)
        before = await get(user_id)
        await row.delete()
        await audit.record(connection, "user", user_id, "delete", before=before, after=None, actor=actor)


async def _save_contacts(user: User, contacts: list[Contact]) -> None:
    rows = [ContactMethod(user=user, position=i, channel=c, address=a) for i, (c, a) in enumerate(contacts)]
    if rows:
        await ContactMethod.bulk_create(rows)


def _record(row: User) -> UserRecord:
    contacts = sorted(row.contacts, key=lambda c: c.position)
    return UserRecord(
        id=row.id,
        name=row.name,
        contacts=tuple(ContactRecord(c.channel, c.address) for c in contacts),
        created_at=row.created_at,
        updated_at=row.updated_at,
        notification_rules=_rules_of(row.notification_rules),
    )


def _rules_json(rules: list[NotificationRuleRecord]) -> list[dict[str, Any]] | None:
    return [{"contact": r.contact, "delay_minutes": r.delay_minutes} for r in rules] or None


def _rules_of(stored: Any) -> tuple[NotificationRuleRecord, ...]:
    """The rules as stored (JSON, which the driver may hand over as text), or none."""
    return tuple(NotificationRuleRecord(r["contact"], r["delay_minutes"]) for r in json_value(stored) or ())


async def get_many(user_ids: set[str]) -> dict[str, UserRecord]:
    """The users among `user_ids` that exist, by id, with their contacts, in one query (the engine asks this
    for every step it reaches, up to 2,000 users at once: ORM objects for each user and contact cost more
    than the query)."""
    if not user_ids:
        return {}
    connection = default()
    which, values = any_of(connection, "u.id", sorted(user_ids), 1)
    sql = f"""SELECT u.id, u.name, u.created_at, u.updated_at, u.notification_rules, c.channel, c.address
              FROM users AS u LEFT JOIN contact_methods AS c ON c.user_id = u.id
              WHERE {which} ORDER BY u.id, c.position"""
    found: dict[str, tuple[dict[str, Any], list[ContactRecord]]] = {}
    for row in await rows(connection, sql, values):
        _, contacts = found.setdefault(row["id"], (row, []))
        if row["channel"] is not None:
            contacts.append(ContactRecord(row["channel"], row["address"]))
    return {
        ident: UserRecord(ident, row["name"], tuple(contacts), instant(row["created_at"]), instant(row["updated_at"]),
                          _rules_of(row["notification_rules"]))
        for ident, (row, contacts) in found.items()
    }



async def contact_counts(user_ids: Collection[str]) -> dict[str, int]:
    """How many messages a step makes to each of `user_ids` (escalation.reach_count: one per notification rule, else
    one per contact), in one query (a user with no contacts, or no such user, is left out)."""
    if not user_ids:
        return {}
    connection = default()
    which, values = any_of(connection, "c.user_id", sorted(user_ids), 1)
    sql = f"""SELECT c.user_id, COUNT(*) AS n, u.notification_rules FROM contact_methods AS c
              JOIN users AS u ON u.id = c.user_id WHERE {which} GROUP BY c.user_id, u.notification_rules"""
    return {row["user_id"]: len(_rules_of(row["notification_rules"])) or row["n"] for row in await rows(connection, sql, values)}
