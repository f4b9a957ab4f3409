"""Local peers that speak the real protocols, for the notifier tests.

`http_peer` starts a real HTTP(S) server on 127.0.0.1 in a thread: it records every request and
answers with whatever the test's `respond` function returns. `tls` holds a test CA (trustme)
with a certificate for `localhost` and 127.0.0.1.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import trustme

from nself_oncall import Contact, Message, Target


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict = b"ok"
    headers: dict[str, str] = field(default_factory=dict)


class HttpPeer:
    """A real HTTP server in a thread; `respond(recorded) -> Reply` decides each answer."""

    def __init__(self, respond: Callable[[Recorded], Reply] | None = None, tls: ssl.SSLContext | None = None):
        self.respond = respond or (lambda _: Reply())
        self.requests: list[Recorded] = []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                peer.requests.append(recorded)
                reply = peer.respond(recorded)
                body = reply.body
                if isinstance(body, dict):
                    body = json.dumps(body).encode()
                    reply.headers.setdefault("Content-Type", "application/json")
                elif isinstance(body, str):
                    body = body.encode()
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_peer():
    """`http_peer(respond=None, tls=None) -> HttpPeer`; every peer is closed after the test."""
    peers: list[HttpPeer] = []

    def start(respond: Callable[[Recorded], Reply] | None = None, tls: ssl.SSLContext | None = None) -> HttpPeer:
        peers.append(HttpPeer(respond, tls))
        return peers[-1]

    yield start
    for peer in peers:
        peer.close()


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def tls_server(tls_ca) -> ssl.SSLContext:
    """A server context with a certificate for localhost and 127.0.0.1, signed by `tls_ca`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    return context


@pytest.fixture(scope="session")
def tls_ca_file(tls_ca, tmp_path_factory) -> str:
    """The test CA as a PEM file, for a channel's `ca_file` setting."""
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(path))
    return str(path)


def make_message(**changes: Any) -> Message:
    """A message as the engine would build it, with `changes` applied."""
    fields = {
        "id": "01JMSG0000000000000000000A",
        "escalation_id": "01JESC0000000000000000000B",
        "summary": "API error rate 12%",
        "details": {"service": "api", "errors": [500, 503]},
        "step": 1,
        "loop": 0,
        "target": Target("schedule", "primary"),
        "link": "https://oncall.example.com/api/v1/escalations/01JESC0000000000000000000B",
        "created_at": datetime(2026, 11, 26, 9, 30, tzinfo=UTC),
    }
    return Message(**{**fields, **changes})


@pytest.fixture
def message() -> Message:
    return make_message()


@pytest.fixture
def contact() -> Callable[..., Contact]:
    """`contact(address=None, channel="test")`: a user's contact, or the channel itself."""
    return lambda address=None, channel="test", user_id="alice": Contact(
        channel=channel, address=address, user_id=user_id if address else None, user_name="Alice" if address else None
    )
