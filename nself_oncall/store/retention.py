"""Retention's queries: resolved escalations and sent handoff notices deleted with their notifications and action
links, and old audit entries; each call one short transaction that deletes at most `limit` rows of each table.

Rows are picked oldest first through an index (`escalations.resolved_at`, `notices.shift_start`, `audit_log.at`)
and, on PostgreSQL, `FOR UPDATE SKIP LOCKED`: engines in any number of processes delete disjoint rows without
waiting on each other, or on an acknowledgement or a resolve that holds an escalation's row. A notification still
pending (being sent, or waiting for a retry or a rate limit) is the dispatcher's open work: neither it nor its
escalation or notice is touched until it is final. Children go first, explicitly (not by ON DELETE CASCADE), so
that each count is known and an escalation with more notifications than one batch takes goes over several.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from .sql import any_of, execute, is_postgres, rows


@dataclass(frozen=True)
class Deleted:
    """What one batch deleted of one kind of parent (an escalation or a notice) and its children."""

    parents: int = 0
    notifications: int = 0
    links: int = 0

    def __bool__(self) -> bool:
        return bool(self.parents or self.notifications or self.links)


@dataclass(frozen=True)
class _Parent:
    """A table whose rows own notifications (`notifications.<column>`), and when one of its rows has expired
    (`expired`, with the cutoff as $1, in the order of `oldest`)."""

    table: str
    column: str
    expired: str
    oldest: str


ESCALATIONS = _Parent("escalations", "escalation_id", "p.resolved_at < $1 AND p.status = 'resolved'", "p.resolved_at")
# A notice is sent once its notifications are written (`send_at` NULL). By its shift's start, not its due time:
# the planner looks at shifts from an hour ago on, and a notice row it no longer finds would be planned again.
NOTICES = _Parent("notices", "notice_id", "p.shift_start < $1 AND p.send_at IS NULL", "p.shift_start")


async def delete_expired(parent: _Parent, cutoff: datetime, limit: int) -> Deleted:
    """Delete up to `limit` expired rows of `parent` whose notifications are all final, with up to `limit` of
    their notifications and those notifications' action links; a row goes once it has no notification left."""
    async with in_transaction() as connection:
        found = await rows(connection, _expired_sql(connection, parent), [cutoff, limit])
        parents = [row["id"] for row in found]
        if not parents:
            return Deleted()
        which, values = any_of(connection, f"n.{parent.column}", parents, 1)
        sql = (f"SELECT n.id FROM notifications AS n JOIN {parent.table} AS p ON p.id = n.{parent.column}"
               f" WHERE {which} AND n.available_at IS NULL ORDER BY {parent.oldest} LIMIT ${len(values) + 1}")
        notifications = [row["id"] for row in await rows(connection, sql, [*values, limit])]
        links = await _delete(connection, "action_links", "notification_id", notifications)
        deleted = await _delete(connection, "notifications", "id", notifications)
        which, values = any_of(connection, "id", parents, 1)
        childless = f"NOT EXISTS (SELECT 1 FROM notifications AS n WHERE n.{parent.column} = {parent.table}.id)"
        gone = await execute(connection, f"DELETE FROM {parent.table} WHERE {which} AND {childless}", values)
    return Deleted(gone, deleted, links)


async def delete_audit(cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` audit entries from before `cutoff`, oldest first; how many went."""
    return await _delete_older("audit_log", "id", "at", cutoff, limit)


async def delete_replies(cutoff: datetime, limit: int) -> int:
    """Delete up to `limit` records of SMS replies received before `cutoff` (store/replies.py), oldest first; how
    many went."""
    return await _delete_older("inbound_replies", "sid", "received_at", cutoff, limit)


async def _delete_older(table: str, key: str, column: str, cutoff: datetime, limit: int) -> int:
    async with in_transaction() as connection:
        oldest = f"SELECT {key} FROM {table} WHERE {column} < $1 ORDER BY {column} LIMIT $2{_locking(connection)}"
        return await execute(connection, f"DELETE FROM {table} WHERE {key} IN ({oldest})", [cutoff, limit])


def _expired_sql(connection: Any, parent: _Parent) -> str:
    pending = f"SELECT 1 FROM notifications AS n WHERE n.{parent.column} = p.id AND n.available_at IS NOT NULL"
    return (f"SELECT p.id FROM {parent.table} AS p WHERE {parent.expired} AND NOT EXISTS ({pending})"
            f" ORDER BY {parent.oldest} LIMIT $2{_locking(connection)}")


async def _delete(connection: Any, table: str, column: str, values: list[str]) -> int:
    if not values:
        return 0
    which, parameters = any_of(connection, column, values, 1)
    return await execute(connection, f"DELETE FROM {table} WHERE {which}", parameters)


def _locking(connection: Any) -> str:
    """Skip the rows another engine (or a request) holds: it deletes them, or they are not ours to delete yet."""
    return " FOR UPDATE SKIP LOCKED" if is_postgres(connection) else ""
