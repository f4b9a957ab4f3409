"""The doors for alert sources, without the API token: each checks its key before it reads anything else.

- `POST /intake/alertmanager/{key}`: Alertmanager's webhook (version 4) and Grafana alerting's;
- `POST /v2/enqueue`: PagerDuty's Events API v2, its request and its answers, the key as `routing_key`;
- `POST /intake/generic/{key}`: a JSON body, form fields or query parameters;
- `GET|POST /heartbeat/{key}`: a heartbeat's ping.

A key is checked, and its event counted against the key's rate, by one statement (service/intake.py); the body is
read only after that, except PagerDuty's, which carries its key inside (it is bounded by the 1 MiB limit, and
nothing in it is looked at before its `routing_key` is checked). An unknown key is a 404 (PagerDuty's: its 400),
a key past its rate a 429 with Retry-After. Keys never reach a log line: no access log is kept, and errors never
repeat a key.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel, ValidationError
from quart import Blueprint, current_app, request
from quart_schema import document_request, document_response, security_scheme, tag
from werkzeug.exceptions import BadRequest, HTTPException

from ..service import intake as service
from ..service import intake_formats as formats
from .errors import ApiError, pydantic_details
from .fields import INTAKE_KEY
from .intake_schemas import AlertmanagerIn, GenericIn, PagerDutyIn
from .responses import ErrorOut, IntakeOut, PagerDutyError, PagerDutyOut, PingOut

bp = Blueprint("intake", __name__)
_KEY = re.compile(INTAKE_KEY)

_THROTTLED = "Requests for this service are arriving too quickly. Please retry later."


def _documented(body: type[BaseModel] | None, ok: type[BaseModel], *errors: int, pagerduty: tuple[int, ...] = ()):
    """A door's document: no credential but its key, its success answer, the app's JSON errors for `errors` and
    PagerDuty's own for `pagerduty`."""

    def decorate(func):
        func = tag(["intake"])(security_scheme([])(func))
        if body is not None:
            func = document_request(body)(func)
        func = document_response(ok, 200 if ok is PingOut else 202)(func)
        for status in errors:
            func = document_response(ErrorOut, status)(func)
        for status in pagerduty:
            func = document_response(PagerDutyError, status)(func)
        return func

    return decorate


@bp.post("/intake/alertmanager/<intake_key:integration_key>")
@_documented(AlertmanagerIn, IntakeOut, 400, 404, 413, 422, 429, 503)
async def alertmanager(integration_key: str):
    """Alertmanager's or Grafana's webhook: one escalation per alert group (`groupKey`). "firing" opens it, or, while
    it is open, replaces its details and pages nobody; "resolved" resolves it (changes nothing when none is open)."""
    found = await _integration("alertmanager", integration_key)
    body = _alertmanager_body(await _json())
    return _outcome("alertmanager", await _intake().apply(found, formats.alertmanager(body.model_dump()), _wake()))


@bp.post("/intake/generic/<intake_key:integration_key>")
@_documented(GenericIn, IntakeOut, 400, 404, 413, 422, 429, 503)
async def generic(integration_key: str):
    """`summary`, `details`, `dedup_key` and `action` (trigger, acknowledge or resolve) as a JSON body, as form
    fields, or as query parameters (the body's win). A trigger for an open escalation with its dedup_key replaces its
    details and pages nobody; without a dedup_key a trigger gets a new one."""
    found = await _integration("generic", integration_key)
    try:
        body = GenericIn.model_validate(await _generic_fields())
    except ValidationError as exc:
        details = pydantic_details(exc)
        _count("generic", "invalid")
        raise ApiError(422, f"{details[0]['field']}: {details[0]['message']}", details) from None
    return _outcome("generic", await _intake().apply(found, formats.generic(body.model_dump()), _wake()))


@bp.post("/v2/enqueue")
@_documented(PagerDutyIn, PagerDutyOut, 413, 503, pagerduty=(400, 429))
async def pagerduty():
    """PagerDuty's Events API v2: trigger, acknowledge or resolve by `dedup_key`, with PagerDuty's own answers
    (202 `success`; 400 `invalid event` with `errors`, an unknown `routing_key` included; 429 `throttle event`)."""
    try:
        data = await _json()
    except ApiError as exc:
        if exc.status != 400:
            raise  # 413: too large to be read
        return _invalid_event("invalid", exc.message)
    routing_key = data.get("routing_key") if isinstance(data, dict) else None
    if not isinstance(routing_key, str) or not routing_key:
        return _invalid_event("invalid", "'routing_key' is missing or blank")
    if not _KEY.fullmatch(routing_key):
        return _invalid_event("unknown_key", "'routing_key' is invalid: no integration has it")
    try:
        found = await _intake().integration(routing_key)
    except service.UnknownKey:
        return _invalid_event("unknown_key", "'routing_key' is invalid: no integration has it")
    except service.RateLimited as exc:
        _count("pagerduty", "rate_limited")
        return _throttled(exc.retry_after)
    try:
        event = PagerDutyIn.model_validate(data)
    except ValidationError as exc:
        return _invalid_event("invalid", *(_error(d) for d in pydantic_details(exc)))
    outcome = await _intake().apply(found, formats.pagerduty(event.dumped()), _wake())
    _count("pagerduty", outcome.action)
    return {"status": "success", "message": "Event processed", "dedup_key": outcome.dedup_key}, 202


@bp.route("/heartbeat/<intake_key:heartbeat_key>", methods=["GET", "POST"])
@_documented(None, PingOut, 404, 413, 429, 503)
async def heartbeat(heartbeat_key: str):
    """A heartbeat's ping (no token: the key is in the URL). It expires `interval_minutes` from now, and the escalation
    its expiry opened is resolved. Any body up to 1 MiB is read and ignored."""
    await _bounded_body()  # read (and dropped) first: a body over 1 MiB is a 413, and no ping
    try:
        await service.ping(heartbeat_key, _rate())
    except service.UnknownKey:
        _count("heartbeat", "unknown_key")
        raise ApiError(404, "no heartbeat has this key") from None
    except service.RateLimited as exc:
        _count("heartbeat", "rate_limited")
        raise _too_many(exc.retry_after) from None
    _count("heartbeat", "pinged")
    return {"status": "ok"}


async def _integration(door: str, key: str):
    """The integration of the key, this event counted, unless the body is too large to be read (a 413 that counts
    nothing, when it says its length)."""
    _refuse_too_large()
    try:
        return await _intake().integration(key)
    except service.UnknownKey:
        _count(door, "unknown_key")
        raise ApiError(404, "no integration has this key") from None
    except service.RateLimited as exc:
        _count(door, "rate_limited")
        raise _too_many(exc.retry_after) from None


def _too_many(retry_after: int) -> ApiError:
    return ApiError(429, f"too many events for this key; try again in {retry_after} s", code="rate_limited",
                    headers={"Retry-After": str(retry_after)})


def _refuse_too_large() -> None:
    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]:
        raise ApiError(413, "request body is larger than 1 MiB")


async def _bounded_body() -> bytes:
    """The body, 413 past 1 MiB (Quart's MAX_CONTENT_LENGTH)."""
    try:
        return await request.get_data()
    except HTTPException as exc:
        raise ApiError(exc.code or 400, exc.description or exc.name) from None


async def _json() -> Any:
    """The body as JSON (whatever its Content-Type): 400 when it is not, 413 past 1 MiB (the app's answer)."""
    try:
        return await request.get_json()
    except BadRequest as exc:
        message = exc.description if exc.description != BadRequest.description else "request body is not valid JSON"
        raise ApiError(400, message) from None


def _alertmanager_body(data: Any) -> AlertmanagerIn:
    try:
        return AlertmanagerIn.model_validate(data)
    except ValidationError as exc:
        _count("alertmanager", "invalid")
        details = pydantic_details(exc)
        raise ApiError(422, f"not an Alertmanager webhook body: {details[0]['field']}: {details[0]['message']}",
                       details) from None


async def _generic_fields() -> dict[str, Any]:
    """Query parameters, then the body's fields over them: JSON when the body is a JSON object (curl -d sends any
    body as a form), else form fields. A field given twice is a 400."""
    fields = _pairs(request.args.items(multi=True))
    text = (await _bounded_body()).decode("utf-8", "replace").strip()
    if text.startswith("{"):
        data = await _json()
        fields.update(data)
    elif text:
        fields.update(_pairs(parse_qsl(text, keep_blank_values=True)))
    return fields


def _pairs(pairs) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise ApiError(400, f"{name} is given twice")
        fields[name] = value
    return fields


def _outcome(door: str, outcome: service.Outcome):
    _count(door, outcome.action)
    return {"escalation_id": outcome.escalation_id, "dedup_key": outcome.dedup_key, "action": outcome.action}, 202


def _error(detail: dict[str, str]) -> str:
    """A field's error as "field: message" (the field's path without the event_action that chose the event's kind);
    an error of the whole event as its message alone."""
    kind, _, field = detail["field"].partition(".")
    field = field if kind in ("trigger", "acknowledge", "resolve") else detail["field"]
    return detail["message"] if field in ("body", "") else f"{field}: {detail['message']}"


def _invalid_event(outcome: str, *errors: str):
    _count("pagerduty", outcome)
    return {"status": "invalid event", "message": "Event object is invalid", "errors": list(errors)}, 400


def _throttled(retry_after: int):
    return {"status": "throttle event", "message": _THROTTLED, "errors": []}, 429, {"Retry-After": str(retry_after)}


def _count(door: str, outcome: str) -> None:
    current_app.extensions["metrics"].intake.labels(door, outcome).inc()


def _intake() -> service.Intake:
    """The app's doors' work (made at the first event, so that each app, and each test's, has its own batches)."""
    extensions = current_app.extensions
    if "intake" not in extensions:
        extensions["intake"] = service.Intake(_rate())
    return extensions["intake"]


def _rate():
    return current_app.config["SETTINGS"].intake_rate


def _wake():
    return current_app.extensions["wake_engine"]
