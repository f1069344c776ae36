"""Per-request options, the ``headers`` option, ``with_options`` and ``APIStatusError.response``,
over loopback against the local server."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from posthog_api import (
    APITimeoutError,
    AsyncPostHog,
    ConfigurationError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    ScopeError,
)
from posthog_api.testing import seed_demo

from .conftest import KEY, PROJECT, MakeClient, Server, clock_of

DATASETS = f"/api/projects/{PROJECT}/datasets/"
MISSING = "00000000-0000-0000-0000-000000000009"


@pytest.fixture
async def seen() -> AsyncIterator[tuple[httpx.AsyncClient, list[httpx.Request]]]:
    """A user's httpx client over loopback that records the requests it sends."""
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    async with httpx.AsyncClient(event_hooks={"request": [record]}) as http:
        yield http, sent


async def test_max_retries_per_call_overrides_the_clients(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(max_retries=2)
    server.state.faults.fail_next(1, status=503)
    with pytest.raises(InternalServerError):
        await client.datasets.list(max_retries=0)
    assert len(server.log("GET", DATASETS)) == 1  # one attempt, no retry

    server.state.faults.fail_next(1, status=503)
    page = await client.datasets.list()  # the client's 2 retries: the second attempt works
    assert page.results == [] and len(server.log("GET", DATASETS)) == 3
    assert len(clock_of(client).sleeps) == 1


async def test_timeout_per_call_overrides_the_clients(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(timeout=10.0, max_retries=0)
    server.state.faults.set_latency(0.3)
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        await client.datasets.retrieve(MISSING, timeout=0.05)
    assert time.monotonic() - started < 0.25
    assert "posthog.datasets.retrieve timed out" in str(caught.value)
    with pytest.raises(NotFoundError):  # the client's own 10 s: the slow answer arrives
        await client.datasets.retrieve(MISSING)


async def test_extra_headers_and_extra_query_are_sent_with_that_call_only(
    make_client: MakeClient, server: Server, seen: tuple[httpx.AsyncClient, list[httpx.Request]]
) -> None:
    http, sent = seen
    client = make_client(http_client=http, headers={"X-Team": "search"})
    await client.datasets.list(extra_headers={"X-Trace": "t-1"}, extra_query={"flag": True})
    await client.datasets.list()
    first, second = sent
    assert first.headers["x-trace"] == "t-1" and "x-trace" not in second.headers
    assert first.headers["x-team"] == second.headers["x-team"] == "search"
    assert first.url.params["flag"] == "true" and "flag" not in second.url.params
    assert [r.query for r in server.log("GET", DATASETS)] == ["flag=true", ""]


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("extra_headers", {"Authorization": "Bearer other"}, "api_key"),
        ("extra_headers", {"X-A": "s3cr3t\r\nX-B: 1"}, "X-A"),
        ("extra_headers", ["X-A"], "dict"),
        ("extra_query", {"a": object()}, "extra_query['a']"),
        ("timeout", 0, "timeout"),
        ("max_retries", -1, "max_retries"),
    ],
)
async def test_bad_request_options_are_refused_before_sending(
    client: AsyncPostHog, server: Server, option: str, value: Any, named: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.datasets.retrieve(MISSING, **{option: value})
    assert named in str(caught.value)
    assert "s3cr3t" not in str(caught.value)  # a header's value is never echoed
    assert server.log() == []


def test_the_headers_option_cannot_replace_the_key() -> None:
    with pytest.raises(ConfigurationError, match="api_key"):
        AsyncPostHog(api_key=KEY, project_id=PROJECT, headers={"authorization": "Bearer x"})


async def test_api_status_error_holds_the_response(client: AsyncPostHog) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.datasets.retrieve(MISSING)
    error = caught.value
    assert isinstance(error.response, httpx.Response)
    assert error.response.status_code == 404 == error.status_code
    assert error.response.json() == error.body
    assert error.operation == "datasets_retrieve"
    assert str(error).startswith(f"posthog.datasets.retrieve (GET {DATASETS}{MISSING}/)")


async def test_with_options_takes_every_constructor_option(
    make_client: MakeClient, server: Server
) -> None:
    seed_demo(server.state)
    client = make_client()
    copy = client.with_options(
        api_key=KEY,
        project_id=PROJECT,
        host=server.url,
        scopes=["dataset:read"],
        timeout=5.0,
        max_retries=1,
        headers={"X-A": "b"},
        prompt_cache_ttl=1.0,
        prompt_cache_size=8,
        prompt_cache_max_stale=2.0,
        prompt_cache_error_cooldown=0.5,
        prompt_cache_pinned_ttl=3.0,
    )
    assert (copy.timeout, copy.max_retries, copy.scopes) == (5.0, 1, frozenset({"dataset:read"}))
    assert copy._prompt_cache.ttl == 1.0 and copy._prompt_cache is not client._prompt_cache
    assert len(await copy.datasets.list().collect()) > 0
    with pytest.raises(ScopeError):  # the copy's scopes: refused before sending
        await copy.prompts.fetch("support-bot")
    assert server.log("GET", f"/api/projects/{PROJECT}/llm_prompts/name/support-bot/") == []
    await copy.aclose()


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"timeout": -1}, "timeout"),
        ({"max_retries": "3"}, "max_retries"),
        ({"host": "ftp://x"}, "host"),
        ({"project_id": "../2"}, "project_id"),
        ({"prompt_cache_ttl": float("nan")}, "prompt_cache_ttl"),
        ({"api_key": "phx bad key"}, "API key"),
        ({"http_client": None}, "http_client"),
        ({"nope": 1}, "nope"),
    ],
)
def test_with_options_checks_like_the_constructor(
    client: AsyncPostHog, options: dict[str, Any], named: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        client.with_options(**options)
    assert named in str(caught.value)
    assert "bad key" not in str(caught.value)


async def test_a_copy_on_the_same_host_shares_the_pool_and_the_cache(
    make_client: MakeClient, server: Server
) -> None:
    seed_demo(server.state)
    client = make_client()
    copy = client.with_options(timeout=5.0)
    assert copy._prompt_cache is client._prompt_cache
    await client.prompts.get("support-bot")
    await copy.prompts.get("support-bot")  # served from the shared cache
    name_path = f"/api/projects/{PROJECT}/llm_prompts/name/support-bot/"
    assert len(server.log("GET", name_path)) == 1
    await copy.aclose()
    assert (await client.datasets.list()).count  # closing the copy left the pool open
    await client.aclose()
    with pytest.raises(ConfigurationError, match="closed"):
        await copy.datasets.list()


async def test_a_copy_for_another_project_has_its_own_cache(
    make_client: MakeClient, server: Server
) -> None:
    seed_demo(server.state)
    client = make_client()
    await client.prompts.get("support-bot")
    other = client.with_options(project_id="2")
    assert other._prompt_cache is not client._prompt_cache
    with pytest.raises(NotFoundError):  # project 2 is not on this server: asked, not cached
        await other.prompts.get("support-bot")
    await other.aclose()
    assert (await client.prompts.get("support-bot")).source == "cache"


async def test_a_copy_on_another_host_has_its_own_pool(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client()
    other = client.with_options(host=server.url.replace("127.0.0.1", "localhost"))
    assert other._transport.inner is not client._transport.inner
    assert (await other.datasets.list()).results == []
    await other.aclose()  # closes its own pool only
    assert (await client.datasets.list()).results == []
