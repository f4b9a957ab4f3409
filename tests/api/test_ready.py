"""/ready answers 503 until the database is reachable and migrated."""

from __future__ import annotations

from nself_oncall.migrate import apply_migrations


async def test_ready_waits_for_migrations(new_database, make_app):
    url = await new_database()
    app = make_app(url)
    async with app.test_app() as running:
        client = running.test_client()
        response = await client.get("/ready")
        body = await response.get_json()
        assert response.status_code == 503 and body["reason"] == "migrations pending" and body["pending"]
        assert (await client.get("/health")).status_code == 200
    await apply_migrations(url)
    app = make_app(url)
    async with app.test_app() as running:
        response = await running.test_client().get("/ready")
        assert response.status_code == 200 and await response.get_json() == {"status": "ok"}


async def test_ready_is_503_while_the_database_is_unreachable(make_app):
    app = make_app("postgres://nobody@127.0.0.1:9/nothing")
    async with app.test_app() as running:
        client = running.test_client()
        response = await client.get("/ready")
        assert response.status_code == 503
        assert await response.get_json() == {"status": "unavailable", "reason": "database unreachable"}
        assert (await client.get("/health")).status_code == 200
