"""Imports go one way: api -> service -> store -> models; the pure core imports nothing of ours but itself."""

from __future__ import annotations

import ast
from pathlib import Path

import nself_oncall

PACKAGE = Path(nself_oncall.__file__).parent


def _imports(folder: str) -> dict[str, set[str]]:
    """Each module of the folder, with the absolute names it imports."""
    return {path.name: _names(path.read_text(), folder) for path in sorted((PACKAGE / folder).glob("*.py"))}


def _names(source: str, folder: str) -> set[str]:
    """The absolute names a module of `folder` imports. `from X import a` imports X and, when `a` is a module,
    X.a: both count (`from .. import store` in api/ imports nself_oncall.store)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, folder)
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return names


def _absolute(node: ast.ImportFrom, folder: str) -> str:
    """`from ..store import x` in api/ is nself_oncall.store; `from .views import y` is nself_oncall.api.views;
    `from .store import z` in the package's root ("") is nself_oncall.store."""
    if node.level == 0:
        return node.module or ""
    package = ["nself_oncall", *Path(folder).parts]
    parts = package[: len(package) + 1 - node.level]
    return ".".join(parts + ([node.module] if node.module else []))


def _every_module() -> dict[str, set[str]]:
    """Every module of the package, by its path in the package, with the absolute names it imports."""
    return {
        str(path.relative_to(PACKAGE)): _names(path.read_text(), str(path.parent.relative_to(PACKAGE)).strip("."))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_a_module_imported_by_name_from_its_package_counts():
    names = _names("from .. import store\nfrom ..service import policies\nfrom tortoise import fields\n", "api")
    assert {"nself_oncall.store", "nself_oncall.service.policies", "tortoise.fields"} <= names
    assert _names("from .store import sql\nfrom . import logs\n", "") >= {"nself_oncall.store.sql", "nself_oncall.logs"}
    assert _names("from ...store import sql\n", "engine/jobs") >= {"nself_oncall.store.sql"}


def test_only_the_store_and_the_models_reach_the_orm():
    """Wherever a module sits (engine code at the package's root, say), the database is reached through the store.
    The exceptions set the ORM up rather than query through it: config.py writes its configuration, migrate.py
    drives aerich, startup.py names what opening the database failed on."""
    allowed = {"config.py", "migrate.py", "startup.py"}
    for module, names in _every_module().items():
        if module.startswith(("store/", "models/")) or module in allowed:
            continue
        bad = {n for n in names if n.split(".")[0] in ("tortoise", "aerich")}
        assert not bad, f"{module} imports {bad}"


def test_the_api_imports_no_orm_and_no_store():
    for module, names in _imports("api").items():
        bad = {n for n in names if n.split(".")[0] == "tortoise" or n.startswith(("nself_oncall.models", "nself_oncall.store"))}
        assert not bad, f"api/{module} imports {bad}"


def test_the_service_layer_reaches_the_database_only_through_the_store():
    for module, names in _imports("service").items():
        bad = {n for n in names if n.split(".")[0] in ("tortoise", "quart") or n.startswith("nself_oncall.models")}
        assert not bad, f"service/{module} imports {bad}"


def test_the_pure_cores_import_only_the_standard_library_and_themselves():
    allowed = {"__future__", "calendar", "collections", "dataclasses", "datetime", "functools", "math", "zoneinfo", "bisect",
               "itertools", "heapq", "operator", "typing", "re"}
    for core in ("oncall", "escalation"):
        for module, names in _imports(core).items():
            bad = {n for n in names if n.split(".")[0] not in allowed and not n.startswith(f"nself_oncall.{core}")}
            assert not bad, f"{core}/{module} imports {bad}"


def test_the_engine_knows_no_http_and_reaches_the_database_only_through_the_store():
    for module, names in _imports("engine").items():
        bad = {n for n in names if n.split(".")[0] in ("quart", "hypercorn", "tortoise", "httpx")
               or n.startswith(("nself_oncall.models", "nself_oncall.api", "nself_oncall.service"))}
        assert not bad, f"engine/{module} imports {bad}"


def test_the_web_view_calls_the_service_layer_as_the_api_does():
    for module, names in _imports("ui").items():
        bad = {n for n in names if n.split(".")[0] == "tortoise"
               or n.startswith(("nself_oncall.models", "nself_oncall.store", "nself_oncall.engine"))}
        assert not bad, f"ui/{module} imports {bad}"


def test_the_api_does_not_reach_into_the_engine():
    for module, names in _imports("api").items():
        assert not {n for n in names if n.startswith("nself_oncall.engine")}, f"api/{module} imports the engine"


def test_orm_errors_that_only_input_causes_map_to_4xx():
    import asyncpg
    from tortoise.exceptions import IntegrityError, OperationalError, ValidationError

    from nself_oncall.store import input_error_status

    assert input_error_status(ValidationError("name: too long")) == 422
    assert input_error_status(IntegrityError("duplicate key")) == 409
    data_error = OperationalError("invalid byte sequence")
    data_error.__cause__ = asyncpg.exceptions.CharacterNotInRepertoireError("invalid byte sequence")
    assert input_error_status(data_error) == 422
    assert input_error_status(OperationalError("connection lost")) is None
    assert input_error_status(RuntimeError("bug")) is None
