"""Secret links to calendar feeds: made once, served without the bearer token, revocable, never shown again."""

from __future__ import annotations

import asyncio
import json
import logging
import threading

import pytest

from ical_helpers import PRIMARY, assert_private, events, feed, fetched_apart, vobject_events
from nself_oncall.service import calendars
from nself_oncall.store.ids import new_id

LINK = "http://127.0.0.1:3840/ical/"  # the test settings' base URL: the listen address


async def _subscribe(api, **body) -> tuple[dict, str]:
    """A new subscription and the path of its link."""
    status, answer = await api.post("/api/v1/calendar-subscriptions", {"name": "mine", **body})
    assert status == 201, answer
    assert answer["url"].startswith(LINK) and answer["url"].endswith(".ics")
    return answer, answer["url"].removeprefix("http://127.0.0.1:3840")


async def _link(api, path: str):
    """GET a link as a calendar app does: no Authorization header."""
    response = await api.client.get(path)
    return response, await response.get_data()


async def test_a_link_serves_the_schedule_feed_without_the_bearer_token(api):
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    answer, path = await _subscribe(api, schedule_id="primary", name="Primary on my phone")
    assert set(answer) == {"id", "schedule_id", "user_id", "name", "created_at", "url"}
    assert (answer["schedule_id"], answer["user_id"], answer["name"]) == ("primary", None, "Primary on my phone")
    token = path.removeprefix("/ical/").removesuffix(".ics")
    assert len(token) == 43  # secrets.token_urlsafe(32)

    response, body = await _link(api, path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert_private(response)
    served = events(body)
    bearer = events(await feed(api, "/api/v1/schedules/primary/shifts.ics"))
    assert fetched_apart(served) == fetched_apart(bearer)
    assert len(served) > 100 and vobject_events(body) == served
    assert b"X-WR-CALNAME:Primary on my phone" in body


async def test_a_link_for_one_user_on_one_schedule(api):
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    _, path = await _subscribe(api, schedule_id="primary", user_id="bob")
    served = events((await _link(api, path))[1])
    everyone = events(await feed(api, "/api/v1/schedules/primary/shifts.ics"))
    assert fetched_apart(served) == fetched_apart([e for e in everyone if e["summary"] == "On call: bob (Primary SRE)"])
    assert served != []


async def test_a_link_for_one_user_on_every_schedule(api):
    """With user_id alone: that person's shifts on each schedule that names them, by start; a person on
    no schedule gets an empty calendar, not a 404 (schedules name people who may have no user record)."""
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    secondary = {"id": "secondary", "name": "Secondary", "timezone": "Europe/Paris", "layers": [
        {"users": ["alice"], "rotation": {"unit": "day"}, "start": "2024-01-01T12:00:00"}]}  # on call for ever
    assert (await api.post("/api/v1/schedules", secondary))[0] == 201
    _, path = await _subscribe(api, user_id="alice", name="alice everywhere")
    body = (await _link(api, path))[1]
    served = events(body)
    assert b"X-WR-CALNAME:alice everywhere" in body and vobject_events(body) == served
    assert [e["start"] for e in served] == sorted(e["start"] for e in served)
    summaries = {e["summary"] for e in served}
    assert summaries == {"On call: alice (Primary SRE)", "On call: alice (Secondary)"}

    each = []
    for schedule_id in ("primary", "secondary"):
        each += events((await _link(api, (await _subscribe(api, schedule_id=schedule_id, user_id="alice"))[1]))[1])
    # The same shift has the same UID in every feed, the one running at the range's start (clipped) too.
    assert {e["uid"] for e in served} == {e["uid"] for e in each}
    # Secondary's never-ending shift is clipped to the range's start; a Primary shift running then starts there too.
    first = {e["summary"]: e for e in served if e["start"] == served[0]["start"]}
    assert first["On call: alice (Secondary)"]["end"] == max(e["end"] for e in served)

    _, nobody = await _subscribe(api, user_id="someone-without-shifts")
    response, body = await _link(api, nobody)
    assert response.status_code == 200 and events(body) == [] and body.startswith(b"BEGIN:VCALENDAR")


async def test_lists_and_reads_never_show_the_link(api):
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    made = [await _subscribe(api, schedule_id="primary", name=f"n{i}") for i in range(3)]
    status, page = await api.get("/api/v1/calendar-subscriptions", query_string={"limit": 2})
    assert status == 200 and page["next_cursor"]
    status, rest = await api.get("/api/v1/calendar-subscriptions", query_string={"cursor": page["next_cursor"]})
    assert status == 200 and rest["next_cursor"] is None
    listed = page["items"] + rest["items"]
    assert [item["id"] for item in listed] == [answer["id"] for answer, _ in made]
    for answer, path in made:
        status, one = await api.get(f"/api/v1/calendar-subscriptions/{answer['id']}")
        assert status == 200 and one == {k: v for k, v in answer.items() if k != "url"}
        token = path.removeprefix("/ical/").removesuffix(".ics")
        assert token not in json.dumps(listed) + json.dumps(one)
    assert all(set(item) == {"id", "schedule_id", "user_id", "name", "created_at"} for item in listed)


async def test_a_revoked_link_answers_404(api):
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    answer, path = await _subscribe(api, schedule_id="primary")
    kept, kept_path = await _subscribe(api, schedule_id="primary")
    assert (await _link(api, path))[0].status_code == 200
    assert (await api.delete(f"/api/v1/calendar-subscriptions/{answer['id']}"))[0] == 204
    response, body = await _link(api, path)
    assert response.status_code == 404
    assert json.loads(body)["error"]["code"] == "not_found"
    assert (await api.delete(f"/api/v1/calendar-subscriptions/{answer['id']}"))[0] == 404
    assert (await api.get(f"/api/v1/calendar-subscriptions/{answer['id']}"))[0] == 404
    assert (await _link(api, kept_path))[0].status_code == 200


@pytest.mark.parametrize("token", ["A" * 43, "", "x", "a.b", "%00", "é" * 10, "A" * 2000])
async def test_an_unknown_token_answers_404_without_repeating_it(api, token):
    response, body = await _link(api, f"/ical/{token}.ics")
    assert response.status_code == 404
    error = json.loads(body)["error"]
    assert error["code"] == "not_found" and (len(token) < 2 or token not in error["message"])


async def test_a_deleted_schedule_takes_its_links_with_it(api):
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    answer, path = await _subscribe(api, schedule_id="primary", user_id="alice")
    assert (await api.delete("/api/v1/schedules/primary"))[0] == 204
    assert (await _link(api, path))[0].status_code == 404
    assert (await api.get(f"/api/v1/calendar-subscriptions/{answer['id']}"))[0] == 404
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201  # the same id again: the old link stays dead
    assert (await _link(api, path))[0].status_code == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "no ids"}, 422),
        ({"schedule_id": None, "user_id": None, "name": "null ids"}, 422),
        ({"schedule_id": "Not A Slug", "name": "x"}, 422),
        ({"user_id": "has space", "name": "x"}, 422),
        ({"user_id": "a/b", "name": "x"}, 422),
        ({"user_id": "x" * 256, "name": "x"}, 422),
        ({"schedule_id": "primary", "name": "x" * 201}, 422),
        ({"schedule_id": "primary", "name": ""}, 422),
        ({"schedule_id": "primary", "name": "two\nlines"}, 422),
        ({"schedule_id": "primary"}, 422),
        ({"schedule_id": "nope", "name": "x"}, 404),
        ([], 422),
    ],
)
async def test_bad_input_stores_nothing(api, body, status):
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    answer = await api.post("/api/v1/calendar-subscriptions", body)
    assert answer[0] == status, answer
    assert answer[1]["error"]["code"] == ("not_found" if status == 404 else "validation_error")
    assert (await api.get("/api/v1/calendar-subscriptions"))[1]["items"] == []


async def test_malformed_requests_are_400_or_404(api):
    response = await api.client.post(
        "/api/v1/calendar-subscriptions", data="{not json", headers={"Authorization": "Bearer test-token-0123456789"}
    )
    assert response.status_code == 400
    assert (await api.get("/api/v1/calendar-subscriptions", query_string={"cursor": "!"}))[0] == 400
    assert (await api.get("/api/v1/calendar-subscriptions", query_string={"limit": "0"}))[0] == 400
    assert (await api.get("/api/v1/calendar-subscriptions/not-an-id"))[0] == 404
    assert (await api.delete(f"/api/v1/calendar-subscriptions/{new_id()}"))[0] == 404


async def test_the_routes_under_api_v1_need_the_bearer_token(api):
    for method, path in [("GET", "/api/v1/calendar-subscriptions"), ("POST", "/api/v1/calendar-subscriptions"),
                         ("GET", f"/api/v1/calendar-subscriptions/{new_id()}")]:
        assert (await api.client.open(path, method=method, json={"name": "x", "user_id": "a"})).status_code == 401


async def test_the_token_never_reaches_the_log(api, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, the database client's queries included
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    answer, path = await _subscribe(api, schedule_id="primary", user_id="carol")
    await _link(api, path)
    await api.get("/api/v1/calendar-subscriptions")
    await api.delete(f"/api/v1/calendar-subscriptions/{answer['id']}")
    await _link(api, path)
    token = path.removeprefix("/ical/").removesuffix(".ics")
    assert caplog.records and not [r for r in caplog.records if token in r.getMessage()]


async def test_a_link_is_written_once_off_the_loop_and_again_at_once_after_a_change(app, api):
    """Twenty fetches of one link at once: one document, written by a worker thread, not on the event loop. A
    schedule change shows in the next fetch (documents are kept per link with the versions of their schedules)."""
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    _, path = await _subscribe(api, schedule_id="primary")
    _, everywhere = await _subscribe(api, user_id="alice")
    documents = app.app.extensions["feed_documents"]
    writers, write = [], documents._write

    def counted(feed, stamp):
        writers.append(threading.current_thread())
        return write(feed, stamp)

    documents._write = counted
    fetched = await asyncio.gather(*(_link(api, path) for _ in range(20)))
    assert {body for _, body in fetched} == {fetched[0][1]} and len(writers) == 1
    assert writers[0] is not threading.current_thread() and writers[0].name.startswith("nself-oncall-worker")
    assert (await _link(api, path))[1] == fetched[0][1] and len(writers) == 1

    assert (await api.patch("/api/v1/schedules/primary", {"name": "Renamed"}))[0] == 200
    renamed = events((await _link(api, path))[1])
    assert len(writers) == 2 and {e["summary"].split("(")[1] for e in renamed} == {"Renamed)"}

    before = events((await _link(api, everywhere))[1])
    other = {"id": "other", "name": "Other", "layers": [
        {"users": ["alice"], "rotation": {"unit": "day"}, "start": "2024-01-01T00:00:00Z"}]}
    assert (await api.post("/api/v1/schedules", other))[0] == 201  # a user's feed reads every schedule
    after = events((await _link(api, everywhere))[1])
    assert "On call: alice (Other)" not in {e["summary"] for e in before}
    assert "On call: alice (Other)" in {e["summary"] for e in after} and len(writers) == 4


async def test_a_feed_with_too_many_shifts_is_422(api, monkeypatch):
    monkeypatch.setattr(calendars, "MAX_FEED_SHIFTS", 10)
    assert (await api.post("/api/v1/schedules", PRIMARY))[0] == 201
    _, path = await _subscribe(api, schedule_id="primary")
    _, everywhere = await _subscribe(api, user_id="alice")
    for response, body in (await _link(api, path), await _link(api, everywhere)):
        assert response.status_code == 422 and "shifts, over the limit of 10" in json.loads(body)["error"]["message"]
    status, body = await api.get("/api/v1/schedules/primary/shifts.ics")
    assert status == 422 and body["error"]["details"][0]["field"] == "until"
