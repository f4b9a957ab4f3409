"""The wheel ships what an installed service needs, inside `nself_oncall`: migrations and the
built-in notifiers (never a top-level `notifiers` package, which belongs to an unrelated PyPI project)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
BUILTINS = {"log", "webhook", "slack", "email", "ntfy", "twilio_sms", "twilio_voice"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    (built,) = out.glob("nself_oncall-*.whl")
    return zipfile.ZipFile(built)


def test_everything_is_inside_the_nself_oncall_package(wheel):
    top = {name.split("/", 1)[0] for name in wheel.namelist()}
    assert {t for t in top if not t.endswith(".dist-info")} == {"nself_oncall"}


def test_every_subpackage_is_listed_in_pyproject():
    """setuptools still ships a package missing from `packages` (as data, warning that it will stop)."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "nself_oncall").rglob("__init__.py")}
    assert "nself_oncall.plugins" in found
    assert found <= listed


def test_builtin_notifiers_and_migrations_are_shipped(wheel):
    names = set(wheel.namelist())
    assert {f"nself_oncall/notifiers/{name}.py" for name in BUILTINS} <= names
    assert "nself_oncall/notifiers/_http.py" in names
    assert any(n.startswith("nself_oncall/migrations/sqlite/models/") and n.endswith(".py") for n in names)
    assert any(n.startswith("nself_oncall/migrations/postgres/models/") and n.endswith(".py") for n in names)


def test_builtins_are_entry_points_of_the_nself_oncall_group(wheel):
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    group = text.split("[nself_oncall]", 1)[1].split("\n[", 1)[0]
    declared = dict(line.split(" = ") for line in group.strip().splitlines())
    assert declared == {name: f"nself_oncall.notifiers.{name}" for name in BUILTINS}


@pytest.mark.parametrize(("folder", "one"), [("ui/templates/ui", "schedule.html"),
                                             ("api/templates/action_links", "escalation.html")])
def test_the_page_templates_are_shipped(wheel, folder, one):
    """The web view's and the action links' pages (every template folder there is)."""
    shipped = {n.rsplit("/", 1)[1] for n in wheel.namelist() if n.startswith(f"nself_oncall/{folder}/")}
    assert shipped == {p.name for p in (ROOT / "nself_oncall" / folder).glob("*.html")}
    assert one in shipped


def test_every_template_folder_is_in_the_package_data():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    listed = {f"{package.removeprefix('nself_oncall.')}/{pattern.rsplit('/', 1)[0]}"
              for package, patterns in package_data.items() for pattern in patterns if "templates" in pattern}
    found = {str(p.parent.relative_to(ROOT / "nself_oncall")) for p in (ROOT / "nself_oncall").rglob("templates/*/*.html")}
    assert listed == found == {"ui/templates/ui", "api/templates/action_links"}
