"""The status of plugins and channels as JSON (the API, `plugins --json`) and as text (`nself-oncall plugins`)."""

from __future__ import annotations

from typing import Any

from ..config import Settings
from .registry import ChannelState, Registry


def notifier_items(registry: Registry) -> list[dict[str, Any]]:
    """One item per registered notifier, and one per broken or disabled plugin (named after the plugin)."""
    items = []
    for info in registry.plugins.values():
        for name in info.notifiers if info.status == "ok" else (info.name,):
            notifier = registry.notifiers.get(name) if name in info.notifiers else None
            items.append(
                {
                    "name": name,
                    "description": notifier.description if notifier else None,
                    "plugin": info.name,
                    "distribution": info.distribution,
                    "version": info.version,
                    "builtin": info.builtin,
                    "status": info.status,
                    "broken": info.status == "broken",
                    "disabled": info.status == "disabled",
                    "error": info.error,
                }
            )
    return sorted(items, key=lambda item: (item["name"], item["plugin"]))


def channel_item(state: ChannelState) -> dict[str, Any]:
    return {
        "name": state.name,
        "notifier": state.notifier,
        "ok": state.ok,
        "error": state.error,
        "timeout": state.timeout,
        "rate_limit": [str(rule) for rule in state.rate_limit],
        "settings": dict(state.shown_settings),
    }


def channel_items(registry: Registry) -> list[dict[str, Any]]:
    return sorted((channel_item(s) for s in registry.channels.values()), key=lambda item: item["name"])


def registry_json(registry: Registry) -> dict[str, Any]:
    return {"notifiers": notifier_items(registry), "channels": channel_items(registry)}


def registry_text(registry: Registry, settings: Settings) -> str:
    notifiers = [
        [n["name"], n["plugin"], f"{n['distribution'] or '-'} {n['version'] or ''}".strip(), _notifier_status(n)]
        for n in notifier_items(registry)
    ]
    channels = [[c["name"], c["notifier"], "ok" if c["ok"] else f"NOT USABLE: {c['error']}"] for c in channel_items(registry)]
    source = str(settings.plugins_file) if settings.plugins_file else "built-in defaults (no plugins.toml)"
    return "\n".join(
        [
            "Notifiers",
            *_table(["NAME", "PLUGIN", "DISTRIBUTION", "STATUS"], notifiers),
            "",
            f"Channels ({source})",
            *_table(["NAME", "NOTIFIER", "STATUS"], channels or [["(none)", "", ""]]),
        ]
    )


def _notifier_status(item: dict[str, Any]) -> str:
    if item["status"] == "ok":
        return "ok (built-in)" if item["builtin"] else "ok"
    return f"{item['status'].upper()}: {item['error']}" if item["error"] else item["status"].upper()


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header) - 1)]
    return ["  " + "".join(str(c).ljust(w + 2) for c, w in zip(row, widths, strict=False)) + row[-1] for row in [header, *rows]]
