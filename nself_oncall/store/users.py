"""Users and their contact methods."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from tortoise.transactions import in_transaction

from ..errors import Invalid, NotFound
from ..models import ContactMethod, User
from .ids import insert_new, refuse_if_targeted, utcnow


async def get(user_id: str) -> User:
    row = await User.get_or_none(id=user_id).prefetch_related("contacts")
    if row is None:
        raise NotFound("user", user_id)
    return row


async def list_page(limit: int, after: str | None) -> list[User]:
    query = User.all().order_by("id").limit(limit + 1).prefetch_related("contacts")
    if after is not None:
        query = query.filter(id__gt=str(after))
    return await query


async def create(data: dict[str, Any], channels: Collection[str]) -> User:
    _check_contacts(data["contacts"], channels)
    async with in_transaction():
        row = await insert_new(User, data["id"], name=data.get("name") or data["id"])
        await _save_contacts(row, data["contacts"])
    return await get(row.id)


async def update(user_id: str, data: dict[str, Any], channels: Collection[str]) -> User:
    if data.get("contacts") is not None:
        _check_contacts(data["contacts"], channels)
    async with in_transaction():
        row = await User.select_for_update().get_or_none(id=user_id)
        if row is None:
            raise NotFound("user", user_id)
        if data.get("name") is not None:
            row.name = data["name"]
        if data.get("contacts") is not None:
            await ContactMethod.filter(user_id=user_id).delete()
            await _save_contacts(row, data["contacts"])
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


def _check_contacts(contacts: list[dict[str, str]], channels: Collection[str]) -> None:
    for i, contact in enumerate(contacts):
        if contact["channel"] not in channels:
            raise Invalid(f"contacts[{i}].channel", f"no channel named {contact['channel']!r} in plugins.toml")


async def _save_contacts(user: User, contacts: list[dict[str, str]]) -> None:
    rows = [ContactMethod(user=user, position=i, channel=c["channel"], address=c["address"]) for i, c in enumerate(contacts)]
    if rows:
        await ContactMethod.bulk_create(rows)
