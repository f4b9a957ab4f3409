"""Settings: read once from the environment and plugins.toml, then passed down."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .escalation.throttle import Rule, parse_rule

DEFAULT_DATABASE_URL = "sqlite://nself_oncall.db"
DEFAULT_CHANNELS = {"log": {"notifier": "log"}}
CHANNEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# What nself's gateway sets to the signed-in user (trusted only when NSELF_ONCALL_ACTOR_HEADER names it).
NSELF_ACTOR_HEADER = "X-Hasura-User-Id"
# An HTTP header name (RFC 9110's token).
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")
LOG_FORMATS = ("text", "json")
#: Where the engine can be made to kill its own process, for the crash tests (engine/faults.py).
FAIL_POINTS = ("after_claim", "after_send", "before_result")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
#: Seconds to open a PostgreSQL connection, and to wait for the answer to one query, before giving up: a server
#: that accepts connections but never answers makes a request a 503 and the engine try again, not a hang (asyncpg
#: waits 60 s to connect and for ever for an answer by default). DATABASE_URL's `?timeout=` and `?command_timeout=`
#: override them.
CONNECT_TIMEOUT = 5
QUERY_TIMEOUT = 10.0

# Every environment variable the service reads (`from_env` can read no other: see _Declared). plugin.json
# lists them too, and tests/test_manifest.py keeps the two equal. A `{ env = "VAR" }` value in plugins.toml
# names variables of the operator's choosing; those are not settings of ours.
ENV_SETTINGS = (
    "HOST",
    "PORT",
    "DATABASE_URL",
    "NSELF_ONCALL_DIRECT_DATABASE_URL",
    "PLUGIN_SECRET",
    "NSELF_ONCALL_PLUGINS",
    "NSELF_ONCALL_STRICT_PLUGINS",
    "NSELF_ONCALL_PUBLIC_URL",
    "NSELF_ONCALL_DELIVERY_ATTEMPTS",
    "NSELF_ONCALL_RETRY_SECONDS",
    "NSELF_ONCALL_FAILPOINTS",
    "NSELF_ONCALL_LOG_FORMAT",
    "NSELF_ONCALL_ACTOR_HEADER",
    "NSELF_ONCALL_LINK_SECRET",
    "NSELF_ONCALL_LINK_TTL",
    "NSELF_ONCALL_METRICS_TOKEN",
    "NSELF_ONCALL_RETENTION_DAYS",
    "NSELF_ONCALL_AUDIT_DAYS",
    "NSELF_ONCALL_INTAKE_RATE",
    "NSELF_ONCALL_INBOUND_RATE",
)


class ConfigError(Exception):
    """A setting is malformed: the service cannot start with it."""


class StartupError(Exception):
    """A setting is well-formed, but what it names cannot be used (a database down, a port taken)."""


@dataclass(frozen=True)
class Channel:
    """A `[channels.NAME]` table: the notifier it uses and that notifier's own settings.

    `{ env = "VAR" }` values are already filled in; `from_env` names the settings that came
    from the environment (shown masked), `error` says why a value could not be filled in.
    """

    name: str
    notifier: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    from_env: frozenset[str] = frozenset()
    error: str | None = None


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 3840
    database_url: str = DEFAULT_DATABASE_URL
    # The PostgreSQL server itself, when DATABASE_URL points at a pooler in transaction mode (PgBouncer): what needs
    # a session (LISTEN, migrations and their lock) goes here; None: everything goes to database_url.
    direct_database_url: str | None = None
    plugin_secret: str | None = None
    plugins_file: Path | None = None
    channels: Mapping[str, Channel] = field(default_factory=dict)
    disabled_plugins: frozenset[str] = frozenset()
    strict_plugins: bool = False
    public_url: str | None = None
    delivery_attempts: int = 5
    retry_seconds: float = 5.0
    failpoints: Mapping[str, float] = field(default_factory=dict)
    # The request header that names who makes a change, for the audit log; None: trust no header.
    actor_header: str | None = None
    log_format: str = "text"
    # The secret the action links' key is derived from; None: derived from plugin_secret.
    link_secret: str | None = None
    link_ttl: timedelta = timedelta(days=7)
    # A second bearer token that reads /metrics and nothing else.
    metrics_token: str | None = None
    # How long resolved escalations (with their notifications and links) and sent notices are kept, and how long
    # audit entries are; 0: for ever.
    retention_days: int = 90
    audit_days: int = 365
    # How many events each integration and heartbeat key takes per period.
    intake_rate: Rule = Rule(300, timedelta(minutes=5))
    # How many refused requests each inbound door (Twilio's, Slack's) takes per client address and period, per process.
    inbound_rate: Rule = Rule(120, timedelta(minutes=1))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        env = _Declared(environ)
        plugins_file = _plugins_file(env)
        plugins = _read_toml(plugins_file) if plugins_file else {"channels": DEFAULT_CHANNELS}
        return cls(
            host=env.get("HOST") or "127.0.0.1",
            port=port_number(env.get("PORT") or "3840"),
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            direct_database_url=_direct_url(env),
            plugin_secret=_secret(env, "PLUGIN_SECRET"),
            plugins_file=plugins_file,
            channels=_channels(plugins.get("channels", {}), environ),
            disabled_plugins=_disabled(plugins.get("plugins", {})),
            strict_plugins=_flag(env, "NSELF_ONCALL_STRICT_PLUGINS"),
            public_url=_public_url(env.get("NSELF_ONCALL_PUBLIC_URL") or ""),
            delivery_attempts=int(_number(env, "NSELF_ONCALL_DELIVERY_ATTEMPTS", 5, 1, 100, whole=True)),
            retry_seconds=_number(env, "NSELF_ONCALL_RETRY_SECONDS", 5.0, 0.1, 300),
            failpoints=_failpoints(env.get("NSELF_ONCALL_FAILPOINTS", "")),
            actor_header=_actor_header(env.get("NSELF_ONCALL_ACTOR_HEADER", "")),
            log_format=_choice(env, "NSELF_ONCALL_LOG_FORMAT", LOG_FORMATS),
            link_secret=_secret(env, "NSELF_ONCALL_LINK_SECRET"),
            link_ttl=_duration(env, "NSELF_ONCALL_LINK_TTL", timedelta(days=7), timedelta(minutes=1), timedelta(days=365)),
            metrics_token=_secret(env, "NSELF_ONCALL_METRICS_TOKEN"),
            retention_days=int(_number(env, "NSELF_ONCALL_RETENTION_DAYS", 90, 0, 36500, whole=True)),
            audit_days=int(_number(env, "NSELF_ONCALL_AUDIT_DAYS", 365, 0, 36500, whole=True)),
            intake_rate=_rate(env, "NSELF_ONCALL_INTAKE_RATE", Rule(300, timedelta(minutes=5))),
            inbound_rate=_rate(env, "NSELF_ONCALL_INBOUND_RATE", Rule(120, timedelta(minutes=1))),
        )

    @property
    def session_url(self) -> str:
        """Where what needs a session of its own goes (LISTEN, migrations and their lock): the server itself."""
        return self.direct_database_url or self.database_url

    @property
    def pooled(self) -> bool:
        """Whether database_url is a pooler in transaction mode: no prepared statements kept on its connections."""
        return self.direct_database_url is not None

    @property
    def base_url(self) -> str:
        """Where links in messages and calendar links point: NSELF_ONCALL_PUBLIC_URL, else the listen address."""
        if self.public_url:
            return self.public_url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


class _Declared(Mapping[str, str]):
    """The environment as `from_env` sees it: only the names in ENV_SETTINGS can be read, so that
    a setting cannot be added without being listed there (and so in plugin.json)."""

    def __init__(self, environ: Mapping[str, str]):
        self._environ = environ

    def __getitem__(self, name: str) -> str:
        if name not in ENV_SETTINGS:
            raise LookupError(f"{name} is read but not declared: add it to ENV_SETTINGS in nself_oncall/config.py "
                              "and to envVars in plugin.json")
        return self._environ[name]

    def __iter__(self):
        return (name for name in ENV_SETTINGS if name in self._environ)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _direct_url(env: Mapping[str, str]) -> str | None:
    """NSELF_ONCALL_DIRECT_DATABASE_URL: a postgres:// URL, beside a postgres:// DATABASE_URL."""
    direct = env.get("NSELF_ONCALL_DIRECT_DATABASE_URL") or None
    if direct is None:
        return None
    pooled = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if dialect_of(pooled) != "postgres" or dialect_of(direct, "NSELF_ONCALL_DIRECT_DATABASE_URL") != "postgres":
        raise ConfigError("NSELF_ONCALL_DIRECT_DATABASE_URL: only with PostgreSQL, as a postgres:// URL beside a "
                          "DATABASE_URL that points at PgBouncer")
    return direct


def dialect_of(database_url: str, setting: str = "DATABASE_URL") -> str:
    if "://" not in database_url:  # not echoed: it may be "user:password@host/db"
        raise ConfigError(f"{setting}: not a URL (use sqlite://FILE or postgres://USER@HOST:PORT/DATABASE)")
    scheme = database_url.split("://", 1)[0]
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgres", "postgresql", "asyncpg", "psycopg"):
        return "postgres"
    raise ConfigError(f"{setting}: unsupported scheme {scheme!r} (use sqlite:// or postgres://)")


async def _keep_session(connection: Any) -> None:
    """A pooled connection's reset: nothing to undo (see tortoise_config)."""


def tortoise_config(database_url: str, migrating: bool = False, pooled: bool = False) -> dict[str, Any]:
    """The Tortoise ORM configuration for one database; aerich's models ride along.

    On PostgreSQL a query waits at most QUERY_TIMEOUT seconds for its answer, unless `migrating`: a migration may
    rewrite a large table. `pooled`: the URL is a pooler in transaction mode (PgBouncer), where a connection's next
    transaction may run on another server connection, so asyncpg keeps no prepared statements (it prepares each
    query unnamed, on the same server connection as it runs)."""
    from tortoise.backends.base.config_generator import expand_db_url

    dialect_of(database_url)
    connection: Any = database_url
    expanded = expand_db_url(database_url)
    if expanded["engine"] == "tortoise.backends.asyncpg":
        # Tortoise passes the URL's parameters, and these, on to asyncpg.create_pool.
        credentials = expanded["credentials"]
        credentials.setdefault("timeout", CONNECT_TIMEOUT)
        if not migrating:
            credentials.setdefault("command_timeout", QUERY_TIMEOUT)
        if pooled:
            credentials["statement_cache_size"] = 0
        # asyncpg's pool sends "SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL" each time a
        # connection goes back to it, and the caller waits for it: a round trip after every query and transaction,
        # the engine's included. Nothing here leaves session state on a pooled connection (no SET, LISTEN is on a
        # connection of its own, advisory locks are per transaction), and asyncpg still rolls back a transaction
        # left open; so skip the query.
        credentials["reset"] = _keep_session
        # A transaction whose BEGIN fails leaves nothing behind (see store/postgres_client.py).
        connection = {**expanded, "engine": "nself_oncall.store.postgres_client"}
    elif expanded["engine"] == "tortoise.backends.sqlite":
        # Write transactions begin IMMEDIATE (see store/sqlite_client.py).
        connection = {**expanded, "engine": "nself_oncall.store.sqlite_client"}
    return {
        "connections": {"default": connection},
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


def _channels(tables: Any, env: Mapping[str, str]) -> dict[str, Channel]:
    """Every `[channels.NAME]` table; one that is malformed becomes an unusable channel saying why."""
    if not isinstance(tables, dict):
        raise ConfigError("plugins.toml: [channels] must be a table of [channels.NAME] tables")
    return {name: _channel(name, table, env) for name, table in tables.items()}


def _channel(name: str, table: Any, env: Mapping[str, str]) -> Channel:
    if not CHANNEL_NAME.match(name):
        return Channel(name, "", error=f"a channel name is 1-64 letters, digits, '.', '_' or '-', not {name!r}")
    if not isinstance(table, dict) or not isinstance(table.get("notifier"), str):
        return Channel(name, "", error='needs a notifier = "..." string')
    settings, from_env, missing = {}, set(), []
    for key, value in table.items():
        if key == "notifier":
            continue
        before = len(missing)
        settings[key] = _fill_env(value, env, missing)
        if len(missing) > before or value != settings[key]:
            from_env.add(key)
    error = f"environment variable {', '.join(sorted(set(missing)))} is not set" if missing else None
    return Channel(name, table["notifier"], settings, frozenset(from_env), error)


def _fill_env(value: Any, env: Mapping[str, str], missing: list[str]) -> Any:
    """Replace every `{ env = "VAR" }` table, at any depth, by the variable's value."""
    if isinstance(value, dict):
        if set(value) == {"env"} and isinstance(value["env"], str):
            if value["env"] not in env:
                missing.append(value["env"])
                return None
            return env[value["env"]]
        return {k: _fill_env(v, env, missing) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_env(v, env, missing) for v in value]
    return value


def _disabled(table: Any) -> frozenset[str]:
    names = table.get("disable", []) if isinstance(table, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ConfigError('plugins.toml: [plugins] disable must be a list of plugin names, like ["webhook"]')
    return frozenset(names)


def _public_url(value: str) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"NSELF_ONCALL_PUBLIC_URL: expected an http(s) URL like https://oncall.example.com, not {value!r}")
    return value.rstrip("/")


def _actor_header(value: str) -> str | None:
    """A header name; empty: no header is trusted (every change is logged as made by `api`)."""
    value = value.strip()
    if value and not _HEADER_NAME.match(value):
        raise ConfigError(f"NSELF_ONCALL_ACTOR_HEADER: not an HTTP header name: {value!r}")
    return value or None


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name}: expected 1 or 0, not {value!r}")


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (the first when unset)."""
    value = env.get(name, "").strip().lower() or choices[0]
    if value not in choices:
        raise ConfigError(f"{name}: expected {' or '.join(choices)}, not {value!r}")
    return value


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float, whole: bool = False) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value) if whole else float(value)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        kind = "a whole number" if whole else "a number"
        raise ConfigError(f"{name}: expected {kind} from {low:g} to {high:g}, not {value!r}")
    return number


def _failpoints(value: str) -> dict[str, float]:
    """'point:probability,...' -> {point: probability}."""
    points = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        name, _, chance = part.partition(":")
        if name not in FAIL_POINTS:
            raise ConfigError(f"NSELF_ONCALL_FAILPOINTS: unknown fail point {name!r} (known: {', '.join(FAIL_POINTS)})")
        try:
            probability = float(chance or 1)
        except ValueError:
            probability = -1.0
        if not 0 <= probability <= 1:
            raise ConfigError(f"NSELF_ONCALL_FAILPOINTS: fail point {name}: a probability from 0 to 1, not {chance!r}")
        points[name] = probability
    return points


def _secret(env: Mapping[str, str], name: str) -> str | None:
    """A token or secret setting: printable ASCII without spaces (it is compared as bytes and sent in headers)."""
    value = env.get(name, "")
    if not value:
        return None
    if not value.isascii() or not value.isprintable() or " " in value:
        raise ConfigError(f"{name}: use printable ASCII characters without spaces (the value is not shown)")
    return value


def _rate(env: Mapping[str, str], name: str, default: Rule) -> Rule:
    """A rate limit COUNT/PERIOD, like 300/5m."""
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        return parse_rule(value)
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from None


def _duration(env: Mapping[str, str], name: str, default: timedelta, low: timedelta, high: timedelta) -> timedelta:
    """A duration: a number of seconds, or with a unit: 90s, 30m, 12h, 7d."""
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    match = _DURATION.fullmatch(value)
    duration = timedelta(seconds=float(match[1]) * _SECONDS[match[2]]) if match else None
    if duration is None or not low <= duration <= high:
        raise ConfigError(f"{name}: expected a duration from {low} to {high} like 30m, 12h or 7d, not {value!r}")
    return duration


def port_number(value: str, setting: str = "PORT") -> int:
    """A listen port, 0-65535 (0: any free port); `setting` names where it came from, for the error."""
    try:
        port = int(value)
    except ValueError:
        raise ConfigError(f"{setting}: not a number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"{setting}: out of range: {port}")
    return port
