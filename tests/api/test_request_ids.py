"""X-Request-Id: the proxy's when it is sane, else a new one; on every answer, errors too."""

from __future__ import annotations

import re

import pytest

from apiclient import AUTH

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize(("path", "status"), [("/health", 200), ("/api/v1/schedules/nope", 404),
                                              ("/api/v1/schedules/s/oncall?at=yesterday", 400)])
async def test_the_request_id_comes_back_on_every_answer(client, path, status):
    response = await client.get(path, headers={**AUTH, "X-Request-Id": "req-1"})
    assert response.status_code == status and response.headers.getlist("X-Request-Id") == ["req-1"]
    made = await client.get(path, headers=AUTH)
    assert HEX_ID.fullmatch(made.headers["X-Request-Id"])


@pytest.mark.parametrize("bad", ["", "has space", "a/b", "x" * 129, "é", "a\tb"])
async def test_a_bad_request_id_is_replaced(client, bad):
    response = await client.get("/health", headers={"X-Request-Id": bad})
    assert HEX_ID.fullmatch(response.headers["X-Request-Id"])


async def test_openapi_documents_the_header_on_every_answer(client):
    spec = await (await client.get("/openapi.json")).get_json()
    answers = [answer for path in spec["paths"].values() for operation in path.values()
               for answer in operation["responses"].values()]
    assert answers and all(answer["headers"]["X-Request-Id"]["required"] for answer in answers)
