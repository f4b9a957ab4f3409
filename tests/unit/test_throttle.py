"""Per-contact rate limits: the earliest instant one more message fits, against a brute-force search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nself_oncall.escalation import Rule, allowed_at, parse_rule

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_rules_parse_and_print():
    assert parse_rule("1/1m") == Rule(1, timedelta(minutes=1))
    assert parse_rule(" 21 / 3h ") == Rule(21, timedelta(hours=3))
    assert [str(parse_rule(r)) for r in ("5/15m", "11/60m", "2/1d", "3/90s")] == ["5/15m", "11/1h", "2/1d", "3/90s"]
    for bad in ("", "1", "0/1m", "1/0m", "1/1w", "-1/1m", "1/1.5m", 5):
        with pytest.raises(ValueError):
            parse_rule(bad)


def test_a_contact_over_its_limit_waits_for_the_oldest_to_leave_the_window():
    rules = [Rule(1, timedelta(minutes=1)), Rule(3, timedelta(minutes=15))]
    assert allowed_at(rules, [], NOW) == NOW
    assert allowed_at(rules, [NOW - timedelta(seconds=20)], NOW) == NOW + timedelta(seconds=40)
    recent = [NOW - timedelta(minutes=m) for m in (10, 5, 2)]
    assert allowed_at(rules, recent, NOW) == NOW + timedelta(minutes=5)


@given(
    rules=st.lists(st.builds(Rule, st.integers(1, 4), st.integers(1, 30).map(lambda s: timedelta(seconds=s))),
                   min_size=1, max_size=3),
    ages=st.lists(st.integers(0, 40), max_size=8),
)
def test_allowed_at_is_the_first_second_that_keeps_every_rule(rules, ages):
    recent = [NOW - timedelta(seconds=a) for a in ages]

    def fits(at: datetime) -> bool:
        return all(sum(1 for t in recent if at - rule.per < t <= at) < rule.count for rule in rules)

    expected = next(NOW + timedelta(seconds=s) for s in range(0, 200) if fits(NOW + timedelta(seconds=s)))
    assert allowed_at(rules, recent, NOW) == expected
