"""Start-up as an operator sees it, through the real `nself-oncall` command: each failure is one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from nself_oncall.config import ENV_SETTINGS
from nself_oncall.startup import masked
from peers import free_port

CLI = Path(sys.executable).with_name("nself-oncall")
POSTGRES = urlsplit(os.environ.get("NSELF_ONCALL_TEST_POSTGRES_URL", "")).netloc.rpartition("@")[2]
SETTINGS = ENV_SETTINGS  # every one the service reads (and `--help` lists)


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    return subprocess.run([str(CLI), *args], cwd=cwd, env={**base, **env}, capture_output=True, text=True, timeout=120)


def assert_one_line(done: subprocess.CompletedProcess, returncode: int, line: str) -> None:
    assert done.returncode == returncode, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == line


def postgres(user: str, database: str) -> str:
    if not POSTGRES:
        pytest.skip("NSELF_ONCALL_TEST_POSTGRES_URL is not set")
    return f"postgres://{user}@{POSTGRES}/{database}"


CLOSED = free_port()
DATABASE_FAILURES = [
    pytest.param(
        lambda: f"postgres://postgres:hunter2@127.0.0.1:{CLOSED}/x",
        1, f"cannot open DATABASE_URL (postgres://postgres:***@127.0.0.1:{CLOSED}/x): connection refused",
        id="closed-port",
    ),
    pytest.param(
        lambda: postgres("nobody", "x"),
        1, f'cannot open DATABASE_URL (postgres://nobody@{POSTGRES}/x): role "nobody" does not exist',
        id="unknown-role", marks=pytest.mark.postgres,
    ),
    pytest.param(
        lambda: postgres("postgres", "no_such_database"),
        1, f'cannot open DATABASE_URL (postgres://postgres@{POSTGRES}/no_such_database): '
           'database "no_such_database" does not exist',
        id="missing-database", marks=pytest.mark.postgres,
    ),
    pytest.param(
        lambda: "sqlite:///nonexistent/dir/x.db",
        1, "cannot open DATABASE_URL (sqlite:///nonexistent/dir/x.db): unable to open database file: "
           "no folder /nonexistent/dir",
        id="sqlite-missing-folder",
    ),
    pytest.param(
        lambda: "postgres://postgres:hunter2@127.0.0.1:port/x",
        2, "DATABASE_URL: malformed (postgres://postgres:***@127.0.0.1:port/x): Port is not an integer",
        id="malformed",
    ),
    pytest.param(
        lambda: "postgres:hunter2@127.0.0.1/x",
        2, "DATABASE_URL: not a URL (use sqlite://FILE or postgres://USER@HOST:PORT/DATABASE)",
        id="not-a-url",
    ),
    pytest.param(
        lambda: "mysql://root:hunter2@127.0.0.1/x",
        2, "DATABASE_URL: unsupported scheme 'mysql' (use sqlite:// or postgres://)",
        id="unsupported-scheme",
    ),
]


@pytest.mark.parametrize(("url", "returncode", "line"), DATABASE_FAILURES)
@pytest.mark.parametrize(
    "command", [["migrate"], ["serve", "--port", "0"], ["worker"]], ids=["migrate", "serve", "worker"]
)
def test_a_database_that_cannot_be_opened_is_one_line(tmp_path, command, url, returncode, line):
    done = run(command, tmp_path, DATABASE_URL=url(), PLUGIN_SECRET="a-long-enough-secret")
    assert_one_line(done, returncode, f"nself-oncall: {line}")
    assert "hunter2" not in done.stdout + done.stderr
    assert "listening" not in done.stdout


@pytest.mark.postgres
@pytest.mark.parametrize("command", [["migrate"], ["serve", "--port", "0"], ["worker"]], ids=["migrate", "serve", "worker"])
def test_a_direct_database_url_that_cannot_be_opened_is_one_line(tmp_path, command):
    """With PgBouncer: the pooled DATABASE_URL answers (here the server itself stands in), the direct one does not."""
    direct = f"postgres://postgres:hunter2@127.0.0.1:{CLOSED}/x"
    done = run(command, tmp_path, DATABASE_URL=postgres("postgres", "postgres"), NSELF_ONCALL_DIRECT_DATABASE_URL=direct,
               PLUGIN_SECRET="a-long-enough-secret")
    masked = direct.replace("hunter2", "***")
    assert_one_line(done, 1, f"nself-oncall: cannot open NSELF_ONCALL_DIRECT_DATABASE_URL ({masked}): connection refused")
    assert "hunter2" not in done.stdout + done.stderr


def test_a_direct_database_url_needs_postgres(tmp_path):
    done = run(["migrate"], tmp_path, NSELF_ONCALL_DIRECT_DATABASE_URL="postgres://postgres@127.0.0.1/x")
    assert_one_line(done, 2, "nself-oncall: NSELF_ONCALL_DIRECT_DATABASE_URL: only with PostgreSQL, as a postgres:// "
                             "URL beside a DATABASE_URL that points at PgBouncer")


def test_an_sqlite_file_that_cannot_be_opened_is_one_line_not_a_hang(tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    done = run(["migrate"], tmp_path, DATABASE_URL=f"sqlite://{folder}")
    assert_one_line(done, 1, f"nself-oncall: cannot open DATABASE_URL (sqlite://{folder}): unable to open database file")


def test_a_port_in_use_is_one_line_before_the_database_is_touched(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run(["serve", "--port", str(port)], tmp_path)
    line = f"nself-oncall: cannot listen on 127.0.0.1:{port} (PORT setting / --port): address already in use"
    assert_one_line(done, 1, line)
    assert "listening" not in done.stdout
    assert not (tmp_path / "nself_oncall.db").exists()


@pytest.mark.parametrize(
    ("args", "env", "line"),
    [
        (["serve"], {"PORT": "http"}, "PORT: not a number: 'http'"),
        (["migrate"], {"PORT": "70000"}, "PORT: out of range: 70000"),
        (["serve", "--port", "70000"], {}, "--port: out of range: 70000"),
        (["serve"], {"NSELF_ONCALL_STRICT_PLUGINS": "maybe"}, "NSELF_ONCALL_STRICT_PLUGINS: expected 1 or 0, not 'maybe'"),
        (["worker"], {"NSELF_ONCALL_DELIVERY_ATTEMPTS": "0"},
         "NSELF_ONCALL_DELIVERY_ATTEMPTS: expected a whole number from 1 to 100, not '0'"),
        (["serve"], {"NSELF_ONCALL_RETRY_SECONDS": "soon"},
         "NSELF_ONCALL_RETRY_SECONDS: expected a number from 0.1 to 300, not 'soon'"),
        (["worker"], {"NSELF_ONCALL_FAILPOINTS": "nowhere:1"},
         "NSELF_ONCALL_FAILPOINTS: unknown fail point 'nowhere' (known: after_claim, after_send, before_result)"),
        (["worker"], {}, "worker: set NSELF_ONCALL_LINK_SECRET or PLUGIN_SECRET as the API has it: "
                         "the acknowledge links in messages are derived from it"),
    ],
    ids=["PORT", "PORT-range", "--port", "strict", "attempts", "retry", "failpoints", "link-secret"],
)
def test_a_malformed_setting_is_one_line(tmp_path, args, env, line):
    assert_one_line(run(args, tmp_path, **env), 2, f"nself-oncall: {line}")


def test_version_and_help(tmp_path):
    done = run(["--version"], tmp_path)
    assert done.returncode == 0 and done.stdout == f"nself-oncall {version('nself-oncall')}\n"
    for args in (["--help"], ["serve", "--help"], ["worker", "--help"]):
        done = run(args, tmp_path)
        assert done.returncode == 0
        for setting in SETTINGS:
            assert f"\n  {setting} " in done.stdout, (args, setting)


def test_listening_is_printed_once_bound_and_a_short_secret_is_warned_about(tmp_path, serve_process):
    secret = "s3cr3t-42"
    served = serve_process(tmp_path, {**os.environ, "PLUGIN_SECRET": secret, "DATABASE_URL": ""})
    before = []
    for line in served.process.stdout:
        before.append(line)
        if line.startswith("nself-oncall listening on "):
            break
    assert before[-1] == f"nself-oncall listening on {served.base}\n"
    # No retrying: the socket listens from the moment that line is printed.
    assert httpx.get(f"{served.base}/health", timeout=30).status_code == 200
    answer = httpx.get(f"{served.base}/api/v1/schedules", headers={"Authorization": f"bearer {secret}"})
    assert answer.status_code == 200
    output = "".join(before) + served.output()
    assert output.count("PLUGIN_SECRET is shorter than 16 characters") == 1
    assert secret not in output


def test_masked_hides_every_password():
    assert masked("postgres://u:p@ss@h:5432/db") == "postgres://u:***@h:5432/db"
    assert masked("postgres://u@h/db?sslmode=require&password=pw") == "postgres://u@h/db?sslmode=require&password=***"
    assert masked("postgres://u@h/db") == "postgres://u@h/db"
