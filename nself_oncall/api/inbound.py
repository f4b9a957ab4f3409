"""What the doors for providers' callbacks share (Twilio's in api/inbound_twilio.py, Slack's in api/inbound_slack.py).

They take no API token: each request is checked against the provider's signature before anything in it is parsed or
looked up. A client address gets NSELF_ONCALL_INBOUND_RATE requests that fail that check per period in this process
(a GCRA kept in memory); past it, its requests are refused before even the check: a flood of forged requests costs
a dictionary lookup each, and nothing in the database. Requests that pass the check are not counted: behind a proxy
every request has the proxy's address, and forged ones must not use up the budget of the provider's real ones. A
body is read only up to MAX_BODY bytes. A provider signs the URL it called: `called_url` is that URL as the
service is reached from outside (NSELF_ONCALL_PUBLIC_URL), never as the Host header says.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict

from quart import current_app, request
from werkzeug.exceptions import HTTPException

from ..escalation import Rule
from ..keys import link_key
from ..service.action_links import LinkCheck
from .errors import ApiError

#: Twilio's and Slack's callbacks are a few kilobytes (Slack's carries the message's blocks).
MAX_BODY = 256 * 1024
#: Client addresses whose rate is kept; the least recently seen are forgotten past it.
MAX_CLIENTS = 10_000


class Throttle:
    """A GCRA per key: a burst of `rule.count`, then one per `rule.per / rule.count`."""

    def __init__(self, rule: Rule, clock=time.monotonic):
        self.interval = rule.per.total_seconds() / rule.count
        self.burst = rule.per.total_seconds() - self.interval
        self.clock = clock
        self.theoretical: OrderedDict[str, float] = OrderedDict()

    def wait(self, key: str) -> float:
        """0 when `key` has room for one more now, else the seconds until it will have (nothing is counted)."""
        now = self.clock()
        return max(0.0, self.theoretical.get(key, now) - now - self.burst)

    def count(self, key: str) -> None:
        """Count one more of `key`."""
        now = self.clock()
        self.theoretical[key] = max(self.theoretical.get(key, now), now) + self.interval
        self.theoretical.move_to_end(key)
        if len(self.theoretical) > MAX_CLIENTS:
            self.theoretical.popitem(last=False)


def admit(door: str) -> None:
    """429 with Retry-After when this request's client address has failed the check at `door` too often lately."""
    wait = _throttle(door).wait(request.remote_addr or "")
    if wait > 0:
        count(door, "rate_limited")
        retry_after = str(max(1, math.ceil(wait)))
        raise ApiError(429, f"too many refused requests; try again in {retry_after} s", code="rate_limited",
                       headers={"Retry-After": retry_after})


def forbidden(door: str, message: str) -> ApiError:
    """The 403 of a request that failed the provider's check at `door`, counted against its client address."""
    _throttle(door).count(request.remote_addr or "")
    count(door, "forbidden")
    return ApiError(403, message, code="forbidden")


def count(door: str, outcome: str) -> None:
    """Count a request at `door` in nself_oncall_inbound_requests_total: what it did, or why it was refused."""
    current_app.extensions["metrics"].inbound.labels(door, outcome).inc()


def _throttle(door: str) -> Throttle:
    throttles = current_app.extensions.setdefault("inbound_throttles", {})
    if door not in throttles:
        throttles[door] = Throttle(current_app.config["SETTINGS"].inbound_rate)
    return throttles[door]


async def body() -> bytes:
    """The raw body, 413 past MAX_BODY (refused by its Content-Length when it says so, before reading)."""
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(413, f"request body is larger than {MAX_BODY // 1024} KiB")
    try:
        data = await request.get_data(cache=True)
    except HTTPException as exc:
        raise ApiError(exc.code or 400, exc.description or exc.name) from None
    if len(data) > MAX_BODY:
        raise ApiError(413, f"request body is larger than {MAX_BODY // 1024} KiB")
    return data


def called_url() -> str:
    """The URL the provider called and signed: NSELF_ONCALL_PUBLIC_URL, this path, and the query if any."""
    query = request.query_string.decode("latin-1")
    return current_app.config["SETTINGS"].base_url + request.path + (f"?{query}" if query else "")


def link_check() -> LinkCheck:
    """What an answer is checked against: the links' key and lifetime (an answer works while the message's links do)."""
    settings = current_app.config["SETTINGS"]
    return LinkCheck(link_key(settings), settings.link_ttl)
