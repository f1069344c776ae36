"""Concurrency through the facade against the local server over loopback."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from posthog_api import AsyncPostHog, PromptVersionConflict

from .conftest import PROJECT, MakeClient, Server


@pytest.mark.parametrize("publishers", [50, 20])
async def test_concurrent_publishers_on_one_base_version(
    client: AsyncPostHog, server: Server, publishers: int
) -> None:
    await client.prompts.create("race", "v1")
    results = await asyncio.gather(
        *(
            client.prompts.publish("race", f"from publisher {i}", base_version=1)
            for i in range(publishers)
        ),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and won[0].version == 2
    assert len(lost) == publishers - 1
    assert all(isinstance(e, PromptVersionConflict) for e in lost), {type(e) for e in lost}
    assert {e.current_version for e in lost} == {2}  # type: ignore[attr-defined]
    assert {e.base_version for e in lost} == {1}  # type: ignore[attr-defined]
    # exactly one new version exists, and it is the winner's
    assert [v.version async for v in client.prompts.versions("race")] == [2, 1]
    latest = await client.prompts.fetch("race")
    assert latest.prompt == won[0].prompt
    assert len(server.log("PATCH")) == publishers  # every publish sent once, none retried


def _pool(client: AsyncPostHog) -> Any:
    """The httpcore connection pool under the client's real transport."""
    inner = client._transport.inner
    assert isinstance(inner, httpx.AsyncHTTPTransport)
    return inner._pool


async def test_a_thousand_mixed_operations_on_one_client(
    make_client: MakeClient, server: Server
) -> None:
    tasks_before = asyncio.all_tasks()
    client = make_client(max_retries=0, timeout=30.0)
    seeds = [f"seed-{i}" for i in range(20)]
    for name in seeds:
        await client.prompts.create(name, f"text of {name}")
    dataset = await client.datasets.create(name="shared")

    async def operation(i: int) -> tuple[str, Any]:
        kind = i % 6
        if kind == 0:
            return "get", await client.prompts.get(seeds[i % 20])
        if kind == 1:
            return "fetch", await client.prompts.fetch(seeds[i % 20])
        if kind == 2:
            return "list", await client.datasets.list(page_size=10)
        if kind == 3:
            return "create", await client.prompts.create(f"new-{i}", f"made by {i}")
        if kind == 4:
            await client.prompts.create(f"pub-{i}", "v1")
            return "publish", await client.prompts.publish(f"pub-{i}", "v2", base_version=1)
        return "retrieve", await client.datasets.retrieve(dataset.id)

    results = await asyncio.gather(*(operation(i) for i in range(1000)))

    by_kind: dict[str, list[Any]] = {}
    for kind, value in results:
        by_kind.setdefault(kind, []).append(value)
    assert {k: len(v) for k, v in by_kind.items()} == {
        "get": 167,
        "fetch": 167,
        "list": 167,
        "create": 167,
        "publish": 166,
        "retrieve": 166,
    }
    assert all(p.version == 2 and p.prompt == "v2" for p in by_kind["publish"])
    assert all(p.version == 1 for p in by_kind["create"])
    assert all(page.count == 1 for page in by_kind["list"])
    assert all(p.prompt == f"text of {p.name}" for p in by_kind["get"] + by_kind["fetch"])
    live = {row["name"] for row in server.state.prompts if not row["deleted"]}
    assert len(live) == 20 + 167 + 166
    assert all(r.status is not None and r.status < 300 for r in server.log())

    pool = _pool(client)
    connections = list(pool.connections)
    assert connections  # the pool was really used (keep-alive), so the check below can fail
    assert len(connections) <= 100  # the configured max_connections

    await client.aclose()

    assert pool.connections == []
    assert all(c.is_closed() for c in connections)
    await asyncio.sleep(0)  # let anything cancelled finish unwinding
    leftover = {t for t in asyncio.all_tasks() - tasks_before if not t.done()}
    assert leftover == set(), [t.get_name() for t in leftover]


async def test_aclose_stops_background_refreshes_and_pool(
    make_client: MakeClient, server: Server
) -> None:
    """Stale gets start background refreshes; aclose cancels them and empties the pool."""
    tasks_before = asyncio.all_tasks()
    client = make_client(prompt_cache_ttl=0.001)
    names = [f"bg-{i}" for i in range(10)]
    for name in names:
        await client.prompts.create(name, "x")
    server.state.faults.set_latency(0.5)  # the refreshes are still in flight at aclose
    await asyncio.sleep(0.01)
    sources = [(await client.prompts.get(name)).source for name in names]
    assert sources == ["stale"] * 10  # each started one background refresh
    assert client.prompts.stats().refreshes == 10
    await asyncio.sleep(0.05)
    assert len(server.log("GET")) == 10  # the refreshes reached the server
    pool = _pool(client)
    await client.aclose()
    assert pool.connections == []
    leftover = {t for t in asyncio.all_tasks() - tasks_before if not t.done()}
    assert leftover == set(), [t.get_name() for t in leftover]
    server.state.faults.reset()
    assert f"/api/projects/{PROJECT}/llm_prompts/name/bg-0/" in {r.path for r in server.log()}
