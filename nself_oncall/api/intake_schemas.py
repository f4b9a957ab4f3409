"""The bodies of the doors for alert sources: Alertmanager's (and Grafana's) webhook, PagerDuty's Events API v2, and
the generic format. Fields are checked as the API checks its own (api/fields.py); fields a format has and this service
does not use are ignored, as the senders add fields over their versions."""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .fields import Details, Label, Summary, storable_json

#: Any JSON value both databases can store (see fields.storable_json).
_storable = AfterValidator(partial(storable_json, path="value"))
Json = Annotated[Any, _storable]
Labels = Annotated[dict[str, str], _storable]
Text = Annotated[str, Field(max_length=65_536), _storable]


class Format(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class AlertIn(Format):
    status: Literal["firing", "resolved"]
    labels: Labels = Field(default_factory=dict)
    annotations: Labels = Field(default_factory=dict)
    startsAt: Text | None = None
    endsAt: Text | None = None
    generatorURL: Text | None = None
    fingerprint: Text | None = None
    # Grafana's
    silenceURL: Text | None = None
    dashboardURL: Text | None = None
    panelURL: Text | None = None
    valueString: Text | None = None


class AlertmanagerIn(Format):
    """Alertmanager's webhook body (version 4), which Grafana's webhook contact point sends too (with more fields)."""

    version: Text = Field(default="4", description='"4" from Alertmanager; Grafana sends "1"')
    groupKey: Text = Field(min_length=1, description="the alert group: its escalation's dedup_key")
    status: Literal["firing", "resolved"]
    receiver: Text = ""
    groupLabels: Labels = Field(default_factory=dict)
    commonLabels: Labels = Field(default_factory=dict)
    commonAnnotations: Labels = Field(default_factory=dict)
    externalURL: Text = ""
    truncatedAlerts: int = 0
    alerts: list[AlertIn] = Field(default_factory=list)
    title: Text | None = Field(default=None, description="Grafana's: the notification's title")


_SEVERITIES = Literal["critical", "error", "warning", "info"]


class PagerDutyPayload(Format):
    summary: Summary | None = None
    source: Annotated[str, Field(min_length=1, max_length=255), _storable] | None = None
    severity: _SEVERITIES | None = None
    timestamp: Text | None = None
    component: Text | None = None
    group: Text | None = None
    class_: Text | None = Field(default=None, alias="class")
    custom_details: Json = None


class PagerDutyIn(Format):
    """PagerDuty's Events API v2 event (its `routing_key` was checked before this is read)."""

    routing_key: str
    event_action: Literal["trigger", "acknowledge", "resolve"]
    dedup_key: Label | None = None
    payload: PagerDutyPayload | None = None
    links: list[dict[str, Json]] | None = None
    images: list[dict[str, Json]] | None = None
    client: Text | None = None
    client_url: Text | None = None

    @model_validator(mode="after")
    def _needs(self) -> PagerDutyIn:
        if self.event_action == "trigger":
            payload = self.payload
            for name in ("summary", "source", "severity"):
                if payload is None or getattr(payload, name) is None:
                    raise ValueError(f"'payload.{name}' is missing or blank")
        elif self.dedup_key is None:
            raise ValueError(f"'dedup_key' is missing or blank (an {self.event_action} event needs it)")
        return self

    def dumped(self) -> dict[str, Any]:
        """The event as details keep it: PagerDuty's own field names ("class"), absent fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True)


class GenericIn(Format):
    """The generic format, from a JSON body, form fields or query parameters."""

    action: Literal["trigger", "acknowledge", "resolve"] = "trigger"
    summary: Summary | None = None
    details: Details = Field(default_factory=dict)
    dedup_key: Label | None = None

    @field_validator("details", mode="before")
    @classmethod
    def _text_details(cls, value: Any) -> Any:
        """From a form or a query, `details` is text: a JSON object's text is that object; other text is kept as
        {"text": ...}."""
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = None
            return parsed if isinstance(parsed, dict) else {"text": value}
        return value

    @model_validator(mode="after")
    def _needs(self) -> GenericIn:
        if self.action == "trigger" and self.summary is None:
            raise ValueError("a trigger needs a summary")
        if self.action != "trigger" and self.dedup_key is None:
            raise ValueError(f"{self.action} needs the dedup_key of the escalation")
        return self
