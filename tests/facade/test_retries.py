"""The retry policy as a user of the client sees it (the policy table itself: test_transport)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest

from posthog_api._client import AsyncPostHog
from posthog_api._errors import InternalServerError, RateLimitError

from .conftest import (
    API_KEY,
    HOST,
    PROJECT_ID,
    FakeClock,
    MakeClient,
    Pools,
    install_fake_clock,
    success_response,
)

A = uuid.UUID(int=0xA)


def script(*steps: httpx.Response | Exception) -> Callable[[httpx.Request], httpx.Response]:
    """A handler that plays ``steps`` in order (an exception is raised), then fails loudly."""
    remaining = list(steps)

    def handler(request: httpx.Request) -> httpx.Response:
        assert remaining, f"unexpected extra request {request.method} {request.url}"
        step = remaining.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    return handler


def dataset() -> httpx.Response:
    return success_response("datasets_retrieve")


def created() -> httpx.Response:
    return success_response("datasets_create")


async def test_get_retries_a_503_then_succeeds(make_client: MakeClient) -> None:
    h = make_client(script(httpx.Response(503), dataset()))
    result = await h.client.datasets.retrieve(A)
    assert result.name == "x"
    assert len(h.requests) == 2
    assert len(h.clock.sleeps) == 1
    assert 0.25 <= h.clock.sleeps[0] <= 0.5  # first backoff: 0.5 s with equal jitter


async def test_post_is_not_retried_after_a_500(make_client: MakeClient) -> None:
    h = make_client(script(httpx.Response(500)))
    with pytest.raises(InternalServerError):
        await h.client.datasets.create(name="once")
    assert len(h.requests) == 1
    assert h.clock.sleeps == []


async def test_post_is_retried_when_the_connection_never_opened(make_client: MakeClient) -> None:
    h = make_client(script(httpx.ConnectError("refused"), created()))
    result = await h.client.datasets.create(name="once")
    assert result.name == "x"
    assert len(h.requests) == 2
    assert h.requests[0].content == h.requests[1].content  # the same body, replayed


async def test_retry_after_is_waited_exactly(make_client: MakeClient) -> None:
    h = make_client(script(httpx.Response(429, headers={"Retry-After": "3"}), created()))
    await h.client.datasets.create(name="throttled")
    assert h.clock.sleeps == [3.0]
    assert len(h.requests) == 2


async def test_long_retry_after_raises_at_once(make_client: MakeClient) -> None:
    h = make_client(script(httpx.Response(429, headers={"Retry-After": "120"}, json={})))
    with pytest.raises(RateLimitError) as info:
        await h.client.datasets.retrieve(A)
    assert info.value.retry_after == 120.0
    assert len(h.requests) == 1
    assert h.clock.sleeps == []


async def test_with_options_max_retries_zero(make_client: MakeClient) -> None:
    h = make_client(lambda request: httpx.Response(503))
    no_retry = h.client.with_options(max_retries=0)
    with pytest.raises(InternalServerError):
        await no_retry.datasets.retrieve(A)
    assert len(h.requests) == 1
    assert h.clock.sleeps == []
    # The original keeps its own setting.
    with pytest.raises(InternalServerError):
        await h.client.datasets.retrieve(A)
    assert len(h.requests) == 1 + 3


async def test_with_options_timeout_reaches_the_request(make_client: MakeClient) -> None:
    timeouts: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"])
        return dataset()

    h = make_client(handler, timeout=30.0)
    await h.client.with_options(timeout=2.5).datasets.retrieve(A)
    await h.client.datasets.retrieve(A)
    assert timeouts[0]["read"] == 2.5
    assert timeouts[1]["read"] == 30.0


async def test_with_options_shares_the_pool_and_closing_the_copy_keeps_it(pools: Pools) -> None:
    pools.handler = lambda request: dataset()
    original = AsyncPostHog(api_key=API_KEY, project_id=PROJECT_ID, host=HOST)
    install_fake_clock(original, FakeClock())
    copy = original.with_options(max_retries=5, timeout=1.0)
    assert len(pools.made) == 1  # one pool for both
    pool = pools.made[0]

    await copy.datasets.retrieve(A)
    await copy.aclose()
    assert not pool.closed

    result = await original.datasets.retrieve(A)
    assert result.name == "x"
    assert len(pool.recorder.requests) == 2

    await original.aclose()
    assert pool.closed
