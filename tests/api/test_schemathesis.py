"""Schemathesis against the app, in-process through its ASGI loader, on SQLite and on PostgreSQL.

Each operation of /openapi.json gets schemathesis's coverage cases (every constraint at its
bounds and just past them; for an operation with path ids, or ids of rows in its query or body,
once more on seeded ids: so each reaches a row whatever fuzzing draws), then EXAMPLES generated
requests of three kinds in equal shares: valid ones, invalid ones (schemathesis leaves the token
out of some, so 401 is checked too), and valid ones naming rows seeded before each operation runs
(`known_ids`: a schedule and a user that the seeded policy keeps, one of each free to delete, the
policy, an override, a temporary schedule, an open escalation with its acknowledge links, a calendar link). No answer may be a 5xx, each status
and body must be documented, and the app must log no defect (input that reached the database
unvalidated, or an unhandled error).

The seeded ids are drawn inside the strategies (`cases`), explicitly and per operation:
schemathesis hooks are global to the process, OpenAPI examples serve its CLI's examples phase
only, and the document declares no links. Seeding goes through the API with the same client:
schemathesis runs the app, and its lifespan (Tortoise.init), on its own thread's event loop.

Bounded for CI: EXAMPLES = 15, derandomized (about a minute per database here, with 53 operations). A larger run by
hand, e.g.:

    NSELF_ONCALL_SCHEMATHESIS_EXAMPLES=300 python -m pytest tests/api/test_schemathesis.py -k sqlite -s

`-s` shows the count of answers per operation and status.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from twilio.request_validator import RequestValidator

from apiclient import settings_for
from nself_oncall.app import create_app
from nself_oncall.config import Channel
from nself_oncall.engine import Engine, EngineOptions
from nself_oncall.keys import link_key
from nself_oncall.store import action_links

EXAMPLES = int(os.environ.get("NSELF_ONCALL_SCHEMATHESIS_EXAMPLES", "15"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

# Channels that never leave this machine (the test settings' others name public hosts).
LOCAL_CHANNELS = ["log", "pigeon", "internal-hook"]
# Doors that only a provider's signature opens: fuzzing cannot sign, so each answers its documented 403 and never a
# 2xx here (tests/engine/test_inbound_slack.py signs its requests as Slack does).
SIGNED_DOORS = {"POST /inbound/slack/{channel}"}
# A twilio_voice channel, whose door's requests are signed with its token; nothing is ever sent through it.
VOICE = Channel("st-voice", "twilio_voice", {"account_sid": "AC" + "0" * 32, "auth_token": "st-voice-token-0123",
                                             "from": "+14155550100", "base_url": "http://127.0.0.1:9",
                                             "allow": ["127.0.0.1"]})
# The Twilio doors and the token that signs their requests (the SMS door's: the test settings' ops-sms).
TWILIO_TOKENS = {"/inbound/twilio/sms": "twilio-token-123", "/inbound/twilio/voice/": "st-voice-token-0123"}


def known_ids(client, app) -> dict[str, list[str]]:
    """Seed what a previous operation may have deleted; the ids to use, by path parameter name
    and by policy target type (targets name only what the seeded policy keeps: "st-free" stays free)."""
    for name in ("st-kept", "st-free"):
        _ensure(client, "/api/v1/users", {"id": name, "contacts": [{"channel": "log", "address": "ops"}]})
        layer = {"users": [name], "rotation": {"unit": "day"}, "start": "2024-01-01T09:00:00"}
        _ensure(client, "/api/v1/schedules", {"id": name, "name": name, "timezone": "Europe/Paris", "layers": [layer]})
    step = {"delay_minutes": 5, "targets": [{"type": "schedule", "id": "st-kept"}, {"type": "user", "id": "st-kept"}]}
    _ensure(client, "/api/v1/policies", {"id": "st-policy", "name": "p", "steps": [step]})
    overrides = _call(client, "GET", "/api/v1/overrides?schedule_id=st-kept&limit=3")["items"]
    if not overrides:
        now = datetime.now(UTC)
        span = {"start": (now - timedelta(hours=1)).isoformat(), "end": (now + timedelta(days=1)).isoformat()}
        overrides = [_call(client, "POST", "/api/v1/overrides", {"schedule_id": "st-kept", "user": "st-free", **span})]
    temporaries = _call(client, "GET", "/api/v1/schedules/st-kept/temporary")["items"][:3]
    if not temporaries:
        start = datetime(2001, 1, 1, tzinfo=UTC)  # before anything fuzzing makes, which ends in 8999 (`with_seeded_ids`)
        span = {"start": start.isoformat(), "end": (start + timedelta(days=1)).isoformat()}
        temporaries = [_call(client, "POST", "/api/v1/schedules/st-kept/temporary",
                             {**span, "shifts": [{"user": "st-free", **span}]})]
    escalation = client.post("/api/v1/escalations", json={"policy_id": "st-policy", "summary": "s", "dedup_key": "st"})
    assert escalation.status_code in (200, 201), escalation.text  # 200: the open one with that key
    # A new integration and heartbeat for each operation: one may have been deleted, and a key is shown only once.
    keys = {name: _renewed(client, f"/api/v1/{kind}", {"id": name, "name": name, "policy_id": "st-policy", **extra})
            for name, kind, extra in (("st-int", "integrations", {}), ("st-hb", "heartbeats", {"interval_minutes": 60}))}
    # A new calendar link for each operation: one may have been revoked, and a token is shown only once.
    link = _call(client, "POST", "/api/v1/calendar-subscriptions", {"schedule_id": "st-kept", "name": "st"})
    return {
        "action_token": acknowledge_tokens(client, app, escalation.json()["id"]),
        "escalation_id": [escalation.json()["id"]],
        "schedule_id": ["st-kept", "st-free"],
        "user_id": ["st-kept", "st-free"],
        "policy_id": ["st-policy"],
        "override_id": [o["id"] for o in overrides],
        "temporary_id": [t["id"] for t in temporaries],
        "name": LOCAL_CHANNELS,
        "schedule": ["st-kept"],
        "user": ["st-kept"],
        "channel": LOCAL_CHANNELS,
        "subscription_id": [link["id"]],
        "token": [link["url"].rsplit("/", 1)[1].removesuffix(".ics")],
        "integration_id": ["st-int"],
        "heartbeat_id": ["st-hb"],
        "integration_key": [keys["st-int"]["key"]],
        "routing_key": [keys["st-int"]["key"]],
        "heartbeat_key": [keys["st-hb"]["url"].rsplit("/", 1)[1]],
        "message_id": [n["id"] for n in _call(client, "GET", f"/api/v1/escalations/{escalation.json()['id']}")[
            "notifications"]],
    }


def acknowledge_tokens(client, app, escalation_id: str) -> list[str]:
    """The acknowledge links of the escalation's messages. No API shows a link: an engine's escalator and dispatcher
    passes run once, in the app's event loop (sending through the `log` channel), and the tokens are derived as the
    engine does."""

    settings = app.config["SETTINGS"]
    key = link_key(settings)

    async def deliver() -> None:
        options = EngineOptions(owner="schemathesis", link_key=key)
        engine = Engine(settings.database_url, app.extensions["notifiers"], "http://testserver", options)
        await engine.escalate()
        await engine.dispatch()
        await engine.drain()
        await engine.results.flush()

    asgi._get_portal().call(deliver)  # schemathesis's own loop, where the app runs (outside its API)
    notifications = _call(client, "GET", f"/api/v1/escalations/{escalation_id}")["notifications"]
    tokens = [action_links.token(key, n["id"], "acknowledge") for n in notifications if n["status"] == "sent"]
    assert tokens, notifications
    return tokens


def _ensure(client, path: str, body: dict) -> None:
    response = client.post(path, json=body)
    assert response.status_code in (201, 409), response.text  # 409: still there


def _renewed(client, path: str, body: dict) -> dict:
    """`body` created again at `path` (deleted first if there), with the key its answer shows once."""
    client.delete(f"{path}/{body['id']}")
    return _call(client, "POST", path, body)


def _call(client, method: str, path: str, body: dict | None = None) -> dict:
    response = client.request(method, path, json=body)
    assert response.ok, response.text
    return response.json()


def signed_by_twilio(case, base_url: str):
    """A case of a Twilio door with the X-Twilio-Signature that Twilio would send, when its body is a form of text
    fields (other cases stay unsigned: the door refuses them with 403), so that fuzzing reaches what comes after the
    signature check."""
    token = next((token for prefix, token in TWILIO_TOKENS.items() if case.path.startswith(prefix)), None)
    form = case.body if isinstance(case.body, dict) else None
    if token is None or form is None or not all(isinstance(value, str) for value in form.values()):
        return case
    url = base_url + case.formatted_path + (f"?{urlencode(case.query, doseq=True)}" if case.query else "")
    case.headers = {**(case.headers or {}), "X-Twilio-Signature": RequestValidator(token).compute_signature(url, form)}
    return case


def with_seeded_path(case, pick):
    """`case` with each path id a seeded one, `pick(name)` of `known_ids`."""
    for name in case.path_parameters or {}:
        case.path_parameters[name] = pick(name)
    return case


def with_seeded_ids(case, operation, pick):
    """`case` naming seeded rows, `pick(name)` of `known_ids`: every path id, a schedule_id, user_id or
    policy_id in the query or body, and the targets of a policy's steps."""
    case = with_seeded_path(case, pick)
    body = case.body if isinstance(case.body, dict) else {}
    for name in ("schedule_id", "user_id", "policy_id", "routing_key"):
        if name in {parameter.name for parameter in operation.query}:
            case.query = {**(case.query or {}), name: pick(name)}
        if name in body:
            body[name] = pick(name)
    for step in body.get("steps") or []:
        for target in step["targets"]:
            target["id"] = pick(target["type"])
    if {"start", "end"} <= body.keys():  # an override: a random end comes before its start half the time
        body["end"] = "8999-12-01T00:00:00Z"
    return case


def names_seeded_rows(operation) -> bool:
    """Whether `with_seeded_ids` changes the operation's requests."""
    body = operation.body[0].definition.get("schema", {}) if operation.body else {}
    named = set(body.get("properties", {})) | {parameter.name for parameter in operation.query}
    return bool(operation.path_parameters) or bool(named & {"schedule_id", "user_id", "policy_id", "steps", "routing_key"})


def cases(operation, known: dict[str, list[str]]):
    """Valid requests, invalid ones, and valid ones naming seeded rows, in equal shares."""

    @st.composite
    def naming_seeded(draw):
        return with_seeded_ids(draw(operation.as_strategy(GenerationMode.POSITIVE)), operation,
                               lambda key: draw(st.sampled_from(known[key])))

    return st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
        naming_seeded(),
    )


def coverage_cases(schema, operation):
    """The cases of schemathesis's coverage phase (what its CLI runs before fuzzing): each
    constraint at its bounds and just past them, deterministic. `iter_coverage_cases` is what
    its engine calls, outside its documented Python API: check it when upgrading schemathesis."""
    config = schema.config.generation_for(operation=operation)
    return schema.iter_coverage_cases(operation, generation_modes=list(GenerationMode), generation_config=config)


def run_operation(client, app, schema, operation, statuses: Counter, failures: list[str], defects) -> None:
    """Call `operation` with every case; `defects()` is what the app has logged as one so far."""
    known = known_ids(client, app)
    if operation.path.startswith("/inbound/twilio/voice/"):
        known["channel"] = [VOICE.name]  # the door of a twilio_voice channel: a 2xx when the request is signed

    def check(case):
        logged = len(defects())
        case = signed_by_twilio(case, app.config["SETTINGS"].base_url)
        response = case.call(session=client)
        if case.method == operation.method.upper():  # not one of the coverage phase's other methods (405)
            statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as exc:  # the checks that failed, with the answer and a curl command
            failures.append(str(exc))
        if len(defects()) > logged:
            failures.append(f"the app logged: {defects()[-1]} ({response.status_code})\n{case.as_curl_command()}")

    for case in coverage_cases(schema, operation):
        check(case)
    if names_seeded_rows(operation):  # once more on seeded rows: valid cases reach them whatever fuzzing draws
        for case in coverage_cases(schema, operation):
            if case.meta.generation.mode == GenerationMode.POSITIVE:
                check(with_seeded_ids(case, operation, lambda name: known[name][0]))
            elif operation.path_parameters:
                check(with_seeded_path(case, lambda name: known[name][0]))

    fuzz = settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # a failure is recorded, not raised: nothing to shrink
        suppress_health_check=list(HealthCheck),
    )
    fuzz(given(case=cases(operation, known))(check))()


@pytest.mark.slow
def test_every_answer_is_documented_and_none_is_a_5xx(db_url, auth, caplog):
    settings = settings_for(db_url)
    app = create_app(replace(settings, channels={**settings.channels, VOICE.name: VOICE}))

    def defects() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "nself_oncall.api.errors"]

    statuses: dict[str, Counter] = defaultdict(Counter)
    failures: dict[str, list[str]] = defaultdict(list)
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)  # starts the app's lifespan
        with asgi.get_client(app) as client:
            client.headers.update(auth)  # schemathesis leaves it out of some invalid requests
            for result in schema.get_all_operations():
                operation = result.ok()
                run_operation(client, app, schema, operation, statuses[operation.label], failures[operation.label], defects)
    finally:
        asgi.shutdown_lifespans()  # Tortoise.close_connections, before the next database's run

    for label, counts in statuses.items():
        print(f"{label:45} {sum(counts.values()):4}  " + " ".join(f"{s}:{n}" for s, n in sorted(counts.items())))
    found = [f"{label}: {len(errors)} failing, the first:\n{errors[0]}" for label, errors in failures.items() if errors]
    assert not found, "\n\n".join(found)
    assert defects() == []

    # Not vacuous: every operation was called, and answered a 2xx at least once (rows were written and found).
    labels = [result.ok().label for result in schema.get_all_operations()]
    assert min(sum(statuses[label].values()) for label in labels) >= EXAMPLES // 2
    assert [label for label in labels
            if label not in SIGNED_DOORS and not any(200 <= status < 300 for status in statuses[label])] == []
    assert [label for label in SIGNED_DOORS if not statuses[label][403]] == []
