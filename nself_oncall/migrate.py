"""Database migrations: apply them at startup, report what is pending, write new ones.

aerich writes dialect-specific SQL, so the migrations live in one folder per dialect,
`<migrations_dir(dialect)>/models/<n>_<timestamp>_<name>.py` (`models` is the aerich app).
They ship inside the wheel as the package `nself_oncall.migrations` (the top-level
`migrations/` folder of the source tree), so an installed service finds them from any
working directory.

Developers write new migrations with `python -m nself_oncall.migrate new NAME` and check
that models and migrations agree with `python -m nself_oncall.migrate check`
(see docs/migrations.md). aerich keeps its diff state in class attributes for the
life of a process, so those two commands run each dialect in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.resources
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aerich import Command
from aerich.exceptions import NotSupportError
from tortoise import BaseDBAsyncClient, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext

from .config import DEFAULT_DATABASE_URL, dialect_of, tortoise_config

APP = "models"
DIALECTS = ("sqlite", "postgres")

# The config aerich's own CLI loads through aerich.ini: the embedded SQLite database,
# which matches the `location` there (migrations/sqlite).
TORTOISE_ORM = tortoise_config(DEFAULT_DATABASE_URL)

# Session-level advisory lock key, unique to this project within a database.
_PG_LOCK_KEY = 0x6E5F_6F6E_6361_6C6C  # "n_oncall"
# How long a process waits for another one's SQLite migration before giving up.
_SQLITE_LOCK_TIMEOUT_S = 600.0
# Used only to generate SQL offline: Tortoise connects lazily and these are never queried.
_OFFLINE_URLS = {"sqlite": "sqlite://:memory:", "postgres": "postgres://offline@localhost/offline"}


def migrations_dir(dialect: str) -> Path:
    """The folder of one dialect's migrations (aerich's `location`), wherever the package is.

    Found through the installed package `nself_oncall.migrations`; in a source tree that is
    not installed, the top-level `migrations/` next to this package.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}")
    try:
        root = importlib.resources.files("nself_oncall.migrations")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "migrations" / dialect
    if not isinstance(root, Path):
        raise RuntimeError(f"migrations must be installed as plain files, not inside {root}")
    return root / dialect


def migration_names(dialect: str) -> list[str]:
    """The dialect's migration files in order, named as aerich records them (`0_..._init.py`).

    Same rule as aerich: a module whose name starts with a number and an underscore.
    """
    versions = [
        path.name
        for path in (migrations_dir(dialect) / APP).glob("*.py")
        if "_" in path.stem and path.stem.split("_", 1)[0].isdigit()
    ]
    return sorted(versions, key=lambda name: int(name.split("_", 1)[0]))


async def apply_migrations(database_url: str) -> list[str]:
    """Apply every pending migration to the database; return the names applied, in order.

    Safe to run from several processes at once: the upgrade runs under a lock (see
    `_migration_lock`), so the others wait and then find nothing left to apply. Works
    on an empty database. Every connection it opens is closed before it returns, and
    it runs in its own Tortoise context, so the caller can `Tortoise.init(...)` afterwards.
    """
    location = migrations_dir(dialect_of(database_url))
    async with _migration_lock(database_url):
        # Tortoise caches INSERT SQL per connection name ("default"), not per dialect:
        # start clean, and leave nothing this dialect cached behind for the app.
        EXECUTOR_CACHE.clear()
        try:
            async with TortoiseContext():
                command = Command(tortoise_config(database_url, migrating=True), app=APP, location=str(location))
                await command.init()
                return await command.upgrade()
        finally:
            EXECUTOR_CACHE.clear()


async def pending_migrations(connection: BaseDBAsyncClient | None = None) -> list[str]:
    """Migration files not yet recorded as applied in the database, in order.

    Works on an open Tortoise connection, by default the current context's "default"
    one, so a running app can call it from `/ready`. An empty database (no aerich
    table yet) has every migration pending; an unreachable one raises.
    """
    connection = connection or connections.get("default")
    dialect = connection.schema_generator.DIALECT
    applied = set(await _applied_versions(connection, dialect))
    return [name for name in migration_names(dialect) if name not in applied]


_AERICH_TABLE_EXISTS = {
    "sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'aerich'",
    "postgres": "SELECT 1 WHERE to_regclass('aerich') IS NOT NULL",
}


async def _applied_versions(connection: BaseDBAsyncClient, dialect: str) -> list[str]:
    # Look before querying: a failed query would abort an enclosing PostgreSQL transaction.
    if not await connection.execute_query_dict(_AERICH_TABLE_EXISTS[dialect]):
        return []
    rows = await connection.execute_query_dict(f"SELECT version FROM aerich WHERE app = '{APP}'")
    return [row["version"] for row in rows]


@asynccontextmanager
async def _migration_lock(database_url: str) -> AsyncIterator[None]:
    """Hold a lock that only one migrating process at a time can hold, for this database.

    PostgreSQL: `pg_advisory_lock` on a connection of its own, opened for the lock alone,
    so it is held across aerich's own connections and transactions; the server releases
    it when that session ends, even if the process dies.

    SQLite: an exclusive transaction on a lock file next to the database
    (`<database>.migrate-lock`, left in place: deleting a lock file others may be waiting
    on would let two processes in at once). It is SQLite's own file locking, so it works
    wherever SQLite does, and the OS drops it if the process dies. The database file
    itself cannot serve: aerich must write to it while we hold the lock. An in-memory
    database belongs to one connection and needs no lock.
    """
    credentials = expand_db_url(database_url)["credentials"]
    if dialect_of(database_url) == "postgres":
        from .store.listen import connect

        lock = await connect(database_url)
        try:
            await lock.execute("SELECT pg_advisory_lock($1)", _PG_LOCK_KEY)
            yield
        finally:
            await lock.close()  # ends the session, which releases the lock
    elif credentials["file_path"] == ":memory:":
        yield
    else:
        lock = sqlite3.connect(
            f"{credentials['file_path']}.migrate-lock",
            timeout=_SQLITE_LOCK_TIMEOUT_S,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            await asyncio.to_thread(lock.execute, "BEGIN EXCLUSIVE")
            # Open the database once here, so that one SQLite cannot open (a folder, say) raises:
            # Tortoise's own client keeps its lock when opening fails, and its next query waits forever.
            sqlite3.connect(credentials["file_path"]).close()
            yield
        finally:
            lock.close()  # rolls back, which releases the lock


async def _diff_models(dialect: str, name: str, location: Path, empty: bool = False) -> str:
    """Write a migration for the models' changes since the last migration in `location`.

    Returns its file name, or "" when nothing changed. Offline: aerich compares the models
    with the last migration's MODELS_STATE; no database is involved. `empty` writes a
    migration with no SQL (to fill in by hand) that records the models as they are now.
    Raises NotSupportError for a change aerich cannot express in this dialect.
    """
    async with TortoiseContext():
        command = Command(tortoise_config(_OFFLINE_URLS[dialect]), app=APP, location=str(location))
        await command.init(offline=True)
        return await command.migrate(name, empty=empty, no_input=True, offline=True)


def _new(dialect: str, name: str, empty: bool) -> int:
    try:
        created = asyncio.run(_diff_models(dialect, name, migrations_dir(dialect), empty))
    except NotSupportError as exc:
        print(f"{dialect}: aerich cannot write this change ({exc}); write it by hand in the file from")
        print(f"  python -m nself_oncall.migrate new {name} --empty --dialect {dialect}")
        return 1
    if created:
        print(f"{dialect}: wrote {migrations_dir(dialect) / APP / created}")
    else:
        print(f"{dialect}: no changes")
    return 0


def _check(dialect: str) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        location = Path(scratch, dialect)
        shutil.copytree(migrations_dir(dialect), location, ignore=shutil.ignore_patterns("__pycache__"))
        try:
            drift = asyncio.run(_diff_models(dialect, "drift", location))
        except NotSupportError as exc:
            print(f"{dialect}: models differ from the migrations, in a way aerich cannot write ({exc})")
            return 1
        if not drift:
            print(f"{dialect}: models match the migrations")
            return 0
        print(f"{dialect}: models differ from the migrations; a new migration would contain:")
        print((location / APP / drift).read_text(encoding="utf-8").split("MODELS_STATE", 1)[0])
        return 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m nself_oncall.migrate", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="write a migration for the models' changes, for every dialect")
    new.add_argument("name", help="a short name for the migration, e.g. add_team")
    new.add_argument("--empty", action="store_true", help="write no SQL, to fill in by hand")
    check = commands.add_parser("check", help="exit 1 if the models changed without a migration")
    for command in (new, check):
        command.add_argument("--dialect", choices=DIALECTS, help="only this dialect (default: all)")
    args = parser.parse_args(argv)

    if args.dialect is None:
        # One fresh interpreter per dialect: aerich's diff state would leak from one to the next.
        runs = [subprocess.run([sys.executable, "-m", "nself_oncall.migrate", *argv, "--dialect", d]) for d in DIALECTS]
        return max(run.returncode for run in runs)
    if args.command == "new":
        return _new(args.dialect, args.name, args.empty)
    return _check(args.dialect)


if __name__ == "__main__":
    sys.exit(main())
