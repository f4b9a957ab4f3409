"""Users: people and how to reach them. Each contact is checked by its channel's notifier."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import Invalid
from ..plugins import InvalidAddress
from ..records import NotificationRuleRecord, Page, UserRecord
from ..store import users as store

AddressCheck = Callable[[str, str], str]
"""(channel, address) -> normalized address; KeyError for an unknown channel, InvalidAddress if refused."""


async def list_users(limit: int, after: str | None) -> Page[UserRecord]:
    return await store.list_page(limit, after)


async def get(user_id: str) -> UserRecord:
    return await store.get(user_id)


async def create(data: dict[str, Any], check_address: AddressCheck, *, actor: str) -> UserRecord:
    contacts = _checked(data["contacts"], check_address)
    rules = _rules(data.get("notification_rules") or [])
    _check_rules(rules, len(contacts), "notification_rules")
    return await store.create(data["id"], data.get("name"), contacts, rules, actor=actor)


async def update(user_id: str, data: dict[str, Any], check_address: AddressCheck, *, actor: str) -> UserRecord:
    """Change what `data` names; the rules, given or kept, must name contacts the user has (given or kept)."""
    contacts = None if data.get("contacts") is None else _checked(data["contacts"], check_address)
    rules = None if data.get("notification_rules") is None else _rules(data["notification_rules"])

    def check(current: UserRecord) -> None:
        count = len(current.contacts) if contacts is None else len(contacts)
        if rules is not None:
            _check_rules(rules, count, "notification_rules")
        else:
            _check_rules(current.notification_rules, count, "contacts")

    return await store.update(user_id, data.get("name"), contacts, rules, check, actor=actor)


async def delete(user_id: str, *, actor: str) -> None:
    await store.delete(user_id, actor=actor)


def _rules(rules: list[dict[str, Any]]) -> list[NotificationRuleRecord]:
    return [NotificationRuleRecord(r["contact"], r["delay_minutes"]) for r in rules]


def _check_rules(rules: Sequence[NotificationRuleRecord], contacts: int, field: str) -> None:
    """Each rule names one of the `contacts` contacts, and no (contact, delay) pair comes twice; `field` is where a
    mistake is reported: the rules, or the contacts that leave a rule without its contact."""
    seen: dict[tuple[int, float], int] = {}
    for i, rule in enumerate(rules):
        if rule.contact >= contacts:
            if field == "contacts":
                raise Invalid(field, f"notification rule {i} names contact {rule.contact}: keep {rule.contact + 1} "
                                     "contacts or change the rules in the same request")
            raise Invalid(f"{field}[{i}].contact", f"the user has {contacts} contact(s): an index from 0 to {contacts - 1}"
                          if contacts else "the user has no contacts")
        pair = (rule.contact, rule.delay_minutes)
        if pair in seen:
            raise Invalid(f"{field}[{i}]", f"the same contact and delay as rule {seen[pair]}")
        seen[pair] = i


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
