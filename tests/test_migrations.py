"""Migrations on both dialects: they build the schema from nothing, once, in step with the models,
even when several processes start together."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime

import pytest
from tortoise.context import TortoiseContext

import nself_oncall.models
from nself_oncall.config import dialect_of, tortoise_config
from nself_oncall.migrate import DIALECTS, apply_migrations, migration_names, pending_migrations

MODEL_TABLES = {getattr(nself_oncall.models, name)._meta.db_table for name in nself_oncall.models.__all__}

# Each child says "ready" once imported, then waits for "go" so that both start migrating together.
RACER = """
import asyncio, json, sys
from nself_oncall.migrate import apply_migrations
print("ready", flush=True)
sys.stdin.readline()
print(json.dumps(asyncio.run(apply_migrations(sys.argv[1]))))
"""

# Structure rather than DDL text, so that a hand-written migration that builds the same thing
# passes (SQLite cannot alter a column: such a migration rebuilds the table).
SQLITE_SCHEMA = [
    """SELECT t.name AS tbl, c.name, c.type, c."notnull", c.dflt_value, c.pk
       FROM sqlite_master AS t JOIN pragma_table_info(t.name) AS c
       WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%'""",
    """SELECT t.name AS tbl, CASE i.origin WHEN 'c' THEN i.name END AS name, i."unique", i.origin, i.partial,
              k.seqno, k.name AS col
       FROM sqlite_master AS t JOIN pragma_index_list(t.name) AS i JOIN pragma_index_info(i.name) AS k
       WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%'""",
    """SELECT t.name AS tbl, f."table", f."from", f."to", f.on_update, f.on_delete
       FROM sqlite_master AS t JOIN pragma_foreign_key_list(t.name) AS f
       WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%'""",
]
POSTGRES_SCHEMA = [
    """SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = current_schema()""",
    """SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE connamespace = current_schema()::regnamespace""",
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
    """SELECT relname, obj_description(oid, 'pg_class') AS comment
       FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'""",
]


async def test_migrations_build_the_schema_once(new_database):
    url = await new_database()
    names = migration_names(dialect_of(url))
    assert names, "no migration files found"
    assert await _pending(url) == names

    assert await apply_migrations(url) == names
    assert await _tables(url) == MODEL_TABLES | {"aerich"}
    assert await _pending(url) == []

    assert await apply_migrations(url) == []
    assert await _applied(url) == Counter(names)


async def test_app_can_init_tortoise_after_migrating(new_database):
    """The CLI's sequence: migrate in one event loop, then the app's own global Tortoise in another."""
    url = await new_database()
    script = """
import asyncio, sys
from tortoise import Tortoise
from nself_oncall.config import tortoise_config
from nself_oncall.migrate import apply_migrations
from nself_oncall.models import User

async def serve(url):
    await Tortoise.init(tortoise_config(url), _enable_global_fallback=True)
    try:
        print(await User.all().count())
    finally:
        await Tortoise.close_connections()

asyncio.run(apply_migrations(sys.argv[1]))
asyncio.run(serve(sys.argv[1]))
"""
    result = await _run_python(script, url)
    assert result == "0"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_models_and_last_migration_state_agree(dialect):
    """aerich finds nothing to migrate: every model change has its migration for this dialect."""
    result = subprocess.run(
        [sys.executable, "-m", "nself_oncall.migrate", "check", "--dialect", dialect],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


async def test_migrated_schema_is_the_models_schema(new_database):
    """The schema the migrations build equals the one Tortoise generates from the models."""
    migrated, generated = await new_database(), await new_database()
    await apply_migrations(migrated)
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(generated))
        await context.generate_schemas()
    assert await _schema(migrated) == await _schema(generated)


async def test_racing_processes_apply_each_migration_once(new_database):
    url = await new_database()
    names = migration_names(dialect_of(url))
    racers = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", RACER, url,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    try:
        for racer in racers:
            assert await asyncio.wait_for(racer.stdout.readline(), 60) == b"ready\n"
        outputs = await asyncio.wait_for(asyncio.gather(*(racer.communicate(b"go\n") for racer in racers)), 120)
    finally:
        for racer in racers:
            if racer.returncode is None:
                racer.kill()
                await racer.wait()

    assert [racer.returncode for racer in racers] == [0, 0], [err.decode() for _, err in outputs]
    applied = [json.loads(out) for out, _ in outputs]
    assert sorted(applied) == [[], names]
    assert await _applied(url) == Counter(names)


async def _run_python(script: str, *args: str) -> str:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await asyncio.wait_for(child.communicate(), 120)
    assert child.returncode == 0, err.decode()
    return out.decode().strip()


async def _query(url: str, *sqls: str) -> list[list[dict]]:
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(url))
        return [await context.db().execute_query_dict(sql) for sql in sqls]


async def _pending(url: str) -> list[str]:
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(url))
        return await pending_migrations()


async def _tables(url: str) -> set[str]:
    sql = {
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        "postgres": "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()",
    }[dialect_of(url)]
    [rows] = await _query(url, sql)
    return {row["name"] for row in rows}


async def _applied(url: str) -> Counter[str]:
    [rows] = await _query(url, "SELECT version FROM aerich")
    return Counter(row["version"] for row in rows)


async def _schema(url: str) -> list[list[tuple]]:
    sqls = SQLITE_SCHEMA if dialect_of(url) == "sqlite" else POSTGRES_SCHEMA
    return [sorted((tuple(row.values()) for row in rows), key=repr) for rows in await _query(url, *sqls)]


@pytest.mark.parametrize("round_", [1, 2])
async def test_db_url_is_migrated_and_empty_each_time(db_url, round_):
    """The shared fixture: every round starts empty although the previous one left a row behind."""
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(db_url))
        assert await pending_migrations() == []
        for name in nself_oncall.models.__all__:
            assert await getattr(nself_oncall.models, name).all().count() == 0
        now = datetime.now(UTC)
        await nself_oncall.models.User.create(id=f"u{round_}", name="Ada", created_at=now, updated_at=now)
