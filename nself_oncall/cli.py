"""The `nself-oncall` command: serve | worker | migrate | plugins."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import json
import logging
import secrets
import sys
from importlib.metadata import version
from typing import TYPE_CHECKING

from . import logs, loop
from .config import ConfigError, Settings, StartupError, port_number

if TYPE_CHECKING:
    from hypercorn.config import Config

log = logging.getLogger(__name__)

# A shorter PLUGIN_SECRET is warned about at start; the generated one is 43 characters.
MIN_SECRET_LENGTH = 16

ENVIRONMENT = """\
settings read from the environment:
  HOST                         listen address (default: 127.0.0.1)
  PORT                         listen port (default: 3840)
  DATABASE_URL                 sqlite://FILE or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE
                               (default: sqlite://nself_oncall.db, in the working directory)
  NSELF_ONCALL_DIRECT_DATABASE_URL the PostgreSQL server itself, when DATABASE_URL points at
                               PgBouncer in transaction mode: LISTEN and migrations go here
                               (default: DATABASE_URL)
  PLUGIN_SECRET                the API's bearer token, 16 characters or more
                               (default: a new random token each start, printed once)
  NSELF_ONCALL_PLUGINS         the channels file (default: ./plugins.toml if there is one,
                               else a single "log" channel)
  NSELF_ONCALL_STRICT_PLUGINS  1: refuse to start when a plugin fails to load or a channel names a
                               notifier that is not installed (default: 0: report and skip it)
  NSELF_ONCALL_PUBLIC_URL      base of the links in messages and of calendar links,
                               e.g. https://oncall.example.com
                               (default: the listen address)
  NSELF_ONCALL_DELIVERY_ATTEMPTS  attempts per message before it fails, 1-100
                               (default: 5)
  NSELF_ONCALL_RETRY_SECONDS   wait before the first retry, 0.1-300; each next one doubles,
                               up to 300 s (default: 5)
  NSELF_ONCALL_ACTOR_HEADER    the header the proxy in front sets to the user making a change,
                               for the audit log, e.g. X-Hasura-User-Id behind nself's gateway
                               (default: none: trust no header)
  NSELF_ONCALL_LINK_SECRET     the secret that acknowledge links in messages are derived from
                               (default: derived from PLUGIN_SECRET)
  NSELF_ONCALL_LINK_TTL        how long such a link works: 30m, 12h, 7d (default: 7d)
  NSELF_ONCALL_METRICS_TOKEN   a bearer token that reads /metrics and nothing else
                               (default: none: /metrics takes PLUGIN_SECRET only)
  NSELF_ONCALL_RETENTION_DAYS  days a resolved escalation, its notifications and links, and a sent
                               notice are kept; 0: for ever (default: 90)
  NSELF_ONCALL_AUDIT_DAYS      days an audit entry is kept; 0: for ever (default: 365)
  NSELF_ONCALL_INTAKE_RATE     events each integration or heartbeat key takes, COUNT/PERIOD:
                               a burst of COUNT, then one per PERIOD/COUNT (default: 300/5m)
  NSELF_ONCALL_INBOUND_RATE    refused (unsigned) requests Twilio's and Slack's doors take from one
                               client address, COUNT/PERIOD, in each process (default: 120/1m)
  NSELF_ONCALL_LOG_FORMAT      text, or json: one JSON object per line on stderr, with the request,
                               escalation and notification ids (default: text)
  NSELF_ONCALL_FAILPOINTS      for crash tests only: "after_claim:0.1,..." kills the engine's process
                               at that point with that probability (default: none)
"""


def main(argv: list[str] | None = None) -> int:
    """Run one command. A wrong setting ends it with one line on stderr, no traceback:
    exit status 2 when it is malformed, 1 when what it names cannot be used."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        logs.configure(settings.log_format)
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "plugins":
            return _plugins(settings, args.json)
        if args.command == "worker":
            return _worker(settings)
        return _serve(settings, args.host, args.port, args.api_only)
    except ConfigError as exc:
        print(f"nself-oncall: {exc}", file=sys.stderr)
        return 2
    except StartupError as exc:
        print(f"nself-oncall: {exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    help_format = {"epilog": ENVIRONMENT, "formatter_class": argparse.RawDescriptionHelpFormatter}
    parser = argparse.ArgumentParser(
        prog="nself-oncall", description="On-call schedules and escalations.", **help_format
    )
    parser.add_argument("--version", action="version", version=f"nself-oncall {version('nself-oncall')}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="apply pending migrations, then serve the HTTP API and run the escalation engine", **help_format
    )
    serve.add_argument("--host", help="listen address (default: HOST or 127.0.0.1)")
    serve.add_argument("--port", help="listen port (default: PORT or 3840)")
    serve.add_argument(
        "--api-only", action="store_true", help="serve the API without the escalation engine (run `worker` elsewhere)"
    )
    commands.add_parser(
        "worker", help="apply pending migrations, then run the escalation engine alone (no HTTP)", **help_format
    )
    commands.add_parser("migrate", help="apply pending database migrations and exit", **help_format)
    plugins = commands.add_parser("plugins", help="list notifier plugins and channels with their status")
    plugins.add_argument("--json", action="store_true", help="print what /api/v1/notifiers and /api/v1/channels answer")
    return parser


def _migrate(settings: Settings) -> int:
    from .migrate import apply_migrations
    from .startup import opening_database
    from .store.listen import probe

    if settings.pooled:  # the pooled URL must answer too, before anything serves
        with opening_database(settings.database_url):
            asyncio.run(probe(settings.database_url, pooled=True))
    with opening_database(settings.session_url, "NSELF_ONCALL_DIRECT_DATABASE_URL" if settings.pooled else "DATABASE_URL"):
        applied = asyncio.run(apply_migrations(settings.session_url))
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))
    return 0


def _plugins(settings: Settings, as_json: bool) -> int:
    from .plugins import build_registry, registry_json, registry_text

    registry = build_registry(settings)
    print(json.dumps(registry_json(registry), indent=2) if as_json else registry_text(registry, settings))
    return 0


def _serve(settings: Settings, host: str | None, port: str | None, api_only: bool) -> int:
    from hypercorn.asyncio import serve
    from hypercorn.utils import repr_socket_addr

    from .app import create_app, until_stop_signal
    from .engine import engine_options
    from .plugins import build_registry
    from .startup import bind

    settings = dataclasses.replace(
        settings, host=host or settings.host, port=settings.port if port is None else port_number(port, "--port")
    )
    settings = _with_secret(settings)
    registry = build_registry(settings)  # before migrating: strict mode stops a broken setup early
    config = _hypercorn_config(settings)
    sockets = bind(config)  # before migrating too: a port in use is reported before the database is touched
    _migrate(settings)
    for sock in sockets:
        sock.listen(config.backlog)  # connections wait in the backlog while the app starts
        print(f"nself-oncall listening on http://{repr_socket_addr(sock.family, sock.getsockname())}", flush=True)
    # hypercorn takes over the listening sockets; detach() leaves each file descriptor to it alone.
    config.bind = [f"fd://{sock.detach()}" for sock in sockets]
    app = create_app(settings, registry, None if api_only else engine_options(settings))
    loop.run(serve(app, config, shutdown_trigger=functools.partial(until_stop_signal, app)))
    return 0


def _worker(settings: Settings) -> int:
    from .engine import engine_options
    from .engine.process import run_engine
    from .plugins import build_registry

    if not (settings.link_secret or settings.plugin_secret):
        raise ConfigError(
            "worker: set NSELF_ONCALL_LINK_SECRET or PLUGIN_SECRET as the API has it: "
            "the acknowledge links in messages are derived from it"
        )
    registry = build_registry(settings)
    _migrate(settings)
    loop.run(run_engine(settings, registry, engine_options(settings)))
    return 0


def _hypercorn_config(settings: Settings) -> Config:
    from hypercorn.config import Config

    config = Config()
    config.errorlog = logging.getLogger("hypercorn.error")  # a logger, not "-": no second handler, each line once
    config.bind = [f"[{settings.host}]:{settings.port}" if ":" in settings.host else f"{settings.host}:{settings.port}"]
    return config


def _with_secret(settings: Settings) -> Settings:
    """Warn about a short PLUGIN_SECRET (never showing it); generate and print one when it is unset."""
    if settings.plugin_secret:
        if len(settings.plugin_secret) < MIN_SECRET_LENGTH:
            log.warning(
                "PLUGIN_SECRET is shorter than %d characters: easy to guess; use a longer one", MIN_SECRET_LENGTH
            )
        return settings
    settings = dataclasses.replace(settings, plugin_secret=secrets.token_urlsafe(32))
    print(
        "PLUGIN_SECRET is not set; this run's API token (send it as 'Authorization: Bearer <token>'):\n"
        f"    {settings.plugin_secret}",
        flush=True,
    )
    return settings


if __name__ == "__main__":
    sys.exit(main())
