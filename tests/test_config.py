"""Settings from the environment and plugins.toml: channels, { env = "VAR" } values, disable, strict mode."""

from __future__ import annotations

import pytest

from nself_oncall.config import Channel, ConfigError, Settings
from nself_oncall.plugins import build_registry

TOML = """
[plugins]
disable = ["ntfy"]

[channels.log]
notifier = "log"

[channels.hook]
notifier = "webhook"
url = "https://hooks.example.com/oncall"
secret = { env = "HOOK_SECRET" }
headers = { X-Team = "sre", Authorization = { env = "HOOK_AUTH" } }
allow = ["10.0.0.0/8"]

[channels.broken]
notifier = "webhook"
url = { env = "NOT_SET_ANYWHERE" }
"""


def load(tmp_path, text: str, **env: str) -> Settings:
    path = tmp_path / "plugins.toml"
    path.write_text(text)
    return Settings.from_env({"NSELF_ONCALL_PLUGINS": str(path), **env})


def test_channels_take_values_from_the_environment(tmp_path):
    settings = load(tmp_path, TOML, HOOK_SECRET="0123456789abcdef-secret", HOOK_AUTH="Bearer abc123")
    hook = settings.channels["hook"]
    assert hook == Channel(
        "hook",
        "webhook",
        {
            "url": "https://hooks.example.com/oncall",
            "secret": "0123456789abcdef-secret",
            "headers": {"X-Team": "sre", "Authorization": "Bearer abc123"},
            "allow": ["10.0.0.0/8"],
        },
        frozenset({"secret", "headers"}),
    )
    assert settings.channels["broken"].error == "environment variable NOT_SET_ANYWHERE is not set"
    assert settings.channels["broken"].from_env == frozenset({"url"})
    assert settings.disabled_plugins == frozenset({"ntfy"})


def test_values_from_the_environment_are_never_shown(tmp_path):
    settings = load(tmp_path, TOML, HOOK_SECRET="0123456789abcdef-secret", HOOK_AUTH="Bearer abc123")
    registry = build_registry(settings)
    assert registry.channels["hook"].ok, registry.channels["hook"].error
    assert registry.channels["hook"].shown_settings == {
        "url": "https://hooks.example.com/oncall",
        "secret": "********",
        "headers": "********",
        "allow": ["10.0.0.0/8"],
    }
    assert registry.channels["broken"].error == "environment variable NOT_SET_ANYWHERE is not set"
    assert registry.plugins["ntfy"].status == "disabled"


def test_a_password_inside_a_url_is_masked(tmp_path):
    text = '[channels.hook]\nnotifier = "webhook"\nurl = "https://bot:hunter22@hooks.example.com/x"\n'
    registry = build_registry(load(tmp_path, text))
    assert registry.channels["hook"].shown_settings["url"] == "https://bot:********@hooks.example.com/x"


def test_without_plugins_toml_the_log_channel_exists(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.channels == {"log": Channel("log", "log")}
    assert settings.disabled_plugins == frozenset() and settings.strict_plugins is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[plugins]\ndisable = \"webhook\"\n", "disable must be a list"),
        ("channels = 3\n", "[channels] must be a table"),
        ("[channels.x\n", "plugins.toml"),
    ],
)
def test_malformed_plugins_toml_stops_the_start(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load(tmp_path, text)


def test_a_malformed_channel_is_reported_not_fatal(tmp_path):
    text = '[channels.x]\nurl = "https://a"\n\n[channels."a/b c"]\nnotifier = "log"\n\n[channels.y]\nnotifier = 3\n'
    channels = build_registry(load(tmp_path, text)).channels
    assert {name: state.error for name, state in channels.items()} == {
        "x": 'needs a notifier = "..." string',
        "a/b c": "a channel name is 1-64 letters, digits, '.', '_' or '-', not 'a/b c'",
        "y": 'needs a notifier = "..." string',
    }


@pytest.mark.parametrize("value", ["oncall.example.com", "ftp://x", "https://x/?a=1"])
def test_a_public_url_must_be_an_http_url(tmp_path, value):
    with pytest.raises(ConfigError, match="NSELF_ONCALL_PUBLIC_URL"):
        load(tmp_path, "", NSELF_ONCALL_PUBLIC_URL=value)


@pytest.mark.parametrize(("value", "strict"), [("1", True), ("true", True), ("0", False), ("", False), ("off", False)])
def test_strict_plugins_flag(tmp_path, value, strict):
    assert load(tmp_path, "", NSELF_ONCALL_STRICT_PLUGINS=value).strict_plugins is strict


def test_a_strict_flag_that_is_neither_on_nor_off_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="NSELF_ONCALL_STRICT_PLUGINS"):
        load(tmp_path, "", NSELF_ONCALL_STRICT_PLUGINS="maybe")


def test_links_point_at_the_public_url_or_the_listen_address(tmp_path):
    assert load(tmp_path, "", NSELF_ONCALL_PUBLIC_URL="https://oncall.example.com/").base_url == "https://oncall.example.com"
    assert load(tmp_path, "", PORT="9000").base_url == "http://127.0.0.1:9000"
    assert Settings(host="::1").base_url == "http://[::1]:3840"
