"""Pure escalation core: a policy snapshot, the trigger instant and how far an escalation got
-> which steps are due, when, and whom each one names.

No I/O, no ORM, no settings: the engine and the policy preview call the same functions, so
they cannot disagree.
"""

from .expand import (
    GAP,
    MAX_MESSAGES,
    Message,
    OnCall,
    channel_problem,
    due_by,
    expand,
    fewest_messages,
    reach_count,
    sent_problem,
    too_many,
    unplanned,
    users_named,
)
from .policy import Policy, Step, Target, policy_from_json, policy_json
from .throttle import Rule, allowed_at, parse_rule
from .timing import Due, due, earliest, position, schedule_of_steps, step_due_at, total_steps

__all__ = [
    "GAP", "MAX_MESSAGES", "Due", "Message", "OnCall", "Policy", "Rule", "Step", "Target", "allowed_at",
    "channel_problem", "due", "due_by", "earliest", "expand", "fewest_messages", "parse_rule", "policy_from_json", "policy_json",
    "position", "reach_count", "schedule_of_steps", "sent_problem", "step_due_at", "too_many", "total_steps", "unplanned",
    "users_named",
]
