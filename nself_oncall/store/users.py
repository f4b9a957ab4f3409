"""Users and their contact methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tortoise.transactions import in_transaction

from ..errors import Invalid, NotFound
from ..models import ContactMethod, User
from ..plugins import InvalidAddress
from .ids import insert_new, refuse_if_targeted, utcnow

AddressCheck = Callable[[str, str], str]
"""(channel, address) -> normalized address; KeyError for an unknown channel, InvalidAddress if refused."""


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


async def create(data: dict[str, Any], check_address: AddressCheck) -> User:
    contacts = _checked_contacts(data["contacts"], check_address)
    async with in_transaction():
        row = await insert_new(User, data["id"], name=data.get("name") or data["id"])
        await _save_contacts(row, contacts)
    return await get(row.id)


async def update(user_id: str, data: dict[str, Any], check_address: AddressCheck) -> User:
    contacts = data.get("contacts")
    if contacts is not None:
        contacts = _checked_contacts(contacts, check_address)
    async with in_transaction():
        row = await User.select_for_update().get_or_none(id=user_id)
        if row is None:
            raise NotFound("user", user_id)
        if data.get("name") is not None:
            row.name = data["name"]
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


def _checked_contacts(contacts: list[dict[str, str]], check_address: AddressCheck) -> list[dict[str, str]]:
    """Each contact's channel must be configured, and its notifier must accept the address (normalized)."""
    checked = []
    for i, contact in enumerate(contacts):
        channel, address = contact["channel"], contact["address"]
        try:
            address = check_address(channel, address)
        except KeyError:
            raise Invalid(f"contacts[{i}].channel", f"no channel named {channel!r} in plugins.toml") from None
        except InvalidAddress as exc:
            raise Invalid(f"contacts[{i}].address", str(exc) or "not an address this channel can use") from None
        checked.append({"channel": channel, "address": address})
    return checked


async def _save_contacts(user: User, contacts: list[dict[str, str]]) -> None:
    rows = [ContactMethod(user=user, position=i, channel=c["channel"], address=c["address"]) for i, c in enumerate(contacts)]
    if rows:
        await ContactMethod.bulk_create(rows)
