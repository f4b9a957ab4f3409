"""The docs and the routes agree: every route the app serves is in docs/api.md's Endpoints table with its methods,
every row of that table is a route, and the README names every resource.

The web view (`/ui/...`, documented in docs/operations.md), its static files, Swagger UI's assets and the catch-all
that answers a malformed acknowledge link are left out: they are not API routes.
"""

from __future__ import annotations

import re
from pathlib import Path

from apiclient import settings_for
from nself_oncall.app import create_app

ROOT = Path(__file__).parents[1]
API_MD = ROOT / "docs" / "api.md"
README = ROOT / "README.md"
INTEGRATIONS_MD = ROOT / "docs" / "integrations.md"

_NOT_API = ("/ui/", "/ui", "/static/", "/docs/assets/")
_CONVERTER = re.compile(r"<(?:[^:>]+:)?[^>]+>")
_PLACEHOLDER = re.compile(r"\{[^}]+\}")


def served() -> dict[str, set[str]]:
    """The app's routes as `/path/{}` to methods (HEAD and OPTIONS left out)."""
    app = create_app(settings_for("sqlite://:memory:"))
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(_NOT_API) or rule.endpoint == "action_links.malformed":
            continue
        path = _CONVERTER.sub("{}", rule.rule)
        routes.setdefault(path, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return routes


def documented() -> dict[str, set[str]]:
    """docs/api.md's Endpoints table as `/path/{}` to methods (a query string in a row is left out)."""
    text = API_MD.read_text(encoding="utf-8")
    table = text.split("\n## Endpoints\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, set[str]] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) < 3 or not cells[1].startswith("`/"):
            continue
        path = _PLACEHOLDER.sub("{}", cells[1].strip("`").split("?", 1)[0])
        rows.setdefault(path, set()).update(m.strip() for m in cells[0].split(","))
    return rows


def test_every_route_is_in_the_api_reference_and_every_row_is_a_route():
    routes, rows = served(), documented()
    assert {p: m for p, m in routes.items() if rows.get(p) != m} == {}, "docs/api.md's Endpoints table differs"
    assert sorted(set(rows) - set(routes)) == [], "docs/api.md lists a route the app does not serve"


def test_the_readme_names_every_resource():
    """Each route's first two path segments (`/api/v1/heartbeats`, `/intake/generic`, `/v2/enqueue`) appear in the
    README, and the doors of alert sources in docs/integrations.md."""
    readme = README.read_text(encoding="utf-8")
    prefixes = {"/".join(path.split("/")[:4 if path.startswith("/api/v1/") else 3]) for path in served()}
    # "/heartbeat/{}" must appear as "/heartbeat/{" (with its placeholder), not merely inside "/api/v1/heartbeats".
    missing = sorted(p for p in prefixes if p.split("{}")[0] + ("{" if "{}" in p else "") not in readme)
    assert missing == [], "README.md does not mention these routes"
    page = INTEGRATIONS_MD.read_text(encoding="utf-8")
    for door in ("/intake/alertmanager/", "/intake/generic/", "/v2/enqueue", "/heartbeat/", "/api/v1/integrations",
                 "/api/v1/heartbeats"):
        assert door in page, door
