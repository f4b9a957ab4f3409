"""The plugin system: hook specs, the types plugins see, loading plugins and configuring channels,
delivering a message through a channel, and the status views of all that.

- `hookspecs`: the pluggy markers and hook specifications
- `types`: the `Notifier` base class and the frozen values and errors plugins use
- `registry`: loading the entry points, registering notifiers, configuring channels (`build_registry`)
- `delivery`: `deliver()` (or `attempt()` then `observe()`), one message through one channel, and the
  `delivery_attempted` observers
- `status`: the registry as JSON (the API, `plugins --json`) and as text (`nself-oncall plugins`)

Plugin authors import from `nself_oncall` itself (see docs/plugins.md); below is what the rest of
the application uses.
"""

from .delivery import Attempt, attempt, deliver, observe
from .registry import ChannelState, Registry, build_registry
from .status import channel_item, channel_items, notifier_items, registry_json, registry_text
from .types import Action, Contact, InvalidAddress, Message, Outcome, Target

__all__ = [
    "Action",
    "Attempt",
    "ChannelState",
    "Contact",
    "InvalidAddress",
    "Message",
    "Outcome",
    "Registry",
    "Target",
    "attempt",
    "build_registry",
    "channel_item",
    "channel_items",
    "deliver",
    "notifier_items",
    "observe",
    "registry_json",
    "registry_text",
]
