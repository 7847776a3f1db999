"""A real `pulumi up`, `refresh` and `destroy` on a local backend, where the CLI exists."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_bulknumbers.sandbox import Sandbox, serve

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("pulumi") is None,
    reason="no `pulumi` binary on PATH (no registry here ships the Go CLI); the engine "
    "stand-in in tests/provider covers the same lifecycle",
)


def test_pulumi_up_refresh_destroy(tmp_path: Path) -> None:
    """The quick-start buys its numbers through the CLI, and destroy releases them."""
    env = {
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{tmp_path}",
        "PULUMI_CONFIG_PASSPHRASE": "test",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_PYTHON_CMD": sys.executable,
    }
    with Sandbox(tmp_path / "sandbox.sqlite3") as sandbox, serve(sandbox) as server:

        def pulumi(*args: str) -> str:
            done = subprocess.run(
                ["pulumi", *args, "--non-interactive"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=600,
            )
            return done.stdout

        pulumi("stack", "init", "e2e")
        pulumi("config", "set", "telnyx:baseUrl", server.base_url)
        pulumi("config", "set", "--secret", "telnyx:apiKey", "e2e-key")
        pulumi("up", "--yes", "--skip-preview")
        numbers = json.loads(pulumi("stack", "output", "numbers", "--json"))
        assert len(numbers) == 18
        assert sorted(numbers) == sandbox.owned_numbers()
        pulumi("refresh", "--yes")
        pulumi("destroy", "--yes")
        assert sandbox.owned_numbers() == []
        pulumi("stack", "rm", "--yes")
