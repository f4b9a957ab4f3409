"""Tortoise models, one module per aggregate. Only `store/` touches them."""

from .calendars import CalendarSubscription
from .escalations import Escalation, Notification
from .notices import Notice
from .policies import Policy, PolicyStep, PolicyTarget
from .schedules import Layer, Override, Schedule
from .users import ContactMethod, User

__all__ = [
    "CalendarSubscription", "ContactMethod", "Escalation", "Layer", "Notice", "Notification", "Override", "Policy",
    "PolicyStep", "PolicyTarget", "Schedule", "User",
]
