"""Queries that turn rows into plain records and pure models, and back."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import asyncpg
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError, ValidationError

# What a database that is down, restarting or unreachable raises (the driver's own, or wrapped by the ORM).
_UNAVAILABLE = (
    DBConnectionError,
    ConnectionError,  # refused, reset, aborted
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up
    asyncpg.exceptions.InterfaceError,  # the connection closed under a query
)


def input_error_status(exc: Exception) -> int | None:
    """The 4xx status for an ORM error that only bad input can cause, else None.

    A last resort: the validated types at the API's edge should stop such input before
    any query runs, so the app logs every error mapped here as a defect to fix.
    """
    if isinstance(exc, ValidationError):
        return 422  # a value the model refuses (too long, wrong type)
    if isinstance(exc, IntegrityError):
        return 409  # a unique key or a reference broken by a concurrent change
    if isinstance(exc, OperationalError) and isinstance(exc.__cause__, asyncpg.exceptions.DataError):
        return 422  # PostgreSQL refused a value (a NUL byte, a number out of range)
    return None


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` means the database cannot be reached now (a 503: try again), not a bug or bad input."""
    return any(
        isinstance(e, _UNAVAILABLE) or (isinstance(e, sqlite3.OperationalError) and "locked" in str(e))
        for e in _chain(exc)
    )


#: The classes of PostgreSQL's SQLSTATEs of an error that trying again can cure: 40 (serialization failure, deadlock)
#: and 53 (insufficient resources: out of connections, memory, disk). Class 57 (a query canceled by a statement
#: timeout, 57014, or by a shutdown) is asyncpg's OperatorInterventionError, which `database_unavailable` covers.
_TRANSIENT_CLASSES = ("40", "53")


def transient(exc: BaseException) -> bool:
    """Whether `exc` is the database away (`database_unavailable`) or an error of the moment that trying again cures:
    not a fact about the work that failed, so never to be recorded against it for good. asyncpg's errors carry
    their SQLSTATE; Tortoise wraps some of them (the driver's is then the `__cause__`)."""
    if database_unavailable(exc):
        return True
    states = (getattr(e, "sqlstate", None) for e in _chain(exc))
    return any(isinstance(state, str) and state[:2] in _TRANSIENT_CLASSES for state in states)


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """`exc` and what caused it, the driver's error under the ORM's (at most five deep)."""
    for _ in range(5):
        if exc is None:
            return
        yield exc
        exc = exc.__cause__ or exc.__context__
