"""The escalation engine: due escalations -> notification rows (escalator), notification rows ->
notifier calls -> results (dispatcher), started, woken and stopped by the runner.

It reaches the database only through the store, and knows no HTTP.
"""

from .dispatcher import Dispatcher
from .escalator import Escalator
from .runner import Engine, EngineOptions, engine_options

__all__ = ["Dispatcher", "Engine", "EngineOptions", "Escalator", "engine_options"]
