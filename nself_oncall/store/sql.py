"""Small SQL helpers the plain-SQL queries of the store share (outbox, notices, metrics)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise import connections


def sqlite_params(sql: str) -> str:
    """$1, $2 ... as SQLite's numbered parameters ?1, ?2 ..."""
    return sql.replace("$", "?")


def instant(value: Any) -> datetime:
    """A timestamp as the driver returns it: aware already (asyncpg), or SQLite's text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def due_times(table: str, column: str, now: datetime) -> tuple[bool, datetime | None]:
    """Whether a row of `table` has `column` at or before `now`, and the earliest `column` after `now`."""
    sql = f"""SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} <= $1) AS ready,
                     (SELECT MIN({column}) FROM {table} WHERE {column} > $1) AS next"""
    connection = connections.get("default")
    if connection.capabilities.dialect != "postgres":
        sql = sqlite_params(sql)
    row = (await connection.execute_query_dict(sql, [now]))[0]
    return bool(row["ready"]), None if row["next"] is None else instant(row["next"])
