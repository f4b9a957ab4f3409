"""plugin.json, the nself plugin manifest, says what the code does: its version, settings, tables and port."""

from __future__ import annotations

import inspect
import json
import re
import sqlite3
import tomllib
from pathlib import Path

import pytest
from tortoise.models import Model

import nself_oncall.models
from nself_oncall.config import ENV_SETTINGS, NSELF_ACTOR_HEADER, Settings
from nself_oncall.migrate import apply_migrations

ROOT = Path(__file__).parents[1]
MANIFEST = json.loads((ROOT / "plugin.json").read_text())
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# How the code reads a variable: env.get("X"), environ["X"], os.getenv("X"), _flag(env, "X"), ...
ENV_READ = re.compile(r"""(?:\benv(?:iron)?(?:\.get\(|\[|,\s*)|getenv\()\s*["']([A-Z][A-Z0-9_]*)["']""")


def test_name_version_and_binary_are_the_distributions():
    assert MANIFEST["name"] == "oncall"
    assert MANIFEST["version"] == PROJECT["version"]
    assert MANIFEST["license"] == PROJECT["license"]
    assert MANIFEST["binary_name"] in PROJECT["scripts"]
    assert MANIFEST["language"] == "python"


def test_env_vars_are_the_settings_the_code_reads():
    env_vars = MANIFEST["envVars"]
    assert env_vars["required"] == ["DATABASE_URL"]
    listed = env_vars["required"] + env_vars["optional"]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(ENV_SETTINGS)


def test_the_declared_settings_are_the_ones_the_code_reads():
    """No setting read without being declared (from_env could not read it anyway), none declared but unread."""
    sources = [*(ROOT / "nself_oncall").rglob("*.py"), *(ROOT / "notifiers").glob("*.py")]
    read = {name for path in sources for name in ENV_READ.findall(path.read_text(encoding="utf-8"))}
    assert read == set(ENV_SETTINGS)


def test_from_env_cannot_read_an_undeclared_setting():
    from nself_oncall.config import _Declared

    declared = _Declared({"HOST": "::1", "SHELL": "/bin/sh"})
    assert dict(declared) == {"HOST": "::1"}
    with pytest.raises(LookupError, match="SHELL is read but not declared"):
        declared.get("SHELL")


async def test_tables_are_what_the_migrations_create(tmp_path):
    """Every table a migrated database holds: the models' tables and aerich's own record of the migrations."""
    await apply_migrations(f"sqlite://{tmp_path / 'manifest.db'}")
    with sqlite3.connect(tmp_path / "manifest.db") as db:
        created = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    models = inspect.getmembers(nself_oncall.models, lambda o: isinstance(o, type) and issubclass(o, Model))
    tables = {model._meta.db_table for _, model in models if not model._meta.abstract}
    assert len(MANIFEST["tables"]) == len(set(MANIFEST["tables"]))
    assert set(MANIFEST["tables"]) == created - {"sqlite_sequence"} == tables | {"aerich"}
    assert not any(table.startswith("np_") for table in created)


def test_the_actor_header_is_described_as_the_code_has_it():
    """How to turn the audit log's actor header on behind nself's gateway (it is off by default)."""
    actor = MANIFEST["config"]["actorHeader"]
    assert actor["env"] == "NSELF_ONCALL_ACTOR_HEADER" and actor["env"] in ENV_SETTINGS
    assert actor["default"] is Settings().actor_header is None
    assert actor["behindNselfGateway"] == NSELF_ACTOR_HEADER
    assert Settings.from_env({actor["env"]: actor["behindNselfGateway"]}).actor_header == NSELF_ACTOR_HEADER
    assert f"{actor['env']}={NSELF_ACTOR_HEADER}" in actor["note"]


def test_port_and_health_are_the_services():
    assert MANIFEST["port"] == MANIFEST["config"]["defaultPort"] == Settings().port == 3840
    assert MANIFEST["health_endpoint"] == "/health"
    assert "outbound" in MANIFEST["permissions"]["network"]
