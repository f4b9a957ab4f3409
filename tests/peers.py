"""Local peers that speak the real protocols, and a message factory, for the notifier tests.

`HttpPeer` is a real HTTP(S) server on 127.0.0.1 in a thread: it records every request and
answers with whatever its `respond` function returns. `Handler` is the handler of a real SMTP
server (aiosmtpd) that records each accepted email. The fixtures that start them are in
tests/conftest.py (`peer`, `http_peer`, `smtp_server`, `tls_server`, `tls_ca_file`).
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from nself_oncall import Message, Target


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
        # A client that timed out is gone when the answer comes: that broken pipe is expected.
        self.server.handle_error = lambda request, client_address: None
        # A short poll interval: shutdown() waits for one, and tests start many peers.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


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


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    tls: bool
    login: bytes | None

    def parsed(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)

    def bodies(self) -> tuple[str, str]:
        """The text/plain and text/html parts, with SMTP's CRLF line ends as LF."""
        mail = self.parsed()
        return tuple(mail.get_body((kind,)).get_content().replace("\r\n", "\n") for kind in ("plain", "html"))


class Handler:
    """Records each accepted message; `rcpt_replies` / `data_reply` make the server refuse."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.rcpt_replies: dict[str, str] = {}
        self.data_reply: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's naming)
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.data_reply:
            return self.data_reply
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.content,
                tls,
                getattr(session.auth_data, "login", None),
            )
        )
        return "250 2.0.0 queued"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HangingProxy:
    """Passes TCP traffic to `target` until `hang()`; then accepts connections and never answers, and passes nothing
    more on the open ones. `recover()` drops every connection it had, as a restarted server would, and passes
    traffic again."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def hang(self) -> None:
        self.flowing.clear()

    def recover(self) -> None:
        self._drop_all()
        self.flowing.set()

    def resume(self) -> None:
        """Pass traffic again on the connections it held, as a network that healed would."""
        self.flowing.set()

    def close(self) -> None:
        self.listener.close()
        self._drop_all()
        self.flowing.set()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self._keep(client)
            if not self.flowing.is_set():
                continue  # held open, never answered
            upstream = socket.create_connection(self.target)
            self._keep(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self.flowing.wait()
                sink.sendall(data)
        except OSError:
            pass

    def _keep(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)

    def _drop_all(self) -> None:
        with self.lock:
            dropped, self.sockets = self.sockets, []
        for sock in dropped:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
