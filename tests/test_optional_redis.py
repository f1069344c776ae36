"""The ``redis`` extra is optional: ``posthog_api`` names the store and the budget, and an
in-process budget works, without ``redis`` ever being imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CODE = """
import sys
import posthog_api
store, budget = posthog_api.RedisPromptStore, posthog_api.RateBudget
client = posthog_api.AsyncPostHog(api_key="phx_x", project_id="1", rate_budget=True)
assert client._budget is not None and client._budget.redis is None
assert "redis" not in sys.modules, "redis was imported"
print("ok")
"""


def test_redis_is_not_imported_until_used() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_a_missing_redis_server_says_how_to_get_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from posthog_api.testing import redis_server

    monkeypatch.setattr(redis_server.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setenv("PATH", str(tmp_path))  # no redis-server on it
    monkeypatch.delenv("POSTHOG_API_REDIS_SERVER", raising=False)
    with pytest.raises(redis_server.RedisServerMissing) as caught:
        redis_server.redis_server_binary()
    assert "apt-get install redis-server" in str(caught.value)
    assert "pip install -e '.[dev]'" in str(caught.value)
    monkeypatch.setenv("POSTHOG_API_REDIS_SERVER", str(tmp_path / "nothing"))
    with pytest.raises(redis_server.RedisServerMissing, match="not an executable"):
        redis_server.redis_server_binary()
    found = tmp_path / "redis-server"
    found.write_text("#!/bin/sh\n")
    found.chmod(0o755)
    monkeypatch.delenv("POSTHOG_API_REDIS_SERVER")
    assert redis_server.redis_server_binary() == str(found)  # the one on PATH
