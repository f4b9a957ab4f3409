"""`log`: writes each message to the service log (the embedded default channel)."""

from __future__ import annotations

import json
import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict

from nself_oncall import Contact, InvalidAddress, Message, Notifier, Sent, hookimpl

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


class LogSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Literal["debug", "info", "warning", "error"] = "warning"
    logger: str = "nself_oncall.notify"


class LogNotifier(Notifier):
    name = "log"
    description = "Writes each message to the service log."
    settings_model = LogSettings

    def check_address(self, address: str) -> str:
        """Any one line of text (a desk, a handle)."""
        if any(c in address for c in "\r\n"):
            raise InvalidAddress("must be a single line")
        return address.strip()

    async def send(self, message: Message, contact: Contact, settings: LogSettings, *, timeout: float) -> Sent:
        logging.getLogger(settings.logger).log(
            LEVELS[settings.level],
            "PAGE %s channel=%s user=%s to=%s escalation=%s step=%d loop=%d target=%s:%s summary=%s",
            message.id,
            contact.channel,
            json.dumps(contact.user_id, ensure_ascii=False) if contact.user_id else "-",
            json.dumps(contact.address, ensure_ascii=False) if contact.address else "-",
            message.escalation_id or "-",
            message.step,
            message.loop,
            message.target.type,
            message.target.id,
            json.dumps(message.summary, ensure_ascii=False),
        )
        return Sent(provider_id=None)


@hookimpl
def register_notifiers(register):
    register(LogNotifier())
