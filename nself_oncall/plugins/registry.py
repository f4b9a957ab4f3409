"""Find notifier plugins, register their notifiers and configure the channels of plugins.toml.

Every plugin, the built-ins included, is an entry point of the `nself_oncall` group. Each one
is loaded and asked for its notifiers on its own, so that one broken plugin is reported and
skipped without taking the others down (unless NSELF_ONCALL_STRICT_PLUGINS=1).
"""

from __future__ import annotations

import inspect
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib.metadata import EntryPoint, entry_points
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pluggy
from pydantic import ValidationError

from ..config import Channel, ConfigError, Settings
from ..escalation import Rule, parse_rule
from . import hookspecs
from .redact import MASK, mask, secret_parts
from .types import InvalidAddress, InvalidSettings, Notifier, invalid_settings

log = logging.getLogger(__name__)

DISTRIBUTION = "nself-oncall"
NOTIFIER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 300.0


class PluginError(ConfigError):
    """Strict mode (NSELF_ONCALL_STRICT_PLUGINS=1) and a plugin failed to load or register."""


@dataclass(frozen=True)
class PluginInfo:
    """One entry point of the `nself_oncall` group and what became of it."""

    name: str
    distribution: str | None
    version: str | None
    status: str  # "ok" | "broken" | "disabled"
    error: str | None = None
    notifiers: tuple[str, ...] = ()

    @property
    def builtin(self) -> bool:
        return self.distribution == DISTRIBUTION


@dataclass(frozen=True)
class ChannelState:
    """A configured channel: its notifier, validated settings and timeout, or why it cannot be used."""

    name: str
    notifier: str
    timeout: float
    shown_settings: Mapping[str, Any]
    settings: Any = None
    secrets: tuple[str, ...] = ()
    error: str | None = None
    rate_limit: tuple[Rule, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    def redact(self, text: str) -> str:
        """`text` with this channel's secrets masked, whole or in pieces (plugins/redact.py): errors may quote a URL
        or a token, or a peer's answer that echoes part of one."""
        return mask(text, self.secrets)


@dataclass
class Registry:
    """The notifiers and channels of this process; read-only once built."""

    plugin_manager: pluggy.PluginManager
    plugins: dict[str, PluginInfo] = field(default_factory=dict)
    notifiers: dict[str, Notifier] = field(default_factory=dict)
    channels: dict[str, ChannelState] = field(default_factory=dict)

    def usable_channels(self) -> list[str]:
        """The channels that can send (their notifier is installed and their settings are valid)."""
        return [name for name, state in self.channels.items() if state.ok]

    def replying_channels(self) -> dict[str, str | None]:
        """The usable channels whose notifier takes replies (`Notifier.replies`), each with the number a message to
        the channel itself goes to (`Notifier.channel_address`; None: such a message gets no reply code)."""
        replying = {}
        for name in self.usable_channels():
            state = self.channels[name]
            notifier = self.notifiers[state.notifier]
            if notifier.replies:
                replying[name] = _channel_address(notifier, state.settings)
        return replying

    async def close(self) -> None:
        """Each notifier's `close`; one that fails is logged, and the others are closed all the same."""
        for name, notifier in self.notifiers.items():
            try:
                await notifier.close()
            except Exception:
                log.exception("notifier %r: close failed", name)

    def check_address(self, channel: str, address: str) -> str:
        """A contact address normalized by its channel's notifier; `KeyError` for an unknown channel,
        `InvalidAddress` when the notifier refuses it. A channel that cannot be used, or a notifier
        whose check fails with its own bug, keeps the address as given."""
        state = self.channels[channel]
        if not address.strip():
            raise InvalidAddress("must not be blank")
        if not state.ok:
            return address
        try:
            checked = self.notifiers[state.notifier].check_address(address)
        except InvalidAddress:
            raise
        except Exception as exc:  # the plugin's bug must not refuse the user, nor answer 500
            log.error("notifier %r: check_address raised %s", state.notifier, type(exc).__name__)
            return address
        if not isinstance(checked, str) or not checked.strip():
            log.error("notifier %r: check_address returned %r, not an address", state.notifier, type(checked).__name__)
            return address
        return checked


def _channel_address(notifier: Notifier, settings: Any) -> str | None:
    try:
        return notifier.channel_address(settings)
    except Exception as exc:  # a plugin's bug: its channel targets' messages go without a reply code
        log.error("notifier %r: channel_address raised %s", notifier.name, type(exc).__name__)
        return None


def build_registry(settings: Settings, found: Iterable[EntryPoint] | None = None) -> Registry:
    """Load every plugin, register its notifiers and configure the channels; `found` replaces the
    installed entry points (tests). Raises `PluginError` in strict mode when a plugin is broken."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    registry = Registry(pm)
    points = _in_load_order(entry_points(group=hookspecs.PROJECT) if found is None else found)
    for point in points:
        info = _load(pm, point, settings.disabled_plugins)
        key = point.name if point.name not in registry.plugins else f"{point.name} ({_describe(info)})"
        registry.plugins[key] = info
    for key in [key for key, info in registry.plugins.items() if info.status == "ok"]:
        registry.plugins[key] = _register_notifiers(registry, registry.plugins[key])
    _report_plugins(registry, settings)
    registry.channels = {name: _configure_channel(registry, channel) for name, channel in settings.channels.items()}
    _refuse_unknown_notifiers(registry, settings)
    for state in registry.channels.values():
        if not state.ok:
            log.warning("channel %r cannot be used: %s", state.name, state.error)
    usable = registry.usable_channels()
    log.info("notifiers: %s; usable channels: %s", ", ".join(sorted(registry.notifiers)), ", ".join(usable) or "none")
    if not usable:
        log.warning("no usable channel in %s: nobody can be paged, and /ready answers 503, until one is "
                    "(`nself-oncall plugins` says why each cannot be used)", settings.plugins_file or "the settings")
    return registry


def _configure_channel(registry: Registry, channel: Channel) -> ChannelState:
    raw = dict(channel.settings)
    timeout, timeout_error = _timeout(raw.pop("timeout", DEFAULT_TIMEOUT))
    notifier = registry.notifiers.get(channel.notifier)
    rate_limit, rate_error = _rate_limit(raw.pop("rate_limit", None), notifier)
    # Without its notifier nobody knows which settings are secret: show none of the values.
    secret_keys = set(channel.from_env) | (set(notifier.secret_settings) if notifier else set(raw))
    state = ChannelState(
        name=channel.name,
        notifier=channel.notifier,
        timeout=timeout,
        shown_settings=_masked(raw, secret_keys),
        secrets=tuple(sorted(_secret_values(channel.settings, secret_keys))),
        rate_limit=rate_limit,
    )
    error = channel.error or timeout_error or rate_error or _missing_notifier(registry, channel.notifier)
    if error is None:
        try:
            return replace(state, settings=notifier.check_settings(raw))
        except InvalidSettings as exc:
            error = f"invalid settings: {exc}"
        except ValidationError as exc:  # a plugin validating with pydantic itself: its text quotes the input
            error = f"invalid settings: {invalid_settings(exc)}"
        except Exception as exc:  # a plugin's own bug: report the channel, keep the service (no traceback:
            # its frames and message may hold the settings)
            error = f"notifier {channel.notifier!r} failed to check its settings: {type(exc).__name__}"
            log.error("notifier %r crashed in check_settings: %s", channel.notifier, type(exc).__name__)
    return replace(state, error=state.redact(error))


def _in_load_order(points: Iterable[EntryPoint]) -> list[EntryPoint]:
    """Ours first, then the others by distribution and name, so that duplicates resolve the same way."""

    def key(point: EntryPoint) -> tuple[bool, str, str]:
        dist = point.dist.name if point.dist else ""
        return (dist != DISTRIBUTION, dist, point.name)

    unique = {(p.name, p.value, p.dist.name if p.dist else ""): p for p in points}
    return sorted(unique.values(), key=key)


def _load(pm: pluggy.PluginManager, point: EntryPoint, disabled: frozenset[str]) -> PluginInfo:
    dist = point.dist.name if point.dist else None
    version = point.dist.version if point.dist else None
    info = PluginInfo(point.name, dist, version, "ok")
    if point.name in disabled:
        pm.set_blocked(point.name)
        return replace(info, status="disabled")
    if pm.has_plugin(point.name) or pm.is_blocked(point.name):
        return _broken(info, f"another plugin is already named {point.name!r} ({_owner(pm, point.name)})")
    try:
        pm.register(point.load(), name=point.name)
        pm.check_pending()
    except Exception as exc:
        if pm.has_plugin(point.name):
            pm.unregister(name=point.name)
        return _broken(info, f"failed to load: {type(exc).__name__}: {exc}")
    return info


def _register_notifiers(registry: Registry, info: PluginInfo) -> PluginInfo:
    """Call this plugin's `register_notifiers` alone; keep its notifiers only if all of them register."""
    mine: dict[str, Notifier] = {}

    def register(notifier: Notifier) -> None:
        name = _check_notifier(notifier)
        if name in registry.notifiers or name in mine:
            other = next((i for i in registry.plugins.values() if name in i.notifiers), info)
            raise ConfigError(
                f"notifier {name!r} is registered by both plugin {other.name!r} ({_describe(other)}) "
                f"and plugin {info.name!r} ({_describe(info)}); disable one in plugins.toml [plugins] disable"
            )
        mine[name] = notifier

    impls = [i for i in registry.plugin_manager.hook.register_notifiers.get_hookimpls() if i.plugin_name == info.name]
    try:
        for impl in impls:
            if inspect.iscoroutinefunction(impl.function):
                raise ConfigError("register_notifiers must be a plain function, not async def")
            impl.function(**{arg: register for arg in impl.argnames})
    except Exception as exc:
        registry.plugin_manager.unregister(name=info.name)
        reason = str(exc) if isinstance(exc, ConfigError) else f"register_notifiers failed: {type(exc).__name__}: {exc}"
        return _broken(info, reason)
    registry.notifiers.update(mine)
    return replace(info, notifiers=tuple(mine))


def _check_notifier(notifier: Any) -> str:
    if not isinstance(notifier, Notifier):
        raise ConfigError(f"register() takes a nself_oncall.Notifier instance, not {type(notifier).__name__}")
    name = getattr(notifier, "name", None)
    if not isinstance(name, str) or not NOTIFIER_NAME.match(name):
        raise ConfigError(f"{type(notifier).__name__}.name must match {NOTIFIER_NAME.pattern}, not {name!r}")
    if type(notifier).send is Notifier.send:
        raise ConfigError(f"notifier {name!r} does not implement send()")
    if not inspect.iscoroutinefunction(notifier.send):
        raise ConfigError(f"notifier {name!r}: send() must be async def")
    return name


def _report_plugins(registry: Registry, settings: Settings) -> None:
    broken = [info for info in registry.plugins.values() if info.status == "broken"]
    for info in broken:
        log.error("plugin %r (%s) is broken and was skipped: %s", info.name, _describe(info), info.error)
    for name in sorted(settings.disabled_plugins - set(registry.plugins)):
        log.warning("plugins.toml disables %r, but no installed plugin has that name", name)
    if broken and settings.strict_plugins:
        raise PluginError(
            "NSELF_ONCALL_STRICT_PLUGINS=1 and broken plugins: " + "; ".join(f"{i.name}: {i.error}" for i in broken)
        )


def _refuse_unknown_notifiers(registry: Registry, settings: Settings) -> None:
    """Strict mode: a channel naming a notifier that is not installed (a typo, a plugin missing from this machine)
    stops the start, as a broken plugin does. A notifier whose plugin is disabled is not unknown: that is chosen."""
    unknown = [
        state for state in registry.channels.values()
        if state.notifier and state.notifier not in registry.notifiers and not _unavailable_plugin(registry, state.notifier)
    ]
    if unknown and settings.strict_plugins:
        raise PluginError(
            "NSELF_ONCALL_STRICT_PLUGINS=1 and channels naming a notifier that is not installed: "
            + "; ".join(f"{state.name}: {state.notifier!r}" for state in unknown)
        )


def _unavailable_plugin(registry: Registry, notifier: str) -> PluginInfo | None:
    """The plugin named like `notifier` when it is disabled or broken."""
    return next((i for i in registry.plugins.values() if i.name == notifier and i.status != "ok"), None)


def _missing_notifier(registry: Registry, name: str) -> str | None:
    if name in registry.notifiers:
        return None
    plugin = _unavailable_plugin(registry, name)
    if plugin is not None:
        return f"notifier {name!r} is not available: its plugin is {plugin.status}"
    return f"notifier {name!r} is not installed"


def _timeout(value: Any) -> tuple[float, str | None]:
    if isinstance(value, str):  # from { env = "VAR" }
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= MAX_TIMEOUT:
        return DEFAULT_TIMEOUT, f"invalid settings: timeout: a number of seconds, more than 0 and at most {MAX_TIMEOUT:g}"
    if isinstance(value, float) and not math.isfinite(value):
        return DEFAULT_TIMEOUT, "invalid settings: timeout: must be finite"
    return float(value), None


def _rate_limit(value: Any, notifier: Notifier | None) -> tuple[tuple[Rule, ...], str | None]:
    """The channel's `rate_limit` setting (a list of "COUNT/PERIOD" rules per contact), else its notifier's default."""
    if value is None:
        value = list(notifier.rate_limit) if notifier else []
    if not isinstance(value, list):
        return (), 'invalid settings: rate_limit: a list of rules like ["1/1m", "5/15m"] ([] for none)'
    try:
        return tuple(parse_rule(rule) for rule in value), None
    except ValueError as exc:
        return (), f"invalid settings: rate_limit: {exc}"


def _masked(settings: Mapping[str, Any], secret_keys: set[str]) -> dict[str, Any]:
    return {key: MASK if key in secret_keys else _hide_password(value) for key, value in settings.items()}


def _hide_password(value: Any) -> Any:
    """A URL's password is a secret whatever its setting is called."""
    if not isinstance(value, str) or "@" not in value or "://" not in value:
        return value
    try:
        parts = urlsplit(value)
        if parts.password is None:
            return value
        netloc = parts.netloc.replace(":" + parts.password + "@", ":" + MASK + "@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return value


def _secret_values(settings: Mapping[str, Any], secret_keys: set[str]) -> set[str]:
    values: set[str] = set()
    for key, value in settings.items():
        if key in secret_keys:
            values.update(part for string in _strings(value) for part in secret_parts(string))
        elif isinstance(value, str) and "://" in value:
            try:
                password = urlsplit(value).password
            except ValueError:
                password = None
            if password:
                values.add(password)
    return {v for v in values if len(v) >= 4}


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _broken(info: PluginInfo, reason: str) -> PluginInfo:
    return replace(info, status="broken", error=reason)


def _describe(info: PluginInfo) -> str:
    return f"{info.distribution} {info.version}" if info.distribution else "no distribution"


def _owner(pm: pluggy.PluginManager, name: str) -> str:
    return "disabled" if pm.is_blocked(name) else "loaded first"


