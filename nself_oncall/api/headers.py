"""Request headers read as text.

HTTP carries header values as bytes, and Quart hands them over decoded as Latin-1 (each byte one character):
a client's UTF-8 `josé` would read `josÃ©`. What the service reads as text is read back as the bytes sent and
decoded as UTF-8; a value that is not UTF-8 is refused, never guessed at.
"""

from __future__ import annotations

from quart import request


class NotUtf8(ValueError):
    """A header value that is not UTF-8 text."""


def text_header(name: str) -> str | None:
    """The header's value as the client wrote it (UTF-8), None without the header; NotUtf8 when it is not UTF-8."""
    value = request.headers.get(name)
    if value is None:
        return None
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise NotUtf8(f"the {name} header is not UTF-8") from None
