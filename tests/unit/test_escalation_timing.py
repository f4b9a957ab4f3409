"""The pure escalation core: when each step is due, against a brute-force walk of the contract's rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from nself_oncall.escalation import Policy, Step, Target, due, schedule_of_steps, step_due_at, total_steps

T0 = datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def policy(delays, repeat=0) -> Policy:
    return Policy("p", "P", repeat, tuple(Step(d, (Target("user", f"u{i}"),)) for i, d in enumerate(delays)))


def test_the_contracts_example():
    """Delays [5, 10], repeat 1: step 0 at 0 and 15 min, step 1 at 5 and 20 min, then nothing."""
    p = policy([5, 10], repeat=1)
    got = [(d.loop, d.step, (d.at - T0) / MIN) for d in schedule_of_steps(p, T0)]
    assert got == [(0, 0, 0), (0, 1, 5), (1, 0, 15), (1, 1, 20)]
    assert step_due_at(p, T0, 4) is None


def test_due_walks_forward_with_the_clock():
    p = policy([5, 10], repeat=1)
    assert due(p, T0, 0, T0 - timedelta(microseconds=1)) == ([], T0)
    reached, nxt = due(p, T0, 0, T0)
    assert [d.index for d in reached] == [0] and nxt == T0 + 5 * MIN
    reached, nxt = due(p, T0, 1, T0 + 5 * MIN - timedelta(microseconds=1))
    assert reached == [] and nxt == T0 + 5 * MIN
    reached, nxt = due(p, T0, 1, T0 + 15 * MIN)  # an engine that was away reaches both, each at its own instant
    assert [(d.index, d.at) for d in reached] == [(1, T0 + 5 * MIN), (2, T0 + 15 * MIN)] and nxt == T0 + 20 * MIN
    reached, nxt = due(p, T0, 3, T0 + 10_000 * MIN)
    assert [d.index for d in reached] == [3] and nxt is None
    assert due(p, T0, 4, T0 + 10_000 * MIN) == ([], None)


def test_fractional_delays_are_exact():
    p = policy([0.1, 1 / 3, 2.5], repeat=2)
    ats = [d.at for d in schedule_of_steps(p, T0)]
    assert ats[1] - ats[0] == timedelta(seconds=6)
    assert ats[2] - ats[1] == timedelta(microseconds=20_000_000)  # 1/3 minute, rounded to the microsecond
    assert ats[3] - T0 == timedelta(seconds=6 + 20 + 150)
    assert ats[8] - T0 == 2 * timedelta(seconds=176) + timedelta(seconds=26)


def test_a_policy_with_no_repeat_has_one_pass():
    p = policy([1])
    assert total_steps(p) == 1 and [d.at for d in schedule_of_steps(p, T0)] == [T0]


delays = st.lists(st.floats(min_value=0.01, max_value=600, allow_nan=False), min_size=1, max_size=6)


@given(delays=delays, repeat=st.integers(0, 5), done=st.integers(0, 40), later=st.integers(0, 10 * 3600))
def test_due_matches_a_walk_of_the_rule(delays, repeat, done, later):
    """Oracle: walk step by step, adding each step's delay, loop after loop."""
    p = policy(delays, repeat)
    walk, at = [], T0
    for _ in range(repeat + 1):
        for i, delay in enumerate(delays):
            walk.append((i, at))
            at += timedelta(microseconds=round(delay * 60_000_000))
    now = T0 + timedelta(seconds=later)
    reached, nxt = due(p, T0, done, now)
    expected = [(k, s, a) for k, (s, a) in enumerate(walk) if k >= done and a <= now]
    assert [(d.index, d.step, d.at) for d in reached] == expected
    rest = [a for k, (_, a) in enumerate(walk) if k >= done + len(expected)]
    assert nxt == (rest[0] if rest else None)
