"""The `nself-oncall` command: serve | migrate | plugins."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import secrets
import sys

from .config import ConfigError, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nself-oncall", description="On-call schedules and escalations.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="apply pending migrations, then serve the HTTP API")
    serve.add_argument("--host", help="listen address (default: HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (default: PORT or 3840)")
    commands.add_parser("migrate", help="apply pending database migrations and exit")
    plugins = commands.add_parser("plugins", help="list notifier plugins and channels with their status")
    plugins.add_argument("--json", action="store_true", help="print what /api/v1/notifiers and /api/v1/channels answer")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "plugins":
            return _plugins(settings, args.json)
        return _serve(settings, args.host, args.port)
    except ConfigError as exc:
        print(f"nself-oncall: {exc}", file=sys.stderr)
        return 2


def _migrate(settings: Settings) -> int:
    from .migrate import apply_migrations

    applied = asyncio.run(apply_migrations(settings.database_url))
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))
    return 0


def _plugins(settings: Settings, as_json: bool) -> int:
    from .plugins import build_registry, registry_json, registry_text

    registry = build_registry(settings)
    print(json.dumps(registry_json(registry), indent=2) if as_json else registry_text(registry, settings))
    return 0


def _serve(settings: Settings, host: str | None, port: int | None) -> int:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    from .app import create_app
    from .plugins import build_registry

    settings = dataclasses.replace(settings, host=host or settings.host, port=settings.port if port is None else port)
    if not settings.plugin_secret:
        settings = dataclasses.replace(settings, plugin_secret=secrets.token_urlsafe(32))
        print(
            "PLUGIN_SECRET is not set; this run's API token (send it as 'Authorization: Bearer <token>'):\n"
            f"    {settings.plugin_secret}",
            flush=True,
        )
    registry = build_registry(settings)  # before migrating: strict mode stops a broken setup early
    _migrate(settings)
    config = Config()
    config.errorlog = logging.getLogger("hypercorn.error")  # a logger, not "-": no second handler, each line once
    config.bind = [f"[{settings.host}]:{settings.port}" if ":" in settings.host else f"{settings.host}:{settings.port}"]
    print(f"nself-oncall listening on http://{config.bind[0]}", flush=True)
    asyncio.run(serve(create_app(settings, registry), config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
