"""Each test's HTTP clients (notifiers/_http.py) are closed at its end, in its event loop, as the engine closes them
when it stops."""

from __future__ import annotations

import pytest

from nself_oncall.notifiers import _http


@pytest.fixture(autouse=True)
async def _closed_http_clients():
    yield
    await _http.close()
