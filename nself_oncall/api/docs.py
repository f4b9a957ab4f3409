"""/docs without the internet: quart-schema's Swagger UI page, with Swagger UI's script and style served by the
service itself from the swagger-ui-bundle-v2 package (quart-schema's default loads them from a CDN, so the page
stayed blank on a machine that cannot reach it)."""

from __future__ import annotations

from quart import Blueprint, Quart, send_from_directory
from quart_schema import hide
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets/"
# The two files the page loads (the rest of the package's folder is Swagger UI's own demo page and source maps).
_FILES = ("swagger-ui-bundle.js", "swagger-ui.css")
# The files change only with the package's version, which is in their folder's name: cacheable for a day.
_MAX_AGE = 86400

bp = Blueprint("docs_assets", __name__)


def configure(app: Quart) -> None:
    """Point quart-schema's page at our copies; call before QuartSchema(app), which keeps what is set."""
    app.config.update(
        QUART_SCHEMA_SWAGGER_JS_URL=ASSETS + "swagger-ui-bundle.js",
        QUART_SCHEMA_SWAGGER_CSS_URL=ASSETS + "swagger-ui.css",
    )


@bp.get(ASSETS + "<any(" + ", ".join(f'"{name}"' for name in _FILES) + "):name>")
@hide
async def asset(name: str):
    return await send_from_directory(swagger_ui_path, name, cache_timeout=_MAX_AGE)
