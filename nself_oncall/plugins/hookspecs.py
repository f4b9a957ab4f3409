"""The pluggy markers and hook specifications of nself-oncall; nothing else.

Plugins mark their functions with `nself_oncall.hookimpl` and are found through the
`nself_oncall` entry-point group. docs/plugins.md has one section per hook below.
"""

from __future__ import annotations

import pluggy

PROJECT = "nself_oncall"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_notifiers(register):
    """Register the notifiers this plugin provides.

    Called once per process at start, after the plugin is loaded and before any channel
    is configured. `register` is a function taking one `nself_oncall.Notifier` instance;
    call it once per notifier. A notifier name may be registered by one plugin only: a
    second plugin registering the same name is reported as broken, naming both plugins.
    If this hook raises, the plugin's notifiers are all dropped and the plugin is shown as
    broken. The return value is ignored.
    """


@hookspec
def delivery_attempted(message, contact, channel, notifier, outcome):
    """Observe one delivery attempt, after it finished (sent or failed) or was found undeliverable.

    Called after every attempt, test messages included. `message` is the frozen
    `nself_oncall.Message`, `contact` the `nself_oncall.Contact`, `channel` the channel's
    name, `notifier` the notifier's name and `outcome` the `nself_oncall.Outcome`.
    It may return None or an awaitable, which the host awaits for at most 5 seconds.
    It cannot change the outcome; an exception it raises is logged and ignored.
    Channel settings are never passed, so secrets do not reach observers.
    """
