"""`nself-oncall plugins`: what an operator sees, and strict mode stopping `serve` and `plugins`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

CLI = Path(sys.executable).with_name("nself-oncall")


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("NSELF_ONCALL_") and k != "PYTHONPATH"}
    return subprocess.run([str(CLI), *args], cwd=cwd, env={**base, **env}, capture_output=True, text=True, timeout=120)


def broken_plugin(folder: Path) -> Path:
    """A distribution whose plugin module fails to import, installed in `folder`."""
    info = folder / "broken_pager-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-pager\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[nself_oncall]\npager = broken_pager\n")
    (folder / "broken_pager.py").write_text("raise RuntimeError('pager SDK missing')\n")
    return folder


def test_plugins_lists_the_builtins_and_the_channels(tmp_path):
    (tmp_path / "plugins.toml").write_text('[channels.log]\nnotifier = "log"\n\n[channels.sms]\nnotifier = "twilio_sms"\n')
    done = run(["plugins"], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for name in ("log", "webhook", "slack", "email", "ntfy", "twilio_sms", "twilio_voice"):
        assert any(line.split()[:2] == [name, name] and line.endswith("ok (built-in)") for line in lines), name
    assert "Channels (plugins.toml)" in lines
    sms = next(line for line in lines if line.split()[:1] == ["sms"])
    assert "NOT USABLE: invalid settings:" in sms and "account_sid" in sms


def test_a_broken_plugin_is_shown_and_strict_mode_makes_it_fatal(tmp_path):
    site = str(broken_plugin(tmp_path / "site"))
    done = run(["plugins"], tmp_path, PYTHONPATH=site)
    assert done.returncode == 0
    assert "BROKEN: failed to load: RuntimeError: pager SDK missing" in done.stdout
    assert "plugin 'pager' (broken-pager 0.1) is broken and was skipped" in done.stderr

    strict = run(["plugins"], tmp_path, PYTHONPATH=site, NSELF_ONCALL_STRICT_PLUGINS="1")
    assert strict.returncode == 2 and "pager: failed to load" in strict.stderr and "Traceback" not in strict.stderr
    serve = run(["serve", "--port", "1"], tmp_path, PYTHONPATH=site, NSELF_ONCALL_STRICT_PLUGINS="1")
    assert serve.returncode == 2 and "NSELF_ONCALL_STRICT_PLUGINS=1 and broken plugins" in serve.stderr
    assert not (tmp_path / "nself_oncall.db").exists()  # stopped before touching the database


def test_strict_mode_stops_serve_for_a_channel_whose_notifier_is_not_installed(tmp_path):
    (tmp_path / "plugins.toml").write_text('[channels.log]\nnotifier = "log"\n\n[channels.pager]\nnotifier = "pagerduty"\n')
    with socket.socket() as taken:  # were it not stopped, serve would exit 1 on this port, not serve on it
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        serve = run(["serve", "--port", port], tmp_path, NSELF_ONCALL_STRICT_PLUGINS="1", PLUGIN_SECRET="s" * 20)
    assert serve.returncode == 2, serve.stderr
    assert serve.stderr.splitlines() == [
        "nself-oncall: NSELF_ONCALL_STRICT_PLUGINS=1 and channels naming a notifier that is not installed: "
        "pager: 'pagerduty'"
    ]
    assert not (tmp_path / "nself_oncall.db").exists()  # stopped before touching the database
    lenient = run(["plugins"], tmp_path)
    assert lenient.returncode == 0 and "notifier 'pagerduty' is not installed" in lenient.stdout
