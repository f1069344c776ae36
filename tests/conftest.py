"""Shared by every test."""

from __future__ import annotations

import pytest


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
