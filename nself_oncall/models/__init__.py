"""Tortoise models, one module per aggregate. Only `store/` touches them."""

from .audit import AuditEntry
from .calendars import CalendarSubscription
from .escalations import ActionLink, Escalation, InboundReply, Notification, PlannedMessage, ReplyCode
from .integrations import Heartbeat, Integration
from .notices import Notice
from .policies import Policy, PolicyStep, PolicyTarget
from .schedules import Layer, Override, Schedule, Temporary
from .sign_in import SignInFailure, WebSession
from .users import ContactMethod, User

__all__ = [
    "ActionLink", "AuditEntry", "CalendarSubscription", "ContactMethod", "Escalation", "Heartbeat", "InboundReply", "Integration", "Layer", "Notice", "Notification",
    "Override", "PlannedMessage", "Policy", "PolicyStep", "PolicyTarget", "ReplyCode", "Schedule", "SignInFailure", "Temporary", "User",
    "WebSession",
]
