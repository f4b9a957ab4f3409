"""Outgoing HTTP for the built-in notifiers: a POST that refuses non-public targets, and HTTP
statuses turned into temporary or permanent errors.

The guard resolves the host once, refuses it if any resolved address is loopback, private,
link-local, CGNAT, multicast, reserved or otherwise not public (IPv4 embedded in IPv6 included),
then connects to the address it checked, so a second DNS answer cannot swap in another one.
TLS still verifies the certificate against the host name (SNI). Redirects are never followed.
A channel's `allow` list names networks (`10.0.0.0/8`, `127.0.0.1`) or host names it may reach.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import socket
import ssl
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from nself_oncall import PermanentError, TemporaryError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")
USER_AGENT = "nself-oncall"
MAX_ERROR_BODY = 200


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


def check_url(url: str) -> str:
    """Validate an http(s) URL with a host (for a settings validator)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"not a URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError("must be an http:// or https:// URL with a host")
    return url


def refusal(address: IPAddress) -> str | None:
    """Why this address may not be reached without an allowlist entry, or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return refusal(embedded)
    for reason in ("loopback", "link_local", "private", "multicast", "unspecified", "reserved"):
        if getattr(address, f"is_{reason}"):
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


async def guarded_target(url: httpx.URL, allow: Iterable[str]) -> IPAddress:
    """The checked address to connect to for `url`; `PermanentError` if any address is refused."""
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
    return addresses[0]


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
    address = await guarded_target(target, allow)
    send_headers = {"User-Agent": USER_AGENT, **(headers or {}), "Host": _host_header(target)}
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False, verify=verify) as client:
        try:
            return await client.post(
                target.copy_with(host=str(address)),
                headers=send_headers,
                content=content,
                data=data,
                auth=auth,
                extensions=extensions,
            )
        except httpx.TimeoutException:
            raise TemporaryError(f"{target.host}: timed out") from None
        except httpx.ConnectError as exc:
            if _tls_failure(exc):
                raise PermanentError(f"{target.host}: TLS failed: {_tls_failure(exc)}") from None
            raise TemporaryError(f"{target.host}: cannot connect: {_reason(exc)}") from None
        except httpx.HTTPError as exc:
            raise TemporaryError(f"{target.host}: {type(exc).__name__}: {_reason(exc)}") from None


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


def json_field(response: httpx.Response, key: str) -> Any:
    """`key` from a JSON object body, or None when the body is something else."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get(key) if isinstance(body, dict) else None


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
