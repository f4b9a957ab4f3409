"""When each step of an escalation is due.

The steps of a policy, run `repeat + 1` times, are numbered 0, 1, 2, ... across loops: that
number (the step's *index*) is all the state an escalation needs, with its trigger instant.
Step index k is due at the trigger instant plus the delays of the k steps before it, so delays
[5, 10] with repeat 1 give 0, 5, 15 and 20 minutes. The sum is closed-form (whole loops times
the loop's length, plus a prefix of one loop), in whole microseconds: exact, and the same in
every process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .policy import Policy, Target


@dataclass(frozen=True)
class Due:
    """One step reached: its index, loop and position in the policy, the instant it is due, its targets."""

    index: int
    loop: int
    step: int
    at: datetime
    targets: tuple[Target, ...]


def total_steps(policy: Policy) -> int:
    """How many steps an escalation of this policy notifies, loops included."""
    return len(policy.steps) * (policy.repeat + 1)


def position(policy: Policy, index: int) -> tuple[int, int]:
    """(loop, step) of a step index."""
    return divmod(index, len(policy.steps))


def step_due_at(policy: Policy, triggered_at: datetime, index: int) -> datetime | None:
    """The instant step `index` is due, or None past the last step."""
    if not 0 <= index < total_steps(policy):
        return None
    loop, step = position(policy, index)
    delays = [s.delay_us for s in policy.steps]
    return triggered_at + timedelta(microseconds=loop * sum(delays) + sum(delays[:step]))


def due(policy: Policy, triggered_at: datetime, done: int, now: datetime) -> tuple[list[Due], datetime | None]:
    """The steps from index `done` on that are due at `now`, and when the next one after them is due
    (None: no step is left). Steps missed while no engine ran are all returned, each with its own instant."""
    reached = []
    index = done
    while (at := step_due_at(policy, triggered_at, index)) is not None and at <= now:
        reached.append(_due(policy, index, at))
        index += 1
    return reached, step_due_at(policy, triggered_at, index)


def earliest(*instants: datetime | None) -> datetime | None:
    """The earliest of the instants that are not None (None: all are): when an escalation is next due, whether for
    its next step or for a notification rule's message."""
    return min((at for at in instants if at is not None), default=None)


def schedule_of_steps(policy: Policy, triggered_at: datetime) -> list[Due]:
    """Every step an escalation triggered at `triggered_at` notifies unless it is stopped, in order."""
    return [_due(policy, i, step_due_at(policy, triggered_at, i)) for i in range(total_steps(policy))]


def _due(policy: Policy, index: int, at: datetime) -> Due:
    loop, step = position(policy, index)
    return Due(index, loop, step, at, policy.steps[step].targets)
