"""Log lines on stderr, as text (the default) or one JSON object per line (NSELF_ONCALL_LOG_FORMAT=json).

Each line carries the ids of the work it was written for: the HTTP request (`request_id`, set by
`RequestIds` for the whole of a request), the escalation and the notification (set by the engine
around the work for one of them). They live in context variables, which asyncio copies into every
task a request or a notifier call starts, and a filter on the handler copies them onto each record,
so that the lines of other libraries' loggers (hypercorn's, httpx's...) carry them too.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
ESCALATION_ID: ContextVar[str | None] = ContextVar("escalation_id", default=None)
NOTIFICATION_ID: ContextVar[str | None] = ContextVar("notification_id", default=None)
IDS = (("request_id", REQUEST_ID), ("escalation_id", ESCALATION_ID), ("notification_id", NOTIFICATION_ID))

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REQUEST_ID_HEADER = "X-Request-Id"
# A proxy's request id is kept when it is this (it goes into log lines and a response header as it is).
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@contextlib.contextmanager
def written_for(escalation_id: str | None, notification_id: str | None = None) -> Iterator[None]:
    """Every log line written in this block carries the ids of the escalation and the notification it is for."""
    tokens = ESCALATION_ID.set(escalation_id), NOTIFICATION_ID.set(notification_id)
    try:
        yield
    finally:
        ESCALATION_ID.reset(tokens[0])
        NOTIFICATION_ID.reset(tokens[1])


def configure(log_format: str, level: int = logging.INFO) -> None:
    """Send every logger's lines to stderr in `log_format` ("text" or "json").

    As `logging.basicConfig`, it does nothing when the root logger has handlers already (pytest's, say)."""
    handler = logging.StreamHandler()
    handler.addFilter(ContextIds())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])


class ContextIds(logging.Filter):
    """Copies the ids of the current context onto the record (absent ones are left unset)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in IDS:
            value = var.get()
            if value is not None:
                setattr(record, name, value)
        return True


def _ids(record: logging.LogRecord) -> dict[str, str]:
    return {name: value for name, _ in IDS if (value := getattr(record, name, None)) is not None}


class TextFormatter(logging.Formatter):
    """The classic line, with the ids in brackets after the message when there are any."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        ids = _ids(record)
        return f"{line} [{' '.join(f'{k}={v}' for k, v in ids.items())}]" if ids else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (RFC 3339, UTC), level, logger, message, exception, and the ids."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        entry.update(_ids(record))
        return json.dumps(entry, default=str)


def request_id(proposed: bytes | None) -> str:
    """The proxy's request id when it is sane, else a new one."""
    if proposed is not None:
        text = proposed.decode("latin-1")
        if SANE_REQUEST_ID.fullmatch(text):
            return text
    return uuid.uuid4().hex


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class RequestIds:
    """ASGI middleware: every HTTP request gets an id (the proxy's X-Request-Id when sane, else a new one),
    held in REQUEST_ID while it is handled and sent back in the X-Request-Id header of every answer."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = REQUEST_ID_HEADER.lower().encode()
        proposed = next((value for name, value in scope["headers"] if name.lower() == header), None)
        rid = request_id(proposed)

        async def send_with_id(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(n, v) for n, v in message.get("headers", ()) if n.lower() != header]
                message = {**message, "headers": [*headers, (header, rid.encode())]}
            await send(message)

        token = REQUEST_ID.set(rid)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)
