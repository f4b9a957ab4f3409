"""The bodies of the doors for alert sources: Alertmanager's (and Grafana's) webhook, PagerDuty's Events API v2, and
the generic format. Fields are checked as the API checks its own (api/fields.py); fields a format has and this service
does not use are ignored, as the senders add fields over their versions."""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, field_validator, model_validator

from .fields import Details, Label, Summary, storable_json
from .nesting import MAX_JSON_DEPTH, nested_deeper_than

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


class PagerDutyPayload(Format):
    summary: Summary
    source: Annotated[str, Field(min_length=1, max_length=255), _storable]
    severity: Literal["critical", "error", "warning", "info"]
    timestamp: Text | None = None
    component: Text | None = None
    group: Text | None = None
    class_: Text | None = Field(default=None, alias="class")
    custom_details: Json = None


class _PagerDutyEvent(Format):
    routing_key: str = Field(description="the integration's key")
    dedup_key: Label | None = None
    links: list[dict[str, Json]] | None = None
    images: list[dict[str, Json]] | None = None
    client: Text | None = None
    client_url: Text | None = None


class PagerDutyTrigger(_PagerDutyEvent):
    event_action: Literal["trigger"]
    payload: PagerDutyPayload


class PagerDutyAction(_PagerDutyEvent):
    event_action: Literal["acknowledge", "resolve"]
    dedup_key: Label = Field(description="the alert to acknowledge or resolve")


class PagerDutyIn(RootModel[Annotated[PagerDutyTrigger | PagerDutyAction, Field(discriminator="event_action")]]):
    """PagerDuty's Events API v2 event (its `routing_key` is checked before the rest is read)."""

    def dumped(self) -> dict[str, Any]:
        """The event as details keep it: PagerDuty's own field names ("class"), absent fields left out."""
        return self.root.model_dump(by_alias=True, exclude_none=True)


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
            if nested_deeper_than(value, MAX_JSON_DEPTH):
                raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
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
