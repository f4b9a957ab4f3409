"""The Quart application: schema, blueprints, auth, errors and the database lifecycle."""

from __future__ import annotations

import json
import types
from typing import Any

from quart import Quart, Request
from quart_schema import QuartSchema
from werkzeug.exceptions import BadRequest

from . import ui
from .api import (
    action_links,
    audit,
    calendars,
    docs,
    escalations,
    health,
    inbound_slack,
    inbound_twilio,
    intake,
    integrations,
    metrics,
    notifiers,
    overrides,
    policies,
    schedules,
    temporaries,
    users,
)
from .api.auth import API_PREFIX, authenticate
from .api.errors import register_error_handlers
from .api.fast_json import use_fast_json
from .api.fields import converters
from .api.nesting import MAX_JSON_DEPTH, nested_deeper_than
from .api.openapi import Provider
from .config import ConfigError, Settings
from .engine import EngineOptions
from .engine.process import EngineProcess
from .logs import RequestIds
from .metrics import Metrics
from .plugins import Registry, build_registry
from .signals import signalled
from .store import input_error_status, transient
from .store.cache import ScheduleCache
from .store.database import close_database, open_database
from .store.wake import LOCAL_ENGINE

MAX_BODY = 1024 * 1024


_UNREAD = object()


class JSONRequest(Request):
    """Reads the body as JSON whatever the Content-Type says (curl -d sends a form type).

    Nesting deeper than MAX_JSON_DEPTH is refused before parsing (api/nesting.py).
    """

    _parsed: Any = _UNREAD

    async def get_json(self, force: bool = True, silent: bool = False, cache: bool = True) -> Any:
        """The body parsed once, from one read (Quart's own would read it again, through a task of its own)."""
        if self._parsed is _UNREAD:
            try:
                text = await self.get_data(as_text=True)
            except UnicodeDecodeError:
                raise BadRequest("request body is not UTF-8") from None
            if nested_deeper_than(text, MAX_JSON_DEPTH):
                raise BadRequest(f"request body is nested deeper than {MAX_JSON_DEPTH} levels")
            try:
                self._parsed = json.loads(text)
            except ValueError:
                raise BadRequest() from None
        return self._parsed


def create_app(settings: Settings, registry: Registry | None = None, engine: EngineOptions | None = None) -> Quart:
    """The service for `settings`; notifier plugins are loaded here unless `registry` is given.

    With `engine` options the escalation engine runs in a process of its own while the app serves (`serve`);
    without, the API only writes rows and another process's engine notifies (`serve --api-only`, tests)."""
    if not settings.plugin_secret:
        raise ConfigError("create_app needs settings.plugin_secret (serve generates one when PLUGIN_SECRET is unset)")
    app = Quart("nself_oncall")
    app.request_class = JSONRequest
    app.url_map.converters.update(converters())
    app.config.update(SETTINGS=settings, MAX_CONTENT_LENGTH=MAX_BODY)
    app.extensions["schedule_cache"] = ScheduleCache()
    app.extensions["metrics"] = Metrics()
    app.extensions["notifiers"] = registry if registry is not None else build_registry(settings)
    docs.configure(app)
    QuartSchema(
        app,
        info={
            "title": "nself-oncall",
            "version": "1",
            "description": "On-call schedules, overrides, users, escalation policies and notifier channels.",
        },
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        security=[{"bearer": []}],
        openapi_provider_class=Provider,
        redoc_ui_path=None,  # ReDoc and Scalar come only from CDNs: /docs (Swagger UI, served from a package) alone
        scalar_ui_path=None,
    )
    use_fast_json(app)
    # quart-schema sends every dict response through a new pydantic TypeAdapter
    # (about 0.1 ms each); ours are plain JSON already, so keep Quart's own.
    app.make_response = types.MethodType(Quart.make_response, app)
    register_error_handlers(app, input_error_status, transient)
    metrics.instrument(app)  # first: it times the requests that authenticate refuses too
    app.before_request(authenticate)
    app.register_blueprint(health.bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(calendars.links)
    app.register_blueprint(action_links.links)
    app.register_blueprint(intake.bp)
    app.register_blueprint(inbound_slack.bp)
    app.register_blueprint(inbound_twilio.bp)
    for module in (schedules, temporaries, calendars, overrides, policies, users, escalations, integrations, notifiers, audit):
        app.register_blueprint(module.bp, url_prefix=API_PREFIX)
    ui.register(app)  # /ui/: pages behind a session cookie, not the bearer token
    _lifecycle(app, settings, engine)
    app.asgi_app = RequestIds(app.asgi_app)  # outermost: every answer carries X-Request-Id, errors too
    return app


def _lifecycle(app: Quart, settings: Settings, options: EngineOptions | None) -> None:
    engine = None if options is None else EngineProcess(settings, options, app.extensions["metrics"])
    app.extensions["engine"] = engine
    app.extensions["wake_engine"] = engine.wake if engine is not None else lambda: None

    @app.before_serving
    async def _open_database() -> None:
        await open_database(settings.database_url, settings.pooled)
        if engine is not None:  # apart from the requests' event loop (engine/process.py)
            engine.start()

    if engine is not None:

        @app.before_request
        async def _local_engine() -> None:
            """Work this request adds is the local engine's to take, while it runs (store/wake.LOCAL_ENGINE)."""
            LOCAL_ENGINE.set(engine.running)

    @app.after_serving
    async def _close_database() -> None:
        if engine is not None:
            await engine.stop()
        await app.extensions["notifiers"].close()  # the channel tests' clients (POST /api/v1/channels/{name}/test)
        await close_database()


async def until_stop_signal(app: Quart) -> None:
    """`serve`'s shutdown trigger: return at SIGTERM or SIGINT, once the app's engine process knows that `serve`
    is stopping (EngineProcess.stopping says why it must know before Hypercorn's graceful shutdown)."""
    engine: EngineProcess | None = app.extensions["engine"]
    await signalled(engine.stopping if engine is not None else None)
