"""Users and their contact methods."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from ..errors import NotFound
from ..models import ContactMethod, User
from ..records import ContactRecord, Page, UserRecord
from .ids import insert_new, refuse_if_targeted, utcnow

NAME_LENGTH = User._meta.fields_map["name"].max_length
Contact = tuple[str, str]  # (channel, address), already checked


async def get(user_id: str) -> UserRecord:
    row = await User.get_or_none(id=user_id).prefetch_related("contacts")
    if row is None:
        raise NotFound("user", user_id)
    return _record(row)


async def list_page(limit: int, after: str | None) -> Page[UserRecord]:
    query = User.all().order_by("id").limit(limit + 1).prefetch_related("contacts")
    if after is not None:
        query = query.filter(id__gt=after)
    rows = await query
    return Page(tuple(_record(r) for r in rows[:limit]), len(rows) > limit)


async def create(user_id: str, name: str | None, contacts: list[Contact]) -> UserRecord:
    """A new user with checked contacts; without a name, the id (as much as a name holds) stands for it."""
    async with in_transaction():
        row = await insert_new(User, user_id, name=name or user_id[:NAME_LENGTH])
        await _save_contacts(row, contacts)
    return await get(row.id)


async def update(user_id: str, name: str | None, contacts: list[Contact] | None) -> UserRecord:
    """Change what is not None; `contacts` replaces them all."""
    async with in_transaction():
        row = await User.select_for_update().get_or_none(id=user_id)
        if row is None:
            raise NotFound("user", user_id)
        if name is not None:
            row.name = name
        if contacts is not None:
            await ContactMethod.filter(user_id=user_id).delete()
            await _save_contacts(row, contacts)
        row.updated_at = utcnow()
        await row.save()
    return await get(user_id)


async def delete(user_id: str) -> None:
    async with in_transaction():
        row = await User.get_or_none(id=user_id)
        if row is None:
            raise NotFound("user", user_id)
        await refuse_if_targeted("user", user_id)
        await row.delete()


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
    )


async def get_many(user_ids: set[str]) -> dict[str, UserRecord]:
    """The users among `user_ids` that exist, by id, with their contacts (one query for each table)."""
    if not user_ids:
        return {}
    rows = await User.filter(id__in=list(user_ids)).prefetch_related("contacts")
    return {row.id: _record(row) for row in rows}
