"""Whom a reached step notifies (escalation.expand) and what delivery refuses (sent_problem): examples,
and a dry run of whole policies against a brute-force expansion written from the contract."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from nself_oncall.escalation import (
    GAP,
    MAX_MESSAGES,
    Due,
    OnCall,
    Policy,
    Step,
    Target,
    channel_problem,
    due_by,
    earliest,
    expand,
    fewest_messages,
    reach_count,
    schedule_of_steps,
    sent_problem,
    users_named,
)
from nself_oncall.records import ContactRecord, NotificationRuleRecord, UserRecord

expand_module = importlib.import_module("nself_oncall.escalation.expand")  # the package's `expand` is the function

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CHANNELS = {"pager": None, "team": None, "pigeon": "notifier 'carrier-pigeon' is not installed"}


C = ContactRecord


def U(ident: str, name: str, contacts: tuple[ContactRecord, ...], rules=()) -> UserRecord:  # noqa: N802 (the record)
    return UserRecord(ident, name, contacts, AT, AT, tuple(NotificationRuleRecord(c, d) for c, d in rules))


USERS = {
    "ann": U("ann", "Ann", (C("pager", "a1"), C("pigeon", "a2"))),
    "cat": U("cat", "Cat", ()),
}


def rows(messages, channels=CHANNELS):
    return [(m.target_position, m.contact_position, m.user, m.channel, m.address, sent_problem(m, channels))
            for m in messages]


def test_each_kind_of_target_becomes_its_messages_in_order():
    step = Due(4, 1, 2, AT, (Target("schedule", "east"), Target("channel", "team"), Target("user", "cat"),
                             Target("schedule", "west"), Target("schedule", "gone"), Target("user", "ann")))
    oncall = {"east": OnCall("ann"), "west": OnCall(None), "gone": OnCall(None, "schedule 'gone' no longer exists")}
    assert users_named(step, oncall) == {"ann", "cat"}
    messages = expand(step, oncall, USERS)
    assert rows(messages) == [
        (0, 0, "ann", "pager", "a1", None),
        (0, 1, "ann", "pigeon", "a2", "notifier 'carrier-pigeon' is not installed"),
        (1, 0, None, "team", None, None),
        (2, 0, "cat", None, None, "user 'cat' has no contact methods"),
        (3, 0, None, None, None, GAP),
        (4, 0, None, None, None, "schedule 'gone' no longer exists"),
        (5, 0, "ann", "pager", "a1", None),
        (5, 1, "ann", "pigeon", "a2", "notifier 'carrier-pigeon' is not installed"),
    ]
    assert {(m.loop, m.step, m.due_at) for m in messages} == {(1, 2, AT)}
    assert messages[0].user_name == "Ann" and GAP == "nobody on call"


def test_a_user_without_a_record_and_a_channel_no_longer_configured_are_undeliverable():
    step = Due(0, 0, 0, AT, (Target("user", "ghost"), Target("channel", "gone")))
    assert rows(expand(step, {}, {"ghost": None})) == [
        (0, 0, "ghost", None, None, "user 'ghost' does not exist"),
        (1, 0, None, "gone", None, "no channel named 'gone' in plugins.toml"),
    ]
    assert channel_problem("x", True, None) is None and channel_problem("x", True, "broken") == "broken"


def test_a_step_makes_at_most_max_messages_and_one_of_them_says_how_many_were_cut():
    """2,000 schedule targets whose on-call user has 50 contacts: 100,000 messages, of which the first 9,999 are
    made and one undeliverable message stands for the 90,001 others (a schedule target counted one when saved)."""
    many = U("many", "Many", tuple(C("pager", f"m{j}") for j in range(50)))
    step = Due(0, 0, 0, AT, (Target("schedule", "wide"),) * 2000)
    messages = expand(step, {"wide": OnCall("many")}, {"many": many})
    assert len(messages) == MAX_MESSAGES == 10_000
    assert all(m.reason is None for m in messages[:-1]) and len({m.address for m in messages[:-1]}) == 50
    cut = messages[-1]
    where = (cut.target_position, cut.contact_position, cut.user, cut.channel, cut.address)
    assert where == (199, 49, "many", None, None)
    assert cut.reason == ("90,001 messages of this step not sent (this one and the 90,000 after it): the step makes "
                          "100,000 messages, over the limit of 10,000 per step")
    assert sent_problem(cut, CHANNELS) == cut.reason


def test_a_step_of_exactly_max_messages_is_whole_and_one_more_cuts_two():
    many = U("many", "Many", tuple(C("pager", f"m{j}") for j in range(50)))
    full = (Target("user", "many"),) * 200  # 10,000 messages
    assert [m.reason for m in expand(Due(0, 0, 0, AT, full), {}, {"many": many})] == [None] * MAX_MESSAGES
    over = expand(Due(0, 0, 0, AT, (*full, Target("channel", "team"))), {}, {"many": many})
    assert len(over) == MAX_MESSAGES
    assert over[-1].reason.startswith("2 messages of this step not sent (this one and the 1 after it)")


def test_the_fewest_messages_count_every_target_of_every_loop():
    policy = Policy("p", "P", 2, (Step(1, (Target("user", "a"),) * 3), Step(2.5, (Target("channel", "c"),))))
    assert fewest_messages(policy) == 3 * 4
    assert fewest_messages(policy, {"a": 5, "c": 7}) == 3 * (5 * 3 + 1)  # a user: one per contact; a channel: one


# A dry run of a whole policy, as the preview composes the pure functions, against the contract written out.

SCHEDULES = ("east", "west")
PEOPLE = ("ann", "bob", "cat", "ghost")
contacts = st.lists(st.builds(C, st.sampled_from(sorted(CHANNELS)), st.sampled_from(["x1", "x2", "x3"])), max_size=3)
targets = st.one_of(
    st.builds(Target, st.just("schedule"), st.sampled_from(SCHEDULES)),
    st.builds(Target, st.just("user"), st.sampled_from(PEOPLE)),
    st.builds(Target, st.just("channel"), st.sampled_from([*sorted(CHANNELS), "gone"])),
)
steps = st.builds(
    Step,
    st.one_of(st.integers(1, 600).map(float), st.floats(0.01, 100_000, allow_nan=False, allow_infinity=False)),
    st.lists(targets, min_size=1, max_size=4).map(tuple),
)
policies = st.builds(Policy, st.just("p"), st.just("P"), st.integers(0, 3), st.lists(steps, min_size=1, max_size=4).map(tuple))
# Who is on call: a user (or a gap, None) per schedule per hour of the trigger's day and after, cycling.
rotas = st.fixed_dictionaries({s: st.lists(st.sampled_from([*PEOPLE, None]), min_size=1, max_size=6) for s in SCHEDULES})


@st.composite
def reachable(draw):
    """Contacts, and notification rules over them (none, half the time): distinct (contact, delay) pairs."""
    made = draw(contacts)
    if not made or draw(st.booleans()):
        return made, []
    pairs = st.tuples(st.integers(0, len(made) - 1), st.sampled_from([0, 0.5, 1, 5, 90, 1440]))
    return made, draw(st.lists(pairs, max_size=4, unique=True))


people = st.fixed_dictionaries({p: st.one_of(st.none(), reachable()) for p in PEOPLE})


def _people(found):
    return {p: None if c is None else U(p, p.title(), tuple(c[0]), c[1]) for p, c in found.items()}


def _oncall(rota, schedule, at):
    hours = int((at - AT).total_seconds() // 3600)
    return rota[schedule][hours % len(rota[schedule])]


def _dry_run(policy, rota, users):
    """As the service composes it: every step's due instant, who is on call then, expand, then delivery."""
    out = []
    for step in schedule_of_steps(policy, AT):
        oncall = {s: OnCall(_oncall(rota, s, step.at)) for s in SCHEDULES}
        assert users_named(step, oncall) <= set(PEOPLE)
        messages = expand(step, oncall, users)
        out += [(m.loop, m.step, m.due_at, m.target, m.rule, *row)
                for m, row in zip(messages, rows(messages), strict=True)]
    return out


def _brute_force(policy, rota, users):
    """Loop by loop, step by step, each due instant the sum of every delay before it, each target by the rules."""
    out, elapsed_us = [], 0
    for loop in range(policy.repeat + 1):
        for number, step in enumerate(policy.steps):
            due = AT + timedelta(microseconds=elapsed_us)
            for position, target in enumerate(step.targets):
                out += [(loop, number, due + after, target, rule, position, *row)
                        for after, rule, row in _target_rows(target, due, rota, users)]
            elapsed_us += round(step.delay_minutes * 60_000_000)
    return out


def _target_rows(target, due, rota, users):
    """(delay, rule, (contact position, user, channel, address, reason)) of each message of one target: with rules,
    one per rule (its index standing for the contact's position), each its delay after the step."""
    now = timedelta(0)
    if target.type == "channel":
        if target.id not in CHANNELS:
            return [(now, None, (0, None, target.id, None, f"no channel named {target.id!r} in plugins.toml"))]
        return [(now, None, (0, None, target.id, None, CHANNELS[target.id]))]
    who = target.id if target.type == "user" else _oncall(rota, target.id, due)
    if who is None:
        return [(now, None, (0, None, None, None, "nobody on call"))]
    if users[who] is None:
        return [(now, None, (0, who, None, None, f"user {who!r} does not exist"))]
    person = users[who]
    if not person.contacts:
        return [(now, None, (0, who, None, None, f"user {who!r} has no contact methods"))]
    if person.notification_rules:
        return [(timedelta(minutes=r.delay_minutes), i, (i, who, person.contacts[r.contact].channel,
                 person.contacts[r.contact].address, CHANNELS[person.contacts[r.contact].channel]))
                for i, r in enumerate(person.notification_rules)]
    return [(now, None, (j, who, c.channel, c.address, CHANNELS[c.channel])) for j, c in enumerate(person.contacts)]


@settings(max_examples=300, deadline=None)  # pure and quick: a fixed, small cost in every profile
@given(policies, rotas, people)
def test_a_dry_run_equals_the_contract_expanded_by_brute_force(policy, rota, found):
    users = _people(found)
    assert _dry_run(policy, rota, users) == _brute_force(policy, rota, users)


@settings(max_examples=300, deadline=None)  # pure and quick, as above
@given(st.lists(targets, min_size=1, max_size=8), rotas, people, st.integers(1, 8))
def test_a_cut_step_counts_exactly_the_messages_it_would_have_made(chosen, rota, found, limit):
    """What the cap says a step makes, counted without making the messages it cuts, is what expand makes without
    the cap: whatever the targets, gaps, users without a record or without contacts (the cap lowered to `limit`)."""
    users = _people(found)
    step = Due(0, 0, 0, AT, tuple(chosen))
    oncall = {s: OnCall(_oncall(rota, s, AT)) for s in SCHEDULES}
    whole = expand(step, oncall, users)  # well under MAX_MESSAGES
    with mock.patch.object(expand_module, "MAX_MESSAGES", limit):
        capped = expand(step, oncall, users)
    if len(whole) <= limit:
        assert capped == whole
    else:
        assert len(capped) == limit and capped[:-1] == whole[: limit - 1]
        assert f"the step makes {len(whole):,} messages" in capped[-1].reason


def test_a_person_with_rules_gets_one_message_per_rule_each_its_delay_after_the_step():
    ann = U("ann", "Ann", (C("pager", "push"), C("team", "call")), [(1, 5), (0, 0), (0, 2.5)])
    step = Due(3, 1, 0, AT, (Target("user", "ann"), Target("channel", "team")))
    messages = expand(step, {}, {"ann": ann})
    assert [(m.rule, m.contact_position, m.channel, m.address, m.due_at - AT) for m in messages] == [
        (0, 0, "team", "call", timedelta(minutes=5)),
        (1, 1, "pager", "push", timedelta(0)),
        (2, 2, "pager", "push", timedelta(minutes=2.5)),
        (None, 0, "team", None, timedelta(0)),
    ]
    assert reach_count(ann) == 3 and reach_count(U("bob", "Bob", (C("pager", "b"),) * 4)) == 4
    now, later = due_by(messages, AT + timedelta(minutes=2.5))
    assert [m.rule for m in now] == [1, 2, None] and [m.rule for m in later] == [0]


def test_a_rule_whose_contact_is_gone_is_undeliverable_not_lost():
    ann = U("ann", "Ann", (C("pager", "push"),), [(0, 0), (3, 1)])
    (first, second) = expand(Due(0, 0, 0, AT, (Target("user", "ann"),)), {}, {"ann": ann})
    assert first.reason is None and second.reason == "notification rule 1 names contact 3, which 'ann' lacks"
    assert second.due_at == AT + timedelta(minutes=1) and second.channel is None


def test_the_cap_counts_rules_not_contacts():
    ann = U("ann", "Ann", (C("pager", "push"),), [(0, d) for d in range(5)])
    step = Due(0, 0, 0, AT, (Target("user", "ann"),) * 3)
    with mock.patch.object(expand_module, "MAX_MESSAGES", 12):
        capped = expand(step, {}, {"ann": ann})
    assert len(capped) == 12 and capped[-1].reason.startswith("4 messages of this step not sent")


def test_earliest_ignores_what_is_not_there():
    assert earliest(None, AT + timedelta(1), AT, None) == AT and earliest(None) is None and earliest() is None
