"""A complete third-party notifier: appends each message as one JSON line to a file.

Configure it in plugins.toml:

    [channels.audit]
    notifier = "jsonl"
    path = "/var/log/nself-oncall/pages.jsonl"
"""

import asyncio
import json
from pathlib import Path

from nself_oncall import InvalidAddress, InvalidSettings, Notifier, PermanentError, Sent, hookimpl


class JsonLinesNotifier(Notifier):
    name = "jsonl"
    description = "Appends each message to a JSON Lines file."

    def check_settings(self, raw):
        unknown = set(raw) - {"path"}
        if unknown:
            raise InvalidSettings({key: "unknown setting" for key in sorted(unknown)})
        if not isinstance(raw.get("path"), str) or not raw["path"]:
            raise InvalidSettings({"path": "required: the file to append to"})
        return Path(raw["path"])

    def check_address(self, address):
        if "\n" in address:
            raise InvalidAddress("must be one line")
        return address.strip()

    async def send(self, message, contact, settings, *, timeout):
        line = json.dumps({"message": message.as_json(), "channel": contact.channel, "to": contact.address})
        try:
            await asyncio.to_thread(_append, settings, line)
        except OSError as exc:
            raise PermanentError(f"cannot write {settings}: {exc.strerror}") from None
        return Sent(provider_id=f"{settings}:{message.id}")


def _append(path, line):
    with path.open("a", encoding="utf-8") as file:
        file.write(line + "\n")


@hookimpl
def register_notifiers(register):
    register(JsonLinesNotifier())
