"""Start-up failures an operator has to fix: each becomes one line naming the setting and the cause.

The database and the listen socket fail in the world outside the code (a server down, a
role missing, a port taken); a traceback would only hide the one line that matters.
The cli prints a ConfigError or StartupError as that line.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
from hypercorn.config import Config
from tortoise.exceptions import ConfigurationError

from .config import ConfigError, StartupError

# What opening the database raises when the server, the role, the database or the file is not
# there (a wrong password is an InvalidAuthorizationSpecificationError too).
_UNREACHABLE = (
    OSError,
    asyncpg.InvalidAuthorizationSpecificationError,
    asyncpg.InvalidCatalogNameError,
    sqlite3.OperationalError,
)
# A password in the user part (up to the last "@", should it hold one) or in a query parameter.
_USER_PASSWORD = re.compile(r"(://[^:@/]*):.*@")
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*")


def masked(url: str) -> str:
    """`url` with any password in it replaced by ***."""
    return _QUERY_PASSWORD.sub(r"\1***", _USER_PASSWORD.sub(r"\1:***@", url, count=1))


@contextmanager
def opening_database(url: str, setting: str = "DATABASE_URL") -> Iterator[None]:
    """Turn the errors of opening `url` (the value of `setting`) into a ConfigError (malformed) or a StartupError.

    Errors of other kinds (a failing migration, a bug) go through unchanged.
    """
    try:
        yield
    except ConfigurationError as exc:
        raise ConfigError(f"{setting}: malformed ({masked(url)}): {exc}") from None
    except _UNREACHABLE as exc:
        if isinstance(exc, sqlite3.OperationalError) and exc.sqlite_errorcode != sqlite3.SQLITE_CANTOPEN:
            raise  # SQL that failed, not a file that cannot be opened
        raise StartupError(f"cannot open {setting} ({masked(url)}): {_database_cause(exc, url)}") from None


def bind(config: Config) -> list[socket.socket]:
    """Bind (but not yet listen on) hypercorn's sockets for `config.bind`."""
    try:
        return config.create_sockets().insecure_sockets
    except OSError as exc:
        setting = "PORT setting / --port" if exc.errno in (errno.EADDRINUSE, errno.EACCES) else "HOST setting / --host"
        raise StartupError(f"cannot listen on {config.bind[0]} ({setting}): {_os_cause(exc)}") from None


def _database_cause(exc: Exception, url: str) -> str:
    if isinstance(exc, sqlite3.OperationalError):
        folder = Path(url.split("://", 1)[1].split("?", 1)[0]).parent
        return str(exc) if folder.is_dir() else f"{exc}: no folder {folder}"
    return _os_cause(exc) if isinstance(exc, OSError) else str(exc)


def _os_cause(exc: OSError) -> str:
    """The OS's own words, without the addresses asyncio adds ("Connect call failed (...)")."""
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return os.strerror(exc.errno).lower() if exc.errno else str(exc)
