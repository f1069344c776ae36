"""A total deadline per attempt: a server that drips bytes cannot hold a call forever.

httpx's timeouts bound each read, so a body arriving one byte at a time never trips them.
Over loopback, against a server that drips a byte every 50 ms (far below the 0.3 s read
timeout), a call must end in about ``timeout * attempts`` and ``get(fallback=...)`` must
serve its fallback in time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from posthog_api import AsyncPostHog
from posthog_api._errors import APITimeoutError

from ._hostile import HostileServer
from .conftest import API_KEY, PROJECT_ID, FakeClock, install_fake_clock

TIMEOUT = 0.3
# Far beyond what a bounded call needs; only a call that hangs gets near it.
GIVE_UP = 3.0


@pytest.fixture
async def drip() -> AsyncIterator[HostileServer]:
    async with HostileServer(drip_every=0.05) as server:
        yield server


def client_on(server: HostileServer, *, max_retries: int) -> AsyncPostHog:
    client = AsyncPostHog(
        api_key=API_KEY,
        project_id=PROJECT_ID,
        host=server.url,
        timeout=TIMEOUT,
        max_retries=max_retries,
    )
    install_fake_clock(client, FakeClock())  # no real backoff sleeps
    return client


async def test_a_dripping_body_fails_with_a_timeout_after_each_attempt(
    drip: HostileServer,
) -> None:
    client = client_on(drip, max_retries=1)
    started = time.monotonic()
    try:
        with pytest.raises(APITimeoutError) as info:
            async with asyncio.timeout(GIVE_UP):
                await client.prompts.fetch("dripping")
    finally:
        await client.aclose()
    elapsed = time.monotonic() - started
    # Two attempts of 0.3 s each (a GET is retried after a timeout), and no more.
    assert 2 * TIMEOUT * 0.9 <= elapsed < 2 * TIMEOUT + 0.5
    assert len(drip.requests) == 2
    assert "2 attempt(s)" in str(info.value)
    assert str(info.value).startswith("posthog.prompts.fetch timed out")


async def test_twenty_gets_with_a_fallback_get_it_in_time(drip: HostileServer) -> None:
    client = client_on(drip, max_retries=0)
    started = time.monotonic()
    try:
        async with asyncio.timeout(GIVE_UP):
            prompts = await asyncio.gather(
                *(client.prompts.get(f"p{i}", fallback="be brief") for i in range(20))
            )
    finally:
        await client.aclose()
    elapsed = time.monotonic() - started
    assert [p.source for p in prompts] == ["fallback"] * 20
    assert [p.prompt for p in prompts] == ["be brief"] * 20
    assert elapsed < TIMEOUT + 0.5
    assert len(drip.requests) == 20


async def test_with_options_timeout_sets_the_deadline(drip: HostileServer) -> None:
    client = client_on(drip, max_retries=0)
    quick = client.with_options(timeout=0.1)
    started = time.monotonic()
    try:
        with pytest.raises(APITimeoutError):
            async with asyncio.timeout(GIVE_UP):
                await quick.prompts.fetch("dripping")
    finally:
        await quick.aclose()
        await client.aclose()
    assert time.monotonic() - started < TIMEOUT
