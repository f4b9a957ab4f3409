"""Reading instants, ids and pagination from requests; writing instants to responses."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from quart import request

from .. import oncall
from ..oncall import EARLIEST, LATEST
from .errors import ApiError

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
USER_ID = re.compile(r"^[^\s/]{1,255}$")
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
# "?at=...T14:00:00+05:30" sent without encoding the "+" arrives with a space there.
_UNENCODED_PLUS = re.compile(r" (\d{2}(?::?\d{2})?)$")


def parse_wallclock_or_instant(text: str) -> datetime:
    """An ISO 8601 datetime: aware when it carries an offset or Z, naive (wall-clock) when not."""
    if not isinstance(text, str) or "T" not in text.upper() and " " not in text:
        raise ValueError("not an RFC 3339 date-time")
    value = datetime.fromisoformat(text.strip())
    if not EARLIEST.year <= value.year < LATEST.year:
        raise ValueError(f"must lie between the years {EARLIEST.year} and {LATEST.year}")
    return value


def to_instant(value: datetime, zone: ZoneInfo) -> datetime:
    """An aware UTC instant within the resolver's range; a naive value is wall-clock time in `zone`."""
    instant = oncall.to_instant(value, zone)
    if not EARLIEST <= instant < LATEST:
        raise ValueError(f"must lie between {iso(EARLIEST)} and {iso(LATEST)}")
    return instant


def instant_arg(name: str, zone: ZoneInfo | None, default: datetime | None = None) -> datetime | None:
    """A query parameter as a UTC instant; a malformed one is a 400."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = parse_wallclock_or_instant(_UNENCODED_PLUS.sub(r"+\1", raw))
        if value.tzinfo is None and zone is None:
            raise ValueError("needs an offset or Z here")
        return to_instant(value, zone or UTC)
    except ValueError as exc:
        raise ApiError(400, f"query parameter {name}: {exc}", [{"field": name, "message": str(exc)}]) from None


def iso(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with a Z."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def now() -> datetime:
    return datetime.now(UTC)


def page_args() -> tuple[int, Any]:
    """`limit` and the decoded `cursor` of a list request."""
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(400, f"query parameter limit: a whole number from 1 to {MAX_LIMIT}", [{"field": "limit"}])
    cursor = request.args.get("cursor")
    if not cursor:
        return int(raw), None
    try:
        return int(raw), json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))
    except (ValueError, binascii.Error):
        raise ApiError(400, "query parameter cursor: not a cursor from this API", [{"field": "cursor"}]) from None


def encode_cursor(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def page(items: list[dict[str, Any]], limit: int, position_of) -> dict[str, Any]:
    """A list answer from up to limit+1 fetched items."""
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": encode_cursor(position_of(items[-1])) if more else None}
