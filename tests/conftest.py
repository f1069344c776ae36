"""Shared by every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from posthog_api.testing.redis_server import RedisServer, RedisServerMissing

# The fixtures users get from the pytest11 entry point (posthog_server, ...): loaded here
# by name so the suite has them without an install; installed, it is the same plugin.
pytest_plugins = ["posthog_api.testing.pytest_plugin"]


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One real ``redis-server`` per test session (per xdist worker) on a free loopback
    port, nothing persisted. Missing, the tests using it fail, saying how to get one."""
    try:
        server = RedisServer()
        server.start()
    except RedisServerMissing as error:
        pytest.fail(f"these tests need a real Redis: {error}", pytrace=False)
    yield server
    server.close()


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
