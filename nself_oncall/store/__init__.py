"""Queries that turn rows into plain records and pure models, and back."""

from __future__ import annotations

import asyncpg
from tortoise.exceptions import IntegrityError, OperationalError, ValidationError


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
