"""One validated type per kind of field, the same in bodies, paths and query strings.

Every text that reaches the database passes one of these first. Both databases must be
able to store it: PostgreSQL's text cannot hold U+0000, and neither database can encode
a lone surrogate (JSON's "\\ud800" escape carries one into a Python str). Ids and names
also refuse control characters. Each kind has one pattern; the path converters of
`converters()` match the same pattern, so a path id that no row can have is a 404
before any query runs.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable
from datetime import datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from werkzeug.routing import BaseConverter

from ..oncall import EARLIEST, LATEST

# Written as regex escapes, so that the patterns are plain ASCII text in the OpenAPI document.
_SURROGATES = r"\ud800-\udfff"
_CONTROLS = r"\x00-\x1f\x7f-\x9f"
# "/" is written \x2f so that werkzeug keeps these converters part-isolating.
SLUG = r"[a-z0-9][a-z0-9_-]{0,63}"
USER_ID = rf"[^\s\x2f{_CONTROLS}{_SURROGATES}]{{1,255}}"
SERVER_ID = r"[0-9a-f]{24}"
CHANNEL = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
# A calendar link's secret (secrets.token_urlsafe(32)), or an action link's (32 bytes of HMAC, encoded the same way).
TOKEN = r"[A-Za-z0-9_-]{43}"
# An integration's or a heartbeat's key as a path part (ours are 32 characters; any that looks like one is looked up).
INTAKE_KEY = r"[A-Za-z0-9_-]{1,64}"
_LINE = re.compile(rf"[^{_CONTROLS}{_SURROGATES}]*")
_TEXT = re.compile(rf"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f{_SURROGATES}]*")
_ZONE = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+){0,2}")
_CLOCK = re.compile(r"([01]\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?")
# "?at=...T14:00:00+05:30" sent without encoding the "+" arrives with a space there.
_UNENCODED_PLUS = re.compile(r" ([0-9]{2}:[0-9]{2})$")
# An RFC 3339 date-time (section 5.6), its offset optional (without one it is wall-clock time): "T", "t" or a space
# between date and time, seconds required, any fraction of them, "Z", "z" or +HH:MM. Python's parser takes much more
# of ISO 8601 (20260101T000000Z, 2026-01-01T00:00, a comma before the fraction, +0530), which this refuses.
_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?")
_DIGITS = re.compile(r"[0-9]{1,4}")
_HAS_SURROGATE = re.compile(rf"[{_SURROGATES}]")


def _matching(pattern: str, rule: str) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(rule)
        return value

    return check


check_slug = _matching(SLUG, "must match ^[a-z0-9][a-z0-9_-]{0,63}$")
check_user_id = _matching(USER_ID, "must be 1-255 characters: no whitespace, no '/', no control characters")
check_server_id = _matching(SERVER_ID, "not an id this service makes")
check_channel = _matching(CHANNEL, "must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _line(value: str) -> str:
    if not _LINE.fullmatch(value):
        raise ValueError("must be a single line, without control characters or unpaired surrogates")
    return value


def _text(value: str) -> str:
    if not _TEXT.fullmatch(value):
        raise ValueError("must not contain U+0000, control characters other than tab and newline, or unpaired surrogates")
    return value


def _zone(value: str) -> str:
    try:
        if not _ZONE.fullmatch(value):
            raise ValueError
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError("not a known IANA time zone") from None
    return value


def parse_instant(value: object) -> datetime:
    """An RFC 3339 date-time: aware with an offset or Z, naive (wall-clock) without one."""
    if isinstance(value, datetime):
        return value
    text = _UNENCODED_PLUS.sub(r"+\1", value.strip()) if isinstance(value, str) else ""
    if not _INSTANT.fullmatch(text):
        raise ValueError("must be an RFC 3339 date-time")
    try:
        parsed = datetime.fromisoformat(text.upper())  # RFC 3339 allows "t" and "z"
    except ValueError:  # a month 13, an offset of 24 hours or more
        raise ValueError("must be an RFC 3339 date-time") from None
    if not EARLIEST.year <= parsed.year < LATEST.year:
        raise ValueError(f"must lie between the years {EARLIEST.year} and {LATEST.year}")
    return parsed


def _clock(value: object) -> time:
    match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    if not match or (match[1] == "24" and (match[2] != "00" or (match[3] or "00") != "00")):
        raise ValueError("must be a wall-clock time HH:MM (00:00-24:00)")
    return time(int(match[1]) % 24, int(match[2]), int(match[3] or 0))


def documented(regex: str) -> dict[str, str]:
    """`regex` as a JSON Schema pattern, for the OpenAPI document: what a client may send, and what
    schemathesis generates. ECMA 262 cannot name lone surrogates, and a URL (UTF-8) cannot carry
    them: that range is left out."""
    return {"pattern": f"^{regex.replace(_SURROGATES, '')}$"}


def _rule(check: Callable[[str], str]) -> BeforeValidator:
    """Run `check` on strings only, so a number or null gets pydantic's own type error."""
    return BeforeValidator(lambda v: check(v) if isinstance(v, str) else v)


Slug = Annotated[str, _rule(check_slug), Field(json_schema_extra=documented(SLUG))]
UserId = Annotated[
    str, _rule(check_user_id), Field(min_length=1, max_length=255, json_schema_extra=documented(USER_ID))
]
ChannelName = Annotated[str, _rule(check_channel), Field(json_schema_extra=documented(CHANNEL))]
_LINE_PATTERN = Field(json_schema_extra=documented(_LINE.pattern))
_TEXT_PATTERN = Field(json_schema_extra=documented(_TEXT.pattern))
NAME_MAX = 200
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX), _LINE_PATTERN, AfterValidator(_line)]
Description = Annotated[str, Field(max_length=2000), _TEXT_PATTERN, AfterValidator(_text)]
Address = Annotated[str, Field(min_length=1, max_length=1000), _LINE_PATTERN, AfterValidator(_line)]
TimeZone = Annotated[str, Field(max_length=64), AfterValidator(_zone)]
Summary = Annotated[str, Field(min_length=1, max_length=1024), _TEXT_PATTERN, AfterValidator(_text)]
# A label: one line of 1-255 characters (a dedup key; who acknowledged or resolved: a user id or a name).
Label = Annotated[str, Field(min_length=1, max_length=255), _LINE_PATTERN, AfterValidator(_line)]


def storable_json(value: Any, path: str = "details") -> Any:
    """Any JSON both databases can store: PostgreSQL's jsonb refuses U+0000 and NaN, neither takes a lone surrogate."""
    if isinstance(value, str):
        if "\x00" in value or _HAS_SURROGATE.search(value):
            raise ValueError(f"{path}: text must not contain U+0000 or unpaired surrogates")
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{path}: numbers must be finite")
    elif isinstance(value, dict):
        for key, item in value.items():
            storable_json(key, path)
            storable_json(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            storable_json(item, f"{path}[{i}]")
    return value


Details = Annotated[dict[str, Any], AfterValidator(storable_json)]
# The years that parse_instant accepts (EARLIEST to LATEST: 1900 to 8999), for the document.
_YEARS = "^(19|[2-8][0-9])[0-9]{2}-"
Instant = Annotated[
    datetime,
    BeforeValidator(parse_instant),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": _YEARS}),
]
_CLOCKS = "^(([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?|24:00(:00)?)$"
Clock = Annotated[time, BeforeValidator(_clock), WithJsonSchema({"type": "string", "pattern": _CLOCKS})]


_HOUR_MINUTE = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def _daily_window(value: object) -> tuple[time, time]:
    """"HH:MM-HH:MM"; the end may be 24:00 (midnight at the end of the day)."""
    start, _, end = value.partition("-") if isinstance(value, str) else ("", "", "")
    begin, finish = _HOUR_MINUTE.fullmatch(start), _HOUR_MINUTE.fullmatch(end)
    if not begin or not (finish or end == "24:00"):
        raise ValueError("must be a daily window HH:MM-HH:MM, e.g. 22:00-07:00")
    window = time(int(begin[1]), int(begin[2])), time(int(finish[1]), int(finish[2])) if finish else time(0)
    if window[0] == window[1] and end != "24:00":
        raise ValueError("must end at another time of day than it starts")
    return window


_WINDOWS = "^([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"
#: A daily wall-clock window "HH:MM-HH:MM", wrapping past midnight when it ends at or before its start.
DailyWindow = Annotated[
    tuple[time, time], BeforeValidator(_daily_window), WithJsonSchema({"type": "string", "pattern": _WINDOWS})
]


def _whole_number(value: object) -> object:
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError("must be a whole number from 1 to 1000")
    return value


Limit = Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=1000)]

# Cursors: the position of the last item sent, as URL-safe base64 of text.


def encode_cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode("\n".join(parts).encode()).decode().rstrip("=")


def _cursor_of(*checks: Callable[[str], Any]) -> Callable[[str], Any]:
    """A decoder of cursors of len(checks) parts: the one value, or a tuple of them."""

    def decode(value: str) -> Any:
        try:
            text = base64.urlsafe_b64decode(value.encode("ascii") + b"===").decode("utf-8")
            parts = text.split("\n")
            if len(parts) != len(checks):
                raise ValueError
            values = tuple(check(part) for check, part in zip(checks, parts, strict=True))
            return values[0] if len(values) == 1 else values
        except (ValueError, UnicodeError, binascii.Error):
            raise ValueError("not a cursor from this API") from None

    return decode


def _cursor(*checks: Callable[[str], Any]) -> Any:
    return Annotated[
        str,
        Field(max_length=1024, pattern=r"^[A-Za-z0-9_-]*$"),
        AfterValidator(_cursor_of(*checks)),
    ]


def _position(value: str) -> int:
    """A place in a list stored as an INT column (0 to 2^31 - 1)."""
    if not _POSITION.fullmatch(value) or int(value) > _INT_MAX:
        raise ValueError
    return int(value)


_POSITION = re.compile(r"[0-9]{1,10}")
_INT_MAX = 2**31 - 1

SlugCursor = _cursor(check_slug)
ServerIdCursor = _cursor(check_server_id)
UserCursor = _cursor(check_user_id)
#: (an instant, a server id): overrides by start, audit entries by `at`.
InstantIdCursor = _cursor(lambda text: _aware(parse_instant(text)), check_server_id)
#: (loop, step, target position, contact position): an escalation's notifications (records.NotificationPosition).
NotificationCursor = _cursor(*(_position,) * 4)
#: The same cursor read outside a query model (the web view's links): its position, or ValueError.
decode_notification_cursor = _cursor_of(*(_position,) * 4)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("needs an offset")
    return value


class Converter(BaseConverter):
    """The base of the path converters below; `pattern` is `regex` as the OpenAPI document gives it."""

    part_isolating = True
    pattern: str


def converters() -> dict[str, type[BaseConverter]]:
    """Path converters, one per kind of id: `<slug:schedule_id>` matches what `Slug` accepts."""
    return {
        name: type(
            f"{name.title()}Converter",
            (Converter,),
            {"regex": regex, "part_isolating": True, **documented(regex)},
        )
        for name, regex in (
            ("slug", SLUG), ("user_id", USER_ID), ("server_id", SERVER_ID), ("channel", CHANNEL), ("token", TOKEN),
            ("intake_key", INTAKE_KEY),
        )
    }
