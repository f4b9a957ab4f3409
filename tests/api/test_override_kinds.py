"""Overrides of every kind through the API (SQLite and PostgreSQL): add, replace and remove, stacked by the contract's
rule at an instant, in /oncall, /shifts and /gaps; hand cases after GoAlert's."""

from __future__ import annotations

import pytest

DAY = {"since": "2024-03-04T00:00:00Z", "until": "2024-03-05T00:00:00Z"}
AT = "2024-03-04T12:00:00Z"


async def made(api, path, body):
    status, answer = await api.post(path, body)
    assert status == 201, answer
    return answer


async def schedule(api, *layers):
    """One schedule in UTC whose layers each have one user on call all day (bottom first)."""
    body = [{"name": f"l{i}", "users": [user], "rotation": {"unit": "day"}, "start": "2024-03-01T00:00:00Z"}
            for i, user in enumerate(layers)]
    await made(api, "/api/v1/schedules", {"id": "s", "name": "S", "layers": body})


async def override(api, user, replaces=None, start="2024-03-04T08:00:00Z", end="2024-03-04T16:00:00Z"):
    body = {"schedule_id": "s", "user": user, "start": start, "end": end}
    if replaces is not None:
        body["replaces"] = replaces
    return await made(api, "/api/v1/overrides", body)


async def oncall(api, at=AT):
    status, body = await api.get(f"/api/v1/schedules/s/oncall?at={at}")
    assert status == 200
    return body["user"], body["source"]


async def shifts(api):
    status, body = await api.get(f"/api/v1/schedules/s/shifts?since={DAY['since']}&until={DAY['until']}")
    assert status == 200
    return [(i["user"], i["start"][11:16], i["end"][11:16]) for i in body["items"]]


async def test_a_replace_puts_its_user_where_the_replaced_one_would_be_and_nowhere_else(api):
    await schedule(api, "alice")
    made_ = await override(api, "dave", "alice")
    assert made_["user"] == "dave" and made_["replaces"] == "alice"
    assert await oncall(api) == ("dave", {"type": "override", "id": made_["id"], "replaces": "alice"})
    assert await shifts(api) == [("alice", "00:00", "08:00"), ("dave", "08:00", "16:00"), ("alice", "16:00", "00:00")]


async def test_a_replace_of_somebody_not_on_call_changes_nothing(api):
    await schedule(api, "alice")
    await override(api, "dave", "bob")
    assert await shifts(api) == [("alice", "00:00", "00:00")]
    assert (await oncall(api))[1] == {"type": "layer", "layer": "l0"}


async def test_a_remove_lets_the_layer_below_take_the_time(api):
    await schedule(api, "bob", "alice")  # alice's layer on top
    removed = await override(api, None, "alice")
    assert removed["user"] is None and removed["replaces"] == "alice"
    assert await oncall(api) == ("bob", {"type": "layer", "layer": "l0"})
    assert await shifts(api) == [("alice", "00:00", "08:00"), ("bob", "08:00", "16:00"), ("alice", "16:00", "00:00")]


async def test_removing_the_only_person_is_a_gap(api):
    await schedule(api, "alice")
    await override(api, None, "alice")
    status, body = await api.get(f"/api/v1/schedules/s/gaps?since={DAY['since']}&until={DAY['until']}")
    assert status == 200 and body["items"] == [{"start": "2024-03-04T08:00:00Z", "end": "2024-03-04T16:00:00Z"}]
    assert body["covered_seconds"] == 16 * 3600
    assert await oncall(api) == (None, None)


@pytest.mark.parametrize("newest_first", [True, False])
async def test_chains_of_replaces_apply_newest_first_each_once(api, newest_first):
    """alice→bob and bob→carol: applied newest first, each once. bob→carol created last is tried first, finds alice,
    and does nothing; then alice→bob applies: bob. Created the other way, alice→bob applies first, then bob→carol:
    carol."""
    await schedule(api, "alice")
    if newest_first:
        await override(api, "bob", "alice")
        last = await override(api, "carol", "bob")
        assert await oncall(api) == ("bob", {"type": "override", "id": (await _first(api))["id"], "replaces": "alice"})
        assert last["replaces"] == "bob"
    else:
        await override(api, "carol", "bob")
        await override(api, "bob", "alice")
        user, source = await oncall(api)
        assert user == "carol" and source["replaces"] == "bob"


async def _first(api):
    status, body = await api.get("/api/v1/overrides?schedule_id=s")
    return body["items"][0] if body["items"][0]["replaces"] == "alice" else body["items"][1]


async def test_an_add_wins_over_a_replace_and_a_remove(api):
    await schedule(api, "bob", "alice")
    await override(api, None, "alice")
    await override(api, "dave", "bob")
    added = await override(api, "erin", start="2024-03-04T10:00:00Z", end="2024-03-04T11:00:00Z")
    assert (await oncall(api))[0] == "dave"  # alice removed, bob below replaced by dave
    assert await oncall(api, "2024-03-04T10:30:00Z") == ("erin", {"type": "override", "id": added["id"],
                                                                   "replaces": None})
    assert await shifts(api) == [("alice", "00:00", "08:00"), ("dave", "08:00", "10:00"), ("erin", "10:00", "11:00"),
                                 ("dave", "11:00", "16:00"), ("alice", "16:00", "00:00")]


async def test_the_list_filters_by_either_side_of_a_replace(api):
    await schedule(api, "alice")
    replace = await override(api, "dave", "alice")
    remove = await override(api, None, "bob")
    add = await override(api, "carol")
    for user, expected in (("alice", [replace]), ("dave", [replace]), ("bob", [remove]), ("carol", [add]), ("x", [])):
        status, body = await api.get(f"/api/v1/overrides?user={user}")
        assert status == 200 and [o["id"] for o in body["items"]] == [o["id"] for o in expected], user


@pytest.mark.parametrize(("body", "message"), [
    ({"user": None}, "replaces"),
    ({"user": "alice", "replaces": "alice"}, "same person"),
    ({"user": None, "replaces": "has space"}, "replaces"),
])
async def test_an_override_of_no_kind_is_a_422_and_changes_nothing(api, body, message):
    await schedule(api, "alice")
    full = {"schedule_id": "s", "start": "2024-03-04T08:00:00Z", "end": "2024-03-04T16:00:00Z", **body}
    status, answer = await api.post("/api/v1/overrides", full)
    assert status == 422 and message in answer["error"]["message"], answer
    assert (await api.get("/api/v1/overrides"))[1]["items"] == []


@pytest.mark.parametrize(("overrides", "expected"), [
    ([(None, "alice")], ("bob", "layer")),
    ([(None, "alice"), (None, "bob")], (None, None)),
    ([("dave", "alice")], ("dave", "override")),
    ([("dave", "carol")], ("alice", "layer")),
    ([(None, "alice"), ("dave", "bob")], ("dave", "override")),
    ([("bob", "alice"), ("carol", "bob")], ("bob", "override")),
    ([("carol", "bob"), ("bob", "alice")], ("carol", "override")),
    ([("dave", "alice"), ("erin", None)], ("erin", "override")),
])
async def test_the_worked_examples_of_docs_api(api, overrides, expected):
    """The table in docs/api.md, "How overrides stack": bob's layer under alice's, each override 08:00-16:00."""
    await schedule(api, "bob", "alice")
    for user, replaces in overrides:
        await override(api, user, replaces)
    user, source = await oncall(api)
    assert (user, source and source["type"]) == expected
