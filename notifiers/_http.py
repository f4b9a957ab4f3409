"""Outgoing HTTP for the built-in notifiers: a POST that refuses non-public targets, and HTTP
statuses turned into temporary or permanent errors.

The guard is the HTTP client's resolver (aiohttp): for each new connection it resolves the host, refuses it if
any resolved address is loopback, private, link-local, site-local, CGNAT, multicast, reserved or otherwise not
public (IPv4 embedded in IPv6 included), and the client connects only to the addresses it checked (the next one
when a connection is refused, as for a host with both ::1 and 127.0.0.1), so a second DNS answer cannot swap in
another one. TLS still verifies the certificate against the host name (SNI). Redirects are never followed.

aiohttp rather than httpx: a POST to a webhook costs about a seventh of the CPU (0.13 ms against 0.95 ms, 2,000
POSTs to one receiver, five at a time), and the engine makes one per message (bench/engine_latency.py).
A channel's `allow` list names networks (`10.0.0.0/8`, `127.0.0.1`) or host names it may reach.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import json
import math
import socket
import ssl
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Annotated, Any

import aiohttp
import aiohttp.abc
import certifi
from aiohttp.abc import ResolveResult
from multidict import CIMultiDict
from pydantic import AfterValidator, SecretStr
from yarl import URL

from nself_oncall import Notifier, PermanentError, TemporaryError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")
USER_AGENT = "nself-oncall"
MAX_ERROR_BODY = 200
MAX_RESPONSE = 64 * 1024


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
        parsed = URL(url)
    except ValueError as exc:
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


async def guarded_addresses(host: str, port: int, allow: Iterable[str]) -> list[IPAddress]:
    """The checked addresses to connect to for `host`, in resolver order; `PermanentError` if any is refused."""
    addresses = await resolve(host, port)
    for address in addresses:
        reason = refusal(address)
        if reason and not _allowed(host, address, allow):
            raise PermanentError(
                f"refused to connect to {host} ({address} is {reason}); "
                "list it in the channel's allow setting to permit it"
            )
    return addresses


class _GuardedResolver(aiohttp.abc.AbstractResolver):
    """The client's resolver: each new connection goes only to addresses checked against the channel's `allow` (no
    cache: a second DNS answer is checked as the first was). Its errors are ours (TemporaryError, PermanentError),
    which aiohttp passes on as they are."""

    def __init__(self, allow: tuple[str, ...]):
        self.allow = allow

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        return [
            ResolveResult(hostname=host, host=str(a), port=port, proto=0, flags=socket.AI_NUMERICHOST,
                          family=socket.AF_INET6 if a.version == 6 else socket.AF_INET)
            for a in await guarded_addresses(host, port, self.allow)
        ]

    async def close(self) -> None:
        pass


@dataclass(frozen=True)
class Response:
    """An HTTP answer, its body read (at most MAX_RESPONSE bytes: a hostile peer cannot fill our memory)."""

    status_code: int
    headers: CIMultiDict[str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; ValueError when it is not."""
        return json.loads(self.content)


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
) -> Response:
    """POST to `url` through the guard; transport failures become `TemporaryError`/`PermanentError`."""
    try:
        target = URL(url)
    except ValueError as exc:
        raise PermanentError(f"refused: not a URL: {exc}") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise PermanentError(f"refused: {target.scheme}:// is not http or https")
    allow = tuple(allow)
    if _is_address(target.host):  # aiohttp connects to an address as it is, without asking the resolver
        address, = await guarded_addresses(target.host, target.port, allow)
        target = target.with_host(str(address))  # 127.1 -> 127.0.0.1: aiohttp takes no other form
    session = _session(verify, allow)
    try:
        async with asyncio.timeout(timeout), session.post(
            target,
            headers=_headers(headers, auth),
            data=content if content is not None else data,
            allow_redirects=False,
        ) as response:
            return Response(response.status, CIMultiDict(response.headers), await _capped(response.content))
    except TimeoutError:
        raise TemporaryError(f"{target.host}: timed out") from None
    except aiohttp.ClientSSLError as exc:
        raise PermanentError(f"{target.host}: TLS failed: {_tls_failure(exc)}") from None
    except aiohttp.ClientConnectorError as exc:
        raise TemporaryError(f"{target.host}: cannot connect: {_reason(exc.os_error)}") from None
    except aiohttp.ClientError as exc:
        raise TemporaryError(f"{target.host}: {type(exc).__name__}: {_reason(exc)}") from None


def _headers(headers: Mapping[str, str] | None, auth: tuple[str, str] | None) -> dict[str, str]:
    sent = {"User-Agent": USER_AGENT, **(headers or {})}
    if auth is not None:
        sent["Authorization"] = aiohttp.encode_basic_auth(*auth)
    return sent


def _is_address(host: str) -> bool:
    """Whether `host` is an address, in any form the C library reads (127.1, 2130706433 and 0x7f.1 too)."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        try:
            socket.inet_aton(host)
        except OSError:
            return False
    return True


async def _capped(body: aiohttp.StreamReader) -> bytes:
    """At most MAX_RESPONSE bytes of a response's body (the rest is left unread and the connection closed)."""
    read = bytearray()
    while len(read) < MAX_RESPONSE:
        chunk = await body.read(MAX_RESPONSE - len(read))
        if not chunk:
            break
        read += chunk
    return bytes(read)


#: Connections open at once per client (a client per event loop, trust setting and allow list).
CONNECTIONS = 200

_SESSIONS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Any, aiohttp.ClientSession]] = (
    weakref.WeakKeyDictionary()
)


def _session(verify: ssl.SSLContext | bool, allow: tuple[str, ...]) -> aiohttp.ClientSession:
    """The client of this event loop, trust setting and allow list, kept with its open connections: a new client
    opens new connections, and a new TLS context costs milliseconds of CPU. It keeps no cookies (no channel sees
    another's), reads no proxy settings from the environment and follows no redirects."""
    sessions = _SESSIONS.setdefault(asyncio.get_running_loop(), {})
    session = sessions.get((verify, allow))
    if session is None or session.closed:
        connector = aiohttp.TCPConnector(
            resolver=_GuardedResolver(allow), use_dns_cache=False, limit=CONNECTIONS,
            ssl=verify if isinstance(verify, ssl.SSLContext) else _default_context(verify),
        )
        session = sessions[(verify, allow)] = aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False, auto_decompress=True,
            skip_auto_headers=("User-Agent",),
        )
    return session


@functools.cache
def _default_context(verify: bool) -> ssl.SSLContext | bool:
    """The system-independent CA bundle (certifi's) when verifying, as httpx did; False: no verification."""
    return ssl.create_default_context(cafile=certifi.where()) if verify else False


async def close() -> None:
    """Close this event loop's clients and their connections."""
    for session in _SESSIONS.pop(asyncio.get_running_loop(), {}).values():
        await session.close()


class HttpNotifier(Notifier):
    """A notifier that sends through `post`: its `close` closes the clients."""

    async def close(self) -> None:
        await close()


def raise_for_status(response: Response, service: str) -> None:
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
    response: Response, service: str, describe: Callable[[Response], str | None]
) -> None:
    """`raise_for_status`, with the provider's own error text (`describe`) when its answer has one."""
    try:
        raise_for_status(response, service)
    except TemporaryError as exc:
        raise TemporaryError(describe(response) or str(exc), retry_after=exc.retry_after) from None
    except PermanentError as exc:
        raise PermanentError(describe(response) or str(exc)) from None


def json_field(response: Response, key: str) -> Any:
    """`key` from a JSON object body, or None when the body is something else."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get(key) if isinstance(body, dict) else None


def json_text(response: Response, key: str) -> str | None:
    """`key` from a JSON object body when it is a string (a provider's message id), else None."""
    value = json_field(response, key)
    return value if isinstance(value, str) else None


def _tls_failure(exc: aiohttp.ClientSSLError) -> str:
    """What the TLS handshake said: the certificate check's message, or the SSL error's reason."""
    cause = getattr(exc, "certificate_error", None) or exc.os_error
    if isinstance(cause, ssl.SSLError):
        return getattr(cause, "verify_message", None) or cause.reason or str(cause)
    return _reason(cause)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _body_excerpt(response: Response) -> str:
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
