"""An app per test on a migrated, empty database (`db_url` runs each test on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from apiclient import AUTH, Api, settings_for
from nself_oncall.app import create_app


@pytest.fixture
def make_app():
    """An app on any database URL, with the test token and channels."""
    return lambda database_url: create_app(settings_for(database_url))


@pytest.fixture
async def app(db_url, make_app):
    app = make_app(db_url)
    async with app.test_app() as test_app:
        yield test_app


@pytest.fixture
def auth() -> dict[str, str]:
    return dict(AUTH)


@pytest.fixture
def api(app) -> Api:
    return Api(app.test_client())
