"""/docs in a real headless Chromium that can reach nothing but the service: Swagger UI renders the API from the
service's own copy of its assets (quart-schema's default page loads them from a CDN and stays blank offline)."""

from __future__ import annotations

import os
from pathlib import Path

from test_ui_browser import browser  # noqa: F401 (the Chromium fixture, and its skip or failure without one)


def test_docs_render_with_every_request_to_the_service_itself(browser, tmp_path: Path, serve_process):  # noqa: F811
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NSELF_ONCALL_PLUGINS")}
    served = serve_process(tmp_path, {**env, "PLUGIN_SECRET": "docs-browser-token-0123456789"})
    served.wait_healthy()
    page = browser.new_page()
    page.set_default_timeout(15000)
    elsewhere, errors = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def only_the_service(route):
        if route.request.url.startswith(served.base + "/"):
            route.continue_()
        else:  # as on a machine without the internet
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_service)
    page.goto(f"{served.base}/docs")
    page.wait_for_selector(".opblock")  # the operations, rendered from /openapi.json
    assert "nself-oncall" in page.inner_text(".info .title")
    assert page.locator(".opblock").count() > 40
    assert elsewhere == [] and errors == []
