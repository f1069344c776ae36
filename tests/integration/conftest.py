"""Fixtures for the integration suites: the facade against the local server over loopback.

``server`` runs :mod:`posthog_api.testing` with uvicorn on a free 127.0.0.1 port (one
server per test, so the request log and faults start clean). ``make_client`` builds
:class:`AsyncPostHog` clients on it whose retry sleep is a :class:`FakeClock`, so retries
and ``Retry-After`` never really wait; every client is closed before the server stops.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from posthog_api import AsyncPostHog
from posthog_api.testing import RequestRecord, ServerState, run_in_thread
from posthog_api.testing.redis_server import RedisServer

PROJECT = "1"
KEY = "phx_integration_ALL_scopes_secret_9f8e7d6c"
READ_ONLY_KEY = "phx_integration_read_only_secret_1a2b3c4d"
BAD_KEY = "phx_integration_revoked_secret_5e6f7a8b"

KEYS = {
    KEY: ["*"],
    READ_ONLY_KEY: ["llm_prompt:read", "dataset:read"],
}


class FakeClock:
    """Stands in for ``asyncio.sleep`` in the retry transport: records, never waits."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


class ManualClock:
    """A monotonic clock that only moves when told to (for the prompt cache)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Server:
    state: ServerState
    url: str

    def log(self, method: str | None = None, path: str | None = None) -> list[RequestRecord]:
        with self.state.lock:
            return [
                r
                for r in self.state.requests
                if (method is None or r.method == method) and (path is None or r.path == path)
            ]

    def prompt_gets(self, name: str) -> int:
        """How many times prompt ``name`` was fetched by name (the cache's requests)."""
        return len(self.log("GET", f"/api/projects/{PROJECT}/llm_prompts/name/{name}/"))


@pytest.fixture
def server() -> Iterator[Server]:
    state = ServerState(project_id=PROJECT, keys=KEYS)
    with run_in_thread(state) as url:
        yield Server(state, url)


MakeClient = Callable[..., AsyncPostHog]


@pytest.fixture
async def make_client(server: Server) -> AsyncIterator[MakeClient]:
    """Factory: ``make_client(**kwargs)`` -> a client on the local server.

    Its retry sleep is a :class:`FakeClock`, read with :func:`clock_of`.
    """
    made: list[AsyncPostHog] = []

    def factory(**kwargs: Any) -> AsyncPostHog:
        kwargs.setdefault("api_key", KEY)
        kwargs.setdefault("project_id", PROJECT)
        kwargs.setdefault("host", server.url)
        kwargs.setdefault("max_retries", 2)
        kwargs.setdefault("timeout", 10.0)
        client = AsyncPostHog(**kwargs)
        clock = FakeClock()
        client._transport._sleep = clock.sleep
        _CLOCKS[id(client)] = clock
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()
        _CLOCKS.pop(id(client), None)


_CLOCKS: dict[int, FakeClock] = {}


def clock_of(client: AsyncPostHog) -> FakeClock:
    """The fake retry clock ``make_client`` installed on ``client``."""
    return _CLOCKS[id(client)]


@pytest.fixture
def client(make_client: MakeClient) -> AsyncPostHog:
    return make_client()


def clocked(make_client: MakeClient, **options: Any) -> tuple[AsyncPostHog, ManualClock]:
    """A client whose prompt cache reads a :class:`ManualClock` (no public option sets it)."""
    client = make_client(**options)
    clock = ManualClock()
    client._prompt_cache._clock = clock
    return client, clock


async def until(condition: Callable[[], object], within: float = 2.0) -> None:
    """Wait on the real loop, polling every ms, until ``condition()`` holds; fail after
    ``within`` seconds (a background refresh, a published invalidation, ...)."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > within:
            raise AssertionError("the condition never held")
        await asyncio.sleep(0.001)


@pytest.fixture
def first_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop of the test's own, besides pytest-asyncio's (one client, two loops)."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


# -- a real Redis for the shared prompt store and rate budget (redis_server: ../conftest.py)


@pytest.fixture
async def redis_client(redis_server: RedisServer) -> AsyncIterator[Any]:
    """A ``redis.asyncio.Redis`` on the session's server, in this test's event loop."""
    import redis.asyncio

    if not redis_server.running:  # a test that stopped it restarts it for the next
        redis_server.start()
    client = redis.asyncio.Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


@pytest.fixture
def store_prefix() -> str:
    """A key prefix of this test's own, so tests sharing the server never meet."""
    return f"t-{uuid.uuid4().hex[:12]}"
