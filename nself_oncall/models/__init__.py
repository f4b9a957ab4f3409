"""Tortoise models, one module per aggregate. Only `store/` touches them."""

from .policies import Policy, PolicyStep, PolicyTarget
from .schedules import Layer, Override, Schedule
from .users import ContactMethod, User

__all__ = ["ContactMethod", "Layer", "Override", "Policy", "PolicyStep", "PolicyTarget", "Schedule", "User"]
