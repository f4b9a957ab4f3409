"""Shared database fixtures: a test that takes `db_url` runs once on SQLite and once on PostgreSQL.

PostgreSQL comes from NSELF_ONCALL_TEST_POSTGRES_URL, e.g.
postgres://postgres@127.0.0.1:5432/nself_oncall_test (the database is created if missing, and its
tables are dropped at the start of each session: it is for tests only). When that variable is unset
or the server is unreachable, the postgres tests are skipped, except under CI=true where they fail.

The fixtures open and close their own connections, outside any Tortoise context, so a test's app
can `Tortoise.init(..., _enable_global_fallback=True)` in its lifespan.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

# `python -m pytest` puts the checkout first on sys.path, where `nself_oncall` lacks the built-in
# notifiers (they sit in notifiers/ and are installed as nself_oncall.notifiers). Test the installed
# package instead, editable or not.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parents[1]]

import asyncpg
import httpx
import pytest
import pytest_asyncio
import trustme
from aiosmtpd.controller import Controller
from tortoise.backends.base.executor import EXECUTOR_CACHE

from nself_oncall import Contact, Message
from nself_oncall.migrate import apply_migrations
from peers import Handler, HttpPeer, Recorded, Reply, free_port, make_message

POSTGRES_URL_ENV = "NSELF_ONCALL_TEST_POSTGRES_URL"

DIALECTS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]

_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
_SEQUENCES = "SELECT sequencename AS name FROM pg_sequences WHERE schemaname = current_schema()"


@pytest.fixture(params=DIALECTS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a migrated database with no rows (but aerich's), for this test alone."""
    # Tortoise caches INSERT SQL per connection name, not per dialect.
    EXECUTOR_CACHE.clear()
    if request.param == "sqlite":
        path = tmp_path / "nself_oncall.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite://{path}"
    else:
        yield request.getfixturevalue("_postgres_emptied")
    EXECUTOR_CACHE.clear()


@pytest.fixture(params=DIALECTS)
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Awaitable[str]]]:
    """A factory of brand-new, unmigrated databases, each one its own; removed after the test."""
    EXECUTOR_CACHE.clear()
    if request.param == "sqlite":
        numbers = itertools.count()

        async def new_sqlite() -> str:
            return f"sqlite://{tmp_path / f'new{next(numbers)}.db'}"

        yield new_sqlite
    else:
        yield request.getfixturevalue("_postgres_database_factory")
    EXECUTOR_CACHE.clear()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def postgres_server_url() -> str:
    """NSELF_ONCALL_TEST_POSTGRES_URL, its database reachable (created if missing), not migrated."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        _unavailable(f"{POSTGRES_URL_ENV} is not set")
    try:
        await _ensure_database(url)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        _unavailable(f"the PostgreSQL server in {POSTGRES_URL_ENV} cannot be used: {exc!r}")
    return url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test gets a copy of: copying is faster than migrating."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    await apply_migrations(f"sqlite://{path}")
    return path


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def _postgres_migrated(postgres_server_url: str) -> str:
    """The test database, rebuilt from its migrations once per session."""
    connection = await asyncpg.connect(postgres_server_url)
    try:
        tables = [row["tablename"] for row in await connection.fetch(_TABLES)]
        if tables:
            await connection.execute(f"DROP TABLE {', '.join(map(_quoted, tables))} CASCADE")
    finally:
        await connection.close()
    await apply_migrations(postgres_server_url)
    return postgres_server_url


@pytest_asyncio.fixture
async def _postgres_emptied(_postgres_migrated: str) -> str:
    """The migrated test database with every project table emptied and its ids restarted.

    DELETE, not TRUNCATE: the tables hold a few rows, and TRUNCATE makes every table's files anew (about 0.1 s a
    test here, a minute and a half of CI). Foreign keys are not checked meanwhile (replica mode): every row goes."""
    connection = await asyncpg.connect(_postgres_migrated)
    try:
        tables = [row["tablename"] for row in await connection.fetch(_TABLES) if row["tablename"] != "aerich"]
        sequences = [row["name"] for row in await connection.fetch(_SEQUENCES)]
        await connection.execute(
            "BEGIN; SET LOCAL session_replication_role = replica; "
            + "".join(f"DELETE FROM {_quoted(table)}; " for table in tables)
            + "".join(f"ALTER SEQUENCE {_quoted(sequence)} RESTART; " for sequence in sequences)
            + "COMMIT;"
        )
    finally:
        await connection.close()
    return _postgres_migrated


@pytest_asyncio.fixture
async def _postgres_database_factory(postgres_server_url: str) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    created: list[str] = []

    async def new_postgres() -> str:
        name = f"nself_oncall_test_{uuid.uuid4().hex[:16]}"
        await _execute(postgres_server_url, f"CREATE DATABASE {_quoted(name)}")
        created.append(name)
        return _with_database(postgres_server_url, name)

    yield new_postgres
    for name in created:
        await _execute(postgres_server_url, f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"{reason} (CI is set: the PostgreSQL tests must run)", pytrace=False)
    pytest.skip(reason)


async def _ensure_database(url: str) -> None:
    try:
        await (await asyncpg.connect(url, timeout=10)).close()
    except asyncpg.InvalidCatalogNameError:
        name = urlsplit(url).path.lstrip("/")
        await _execute(_with_database(url, "postgres"), f"CREATE DATABASE {_quoted(name)}")


async def _execute(url: str, sql: str) -> None:
    connection = await asyncpg.connect(url, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


CLI = Path(sys.executable).with_name("nself-oncall")


class ServeProcess:
    """A real `nself-oncall serve` subprocess on a free port; `output()` stops it and returns what it printed."""

    def __init__(self, cwd: Path, env: dict[str, str], args: tuple[str, ...] = (), split_stderr: bool = False):
        if not CLI.exists():
            pytest.fail(f"{CLI} is missing: install the project (pip install '.[test]') before running the tests")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        command = [str(CLI), "serve", "--port", str(self.port), *args]
        stderr = subprocess.PIPE if split_stderr else subprocess.STDOUT
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
        self.stderr = ""  # what it wrote on stderr, once output() returned, when split_stderr
    def read_token(self) -> str:
        """The generated token is printed once, on the line after the notice."""
        for line in self.process.stdout:
            if "PLUGIN_SECRET is not set" in line:
                return next(self.process.stdout).strip()
        raise AssertionError("serve did not print a generated token")

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "serve exited early:\n" + self.output()
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("serve did not become healthy")

    def output(self) -> str:
        """Stop it; what it printed (on stdout alone with split_stderr)."""
        if self.process.poll() is None:
            self.process.terminate()
        output, errors = self.process.communicate(timeout=30)
        self.stderr += errors or ""
        return output


@pytest.fixture
def serve_process() -> Iterator[Callable[..., ServeProcess]]:
    """`serve_process(cwd, env, *args, split_stderr=False)` starts `nself-oncall serve`; every one is stopped after
    the test."""
    started: list[ServeProcess] = []

    def start(cwd: Path, env: dict[str, str], *args: str, split_stderr: bool = False) -> ServeProcess:
        started.append(ServeProcess(cwd, env, args, split_stderr))
        return started[-1]

    yield start
    for served in started:
        if served.process.poll() is None:
            served.output()


# Notifier tests: local peers (tests/peers.py), a test CA, a message and contacts.


@pytest.fixture
def peer(http_peer) -> HttpPeer:
    """A fresh HTTP peer answering 200 "ok"; set `peer.respond` to change its answers."""
    return http_peer()


@pytest.fixture
def http_peer():
    """`http_peer(respond=None, tls=None) -> HttpPeer`; every peer is closed after the test."""
    peers: list[HttpPeer] = []

    def start(respond: Callable[[Recorded], Reply] | None = None, tls: ssl.SSLContext | None = None) -> HttpPeer:
        peers.append(HttpPeer(respond, tls))
        return peers[-1]

    yield start
    for peer in peers:
        peer.close()


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def tls_server(tls_ca) -> ssl.SSLContext:
    """A server context with a certificate for localhost and 127.0.0.1, signed by `tls_ca`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    return context


@pytest.fixture(scope="session")
def tls_ca_file(tls_ca, tmp_path_factory) -> str:
    """The test CA as a PEM file, for a channel's `ca_file` setting."""
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def message() -> Message:
    return make_message()


@pytest.fixture
def contact() -> Callable[..., Contact]:
    """`contact(address=None, channel="test")`: a user's contact, or the channel itself."""
    return lambda address=None, channel="test", user_id="alice": Contact(
        channel=channel, address=address, user_id=user_id if address else None, user_name="Alice" if address else None
    )


@pytest.fixture
def smtp_server():
    """`smtp_server(**aiosmtpd_kwargs) -> (Handler, port)`: a real SMTP server in a thread."""
    controllers: list[Controller] = []

    def start(**kwargs) -> tuple[Handler, int]:
        handler = Handler()
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), server_hostname="mx.test", **kwargs)
        controller.start()
        controllers.append(controller)
        return handler, controller.port

    yield start
    for controller in controllers:
        controller.stop()
