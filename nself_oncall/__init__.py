"""nself-oncall: on-call schedules, escalation policies and notifier plugins.

What a plugin imports: `hookimpl` and the types below (see docs/plugins.md).
"""

from .plugins.hookspecs import hookimpl
from .plugins.types import (
    Action,
    Contact,
    DeliveryError,
    InvalidAddress,
    InvalidSettings,
    Message,
    Notifier,
    Outcome,
    PermanentError,
    Sent,
    Target,
    TemporaryError,
)

__all__ = [
    "Action",
    "Contact",
    "DeliveryError",
    "InvalidAddress",
    "InvalidSettings",
    "Message",
    "Notifier",
    "Outcome",
    "PermanentError",
    "Sent",
    "Target",
    "TemporaryError",
    "hookimpl",
]
