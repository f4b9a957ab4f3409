"""The README's shell examples, run as pasted against a real `nself-oncall serve`.

The README marks each example that can run on a fresh install with the line

    <!-- tested: tests/test_readme_commands.py -->

right before its ```sh fence. Install commands are not marked and not run. This test starts `nself-oncall serve` as the README's "First requests" says
(`PLUGIN_SECRET=... nself-oncall serve`), from a temporary directory holding a copy of the shipped
plugins.toml, then runs the marked blocks in README order with bash, in one shell, as a user
pasting them into one terminal would. It checks that every command exits 0, that every curl gets
a 2xx, and that a ```json block shown right after a marked block is what that block's last curl
answered.

Two things differ from a user's terminal, both only to observe:
- the server listens on a free port, not 3840, so that the test never clashes with a service
  already running here: `127.0.0.1:3840` in the extracted text is rewritten to that port;
- `curl` is wrapped by a shell function that adds `--fail-with-body` (a status of 400 or more
  stops the script) and writes each status after the body, so that every status can be checked.

The "Running on PostgreSQL" block is marked with PG_MARKER and run by its own test, against a throwaway
PostgreSQL cluster (tests/engine/processes.py), never the machine's own server: `127.0.0.1:5432` is rewritten to
the cluster's port, `sudo -u postgres CMD` runs CMD as the cluster's `postgres` role (trust auth) instead, and
`serve` gets a free port through PORT; it runs until it answers /ready, and is stopped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
PLUGINS_TOML = ROOT / "plugins.toml"
MARKER = "<!-- tested: tests/test_readme_commands.py -->"
PG_MARKER = "<!-- tested: tests/test_readme_commands.py, on a PostgreSQL of its own -->"
README_PORT = "127.0.0.1:3840"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
_STATUS = re.compile(r"\n\[http (\d{3})\]\n")
_WRAPPER = """\
set -euo pipefail
curl() { command curl --fail-with-body --write-out '\\n[http %{http_code}]\\n' "$@"; }
"""


def need_bash_and_curl(what: str) -> None:
    """Skip without bash or curl, except under CI=true, where that fails."""
    if shutil.which("bash") is None or shutil.which("curl") is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"bash and curl are needed to run {what}")
        pytest.skip(f"bash and curl are needed to run {what}")


def fenced_blocks(text: str, marker: str = MARKER) -> list[tuple[str, str, bool]]:
    """Every fenced block as (language, content, marked with `marker`), in order."""
    blocks = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        blocks.append((match[1], match[2], before.strip() == marker))
    return blocks


def curl_count(script: str) -> int:
    return len(re.findall(r"^\s*curl\s", script, re.MULTILINE))


def test_readme_commands_run_as_pasted(tmp_path: Path, serve_process):
    need_bash_and_curl("the README's examples")
    text = README.read_text(encoding="utf-8")
    blocks = fenced_blocks(text)
    tested = [i for i, (lang, _, marked) in enumerate(blocks) if marked]
    # The marks cannot silently stop matching: the two examples are found, and are shell blocks.
    assert text.count(MARKER) == len(tested) == 2, "expected two marked README blocks"
    assert all(blocks[i][0] == "sh" for i in tested)
    # Every shell example that talks to the service is one of the marked blocks.
    for lang, content, marked in blocks:
        if lang == "sh" and README_PORT in content:
            assert marked, f"README shell example not marked as tested:\n{content}"

    # Serve as the README says.
    secrets = re.findall(r"^PLUGIN_SECRET=(\S+) nself-oncall serve$", text, re.MULTILINE)
    assert len(secrets) == 1, "README: expected one 'PLUGIN_SECRET=... nself-oncall serve' line"
    shutil.copyfile(PLUGINS_TOML, tmp_path / "plugins.toml")
    drop = ("PLUGIN_SECRET", "TOKEN", "DATABASE_URL", "NSELF_ONCALL_PLUGINS", "HOST", "PORT")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    served = serve_process(tmp_path, {**env, "PLUGIN_SECRET": secrets[0]})
    try:
        served.wait_healthy()
        port = f"127.0.0.1:{served.port}"
        script = _WRAPPER + "".join(
            f"echo '[block {n}]'\n{blocks[i][1].replace(README_PORT, port)}\n" for n, i in enumerate(tested)
        )
        run = subprocess.run(
            ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
    finally:
        log = served.output()
    assert run.returncode == 0, f"exit {run.returncode}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"

    outputs = re.split(r"^\[block \d+\]\n", run.stdout, flags=re.MULTILINE)[1:]
    assert len(outputs) == len(tested)
    for n, i in enumerate(tested):
        statuses = _STATUS.findall(outputs[n])
        assert len(statuses) == curl_count(blocks[i][1]), (blocks[i][1], outputs[n])
        assert all(s.startswith("2") for s in statuses), outputs[n]
        follows = blocks[i + 1] if i + 1 < len(blocks) else None
        if follows and follows[0] == "json":
            last_body = _STATUS.split(outputs[n])[-3]  # [..., body, status, ""]
            assert json.loads(last_body) == json.loads(follows[1])

    # The log channel wrote the test messages to the service's log, the last one to alice.
    assert "alice@example.com" in log, log


@pytest.mark.postgres
def test_readme_postgres_block_runs_as_pasted(tmp_path: Path):
    (block,) = [content for lang, content, marked in fenced_blocks(README.read_text(encoding="utf-8"), PG_MARKER)
                if marked and lang == "sh"]
    sys.path.insert(0, str(ROOT / "tests" / "engine"))
    from processes import PostgresCluster, free_port

    cluster = PostgresCluster()
    cluster.start()
    port = free_port()
    stand_in = f'sudo() {{ [ "$1" = -u ] || return 1; PGUSER=$2 PGHOST=127.0.0.1 PGPORT={cluster.port} "${{@:3}}"; }}\n'
    script = "set -euo pipefail\n" + stand_in + block.replace("127.0.0.1:5432", f"127.0.0.1:{cluster.port}")
    drop = ("PLUGIN_SECRET", "DATABASE_URL", "NSELF_ONCALL_PLUGINS", "HOST", "PORT", "PGHOST", "PGPORT", "PGUSER")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PORT=str(port), PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    output = tmp_path / "output.txt"
    with output.open("w") as out:
        shell = subprocess.Popen(["bash", "-c", script], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not _ready(port):
            assert shell.poll() is None and time.monotonic() < deadline, output.read_text()
            time.sleep(0.2)
        token = {"Authorization": "Bearer " + re.findall(r"^export PLUGIN_SECRET=(\S+)", block, re.MULTILINE)[0]}
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/schedules", headers=token).status_code == 200
    finally:
        if shell.poll() is None:
            os.killpg(shell.pid, signal.SIGTERM)  # serve, and the shell around it
            shell.wait(30)
        cluster.remove()
    printed = output.read_text()
    assert "applied " in printed and "Traceback" not in printed, printed


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200
    except httpx.TransportError:
        return False
