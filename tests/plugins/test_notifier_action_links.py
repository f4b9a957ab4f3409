"""Every built-in notifier shows the message's acknowledge and resolve links, and nothing when it has none."""

from __future__ import annotations

from nself_oncall import Action, Contact
from nself_oncall.notifiers import email, ntfy, slack, twilio_sms, webhook
from peers import make_message

ACK = "https://oncall.example.com/a/" + "A" * 43
RESOLVE = "https://oncall.example.com/a/" + "R" * 43
WITH_LINKS = make_message(actions=[Action("acknowledge", ACK), Action("resolve", RESOLVE)])
WITHOUT = make_message()


def test_the_webhook_payload_carries_them_as_message_actions():
    body = webhook.payload(WITH_LINKS, Contact("hook", "emp-42", "alice", "Alice"))
    assert body["message"]["actions"] == [{"action": "acknowledge", "url": ACK}, {"action": "resolve", "url": RESOLVE}]
    assert webhook.payload(WITHOUT, Contact("hook"))["message"]["actions"] == []


def test_slack_shows_them_as_buttons():
    actions = slack.blocks(WITH_LINKS, "ops", None)[-1]
    assert actions["type"] == "actions"
    assert [(b["text"]["text"], b["url"]) for b in actions["elements"]] == [
        ("Acknowledge", ACK), ("Resolve", RESOLVE), ("Open escalation", WITHOUT.link)
    ]
    assert actions["elements"][0]["style"] == "primary"
    assert [b["text"]["text"] for b in slack.blocks(WITHOUT, "ops", None)[-1]["elements"]] == ["Open escalation"]


def test_email_shows_them_as_links_in_the_text_and_as_buttons_in_the_html():
    settings = email.EmailSettings.model_validate({"host": "127.0.0.1", "from": "oncall@example.com"})
    built = email.build_email(WITH_LINKS, settings, ["alice@example.com"])
    text = built.get_body(("plain",)).get_content()
    html = built.get_body(("html",)).get_content()
    assert f"Acknowledge: {ACK}\nResolve: {RESOLVE}\n" in text
    assert f'<a href="{ACK}"' in html and ">Acknowledge</a>" in html and f'<a href="{RESOLVE}"' in html
    plain = email.build_email(WITHOUT, settings, ["alice@example.com"])
    assert "/a/" not in plain.get_body(("plain",)).get_content() + plain.get_body(("html",)).get_content()


def test_ntfy_shows_them_as_actions_that_post():
    settings = ntfy.NtfySettings()
    published = ntfy.payload(WITH_LINKS, "pager", settings)
    assert published["actions"] == [
        {"action": "http", "label": "Acknowledge", "url": ACK, "method": "POST", "clear": True},
        {"action": "http", "label": "Resolve", "url": RESOLVE, "method": "POST", "clear": True},
    ]
    assert "actions" not in ntfy.payload(WITHOUT, "pager", settings)


def test_an_sms_carries_the_acknowledge_link_only():
    body = twilio_sms.text(WITH_LINKS)
    assert body.endswith(f"\nAck: {ACK}") and RESOLVE not in body and WITHOUT.link not in body
    assert twilio_sms.text(WITHOUT).endswith(f"\n{WITHOUT.link}")
