"""Users' notification rules through the API: what is kept, what is refused (and changes nothing), and how the policy
preview lists the rules' messages (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

CONTACTS = [{"channel": "log", "address": "push"}, {"channel": "log", "address": "sms"}]
RULES = [{"contact": 0, "delay_minutes": 0}, {"contact": 1, "delay_minutes": 2.5}, {"contact": 0, "delay_minutes": 10}]


async def ann(api, rules=RULES, contacts=CONTACTS):
    return await api.post("/api/v1/users", {"id": "ann", "contacts": contacts, "notification_rules": rules})


async def test_rules_are_kept_as_given_and_replaced_by_a_patch(api):
    status, body = await ann(api)
    assert status == 201 and body["notification_rules"] == RULES
    assert (await api.get("/api/v1/users/ann"))[1]["notification_rules"] == RULES
    status, body = await api.patch("/api/v1/users/ann", {"name": "Ann"})
    assert status == 200 and body["notification_rules"] == RULES  # kept when not named
    status, body = await api.patch("/api/v1/users/ann", {"notification_rules": []})
    assert status == 200 and body["notification_rules"] == []
    status, body = await api.post("/api/v1/users", {"id": "bob"})
    assert status == 201 and body["notification_rules"] == []


@pytest.mark.parametrize(("rules", "field"), [
    ([{"contact": 2, "delay_minutes": 0}], "notification_rules[0].contact"),
    ([{"contact": 0, "delay_minutes": -1}], "notification_rules[0].delay_minutes"),
    ([{"contact": 0, "delay_minutes": 1}, {"contact": 0, "delay_minutes": 1.0}], "notification_rules[1]"),
    ([{"contact": -1, "delay_minutes": 0}], "notification_rules[0].contact"),
    ([{"contact": "0", "delay_minutes": 0}], "notification_rules[0].contact"),
    ([{"contact": 0}], "notification_rules[0].delay_minutes"),
    ([{"contact": 0, "delay_minutes": 525_601}], "notification_rules[0].delay_minutes"),
    ([{"contact": 0, "delay_minutes": d} for d in range(51)], "notification_rules"),
])
async def test_bad_rules_are_a_422_and_change_nothing(api, rules, field):
    status, body = await ann(api, rules)
    assert status == 422, body
    assert body["error"]["details"][0]["field"] == field
    assert (await api.get("/api/v1/users/ann"))[0] == 404
    assert (await ann(api, [RULES[0]]))[0] == 201
    status, body = await api.patch("/api/v1/users/ann", {"notification_rules": rules})
    assert status == 422 and body["error"]["details"][0]["field"] == field
    assert (await api.get("/api/v1/users/ann"))[1]["notification_rules"] == [RULES[0]]


async def test_a_rule_needs_a_contact_and_contacts_cannot_leave_a_rule_without_one(api):
    status, body = await api.post("/api/v1/users", {"id": "bob", "notification_rules": [RULES[0]]})
    assert status == 422 and "no contacts" in body["error"]["message"]
    assert (await ann(api))[0] == 201
    status, body = await api.patch("/api/v1/users/ann", {"contacts": CONTACTS[:1]})
    assert status == 422 and body["error"]["details"][0]["field"] == "contacts"
    assert "notification rule 1 names contact 1" in body["error"]["message"]
    assert len((await api.get("/api/v1/users/ann"))[1]["contacts"]) == 2
    # both at once: fewer contacts with rules that fit them
    status, body = await api.patch("/api/v1/users/ann", {"contacts": CONTACTS[:1], "notification_rules": [RULES[0]]})
    assert status == 200 and body["notification_rules"] == [RULES[0]] and len(body["contacts"]) == 1


async def test_the_preview_lists_each_rule_at_its_own_time_in_due_order(api):
    assert (await ann(api))[0] == 201
    steps = [{"delay_minutes": 5, "targets": [{"type": "user", "id": "ann"}]},
             {"delay_minutes": 5, "targets": [{"type": "channel", "id": "log"}]}]
    assert (await api.post("/api/v1/policies", {"id": "sre", "name": "SRE", "steps": steps}))[0] == 201
    status, body = await api.get("/api/v1/policies/sre/preview?at=2026-03-08T06:30:00Z")
    assert status == 200
    assert [(i["due_at"], i["step"], i["user"], i["rule"], i["address"]) for i in body["items"]] == [
        ("2026-03-08T06:30:00Z", 0, "ann", 0, "push"),
        ("2026-03-08T06:32:30Z", 0, "ann", 1, "sms"),
        ("2026-03-08T06:35:00Z", 1, None, None, None),
        ("2026-03-08T06:40:00Z", 0, "ann", 2, "push"),
    ]


async def test_a_policy_is_sized_by_its_users_rules(api):
    """A user of 1 contact with 50 rules makes 50 messages a step: 201 steps of them are over the limit."""
    rules = [{"contact": 0, "delay_minutes": d} for d in range(50)]
    assert (await ann(api, rules, CONTACTS[:1]))[0] == 201
    steps = [{"delay_minutes": 1, "targets": [{"type": "user", "id": "ann"}]}] * 10
    status, body = await api.post("/api/v1/policies", {"id": "big", "name": "Big", "repeat": 20, "steps": steps})
    assert status == 422 and "10,500 messages" in body["error"]["message"]
