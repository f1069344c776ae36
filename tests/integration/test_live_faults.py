"""The facade against the local server's fault injection, over loopback.

Retries run on a fake clock (the transport's sleep records instead of waiting); the
server's request log says how many attempts really reached it.
"""

from __future__ import annotations

import asyncio

import pytest

from posthog_api import (
    APIConnectionError,
    APITimeoutError,
    AsyncPostHog,
    InternalServerError,
    PromptNotFoundError,
    RateLimitError,
)
from posthog_api.testing import RequestRecord

from .conftest import PROJECT, MakeClient, ManualClock, Server, clock_of

DATASETS = f"/api/projects/{PROJECT}/datasets/"


async def _datasets(client: AsyncPostHog, count: int) -> list[str]:
    return [str((await client.datasets.create(name=f"ds-{i:03d}")).id) for i in range(count)]


def _statuses(records: list[RequestRecord]) -> list[int | None]:
    return [r.status for r in records]


# -- 5xx on reads ----------------------------------------------------------------------


async def test_reads_under_30_percent_server_errors(
    make_client: MakeClient, server: Server
) -> None:
    max_retries = 2
    client = make_client(max_retries=max_retries)
    ids = await _datasets(client, 3)
    server.state.faults.fail_rate(0.3, status=503, methods=["GET"], seed=1234)
    outcomes = {"ok": 0, "failed": 0, "retried": 0}
    for index in range(150):
        server.state.clear_requests()
        ident = ids[index % len(ids)]
        try:
            if index % 2:
                dataset = await client.datasets.retrieve(ident)
                assert str(dataset.id) == ident
            else:
                assert (await client.datasets.list()).count == 3
        except InternalServerError as error:
            outcomes["failed"] += 1
            records = server.log()
            assert len(records) == max_retries + 1
            assert _statuses(records) == [503] * (max_retries + 1)
            assert error.status_code == 503
            assert f"after {max_retries + 1} attempts" in str(error)
        else:
            outcomes["ok"] += 1
            records = server.log()
            assert 1 <= len(records) <= max_retries + 1
            assert _statuses(records) == [503] * (len(records) - 1) + [200]
            outcomes["retried"] += len(records) > 1
        assert {r.path for r in records} <= {DATASETS, f"{DATASETS}{ident}/"}
    # the seed makes this run hit both branches (and retried successes)
    assert outcomes["failed"] > 0 and outcomes["retried"] > 0 and outcomes["ok"] > 100
    # backoff only ever slept on the fake clock
    assert clock_of(client).sleeps and max(clock_of(client).sleeps) <= 1.0


# -- non-idempotent writes are never repeated after an unknown outcome -------------------


async def test_a_create_that_meets_a_5xx_is_sent_once(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(max_retries=3)
    server.state.faults.fail_next(1, status=500, methods=["POST"])
    with pytest.raises(InternalServerError) as caught:
        await client.datasets.create(name="once")
    assert caught.value.status_code == 500 and "attempts" not in str(caught.value)
    assert len(server.log("POST", DATASETS)) == 1
    assert clock_of(client).sleeps == []

    await client.prompts.create("once", "v1")
    server.state.faults.fail_rate(1.0, status=502, methods=["PATCH", "POST"])
    with pytest.raises(InternalServerError):
        await client.prompts.publish("once", "v2", base_version=1)
    with pytest.raises(InternalServerError):
        await client.prompts.create("twice", "v1")
    assert len(server.log("PATCH")) == 1
    assert len(server.log("POST", f"/api/projects/{PROJECT}/llm_prompts/")) == 2  # 1 + 1


async def test_a_create_whose_connection_drops_is_sent_once(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(max_retries=3)
    server.state.faults.drop_next(1, methods=["POST"])
    with pytest.raises(APIConnectionError) as caught:
        await client.datasets.create(name="dropped")
    assert not isinstance(caught.value, APITimeoutError)
    assert len(server.log("POST", DATASETS)) == 1
    assert server.log("POST", DATASETS)[0].dropped


async def test_a_throttled_create_is_retried_and_created_once(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(max_retries=2)
    server.state.faults.throttle_next(1, retry_after=4)
    dataset = await client.datasets.create(name="throttled")
    assert _statuses(server.log("POST", DATASETS)) == [429, 201]
    assert clock_of(client).sleeps == [4.0]
    assert [str(d.id) async for d in client.datasets.list()] == [str(dataset.id)]


# -- 429 and Retry-After ---------------------------------------------------------------


async def test_retry_after_is_honoured(make_client: MakeClient, server: Server) -> None:
    client = make_client(max_retries=2)
    server.state.faults.throttle_next(1, retry_after=7)
    assert (await client.datasets.list()).count == 0
    assert clock_of(client).sleeps == [7.0]
    assert _statuses(server.log()) == [429, 200]


async def test_throttled_past_max_retries_raises_rate_limit_error(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(max_retries=2)
    server.state.faults.throttle_next(10, retry_after=3)
    with pytest.raises(RateLimitError) as caught:
        await client.datasets.list()
    assert caught.value.retry_after == 3.0 and caught.value.status_code == 429
    assert clock_of(client).sleeps == [3.0, 3.0]
    assert _statuses(server.log()) == [429, 429, 429]


async def test_a_retry_after_beyond_a_minute_is_not_waited(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(max_retries=2)
    server.state.faults.throttle_next(1, retry_after=120)
    with pytest.raises(RateLimitError) as caught:
        await client.datasets.list()
    assert caught.value.retry_after == 120.0
    assert clock_of(client).sleeps == [] and len(server.log()) == 1


# -- dropped connections while paging ---------------------------------------------------


@pytest.mark.parametrize("drop_at", [1, 2, 4, 5])
async def test_a_dropped_page_is_retried_without_losing_or_repeating_items(
    make_client: MakeClient, server: Server, drop_at: int
) -> None:
    client = make_client(max_retries=2)
    ids = await _datasets(client, 23)
    expected = [str(d.id) for d in await client.datasets.list(page_size=5).collect()]
    assert sorted(expected) == sorted(ids)

    server.state.clear_requests()
    seen: list[str] = []
    pages = 0
    if drop_at == 1:
        server.state.faults.drop_next(1)
    async for page in client.datasets.list(page_size=5).pages():
        pages += 1
        seen.extend(str(d.id) for d in page.results)
        if pages == drop_at - 1:
            server.state.faults.drop_next(1)  # the next request: page number drop_at
    assert seen == expected
    records = server.log()
    assert pages == 5 and len(records) == 6
    assert [r.dropped for r in records] == [i == drop_at - 1 for i in range(6)]
    # the retry asked for exactly the page that was dropped
    assert records[drop_at - 1].query == records[drop_at].query


async def test_dropped_pages_with_concurrent_fetching(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(max_retries=2)
    await _datasets(client, 40)
    expected = [str(d.id) for d in await client.datasets.list(page_size=4).collect()]
    server.state.clear_requests()
    server.state.faults.drop_rate(0.25, methods=["GET"], seed=99)
    seen = [str(d.id) async for d in client.datasets.list(page_size=4, concurrency=4)]
    assert seen == expected
    assert any(r.dropped for r in server.log())


# -- timeouts --------------------------------------------------------------------------


async def test_a_slow_server_raises_api_timeout_error(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(max_retries=1)
    server.state.faults.set_latency(0.25)
    quick = client.with_options(timeout=0.05)
    started = asyncio.get_running_loop().time()
    with pytest.raises(APITimeoutError) as caught:
        await quick.datasets.list()
    assert asyncio.get_running_loop().time() - started < 0.2  # no real wait beyond timeouts
    assert "2 attempt(s)" in str(caught.value)
    assert len(server.log("GET", DATASETS)) == 2  # a GET is retried once
    with pytest.raises(APITimeoutError):
        await quick.datasets.create(name="slow")
    assert len(server.log("POST", DATASETS)) == 1  # a POST is never resent after a timeout
    server.state.faults.reset()
    assert (await client.datasets.list()).count in (0, 1)  # the original still works


# -- a complete outage: cached prompts are still served --------------------------------


@pytest.mark.parametrize("outage", ["5xx", "dropped"])
async def test_cached_prompts_survive_a_full_outage(
    make_client: MakeClient, server: Server, outage: str
) -> None:
    client = make_client(max_retries=1, prompt_cache_ttl=10.0)
    # No public knob sets the prompt cache's clock: drive it by hand.
    clock = ManualClock()
    client._prompt_cache._clock = clock
    writer = make_client()
    await client.prompts.create("kept", "v1")
    await writer.prompts.create("never-cached", "x")
    log_path = f"/api/projects/{PROJECT}/llm_prompts/name/kept/"

    if outage == "5xx":
        server.state.faults.fail_rate(1.0, status=503)
        expected: type[Exception] = InternalServerError
    else:
        server.state.faults.drop_rate(1.0)
        expected = APIConnectionError

    assert (await client.prompts.get("kept")).source == "cache"
    clock.advance(11)  # past the TTL: served stale, refreshed in the background
    stale = await client.prompts.get("kept")
    assert (stale.source, stale.prompt) == ("stale", "v1")
    for _ in range(400):
        if client.prompts.stats().refresh_errors:
            break
        await asyncio.sleep(0.005)
    assert client.prompts.stats().refresh_errors == 1
    assert len(server.log("GET", log_path)) == 2  # the refresh tried max_retries + 1 times

    # during the error cooldown: still served, and the server is left alone
    assert (await client.prompts.get("kept")).source == "stale"
    assert len(server.log("GET", log_path)) == 2
    # nothing cached: the error, or the caller's fallback
    with pytest.raises(expected):
        await client.prompts.get("never-cached")
    fallback = await client.prompts.get("never-cached", fallback="default text")
    assert (fallback.source, fallback.prompt) == ("fallback", "default text")

    # the server comes back with a newer version; after the cooldown it is picked up
    server.state.faults.reset()
    await writer.prompts.publish("kept", "v2", base_version=1)
    clock.advance(6)
    assert (await client.prompts.get("kept")).prompt == "v1"  # stale, refresh started
    for _ in range(400):
        got = await client.prompts.get("kept")
        if got.source == "cache":
            break
        await asyncio.sleep(0.005)
    assert (got.source, got.version, got.prompt) == ("cache", 2, "v2")
    fresh = await client.prompts.get("never-cached")
    assert (fresh.source, fresh.prompt) == ("api", "x")


async def test_an_archived_prompt_is_not_served_stale(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(prompt_cache_ttl=10.0)
    clock = ManualClock()
    client._prompt_cache._clock = clock
    writer = make_client()
    await client.prompts.create("doomed", "v1")
    await writer.prompts.archive("doomed")
    clock.advance(11)
    assert (await client.prompts.get("doomed")).source == "stale"  # refresh learns of the 404
    for _ in range(400):
        if client.prompts.stats().refresh_errors:
            break
        await asyncio.sleep(0.005)
    clock.advance(6)
    with pytest.raises(PromptNotFoundError):
        await client.prompts.get("doomed")
