"""The server over real HTTP on 127.0.0.1, started with ``run_in_thread``."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import httpx
import pytest
from posthog_api_client.api.llm_prompts import (
    llm_prompts_create,
    llm_prompts_name_partial_update,
    llm_prompts_name_retrieve,
)
from posthog_api_client.models import LLMPromptPublish, LLMPromptRequest

from posthog_api.testing import ServerState, run_in_thread

from .conftest import KEY, PROJECT, ClientFactory

P = PROJECT


@pytest.fixture
def base_url(state: ServerState) -> Iterator[str]:
    with run_in_thread(state) as url:
        yield url


def over_http(make_client: ClientFactory, base_url: str):  # type: ignore[no-untyped-def]
    return make_client(KEY, base_url=base_url, transport=httpx.AsyncHTTPTransport())


async def test_prompt_lifecycle_over_http(
    make_client: ClientFactory, base_url: str, state: ServerState
) -> None:
    client = over_http(make_client, base_url)
    made = await llm_prompts_create.asyncio_detailed(
        project_id=P, client=client, body=LLMPromptRequest(name="wire", prompt="v1")
    )
    assert made.status_code == 201
    published = await llm_prompts_name_partial_update.asyncio_detailed(
        project_id=P,
        prompt_name="wire",
        client=client,
        body=LLMPromptPublish(prompt="v2", base_version=1),
    )
    assert published.status_code == 200 and published.parsed.version == 2
    got = await llm_prompts_name_retrieve.asyncio_detailed(
        project_id=P, prompt_name="wire", client=client
    )
    assert got.parsed.prompt == "v2"
    assert state.request_count() == 3


async def test_concurrent_publishers_over_http(make_client: ClientFactory, base_url: str) -> None:
    client = over_http(make_client, base_url)
    await llm_prompts_create.asyncio_detailed(
        project_id=P, client=client, body=LLMPromptRequest(name="race", prompt="v1")
    )
    results = await asyncio.gather(
        *(
            llm_prompts_name_partial_update.asyncio_detailed(
                project_id=P,
                prompt_name="race",
                client=client,
                body=LLMPromptPublish(prompt=f"w{i}", base_version=1),
            )
            for i in range(20)
        )
    )
    assert sorted(r.status_code for r in results) == [200] + [409] * 19
    assert {json.loads(r.content)["current_version"] for r in results if r.status_code == 409} == {
        2
    }


async def test_dropped_connection_over_http(base_url: str, state: ServerState) -> None:
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {KEY}"}
    ) as raw:
        assert (await raw.get(f"/api/projects/{P}/llm_prompts/")).status_code == 200
        state.faults.drop_next(1)
        with pytest.raises(httpx.RemoteProtocolError):
            await raw.get(f"/api/projects/{P}/llm_prompts/")
        # The server keeps serving afterwards.
        assert (await raw.get(f"/api/projects/{P}/llm_prompts/")).status_code == 200
    assert [r.dropped for r in state.requests] == [False, True, False]


async def test_throttle_and_latency_over_http(base_url: str, state: ServerState) -> None:
    state.faults.throttle_next(1, retry_after=3)
    state.faults.set_latency(0.05)
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {KEY}"}
    ) as raw:
        limited = await raw.get(f"/api/projects/{P}/llm_prompts/")
        assert limited.status_code == 429 and limited.headers["retry-after"] == "3"
        ok = await raw.get(f"/api/projects/{P}/llm_prompts/")
        assert ok.status_code == 200
        # next/previous URLs are built from the address the client used.
        for name in ("a", "b"):
            await raw.post(f"/api/projects/{P}/datasets/", json={"name": name})
        page = (await raw.get(f"/api/projects/{P}/datasets/?limit=1")).json()
        assert page["next"].startswith(f"{base_url}/api/projects/{P}/datasets/?")


def test_run_in_thread_shuts_down_cleanly(state: ServerState) -> None:
    before = threading.active_count()
    with run_in_thread(state) as url:
        response = httpx.get(
            f"{url}/api/projects/{P}/llm_prompts/",
            headers={"Authorization": f"Bearer {KEY}"},
        )
        assert response.status_code == 200
    assert threading.active_count() == before
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/api/projects/{P}/llm_prompts/", timeout=1)
