"""Outgoing HTTP for the built-in notifiers: a POST that refuses non-public targets, and HTTP
statuses turned into temporary or permanent errors.

The guard resolves the host once, refuses it if any resolved address is loopback, private,
link-local, site-local, CGNAT, multicast, reserved or otherwise not public (IPv4 embedded in IPv6
included), then connects to the addresses it checked (the next one when a connection is refused,
as for a host with both ::1 and 127.0.0.1), so a second DNS answer cannot swap in another one.
TLS still verifies the certificate against the host name (SNI). Redirects are never followed.
A channel's `allow` list names networks (`10.0.0.0/8`, `127.0.0.1`) or host names it may reach.
"""

from __future__ import annotations

import asyncio
import functools
import http.cookiejar
import ipaddress
import logging
import math
import socket
import ssl
import weakref
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
from pydantic import AfterValidator, SecretStr

from nself_oncall import PermanentError, TemporaryError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")
USER_AGENT = "nself-oncall"
MAX_ERROR_BODY = 200
MAX_RESPONSE = 64 * 1024


def _hide_request_line(record: logging.LogRecord) -> bool:
    """httpx logs each request's full URL at INFO, and a URL may be a credential (a Slack webhook)."""
    return not str(record.msg).startswith("HTTP Request:")


logging.getLogger("httpx").addFilter(_hide_request_line)


def check_allow(entries: Iterable[str]) -> tuple[str, ...]:
    """Validate an `allow` list (for a settings validator): networks, addresses or host names."""
    checked = []
    for entry in entries:
        entry = entry.strip().lower().rstrip(".")
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            if not entry or any(c in entry for c in "/:@ ") or entry.startswith("-"):
                raise ValueError(f"{entry!r} is neither a network nor a host name") from None
        checked.append(entry)
    return tuple(checked)


def check_ca_file(path: str | None) -> str | None:
    """Validate a `ca_file` setting: a readable PEM file holding at least one CA certificate."""
    if path is None:
        return None
    if not Path(path).is_file():
        raise ValueError(f"no such file: {path}")
    try:
        ca_context(path)
    except ssl.SSLError:
        raise ValueError(f"{path} holds no PEM CA certificate") from None
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    return path


@functools.cache
def ca_context(path: str) -> ssl.SSLContext:
    """A client SSL context trusting only the CA certificates in the PEM file `path` (built once per file)."""
    return ssl.create_default_context(cafile=path)


def verify(ca_file: str | None) -> ssl.SSLContext | bool:
    """What `post(verify=...)` takes: the CAs of `ca_file` when it is set, else the system's."""
    return ca_context(ca_file) if ca_file is not None else True


def network_timeout(timeout: float) -> float:
    """The time one request may take: a little less than the host's `timeout`, so ours fires first."""
    return max(timeout * 0.8, timeout - 1.0)


def check_url(url: str) -> str:
    """Validate an http(s) URL with a host (for a settings validator)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"not a URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError("must be an http:// or https:// URL with a host")
    return url


Allow = Annotated[tuple[str, ...], AfterValidator(check_allow)]
"""The `allow` setting of an HTTP notifier."""
CaFile = Annotated[str | None, AfterValidator(check_ca_file)]
"""The `ca_file` setting of an HTTP notifier."""
Url = Annotated[str, AfterValidator(lambda url: check_url(url.strip()))]
"""An http(s) URL setting."""
BaseUrl = Annotated[str, AfterValidator(lambda url: check_url(url.strip()).rstrip("/"))]
"""An http(s) URL that paths are appended to."""


def check_token(token: SecretStr) -> SecretStr:
    """Validate a bearer or API token setting: it goes into a header, so no blanks."""
    value = token.get_secret_value()
    if not value or any(c.isspace() for c in value):
        raise ValueError("must be a non-empty token without spaces")
    return token


Token = Annotated[SecretStr, AfterValidator(check_token)]
"""A secret token setting."""


def refusal(address: IPAddress) -> str | None:
    """Why this address may not be reached without an allowlist entry, or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return refusal(embedded)
    for reason in ("loopback", "link_local", "site_local", "private", "multicast", "unspecified", "reserved"):
        if getattr(address, f"is_{reason}", False):  # only IPv6 has is_site_local (fec0::/10)
            return reason.replace("_", "-")
    if isinstance(address, ipaddress.IPv4Address) and address in ipaddress.ip_network("100.64.0.0/10"):
        return "shared (CGNAT)"
    return None if address.is_global else "not publicly routable"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _allowed(host: str, address: IPAddress, allow: Iterable[str]) -> bool:
    embedded = _embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
    for entry in allow:
        try:
            network = ipaddress.ip_network(entry, strict=False)
            if address in network or (embedded is not None and embedded in network):
                return True
        except ValueError:
            if host.rstrip(".").lower() == entry:
                return True
    return False


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, IPv4 and IPv6 (numeric forms like 2130706433 included)."""
    if "%" not in host:
        try:
            return [ipaddress.ip_address(host)]  # an address already: no trip through the resolver's thread
        except ValueError:
            pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TemporaryError(f"cannot resolve {host}: {exc.strerror}") from None
    addresses = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


async def guarded_addresses(url: httpx.URL, allow: Iterable[str]) -> list[IPAddress]:
    """The checked addresses to connect to for `url`, in resolver order; `PermanentError` if any is refused."""
    host = url.host
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = await resolve(host, port)
    for address in addresses:
        reason = refusal(address)
        if reason and not _allowed(host, address, allow):
            raise PermanentError(
                f"refused to connect to {host} ({address} is {reason}); "
                "list it in the channel's allow setting to permit it"
            )
    return addresses


async def post(
    url: str,
    *,
    allow: Iterable[str] = (),
    timeout: float,
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
    data: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    verify: ssl.SSLContext | bool = True,
) -> httpx.Response:
    """POST to `url` through the guard; transport failures become `TemporaryError`/`PermanentError`."""
    target = httpx.URL(url)
    if target.scheme not in ("http", "https"):
        raise PermanentError(f"refused: {target.scheme}:// is not http or https")
    addresses = await guarded_addresses(target, allow)
    send_headers = {"User-Agent": USER_AGENT, **(headers or {}), "Host": _host_header(target)}
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    clients = _clients(verify)
    try:
        async with asyncio.timeout(timeout):
            slot = await clients.slots.get()
    except TimeoutError:
        raise TemporaryError(f"{target.host}: timed out waiting for a free connection") from None
    try:
        client = clients.client(slot)
        for address in addresses:
            request = client.build_request(
                "POST",
                target.copy_with(host=str(address)),
                headers=send_headers,
                content=content,
                data=data,
                extensions=extensions,
                timeout=timeout,
            )
            try:
                return await _send_capped(client, request, auth)
            except httpx.TimeoutException:
                raise TemporaryError(f"{target.host}: timed out") from None
            except httpx.ConnectError as exc:
                tls = _tls_failure(exc)
                if tls:
                    raise PermanentError(f"{target.host}: TLS failed: {tls}") from None
                refused = exc  # nothing was sent: the next address may answer
            except httpx.HTTPError as exc:
                raise TemporaryError(f"{target.host}: {type(exc).__name__}: {_reason(exc)}") from None
        raise TemporaryError(f"{target.host}: cannot connect: {_reason(refused)}")
    finally:
        clients.slots.put_nowait(slot)


#: Requests at once through one HTTP client, and clients per event loop and trust setting (200 requests at once).
#: httpcore's pool looks at each of its connections (a system call for an idle one) several times per request,
#: so a request costs more CPU the more connections its client holds: 1,300 POSTs to one receiver, 200 at a
#: time, cost 7 ms each through one client of 100 connections and 1.3 ms through clients of 5.
CLIENT_REQUESTS = 5
CLIENTS = 40


class _Clients:
    """Small HTTP clients that share one TLS context. A request takes a slot (a client index) and gives it back;
    the slot freed last is taken first, so a quiet service keeps using one client and its open connections,
    and no client ever has more than CLIENT_REQUESTS requests."""

    def __init__(self, verify: ssl.SSLContext | bool):
        self.verify = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify, trust_env=False)
        self.clients: dict[int, httpx.AsyncClient] = {}
        self.slots: asyncio.LifoQueue[int] = asyncio.LifoQueue()
        for _ in range(CLIENT_REQUESTS):
            for i in reversed(range(CLIENTS)):
                self.slots.put_nowait(i)

    def client(self, slot: int) -> httpx.AsyncClient:
        """The client of `slot`, made when first needed. It keeps no cookies, so that no channel sees another's."""
        client = self.clients.get(slot)
        if client is None or client.is_closed:
            no_cookies = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
            limits = httpx.Limits(max_connections=CLIENT_REQUESTS, max_keepalive_connections=CLIENT_REQUESTS)
            client = self.clients[slot] = httpx.AsyncClient(
                follow_redirects=False, trust_env=False, verify=self.verify, cookies=httpx.Cookies(no_cookies),
                limits=limits,
            )
        return client


_CLIENTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Any, _Clients]] = weakref.WeakKeyDictionary()


def _clients(verify: ssl.SSLContext | bool) -> _Clients:
    """The clients of this event loop and trust setting, kept: a new client opens new connections, and a new TLS
    context costs milliseconds of CPU; under a burst of pages that costs more than the requests."""
    by_trust = _CLIENTS.setdefault(asyncio.get_running_loop(), {})
    if verify not in by_trust:
        by_trust[verify] = _Clients(verify)
    return by_trust[verify]


async def _send_capped(client: httpx.AsyncClient, request: httpx.Request, auth: Any) -> httpx.Response:
    """The response with at most MAX_RESPONSE bytes of its body: a hostile peer cannot fill our memory."""
    response = await client.send(request, auth=auth, stream=True)
    try:
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk[: MAX_RESPONSE - len(body)]
            if len(body) >= MAX_RESPONSE:
                break
    finally:
        await response.aclose()
    headers = [
        (k, v) for k, v in response.headers.multi_items() if k.lower() not in ("content-encoding", "content-length")
    ]
    return httpx.Response(response.status_code, headers=headers, content=bytes(body), request=request)


def raise_for_status(response: httpx.Response, service: str) -> None:
    """2xx passes; 408, 429 and 5xx are temporary (with Retry-After); redirects and other 4xx permanent."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if 300 <= status < 400:
        raise PermanentError(f"{service} answered {status} (redirects are not followed)")
    message = f"{service} answered {status}{_body_excerpt(response)}"
    if status in (408, 429) or status >= 500:
        raise TemporaryError(message, retry_after=_retry_after(response.headers.get("Retry-After")))
    raise PermanentError(message)


def raise_for_provider(
    response: httpx.Response, service: str, describe: Callable[[httpx.Response], str | None]
) -> None:
    """`raise_for_status`, with the provider's own error text (`describe`) when its answer has one."""
    try:
        raise_for_status(response, service)
    except TemporaryError as exc:
        raise TemporaryError(describe(response) or str(exc), retry_after=exc.retry_after) from None
    except PermanentError as exc:
        raise PermanentError(describe(response) or str(exc)) from None


def json_field(response: httpx.Response, key: str) -> Any:
    """`key` from a JSON object body, or None when the body is something else."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get(key) if isinstance(body, dict) else None


def json_text(response: httpx.Response, key: str) -> str | None:
    """`key` from a JSON object body when it is a string (a provider's message id), else None."""
    value = json_field(response, key)
    return value if isinstance(value, str) else None


def _host_header(url: httpx.URL) -> str:
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{host}:{url.port}" if url.port else host


def _tls_failure(exc: BaseException) -> str | None:
    seen = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return getattr(seen, "verify_message", None) or seen.reason or str(seen)
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    return text if "CERTIFICATE" in text.upper() or "SSL" in text.upper() else None


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _body_excerpt(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    if not text:
        return ""
    return ": " + (text[:MAX_ERROR_BODY] + "…" if len(text) > MAX_ERROR_BODY else text)


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (when - datetime.now(UTC)).total_seconds() if when.tzinfo else math.nan
    return max(0.0, seconds) if math.isfinite(seconds) else None
