"""The `email` notifier against a real SMTP server (aiosmtpd) on 127.0.0.1: plain, STARTTLS,
implicit TLS, AUTH, refusals, timeouts, and the message as the server received it."""

from __future__ import annotations

import asyncio
import html
import ssl
from dataclasses import replace

import certifi
import pytest
from aiosmtpd.smtp import AuthResult

from nself_oncall import Contact, InvalidAddress, InvalidSettings, PermanentError, Sent, Target, TemporaryError
from nself_oncall.config import Channel, Settings
from nself_oncall.notifiers.email import EmailNotifier
from nself_oncall.plugins import build_registry, deliver
from peers import free_port

USER, PASSWORD = "pager", "s3cret-Pa55word"
SENDER = "oncall@example.com"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@pytest.fixture
async def silent_server():
    """`silent_server(greeting=None) -> port`: accepts TCP, writes `greeting` (if any) and then nothing."""
    servers, writers = [], []

    async def start(greeting: bytes | None = None) -> int:
        async def on_connect(reader, writer):
            writers.append(writer)
            if greeting:
                writer.write(greeting)

        servers.append(await asyncio.start_server(on_connect, "127.0.0.1", 0))
        return servers[-1].sockets[0].getsockname()[1]

    yield start
    for writer in writers:
        writer.close()
    for server in servers:
        server.close()
        await server.wait_closed()


notifier = EmailNotifier()


def settings(port: int, **changes):
    raw = {"host": "127.0.0.1", "port": port, "security": "plain", "from": SENDER, **changes}
    return notifier.check_settings(raw)


def problems(raw: dict) -> dict[str, str]:
    with pytest.raises(InvalidSettings) as caught:
        notifier.check_settings(raw)
    return caught.value.problems


# --- the message as received --------------------------------------------------------------------


async def test_plain_send_delivers_text_and_html(smtp_server, message, contact):
    handler, port = smtp_server()
    sent = await notifier.send(message, contact("Bob@Example.COM"), settings(port), timeout=5)

    assert sent == Sent(provider_id="<01JMSG0000000000000000000A@nself-oncall>")
    [got] = handler.received
    assert got.mail_from == SENDER
    assert got.rcpt_tos == ["Bob@example.com"]
    assert got.tls is False
    mail = got.parsed()
    assert mail["Subject"] == "[nself-oncall] API error rate 12%"
    assert mail["From"] == SENDER
    assert mail["To"] == "Bob@example.com"
    assert mail["Message-ID"] == "<01JMSG0000000000000000000A@nself-oncall>"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Date"].datetime.tzinfo is not None
    assert mail.get_content_type() == "multipart/alternative"
    text, page = got.bodies()
    for body in (text, html.unescape(page)):
        assert "API error rate 12%" in body
        assert "01JESC0000000000000000000B" in body
        assert "1 (loop 0)" in body
        assert "schedule primary" in body
        assert "2026-11-26T09:30:00Z" in body
        assert "https://oncall.example.com/api/v1/escalations/01JESC0000000000000000000B" in body
        assert '"errors": [\n    500,\n    503\n  ]' in body
        assert '"service": "api"' in body
    assert "Escalation: 01JESC0000000000000000000B" in text
    assert '<a href="https://oncall.example.com/api/v1/escalations/01JESC0000000000000000000B">' in page
    assert "test message" not in text


async def test_resend_keeps_the_message_id(smtp_server, message, contact):
    handler, port = smtp_server()
    first = await notifier.send(message, contact("bob@example.com"), settings(port), timeout=5)
    second = await notifier.send(message, contact("bob@example.com"), settings(port), timeout=5)
    other = await notifier.send(replace(message, id="01JOTHER"), contact("bob@example.com"), settings(port), timeout=5)

    assert first.provider_id == second.provider_id == "<01JMSG0000000000000000000A@nself-oncall>"
    assert other.provider_id == "<01JOTHER@nself-oncall>"
    assert [r.parsed()["Message-ID"] for r in handler.received] == [first.provider_id] * 2 + [other.provider_id]


async def test_html_escapes_every_user_value(smtp_server, message, contact):
    handler, port = smtp_server()
    message = replace(
        message,
        summary='<script>alert("x")</script> & co',
        details={"note": "<b>bold</b>"},
        escalation_id="<esc>",
        target=Target("user", "<u&1>"),
        link='https://x.example/?a=1&b="2"',
    )
    await notifier.send(message, contact("bob@example.com"), settings(port), timeout=5)

    mail = handler.received[0].parsed()
    page = mail.get_body(("html",)).get_content()
    assert "<script>" not in page and "<b>" not in page and "<esc>" not in page and "<u&1>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;esc&gt;" in page
    assert "user &lt;u&amp;1&gt;" in page
    assert 'href="https://x.example/?a=1&amp;b=&quot;2&quot;"' in page
    text = mail.get_body(("plain",)).get_content()
    assert '<script>alert("x")</script> & co' in text  # plain text stays as written
    assert mail["Subject"] == '[nself-oncall] <script>alert("x")</script> & co'


async def test_cr_lf_in_summary_does_not_create_a_header(smtp_server, message, contact):
    handler, port = smtp_server()
    message = replace(message, summary="disk full\r\nBcc: evil@example.net\r\n\r\nbody")
    await notifier.send(message, contact("bob@example.com"), settings(port, subject_prefix="[ops]"), timeout=5)

    [got] = handler.received
    mail = got.parsed()
    assert got.rcpt_tos == ["bob@example.com"]
    assert mail["Bcc"] is None
    assert mail["Subject"] == "[ops] disk full Bcc: evil@example.net body"
    assert list(mail.keys()).count("Subject") == 1


async def test_unicode_summary_and_test_flag(smtp_server, message, contact):
    handler, port = smtp_server()
    message = replace(message, summary="Störung: Datenbank ↓", test=True)
    await notifier.send(message, contact("bob@example.com"), settings(port, subject_prefix=""), timeout=5)

    mail = handler.received[0].parsed()
    assert mail["Subject"] == "Störung: Datenbank ↓"
    assert "This is a test message." in mail.get_body(("plain",)).get_content()
    assert "Störung: Datenbank ↓" in mail.get_body(("html",)).get_content()


async def test_plain_never_upgrades_when_the_server_offers_starttls(smtp_server, tls_server, message, contact):
    handler, port = smtp_server(tls_context=tls_server)
    await notifier.send(message, contact("bob@example.com"), settings(port), timeout=5)
    assert handler.received[0].tls is False


async def test_internationalized_address_uses_smtputf8(smtp_server, message, contact):
    handler, port = smtp_server()
    await notifier.send(message, contact("jörg@bücher.de"), settings(port), timeout=5)
    assert handler.received[0].rcpt_tos == ["jörg@bücher.de"]
    assert handler.received[0].parsed()["To"] == "jörg@bücher.de"


async def test_invalid_contact_address_is_permanent(message, contact):
    with pytest.raises(PermanentError, match="'bob' is not an email address: An email address must have an @-sign"):
        await notifier.send(message, contact("bob"), settings(free_port()), timeout=5)


async def test_contact_none_uses_the_channel_recipients(smtp_server, message, contact):
    handler, port = smtp_server()
    channel = settings(port, to=["Ops@Example.COM", "lead@example.com"])
    await notifier.send(message, contact(None), channel, timeout=5)

    [got] = handler.received
    assert got.rcpt_tos == ["Ops@example.com", "lead@example.com"]
    assert got.parsed()["To"] == "Ops@example.com, lead@example.com"


async def test_contact_none_without_to_is_permanent(message, contact):
    with pytest.raises(PermanentError, match="channel 'test' has no `to` setting"):
        await notifier.send(message, contact(None), settings(free_port()), timeout=5)


async def test_one_refused_recipient_of_several_is_still_sent(smtp_server, message, contact):
    handler, port = smtp_server()
    handler.rcpt_replies["gone@example.com"] = "550 5.1.1 no such user"
    sent = await notifier.send(
        message, contact(None), settings(port, to=["gone@example.com", "ops@example.com"]), timeout=5
    )

    assert sent.provider_id == "<01JMSG0000000000000000000A@nself-oncall>"
    assert handler.received[0].rcpt_tos == ["ops@example.com"]


# --- TLS and AUTH ------------------------------------------------------------------------------


async def test_starttls_with_auth(smtp_server, tls_server, tls_ca_file, message, contact):
    handler, port = smtp_server(
        tls_context=tls_server, require_starttls=True, authenticator=authenticator, auth_required=True
    )
    channel = settings(port, security="starttls", ca_file=tls_ca_file, username=USER, password=PASSWORD)
    sent = await notifier.send(message, contact("bob@example.com"), channel, timeout=5)

    assert sent.provider_id == "<01JMSG0000000000000000000A@nself-oncall>"
    [got] = handler.received
    assert got.tls is True
    assert got.login == USER.encode()
    assert got.rcpt_tos == ["bob@example.com"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_implicit_tls(smtp_server, tls_server, tls_ca_file, message, contact, host):
    handler, port = smtp_server(ssl_context=tls_server)
    channel = settings(port, host=host, security="tls", ca_file=tls_ca_file)
    await notifier.send(message, contact("bob@example.com"), channel, timeout=5)
    assert handler.received[0].tls is True


async def test_wrong_password_is_permanent_and_not_shown(smtp_server, tls_server, tls_ca_file, message, contact):
    handler, port = smtp_server(tls_context=tls_server, require_starttls=True, authenticator=authenticator)
    channel = settings(port, security="starttls", ca_file=tls_ca_file, username=USER, password="wrong-password")
    with pytest.raises(PermanentError) as caught:
        await notifier.send(message, contact("bob@example.com"), channel, timeout=5)

    assert (
        str(caught.value)
        == f"SMTP 127.0.0.1:{port}: authentication failed: 535 5.7.8 Authentication credentials invalid"
    )
    assert handler.received == []


async def test_auth_over_plain_to_loopback(smtp_server, message, contact):
    handler, port = smtp_server(authenticator=authenticator, auth_require_tls=False)
    await notifier.send(
        message, contact("bob@example.com"), settings(port, username=USER, password=PASSWORD), timeout=5
    )
    assert handler.received[0].login == USER.encode()
    assert handler.received[0].tls is False


@pytest.mark.parametrize("kind", ["starttls", "tls"])
async def test_untrusted_certificate_is_permanent(smtp_server, tls_server, message, contact, kind):
    server = {"tls_context": tls_server} if kind == "starttls" else {"ssl_context": tls_server}
    handler, port = smtp_server(**server)
    with pytest.raises(PermanentError, match="TLS certificate verification failed: unable to get local issuer"):
        await notifier.send(message, contact("bob@example.com"), settings(port, security=kind), timeout=5)
    assert handler.received == []


async def test_certificate_for_another_name_is_permanent(smtp_server, tls_ca, tls_ca_file, message, contact):
    other = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("mail.other.example").configure_cert(other)
    handler, port = smtp_server(ssl_context=other)
    channel = settings(port, security="tls", ca_file=tls_ca_file)
    with pytest.raises(PermanentError, match="TLS certificate verification failed: IP address mismatch"):
        await notifier.send(message, contact("bob@example.com"), channel, timeout=5)
    assert handler.received == []


async def test_server_without_starttls_is_permanent(smtp_server, message, contact):
    handler, port = smtp_server()
    with pytest.raises(PermanentError, match="STARTTLS extension not supported"):
        await notifier.send(message, contact("bob@example.com"), settings(port, security="starttls"), timeout=5)
    assert handler.received == []


async def test_plain_tcp_server_on_implicit_tls_port_is_permanent(smtp_server, tls_ca_file, message, contact):
    _, port = smtp_server()
    with pytest.raises(PermanentError, match="TLS handshake failed"):
        await notifier.send(
            message, contact("bob@example.com"), settings(port, security="tls", ca_file=tls_ca_file), timeout=5
        )


# --- refusals and network failures -------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "reply", "error", "text"),
    [
        (
            "rcpt",
            "451 4.3.0 try again later",
            TemporaryError,
            "recipient refused: bob@example.com: 451 4.3.0 try again later",
        ),
        (
            "rcpt",
            "550 5.1.1 no such user",
            PermanentError,
            "recipient refused: bob@example.com: 550 5.1.1 no such user",
        ),
        ("data", "421 4.3.2 shutting down", TemporaryError, "message refused: 421 4.3.2 shutting down"),
        ("data", "554 5.7.1 spam", PermanentError, "message refused: 554 5.7.1 spam"),
    ],
)
async def test_smtp_replies(smtp_server, message, contact, where, reply, error, text):
    handler, port = smtp_server()
    if where == "rcpt":
        handler.rcpt_replies["bob@example.com"] = reply
    else:
        handler.data_reply = reply
    with pytest.raises(error) as caught:
        await notifier.send(message, contact("bob@example.com"), settings(port), timeout=5)
    assert type(caught.value) is error
    assert str(caught.value) == f"SMTP 127.0.0.1:{port}: {text}"


@pytest.mark.parametrize(
    ("greeting", "error"),
    [(b"421 4.3.2 mx.test busy\r\n", TemporaryError), (b"554 5.3.2 no service here\r\n", PermanentError)],
)
async def test_refusing_greeting(silent_server, message, contact, greeting, error):
    port = await silent_server(greeting)
    with pytest.raises(error) as caught:
        await notifier.send(message, contact("bob@example.com"), settings(port), timeout=5)
    assert type(caught.value) is error
    assert str(caught.value) == f"SMTP 127.0.0.1:{port}: server answered: {greeting.decode().strip()}"


async def test_password_echoed_by_the_server_is_masked(smtp_server, message, contact):
    handler, port = smtp_server(authenticator=authenticator, auth_require_tls=False)
    handler.data_reply = f"554 5.7.1 rejected for {PASSWORD}"
    with pytest.raises(PermanentError) as caught:
        await notifier.send(
            message, contact("bob@example.com"), settings(port, username=USER, password=PASSWORD), timeout=5
        )
    assert str(caught.value) == f"SMTP 127.0.0.1:{port}: message refused: 554 5.7.1 rejected for ********"


async def test_connection_refused_is_temporary(message, contact):
    port = free_port()
    with pytest.raises(TemporaryError, match=rf"^SMTP 127.0.0.1:{port}: cannot connect: connection refused$"):
        await notifier.send(message, contact("bob@example.com"), settings(port), timeout=5)


async def test_dns_failure_is_temporary(message, contact):
    channel = settings(25, host="mail.nonexistent.invalid")
    with pytest.raises(TemporaryError, match=r"^SMTP mail.nonexistent.invalid:25: "):
        await notifier.send(message, contact("bob@example.com"), channel, timeout=1)


@pytest.mark.parametrize("greeting", [None, b"220 mx.test ESMTP\r\n"], ids=["never-greets", "stalls-after-greeting"])
async def test_silent_server_times_out(silent_server, message, contact, greeting):
    port = await silent_server(greeting)
    with pytest.raises(TemporaryError) as caught:
        await notifier.send(message, contact("bob@example.com"), settings(port), timeout=0.5)
    assert str(caught.value) == f"SMTP 127.0.0.1:{port}: timed out"


# --- settings and addresses --------------------------------------------------------------------


def test_settings_defaults():
    checked = notifier.check_settings({"host": "Mail.Example.com", "from": "Pager@Example.COM"})
    assert checked.host == "Mail.Example.com"
    assert checked.security == "starttls"
    assert checked.smtp_port == 587
    assert checked.sender == "Pager@example.com"
    assert checked.to == ()
    assert checked.subject_prefix == "[nself-oncall]"
    assert checked.username is None and checked.password is None and checked.ca_file is None


@pytest.mark.parametrize(("security", "port"), [("plain", 25), ("starttls", 587), ("tls", 465)])
def test_default_port_follows_security(security, port):
    checked = notifier.check_settings({"host": "127.0.0.1", "from": SENDER, "security": security})
    assert checked.smtp_port == port
    assert (
        notifier.check_settings({"host": "::1", "from": SENDER, "security": security, "port": 2525}).smtp_port == 2525
    )


def test_secret_settings():
    assert notifier.secret_settings == frozenset({"password"})
    checked = notifier.check_settings(
        {"host": "smtp.example.com", "from": SENDER, "username": USER, "password": PASSWORD}
    )
    assert PASSWORD not in repr(checked)


@pytest.mark.parametrize(
    ("raw", "key", "reason"),
    [
        ({"from": SENDER}, "host", "Field required"),
        ({"host": "smtp.example.com"}, "from", "Field required"),
        ({"host": "smtp.example.com", "from": SENDER, "sender": SENDER}, "sender", "unknown setting"),
        ({"host": "smtp.example.com", "from": SENDER, "timeout": 3}, "timeout", "unknown setting"),
        ({"host": "smtp example.com", "from": SENDER}, "host", "must be a host name or an IP address"),
        ({"host": "smtp.example.com/x", "from": SENDER}, "host", "must be a host name or an IP address"),
        ({"host": "smtp.example.com", "from": SENDER, "port": 0}, "port", "greater than or equal to 1"),
        ({"host": "smtp.example.com", "from": SENDER, "port": "25"}, "port", "valid integer"),
        ({"host": "smtp.example.com", "from": SENDER, "security": "ssl"}, "security", "'starttls', 'tls' or 'plain'"),
        ({"host": "smtp.example.com", "from": "pager"}, "from", "An email address must have an @-sign."),
        ({"host": "smtp.example.com", "from": SENDER, "to": ["ok@example.com", "x@y"]}, "to", "'x@y' is not an email"),
        ({"host": "smtp.example.com", "from": SENDER, "username": USER}, "password", "required when username is set"),
        ({"host": "smtp.example.com", "from": SENDER, "password": PASSWORD}, "password", "given without username"),
        (
            {"host": "smtp.example.com", "from": SENDER, "username": USER, "password": ""},
            "password",
            "must not be empty",
        ),
        (
            {"host": "smtp.example.com", "from": SENDER, "security": "plain", "username": USER, "password": PASSWORD},
            "password",
            'refused with security = "plain"',
        ),
        ({"host": "smtp.example.com", "from": SENDER, "subject_prefix": "a\nb"}, "subject_prefix", "single line"),
        ({"host": "smtp.example.com", "from": SENDER, "ca_file": "/nonexistent/ca.pem"}, "ca_file", "no such file"),
        (
            {"host": "smtp.example.com", "from": SENDER, "security": "plain", "ca_file": certifi.where()},
            "ca_file",
            "has no use",
        ),
    ],
)
def test_invalid_settings(raw, key, reason):
    found = problems(raw)
    assert key in found, found
    assert reason in found[key]
    if "password" in raw:
        assert PASSWORD not in str(found)


def test_ca_file_must_be_pem(tmp_path, tls_ca_file):
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    assert (
        "holds no PEM CA certificate" in problems({"host": "smtp.example.com", "from": SENDER, "ca_file": str(junk)})["ca_file"]
    )
    assert (
        notifier.check_settings({"host": "smtp.example.com", "from": SENDER, "ca_file": tls_ca_file}).ca_file
        == tls_ca_file
    )


@pytest.mark.parametrize(
    ("address", "normalized"),
    [
        ("bob@example.com", "bob@example.com"),
        ("  Bob@Example.COM ", "Bob@example.com"),
        ("jörg@bücher.de", "jörg@bücher.de"),
    ],
)
def test_check_address_normalizes(address, normalized):
    assert notifier.check_address(address) == normalized


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("bob", "must have an @-sign"),
        ("bob@localhost", "should have a period"),
        ("bob@exa mple.com", "invalid characters"),
        ("a@b@example.com", "invalid characters"),
        ("", "must have an @-sign"),
    ],
)
def test_check_address_rejects(address, reason):
    with pytest.raises(InvalidAddress, match=reason):
        notifier.check_address(address)


# --- through the host --------------------------------------------------------------------------


def registry_for(port: int, ca_file: str | None, password: str, **changes):
    raw = {
        "host": "127.0.0.1",
        "port": port,
        "from": SENDER,
        "to": ["ops@example.com"],
        "ca_file": ca_file,
        "username": USER,
        "password": password,
        **changes,
    }
    channel = Channel("c", "email", raw, from_env=frozenset({"password"}))
    return build_registry(Settings(plugin_secret="x", channels={"c": channel}))


async def test_end_to_end_sent(smtp_server, tls_server, tls_ca_file, message):
    handler, port = smtp_server(tls_context=tls_server, require_starttls=True, authenticator=authenticator)
    registry = registry_for(port, tls_ca_file, PASSWORD)
    assert registry.channels["c"].ok, registry.channels["c"].error
    assert registry.channels["c"].shown_settings["password"] == "********"
    assert PASSWORD not in repr(registry.channels["c"].shown_settings)

    outcome = await deliver(registry, "c", message, Contact("c"))
    assert (outcome.status, outcome.provider_id, outcome.error) == (
        "sent",
        "<01JMSG0000000000000000000A@nself-oncall>",
        None,
    )
    assert handler.received[0].rcpt_tos == ["ops@example.com"]
    assert handler.received[0].login == USER.encode()

    outcome = await deliver(registry, "c", message, Contact("c", address="alice@example.com", user_id="alice"))
    assert outcome.status == "sent"
    assert handler.received[1].rcpt_tos == ["alice@example.com"]


async def test_end_to_end_rejected_password_never_shown(smtp_server, tls_server, tls_ca_file, message):
    password = "not-the-right-one"
    _, port = smtp_server(tls_context=tls_server, require_starttls=True, authenticator=authenticator)
    registry = registry_for(port, tls_ca_file, password)

    outcome = await deliver(registry, "c", message, Contact("c"))
    assert (outcome.status, outcome.temporary) == ("failed", False)
    assert (
        outcome.error == f"SMTP 127.0.0.1:{port}: authentication failed: 535 5.7.8 Authentication credentials invalid"
    )
    assert password not in repr(registry.channels["c"].shown_settings)


async def test_end_to_end_timeout_is_temporary(silent_server, tls_ca_file, message):
    port = await silent_server()
    registry = registry_for(port, tls_ca_file, PASSWORD, timeout=0.5)
    outcome = await deliver(registry, "c", message, Contact("c"))
    assert (outcome.status, outcome.temporary, outcome.error) == ("failed", True, f"SMTP 127.0.0.1:{port}: timed out")


def test_end_to_end_invalid_settings_hide_the_password():
    registry = registry_for(25, None, PASSWORD, security="plain", host="smtp.example.com")
    state = registry.channels["c"]
    assert not state.ok
    assert state.error.startswith("invalid settings: password: ")
    assert 'refused with security = "plain" to a host that is not loopback' in state.error
    assert PASSWORD not in state.error
    assert state.shown_settings["password"] == "********"
