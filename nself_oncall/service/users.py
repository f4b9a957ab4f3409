"""Users: people and how to reach them. Each contact is checked by its channel's notifier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import Invalid
from ..plugins import InvalidAddress
from ..records import Page, UserRecord
from ..store import users as store

AddressCheck = Callable[[str, str], str]
"""(channel, address) -> normalized address; KeyError for an unknown channel, InvalidAddress if refused."""


async def list_users(limit: int, after: str | None) -> Page[UserRecord]:
    return await store.list_page(limit, after)


async def get(user_id: str) -> UserRecord:
    return await store.get(user_id)


async def create(data: dict[str, Any], check_address: AddressCheck, *, actor: str) -> UserRecord:
    return await store.create(data["id"], data.get("name"), _checked(data["contacts"], check_address), actor=actor)


async def update(user_id: str, data: dict[str, Any], check_address: AddressCheck, *, actor: str) -> UserRecord:
    contacts = None if data.get("contacts") is None else _checked(data["contacts"], check_address)
    return await store.update(user_id, data.get("name"), contacts, actor=actor)


async def delete(user_id: str, *, actor: str) -> None:
    await store.delete(user_id, actor=actor)


def _checked(contacts: list[dict[str, str]], check_address: AddressCheck) -> list[tuple[str, str]]:
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
        checked.append((channel, address))
    return checked
