"""docs/plugins.md has a section per hook spec, with its real signature; each built-in has its page."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from nself_oncall.plugins import hookspecs

DOCS = Path(__file__).parents[2] / "docs"


def hook_specs() -> dict[str, str]:
    specs = {}
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if hasattr(function, f"{hookspecs.PROJECT}_spec"):
            specs[name] = f"{name}({', '.join(inspect.signature(function).parameters)})"
    return specs


def test_every_hook_spec_has_a_section_with_its_signature():
    documented = re.findall(r"^## Hook `([^`]+)`$", (DOCS / "plugins.md").read_text(), re.MULTILINE)
    assert hook_specs(), "no hook specs found"
    assert sorted(documented) == sorted(hook_specs().values())


def test_every_hook_spec_says_what_it_takes_and_returns():
    for name in hook_specs():
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        assert "Called" in doc and "return" in doc, name


def test_every_builtin_notifier_has_its_page():
    from importlib.metadata import entry_points

    builtins = {ep.name for ep in entry_points(group="nself_oncall") if ep.dist and ep.dist.name == "nself-oncall"}
    assert builtins and {path.stem for path in (DOCS / "notifiers").glob("*.md")} >= builtins
