"""/docs loads Swagger UI from the service itself, without the token; the CDN-only pages are not served.
(tests/test_docs_browser.py renders it in a browser that can reach nothing else.)"""

from __future__ import annotations

import re


async def test_the_docs_page_and_its_assets_come_from_the_service(app):
    client = app.test_client()
    page = await (await client.get("/docs")).get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sorted(assets) == ["/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"]
    assert not re.search(r"https?:|//", page)  # nothing from elsewhere
    for path, kind in zip(sorted(assets), ("text/javascript", "text/css"), strict=True):
        response = await client.get(path)
        assert (response.status_code, response.mimetype) == (200, kind), path
        assert len(await response.get_data()) > 100_000
    for path in ("/docs/assets/index.html", "/docs/assets/swagger-ui.js.map", "/redocs", "/scalar"):
        assert (await client.get(path)).status_code == 404, path
