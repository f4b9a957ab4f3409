"""Instants from requests: wall-clock values read in a schedule's zone, all within the resolver's range."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from .. import oncall
from ..clock import utcnow
from ..errors import BadQuery, Invalid

now = utcnow  # the service's clock (nself_oncall/clock.py)


def to_instant(value: datetime, zone: ZoneInfo) -> datetime:
    """An aware UTC instant; a naive value is wall-clock time in `zone`. ValueError outside the range."""
    instant = oncall.to_instant(value, zone)
    if not oncall.EARLIEST <= instant < oncall.LATEST:
        raise ValueError(f"must lie between the years {oncall.EARLIEST.year} and {oncall.LATEST.year}")
    return instant


def query_instant(field: str, value: datetime | None, zone: ZoneInfo | None, default: datetime | None = None):
    """A query parameter's instant (400 when unusable); `zone` None means an offset is required."""
    if value is None:
        return default
    if value.tzinfo is None and zone is None:
        raise BadQuery(field, "needs an offset or Z here")
    try:
        return to_instant(value, zone or UTC)
    except ValueError as exc:
        raise BadQuery(field, str(exc)) from None


def body_instant(field: str, value: datetime, zone: ZoneInfo) -> datetime:
    """A body field's instant (422 when unusable)."""
    try:
        return to_instant(value, zone)
    except ValueError as exc:
        raise Invalid(field, str(exc)) from None
