"""Tortoise models, one module per aggregate. Only `store/` touches them."""

from .escalations import Escalation, Notification
from .policies import Policy, PolicyStep, PolicyTarget
from .schedules import Layer, Override, Schedule
from .users import ContactMethod, User

__all__ = [
    "ContactMethod", "Escalation", "Layer", "Notification", "Override", "Policy", "PolicyStep", "PolicyTarget",
    "Schedule", "User",
]
