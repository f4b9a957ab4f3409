"""Finding plugins: built-ins and third-party distributions, broken ones, duplicates, disabled, strict mode.

Third-party plugins here are real distributions (a .dist-info with entry_points.txt) written to a
temporary folder on sys.path, so discovery goes through importlib.metadata as it does in production.
"""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nself_oncall.config import Channel, Settings
from nself_oncall.plugins import build_registry
from nself_oncall.plugins.registry import PluginError

BUILTINS = {"log", "webhook", "slack", "email", "ntfy", "twilio_sms", "twilio_voice"}

NOTIFIER = """
from nself_oncall import Notifier, Sent, hookimpl

class {cls}(Notifier):
    name = {name!r}

    async def send(self, message, contact, settings, *, timeout):
        return Sent(provider_id={name!r})
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    """`site(dist, version, entry_points={name: module}, modules={module: source})` installs a distribution."""
    monkeypatch.syspath_prepend(str(tmp_path))
    added: list[str] = []

    def install(dist: str, entry_points: dict[str, str], modules: dict[str, str], version: str = "1.0") -> None:
        info = tmp_path / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        lines = ["[nself_oncall]", *(f"{name} = {target}" for name, target in entry_points.items())]
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
        for module, source in modules.items():
            (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
            added.append(module)
        importlib.invalidate_caches()

    yield install
    for module in added:
        sys.modules.pop(module, None)


def notifier_module(cls: str, name: str, register: str = "register({cls}())") -> str:
    return NOTIFIER.format(cls=cls, name=name) + f"\n@hookimpl\ndef register_notifiers(register):\n    {register.format(cls=cls)}\n"


def settings(**changes) -> Settings:
    return Settings(plugin_secret="x", **changes)


def test_the_six_builtins_come_from_our_own_entry_points():
    registry = build_registry(settings())
    builtins = {name for name, info in registry.plugins.items() if info.builtin}
    assert builtins == BUILTINS
    assert set(registry.notifiers) >= BUILTINS
    for name in BUILTINS:
        info = registry.plugins[name]
        assert (info.status, info.distribution, info.notifiers) == ("ok", "nself-oncall", (name,))
        assert type(registry.notifiers[name]).__module__ == f"nself_oncall.notifiers.{name}"


def test_a_third_party_distribution_is_found_with_its_version(site):
    site("nself-oncall-pager", {"pager": "pager_plugin"}, {"pager_plugin": notifier_module("Pager", "pager")}, "2.3.1")
    registry = build_registry(settings(channels={"p": Channel("p", "pager")}))
    info = registry.plugins["pager"]
    assert (info.status, info.distribution, info.version, info.builtin, info.notifiers) == (
        "ok",
        "nself-oncall-pager",
        "2.3.1",
        False,
        ("pager",),
    )
    assert registry.channels["p"].ok


def test_a_plugin_that_fails_to_import_is_broken_and_the_others_load(site, caplog):
    site("bad-import", {"bad": "bad_plugin"}, {"bad_plugin": "import does_not_exist_anywhere\n"})
    site("good", {"good": "good_plugin"}, {"good_plugin": notifier_module("Good", "good")})
    with caplog.at_level(logging.ERROR, "nself_oncall.plugins.registry"):
        registry = build_registry(settings())
    bad = registry.plugins["bad"]
    assert bad.status == "broken"
    assert "ModuleNotFoundError" in bad.error and "does_not_exist_anywhere" in bad.error
    assert registry.plugins["good"].status == "ok" and "good" in registry.notifiers
    assert any("'bad'" in r.getMessage() and "broken" in r.getMessage() for r in caplog.records)


def test_a_plugin_whose_register_hook_raises_keeps_none_of_its_notifiers(site):
    source = notifier_module("Half", "half", "register({cls}()); raise RuntimeError('second notifier failed')")
    site("half", {"half": "half_plugin"}, {"half_plugin": source})
    registry = build_registry(settings(channels={"h": Channel("h", "half")}))
    assert registry.plugins["half"].status == "broken"
    assert "RuntimeError: second notifier failed" in registry.plugins["half"].error
    assert "half" not in registry.notifiers
    assert registry.channels["h"].error == "notifier 'half' is not available: its plugin is broken"
    assert not registry.plugin_manager.has_plugin("half")


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (notifier_module("P", "p", "register(object())"), "takes a nself_oncall.Notifier instance"),
        (notifier_module("P", "Not A Name"), "name must match"),
        ("from nself_oncall import hookimpl\n@hookimpl\ndef register_notifiers(reg):\n    pass\n", "reg"),
        ("from nself_oncall import hookimpl\n@hookimpl\ndef register_notifier(register):\n    pass\n", "unknown hook"),
        (
            "from nself_oncall import Notifier, hookimpl\nclass P(Notifier):\n    name = 'p'\n"
            "@hookimpl\ndef register_notifiers(register):\n    register(P())\n",
            "does not implement send()",
        ),
    ],
    ids=["not-a-notifier", "bad-name", "wrong-argument", "misspelt-hook", "no-send"],
)
def test_a_plugin_that_breaks_the_rules_is_reported_as_broken(site, source, reason):
    site("rulebreaker", {"rulebreaker": "rulebreaker_plugin"}, {"rulebreaker_plugin": source})
    info = build_registry(settings()).plugins["rulebreaker"]
    assert info.status == "broken"
    assert reason in info.error


def test_two_plugins_registering_one_name_name_both(site):
    site("alpha-pager", {"alpha": "alpha_plugin"}, {"alpha_plugin": notifier_module("A", "pager")})
    site("beta-pager", {"beta": "beta_plugin"}, {"beta_plugin": notifier_module("B", "pager")})
    registry = build_registry(settings())
    assert registry.plugins["alpha"].status == "ok"
    error = registry.plugins["beta"].error
    assert registry.plugins["beta"].status == "broken"
    assert "'pager'" in error and "'alpha' (alpha-pager 1.0)" in error and "'beta' (beta-pager 1.0)" in error
    assert type(registry.notifiers["pager"]).__module__ == "alpha_plugin"


def test_two_plugins_with_one_entry_point_name_keep_the_first(site):
    site("first-dup", {"dup": "first_dup"}, {"first_dup": notifier_module("F", "first")})
    site("second-dup", {"dup": "second_dup"}, {"second_dup": notifier_module("S", "second")})
    registry = build_registry(settings())
    assert registry.plugins["dup"].distribution == "first-dup" and "first" in registry.notifiers
    second = registry.plugins["dup (second-dup 1.0)"]
    assert second.status == "broken" and "another plugin is already named 'dup'" in second.error
    assert "second" not in registry.notifiers


def test_a_third_party_cannot_take_a_builtin_name_unless_the_builtin_is_disabled(site):
    site("my-webhook", {"mywebhook": "mywebhook_plugin"}, {"mywebhook_plugin": notifier_module("W", "webhook")})
    registry = build_registry(settings())
    assert "'webhook' (nself-oncall" in registry.plugins["mywebhook"].error
    registry = build_registry(settings(disabled_plugins=frozenset({"webhook"})))
    assert registry.plugins["webhook"].status == "disabled"
    assert registry.plugins["mywebhook"].status == "ok"
    assert type(registry.notifiers["webhook"]).__module__ == "mywebhook_plugin"


def test_a_disabled_plugin_is_not_imported_and_its_channels_say_so(site, caplog):
    site("noisy", {"noisy": "noisy_plugin"}, {"noisy_plugin": "raise SystemExit('imported!')\n"})
    with caplog.at_level(logging.WARNING, "nself_oncall.plugins.registry"):
        registry = build_registry(
            settings(disabled_plugins=frozenset({"noisy", "nonesuch"}), channels={"n": Channel("n", "noisy")})
        )
    assert registry.plugins["noisy"].status == "disabled"
    assert "noisy_plugin" not in sys.modules
    assert registry.channels["n"].error == "notifier 'noisy' is not available: its plugin is disabled"
    assert any("nonesuch" in r.getMessage() for r in caplog.records)


def test_strict_mode_makes_a_broken_plugin_fatal(site):
    site("bad-import", {"bad": "bad_plugin"}, {"bad_plugin": "raise ImportError('nope')\n"})
    with pytest.raises(PluginError, match="bad: failed to load: ImportError: nope"):
        build_registry(settings(strict_plugins=True))
    assert build_registry(settings(strict_plugins=True, disabled_plugins=frozenset({"bad"})))


def test_a_channel_with_a_missing_notifier_or_bad_settings_is_reported_not_fatal():
    registry = build_registry(
        settings(
            channels={
                "gone": Channel("gone", "carrier-pigeon"),
                "typo": Channel("typo", "log", {"levle": "info"}),
                "slow": Channel("slow", "log", {"timeout": 0}),
                "nokey": Channel("nokey", "log", {}, frozenset({"level"}), "environment variable LOG_LEVEL is not set"),
                "fine": Channel("fine", "log", {"timeout": 2.5, "level": "info"}),
            },
        )
    )
    errors = {name: state.error for name, state in registry.channels.items()}
    assert errors == {
        "gone": "notifier 'carrier-pigeon' is not installed",
        "typo": "invalid settings: levle: unknown setting",
        "slow": "invalid settings: timeout: a number of seconds, more than 0 and at most 300",
        "nokey": "environment variable LOG_LEVEL is not set",
        "fine": None,
    }
    assert registry.channels["fine"].timeout == 2.5


def test_strict_mode_makes_only_a_notifier_that_is_not_installed_fatal():
    channels = {
        "typo": Channel("typo", "log", {"levle": "info"}),
        "nokey": Channel("nokey", "log", {}, frozenset({"level"}), "environment variable LOG_LEVEL is not set"),
        "off": Channel("off", "ntfy"),
    }
    registry = build_registry(settings(strict_plugins=True, disabled_plugins=frozenset({"ntfy"}), channels=channels))
    assert not any(state.ok for state in registry.channels.values())  # reported, not fatal, even in strict mode
    channels["gone"] = Channel("gone", "carrier-pigeon")
    with pytest.raises(PluginError, match=r"channels naming a notifier that is not installed: gone: 'carrier-pigeon'$"):
        build_registry(settings(strict_plugins=True, disabled_plugins=frozenset({"ntfy"}), channels=channels))


def test_builtins_do_not_shadow_pypis_notifiers_package(tmp_path):
    """PyPI's unrelated `notifiers` distribution installs a top-level `notifiers` package; ours lives
    inside `nself_oncall`, so both import side by side."""
    other = tmp_path / "site" / "notifiers"
    other.mkdir(parents=True)
    (other / "__init__.py").write_text("PYPI_NOTIFIERS = True\n")
    script = (
        "import notifiers\n"
        "from nself_oncall.config import Settings\n"
        "from nself_oncall.plugins import build_registry\n"
        "registry = build_registry(Settings(plugin_secret='x'))\n"
        "print(notifiers.PYPI_NOTIFIERS, sorted(n for n, i in registry.plugins.items() if i.status == 'ok'))\n"
    )
    env = {"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split(None, 1) == ["True", str(sorted(BUILTINS)) + "\n"]


def test_no_builtin_is_installed_as_a_top_level_package():
    from importlib.metadata import entry_points

    ours = [ep for ep in entry_points(group="nself_oncall") if ep.dist and ep.dist.name == "nself-oncall"]
    assert {ep.name for ep in ours} == BUILTINS
    assert all(ep.value.startswith("nself_oncall.notifiers.") for ep in ours)
    assert Path(importlib.import_module("nself_oncall.notifiers").__file__).parent.name == "notifiers"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (
            "from nself_oncall import hookimpl\n@hookimpl\nasync def register_notifiers(register):\n    pass\n",
            "must be a plain function, not async def",
        ),
        (
            "from nself_oncall import Notifier, Sent, hookimpl\nclass P(Notifier):\n    name = 'p'\n"
            "    def send(self, message, contact, settings, *, timeout):\n        return Sent()\n"
            "@hookimpl\ndef register_notifiers(register):\n    register(P())\n",
            "send() must be async def",
        ),
    ],
    ids=["async-hook", "sync-send"],
)
def test_async_mistakes_are_caught_at_start(site, source, reason):
    site("asyncish", {"asyncish": "asyncish_plugin"}, {"asyncish_plugin": source})
    info = build_registry(settings()).plugins["asyncish"]
    assert info.status == "broken" and reason in info.error


CHECKERS = """
import dataclasses
from pydantic import BaseModel
from nself_oncall import Notifier, Sent, hookimpl

@dataclasses.dataclass(frozen=True)
class PathSettings:
    path: str

class Strict(BaseModel):
    token: int

class Base(Notifier):
    async def send(self, message, contact, settings, *, timeout):
        return Sent()

class WithDataclass(Base):
    name = "dc"
    settings_model = PathSettings

class OwnPydantic(Base):
    name = "own"
    def check_settings(self, raw):
        return Strict.model_validate(raw)

class Crashing(Base):
    name = "crash"
    def check_settings(self, raw):
        raise RuntimeError(f"cannot use {raw['token']}")

@hookimpl
def register_notifiers(register):
    for notifier in (WithDataclass(), OwnPydantic(), Crashing()):
        register(notifier)
"""


def test_settings_errors_name_the_setting_and_never_echo_its_value(site, caplog):
    site("checkers", {"checkers": "checkers_plugin"}, {"checkers_plugin": CHECKERS})
    channels = {
        "dc": Channel("dc", "dc", {"path": "a", "typo": 1}),
        "own": Channel("own", "own", {"token": "SUPERSECRETTOKEN"}),
        "crash": Channel("crash", "crash", {"token": "SUPERSECRETTOKEN"}),
    }
    with caplog.at_level(logging.DEBUG):
        registry = build_registry(settings(channels=channels))
    errors = {name: state.error for name, state in registry.channels.items()}
    assert errors["dc"] == "invalid settings: typo: unknown setting"
    assert errors["own"].startswith("invalid settings: token: Input should be a valid integer")
    assert errors["crash"] == "notifier 'crash' failed to check its settings: RuntimeError"
    assert "SUPERSECRETTOKEN" not in str(errors) + caplog.text


def test_a_channel_whose_notifier_is_missing_shows_no_setting_values():
    channels = {"hook": Channel("hook", "webhook", {"url": "https://h.example/x", "secret": "literal-secret-value"})}
    registry = build_registry(settings(channels=channels, disabled_plugins=frozenset({"webhook"})))
    assert registry.channels["hook"].shown_settings == {"url": "********", "secret": "********"}
    assert registry.channels["hook"].error == "notifier 'webhook' is not available: its plugin is disabled"


ADDRESSES = """
from nself_oncall import Notifier, Sent, hookimpl

class Odd(Notifier):
    name = "odd"
    async def send(self, message, contact, settings, *, timeout):
        return Sent()
    def check_address(self, address):
        if address == "crash":
            raise RuntimeError("bug")
        return None if address == "none" else address.upper()

@hookimpl
def register_notifiers(register):
    register(Odd())
"""


def test_a_notifiers_own_bug_in_check_address_keeps_the_address_as_given(site):
    from nself_oncall import InvalidAddress

    site("odd", {"odd": "odd_plugin"}, {"odd_plugin": ADDRESSES})
    registry = build_registry(settings(channels={"o": Channel("o", "odd")}))
    assert registry.check_address("o", "fine") == "FINE"
    assert registry.check_address("o", "crash") == "crash"
    assert registry.check_address("o", "none") == "none"
    with pytest.raises(InvalidAddress, match="blank"):
        registry.check_address("o", "  ")
    with pytest.raises(KeyError):
        registry.check_address("nope", "x")
