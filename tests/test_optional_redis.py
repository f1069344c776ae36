"""The ``redis`` extra is optional: ``posthog_api`` names the store and the budget, and an
in-process budget works, without ``redis`` ever being imported."""

from __future__ import annotations

import subprocess
import sys

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
