"""What the plain-SQL queries of the store share: one text per query for both databases, driver values read back.

Queries are written once, in PostgreSQL's numbered parameters ($1, $2 ...); `for_dialect` turns them into
SQLite's (?1, ?2 ...), which SQLite numbers the same way.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient


def default() -> Any:
    """The connection of the current context: the open transaction's, else the pool's."""
    return connections.get("default")


def transaction_open() -> bool:
    """Whether the current context runs inside a transaction (its connection is the transaction's)."""
    return isinstance(default(), TransactionalDBClient)


def is_postgres(connection: Any) -> bool:
    return connection.capabilities.dialect == "postgres"


def for_dialect(connection: Any, sql: str) -> str:
    """`sql` written with $1, $2 ... as `connection`'s database takes it."""
    return sql if is_postgres(connection) else sql.replace("$", "?")


async def execute(connection: Any, sql: str, values: Sequence[Any] = ()) -> int:
    """Run one statement; how many rows it changed (or returned)."""
    count, _ = await connection.execute_query(for_dialect(connection, sql), list(values))
    return count


async def rows(connection: Any, sql: str, values: Sequence[Any] = ()) -> list[dict[str, Any]]:
    return await connection.execute_query_dict(for_dialect(connection, sql), list(values))


_SAVEPOINTS = itertools.count()


@contextlib.asynccontextmanager
async def savepoint(connection: Any) -> AsyncIterator[None]:
    """A savepoint of `connection`'s transaction: released when the block ends, rolled back to when it raises,
    whatever it raises. (Tortoise's nested `in_transaction()` skips the rollback for its TransactionManagementError,
    which is what PostgreSQL's "current transaction is aborted" becomes: the whole transaction stayed aborted.)"""
    name = f"nself_{next(_SAVEPOINTS)}"
    await execute(connection, f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        await execute(connection, f"ROLLBACK TO SAVEPOINT {name}")
        raise
    await execute(connection, f"RELEASE SAVEPOINT {name}")


def any_of(connection: Any, column: str, values: Sequence[Any], position: int) -> tuple[str, list[Any]]:
    """`column` equal to one of `values`, as a condition whose parameters start at $`position`, with its values:
    one array parameter on PostgreSQL, one parameter per value on SQLite (an empty list matches nothing)."""
    if is_postgres(connection):
        return f"{column} = ANY(${position}::text[])", [list(values)]
    if not values:
        return "FALSE", []
    marks = ", ".join(f"${position + i}" for i in range(len(values)))
    return f"{column} IN ({marks})", list(values)


def instant(value: Any) -> datetime:
    """A timestamp as the driver returns it: aware already (asyncpg), or SQLite's text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def maybe_instant(value: Any) -> datetime | None:
    return None if value is None else instant(value)


def json_value(value: Any) -> Any:
    """A JSON column as the driver returns it: text (asyncpg, SQLite), or decoded already."""
    return json.loads(value) if isinstance(value, str | bytes) else value


async def due_times(table: str, column: str, now: datetime) -> tuple[bool, datetime | None]:
    """Whether a row of `table` has `column` at or before `now`, and the earliest `column` after `now`."""
    sql = f"""SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} <= $1) AS ready,
                     (SELECT MIN({column}) FROM {table} WHERE {column} > $1) AS next"""
    row = (await rows(default(), sql, [now]))[0]
    return bool(row["ready"]), maybe_instant(row["next"])
