"""Shared by every test."""

from __future__ import annotations

import pytest

# The fixtures users get from the pytest11 entry point (posthog_server, ...): loaded here
# by name so the suite has them without an install; installed, it is the same plugin.
pytest_plugins = ["posthog_api.testing.pytest_plugin"]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's own PostHog configuration."""
    for name in (
        "POSTHOG_PERSONAL_API_KEY",
        "POSTHOG_PROJECT_ID",
        "POSTHOG_HOST",
        "POSTHOG_API_LOG",
    ):
        monkeypatch.delenv(name, raising=False)
