"""Settings: read once from the environment and plugins.toml, then passed down."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DATABASE_URL = "sqlite://nself_oncall.db"
DEFAULT_CHANNELS = {"log": {"notifier": "log"}}


class ConfigError(Exception):
    """A setting is malformed: the service cannot start with it."""


@dataclass(frozen=True)
class Channel:
    """A `[channels.NAME]` table: the notifier it uses and that notifier's own settings."""

    name: str
    notifier: str
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 3840
    database_url: str = DEFAULT_DATABASE_URL
    plugin_secret: str | None = None
    plugins_file: Path | None = None
    channels: Mapping[str, Channel] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        plugins_file = _plugins_file(env)
        plugins = _read_toml(plugins_file) if plugins_file else {"channels": DEFAULT_CHANNELS}
        return cls(
            host=env.get("HOST") or "127.0.0.1",
            port=_port(env.get("PORT") or "3840"),
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            plugin_secret=env.get("PLUGIN_SECRET") or None,
            plugins_file=plugins_file,
            channels=_channels(plugins.get("channels", {})),
        )


def dialect_of(database_url: str) -> str:
    scheme = database_url.split("://", 1)[0]
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgres", "postgresql", "asyncpg", "psycopg"):
        return "postgres"
    raise ConfigError(f"DATABASE_URL: unsupported scheme {scheme!r} (use sqlite:// or postgres://)")


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise ORM configuration for one database; aerich's models ride along."""
    dialect_of(database_url)
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": ["nself_oncall.models", "aerich.models"],
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _plugins_file(env: Mapping[str, str]) -> Path | None:
    named = env.get("NSELF_ONCALL_PLUGINS")
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(f"NSELF_ONCALL_PLUGINS: no such file: {path}")
        return path
    default = Path("plugins.toml")
    return default if default.is_file() else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _channels(tables: Mapping[str, Any]) -> dict[str, Channel]:
    channels = {}
    for name, table in tables.items():
        if not isinstance(table, dict) or not isinstance(table.get("notifier"), str):
            raise ConfigError(f"plugins.toml: [channels.{name}] needs a notifier = \"...\" string")
        settings = {k: v for k, v in table.items() if k != "notifier"}
        channels[name] = Channel(name=name, notifier=table["notifier"], settings=settings)
    return channels


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise ConfigError(f"PORT: not a number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"PORT: out of range: {port}")
    return port
