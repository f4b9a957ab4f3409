"""`/ui/`: the read-only web view. Schedules as 14-day timelines, escalations with their notifications, people with
their contacts and notification rules, channels.

Nothing here writes except the acknowledge and resolve buttons of an escalation's page. Every page needs the
signed session cookie (session.py); every POST needs the session's CSRF token. No route is in the OpenAPI
document (`hide`): these are pages for people, documented in docs/operations.md.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from quart import Blueprint, current_app, redirect, render_template, request, url_for
from quart_schema import hide

from ..api.actor import actor
from ..api.fields import SERVER_ID, SLUG, USER_ID, decode_notification_cursor, encode_cursor
from ..api.views import by_position
from ..records import NotificationPosition, Page
from ..service import channels, coverage, escalations, people, schedules, temporaries, users
from ..service import sign_in as sign_ins
from ..service.instants import now
from . import session, timeline

bp = Blueprint("ui", __name__, template_folder="templates")

DAYS = 14
PAGE_SIZE = 50
NOTIFICATIONS_PAGE = 100
BY = "ui"  # who acknowledged or resolved, as the escalation records it


@bp.before_request
async def _guard():
    """Signed out: to the sign-in form (which comes back here). A POST without this session's CSRF token: 403."""
    if not await session.check() and request.endpoint != "ui.sign_in":
        return redirect(url_for("ui.sign_in", next=request.path), 303)
    if request.method == "POST" and not await session.csrf_ok():
        return await error_page(403, "This form has expired or did not come from this site: reload the page and try again.")
    return None


@bp.app_context_processor
def _context():
    return {"csrf_field": session.CSRF_FIELD, "csrf_token": session.csrf_token, "signed_in": session.signed_in}


@bp.app_template_filter("clock")
def _clock(value: datetime | None, zone: ZoneInfo = UTC, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if value is None else value.astimezone(zone).strftime(fmt)


@bp.route("/sign-in", methods=["GET", "POST"])
@hide
async def sign_in():
    """The form takes the API token (PLUGIN_SECRET); a wrong one is a 401 with the form again, and an address
    with too many failures lately a 429 with Retry-After (service/sign_in.py)."""
    target = _safe_next(request.args.get("next"))
    if request.method == "GET":
        return await render_template("ui/sign_in.html", next=target, error=None)
    correct = session.token_matches((await request.form).get("token", ""))
    try:
        await sign_ins.attempt(request.remote_addr, correct)
    except sign_ins.Throttled as exc:
        _refused("throttled")
        error = f"Too many failed sign-ins from your address: try again in {exc.retry_after} seconds."
        page = await render_template("ui/sign_in.html", next=target, error=error)
        return page, 429, {"Retry-After": str(exc.retry_after)}
    if not correct:
        _refused("wrong")
        return await render_template("ui/sign_in.html", next=target, error="That is not the API token."), 401
    await session.sign_in()
    return redirect(target, 303)


@bp.post("/sign-out")
@hide
async def sign_out():
    await session.sign_out()
    return redirect(url_for("ui.sign_in"), 303)


@bp.get("/")
@hide
async def home():
    return redirect(url_for("ui.schedule_list"), 303)


@bp.get("/schedules")
@hide
async def schedule_list():
    after = _cursor(request.args.get("after"), SLUG)
    page = await schedules.list_schedules(PAGE_SIZE, after)
    return await render_template("ui/schedules.html", page=page)


@bp.get("/schedules/<slug:schedule_id>")
@hide
async def schedule(schedule_id: str):
    """Who is on call now, then the next 14 days from today's midnight, by the schedule's own clock, with the spans
    of the temporary schedules that overlap them."""
    cache = current_app.extensions["schedule_cache"]
    view = await schedules.get(cache, schedule_id)
    zone, instant = ZoneInfo(view.record.timezone), now()
    since, until = timeline.day_range(zone, instant, DAYS)
    intervals = await schedules.shifts(cache, schedule_id, since, until)
    gaps = (await coverage.gaps(cache, schedule_id, since, until)).gaps
    spans = [t for t in await temporaries.of_schedule(schedule_id) if t.start < until and t.end > since]
    rows = timeline.days(intervals, gaps, zone, since, until, instant, spans)
    return await render_template(
        "ui/schedule.html", view=view, zone=zone, days=rows, gaps=gaps, temporaries=spans,
        colours=timeline.colours(rows), hours=range(0, 24, 3),
    )


#: The escalation list's filters (`?status=`), by the statuses each shows; absent: all.
STATUS_FILTERS = {
    "open": ("triggered", "acknowledged"), "triggered": ("triggered",), "acknowledged": ("acknowledged",),
    "resolved": ("resolved",),
}


@bp.get("/escalations")
@hide
async def escalation_list():
    """Newest first, all of them or those of one `?status=` (open: triggered or acknowledged)."""
    shown = request.args.get("status")
    if shown is not None and shown not in STATUS_FILTERS:
        return await error_page(400, f"No such filter: show {', '.join(STATUS_FILTERS)}, or all.")
    before = _cursor(request.args.get("before"), SERVER_ID)
    statuses = STATUS_FILTERS[shown] if shown else None
    page = await escalations.list_escalations(statuses, None, PAGE_SIZE, before)
    return await render_template("ui/escalations.html", page=page, shown=shown, filters=STATUS_FILTERS)


@bp.get("/escalations/<server_id:escalation_id>")
@hide
async def escalation(escalation_id: str):
    """The escalation with its first notifications; `?after=` (the page's own link) shows the ones after those."""
    record = await escalations.get(escalation_id)
    after = _notification_cursor(request.args.get("after"))
    if after is None:
        page = Page(record.notifications or (), record.more_notifications)
    else:
        page = await escalations.notifications(escalation_id, NOTIFICATIONS_PAGE, after)
    later = encode_cursor(*by_position(page.items[-1])) if page.more else None
    return await render_template("ui/escalation.html", escalation=record, notifications=page.items, later=later,
                                 first=after is None, alerts=_latest_alerts(record.details),
                                 details=json.dumps(record.details, indent=2, ensure_ascii=False) if record.details else "")


#: How many of an alert group's alerts an escalation's page lists.
ALERTS_SHOWN = 20


def _latest_alerts(details: dict) -> list[dict]:
    """The alerts of an Alertmanager or Grafana group as its latest webhook gave them (firing first), or, for an
    event in PagerDuty's format, its payload as one alert; [] for other escalations."""
    alerts = details.get("alerts")
    if isinstance(alerts, list):
        kept = [_alert(a) for a in alerts if isinstance(a, dict)]
        return sorted(kept, key=lambda a: a["status"] != "firing")[:ALERTS_SHOWN]
    payload = details.get("payload")
    if isinstance(payload, dict):
        labels = {k: payload[k] for k in ("source", "severity", "component", "group", "class") if k in payload}
        return [_alert({"status": "firing", "labels": labels, "annotations": {"summary": payload.get("summary")}})]
    return []


def _alert(alert: dict) -> dict:
    """One alert as the page shows it, whatever `details` held (any JSON may come from the API or a generic event):
    texts, labels as text to text, and a source link only over http(s)."""
    def text(value: object) -> str:
        return value if isinstance(value, str) else "" if value is None else json.dumps(value)

    def pairs(value: object) -> dict[str, str]:
        return {str(k): text(v) for k, v in value.items()} if isinstance(value, dict) else {}

    annotations = pairs(alert.get("annotations"))
    link = alert.get("generatorURL")
    return {
        "status": text(alert.get("status")),
        "labels": pairs(alert.get("labels")),
        "summary": annotations.get("summary") or annotations.get("description") or "",
        "since": text(alert.get("startsAt")),
        "link": link if isinstance(link, str) and link.startswith(("https://", "http://")) else None,
    }


@bp.post("/escalations/<server_id:escalation_id>/acknowledge")
@hide
async def acknowledge(escalation_id: str):
    await escalations.acknowledge(escalation_id, BY, actor=actor(fallback=BY))
    return redirect(url_for("ui.escalation", escalation_id=escalation_id), 303)


@bp.post("/escalations/<server_id:escalation_id>/resolve")
@hide
async def resolve(escalation_id: str):
    await escalations.resolve(escalation_id, BY, actor=actor(fallback=BY))
    return redirect(url_for("ui.escalation", escalation_id=escalation_id), 303)


@bp.get("/users")
@hide
async def user_list():
    after = _cursor(request.args.get("after"), USER_ID)
    page = await users.list_users(PAGE_SIZE, after)
    return await render_template("ui/users.html", page=page)


@bp.get("/users/<user_id:user_id>")
@hide
async def user(user_id: str):
    """A person: how a page reaches them (their contacts, and their notification rules in due order) and where they
    are on call now and next."""
    record = await users.get(user_id)
    oncall = await people.user_oncall(current_app.extensions["schedule_cache"], user_id, None)
    rules = sorted(enumerate(record.notification_rules), key=lambda r: (r[1].delay_minutes, r[0]))
    return await render_template("ui/user.html", user=record, rules=rules, oncall=oncall)


@bp.get("/channels")
@hide
async def channel_list():
    return await render_template("ui/channels.html", channels=channels.list_channels(current_app.extensions["notifiers"]))


@bp.route("/<path:anything>", methods=["GET", "POST"])
@hide
async def unknown(anything: str):
    return await error_page(404, "There is no such page.")


def _refused(reason: str) -> None:
    current_app.extensions["metrics"].auth_failures.labels("ui", reason).inc()


async def error_page(status: int, message: str):
    return await render_template("ui/error.html", status=status, message=message), status


def _safe_next(target: str | None) -> str:
    """Only a page of the web view: never another site (an open redirect), nor a path that leaves /ui/ by
    dot segments (plain or percent-encoded)."""
    if target and _UI_PATH.fullmatch(target) and ".." not in unquote(target).split("?")[0]:
        return target
    return url_for("ui.home")


_UI_PATH = re.compile(r"/ui/[A-Za-z0-9/_.~%-]*(\?[A-Za-z0-9=&_.~%-]*)?")


def _notification_cursor(value: str | None) -> NotificationPosition | None:
    """A position from a link of ours; anything else starts from the first notifications."""
    try:
        return None if value is None else decode_notification_cursor(value)
    except ValueError:
        return None


def _cursor(value: str | None, pattern: str) -> str | None:
    """A cursor from a link of ours; anything else starts from the first page."""
    return value if value is not None and re.fullmatch(pattern, value) else None
