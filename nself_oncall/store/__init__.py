"""Queries that turn rows into plain records and pure models, and back."""

from __future__ import annotations

import sqlite3

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
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, _UNAVAILABLE):
            return True
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
