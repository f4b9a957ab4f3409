"""What `serve` writes beside its database (the SQLite file, its WAL files, the migration and engine locks) is
in the project's .gitignore, so a service run in a checkout leaves `git status` clean."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]


def untracked(folder: Path) -> list[str]:
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=folder, check=True,
                            capture_output=True, text=True).stdout
    return sorted(line.removeprefix("?? ") for line in status.splitlines())


def test_a_serve_in_a_checkout_leaves_git_status_clean(tmp_path: Path, serve_process):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    shutil.copy(ROOT / ".gitignore", tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NSELF_ONCALL_PLUGINS")}
    served = serve_process(tmp_path, {**env, "PLUGIN_SECRET": "gitignore-token-0123456789"})
    served.wait_healthy()
    deadline = time.monotonic() + 20
    while not (tmp_path / "nself_oncall.db.engine-lock").exists():  # the engine starts just after the API
        assert time.monotonic() < deadline, "the engine took no lock"
        time.sleep(0.05)
    written = {p.name for p in tmp_path.iterdir()} - {".git", ".gitignore"}
    assert {"nself_oncall.db", "nself_oncall.db-wal", "nself_oncall.db.migrate-lock"} <= written
    assert untracked(tmp_path) == [".gitignore"], written
    served.output()
    assert untracked(tmp_path) == [".gitignore"]
