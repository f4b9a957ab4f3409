"""Property tests: gaps, the load report and one person's intervals against a minute-by-minute oracle.

The schedules are the random ones of test_render_property.py (odd DST rules, every rotation unit,
restrictions, overrides). Every boundary there lies on a whole minute, so walking the range a
minute at a time and asking the brute-force oracle who is on call gives exact sums: each minute
counts 60 seconds, as night when the schedule's clock reads inside the night window then, and
as weekend when that clock's weekday is Saturday or Sunday.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import GAP, MINUTE, Oracle, wall_clock
from test_render_property import PROFILE, USERS, cases, wall_times

from nself_oncall.oncall import render
from nself_oncall.oncall import report as coverage
from nself_oncall.oncall.people import intervals_of, next_of

pytestmark = pytest.mark.slow
#: The oracle walks every minute of the range: a tenth of the profile's examples.
FEW = settings(PROFILE, max_examples=max(PROFILE.max_examples // 10, 25))


def minutes(since: datetime, until: datetime):
    t = since
    while t < until:
        yield t
        t += MINUTE


def runs(answers: list[tuple]) -> list[tuple]:
    """Consecutive equal answers, as (answer, first index, end index)."""
    found = []
    for i, answer in enumerate(answers):
        if found and found[-1][0] == answer:
            found[-1] = (answer, found[-1][1], i + 1)
        else:
            found.append((answer, i, i + 1))
    return found


def in_window(clock: time, window: tuple[time, time]) -> bool:
    begin, end = window
    return begin <= clock < end if begin < end else (clock >= begin or clock < end)


def never(cost: int) -> None:
    """A budget that never runs out."""


@st.composite
def nights(draw) -> tuple[time, time]:
    begin = draw(st.one_of(st.just(time(22)), wall_times()))
    end = draw(st.one_of(st.just(time(7)), wall_times()).filter(lambda t: t != begin))
    return begin, end


@FEW
@given(cases(), nights())
def test_gaps_and_loads_agree_with_the_oracle(case, night):
    schedule, since, until = case
    oracle = Oracle(schedule)
    instants = list(minutes(since, until))
    answers = [oracle.answer(t) for t in instants]
    intervals = render(schedule, since, until)

    expected_gaps = [(instants[i], instants[j - 1] + MINUTE) for answer, i, j in runs(answers) if answer == GAP]
    assert coverage.gaps(intervals, since, until) == expected_gaps
    assert coverage.seconds(coverage.covered(intervals)) == 60 * sum(a != GAP for a in answers)

    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (user, _source), _, _ in runs(answers):
        if user is not None:
            totals[user][0] += 1
    for t, (user, _source) in zip(instants, answers, strict=True):
        if user is None:
            continue
        clock = wall_clock(t, schedule.zone)
        totals[user][1] += 60
        totals[user][2] += 60 * in_window(clock.time(), night)
        totals[user][3] += 60 * (clock.weekday() >= 5)
    expected = sorted(
        (coverage.Load(user, *numbers) for user, numbers in totals.items()), key=lambda load: (-load.seconds, load.user)
    )
    assert coverage.loads(intervals, schedule.zone, night) == expected


@FEW
@given(st.lists(cases(max_layers=2, max_overrides=2, max_days=1), min_size=1, max_size=3), st.sampled_from(USERS))
def test_one_persons_intervals_and_next_one_agree_with_the_oracle(schedules, user):
    """Several schedules over the range of the first: the user's clipped intervals (by start, then schedule)
    and the earliest start of one after the range's start (one that starts there is on call "now")."""
    _, since, until = schedules[0]
    keyed = [(f"s{n}", schedule) for n, (schedule, _, _) in enumerate(schedules)]
    instants = list(minutes(since, until))
    expected, starts = [], []
    for key, schedule in keyed:
        oracle = Oracle(schedule)
        answers = [oracle.answer(t) for t in instants]
        for (who, source), i, j in runs(answers):
            if who == user:
                expected.append((key, instants[i], instants[j - 1] + MINUTE, source))
                starts.append((instants[i], key))
    expected.sort(key=lambda item: (item[1], item[0]))

    got = intervals_of(user, keyed, since, until, never)
    assert [(key, i.start, i.end, i.source) for key, i in got] == expected
    later = [(start, key) for start, key in starts if start > since]
    assert next_of(user, keyed, since, until, never) == (min(later)[::-1] if later else None)
