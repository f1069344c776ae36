"""Shared pieces: canned responses, in-process transports and the clients under test.

Nothing here touches the network except through ``127.0.0.1``; the in-process
transports are ``httpx.MockTransport`` handlers answering from memory.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from posthog_api import AsyncPostHog
from posthog_api._transport import RetryTransport

KEY = "phx_bench_local_key"
PROJECT = "1"
HOST = "http://bench.invalid"  # never resolved: every request is answered in process
PROMPT_NAME = "support-bot"
PROMPT_VERSION = 3
PROMPT_PATH = f"/api/projects/{PROJECT}/llm_prompts/name/{PROMPT_NAME}/"
ITEMS_PATH = f"/api/projects/{PROJECT}/dataset_items/"
DATASET_ID = "5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"

# The headers the facade sends, given to the bare clients too so the bytes on the wire match.
HEADERS = {
    "Authorization": f"Bearer {KEY}",
    "User-Agent": "posthog-api-bench",
    "Accept": "application/json",
}

PROMPT_JSON: dict[str, Any] = {
    "id": "0b9a1c3e-6f6e-4d0a-9a0e-2f1b7c6d5e4f",
    "name": PROMPT_NAME,
    "prompt": "You are a friendly support assistant for {{company}}. Answer in {{language}}.",
    "version": PROMPT_VERSION,
    "created_at": "2025-01-02T03:04:05.678901Z",
    "updated_at": "2025-01-02T03:04:05.678901Z",
    "deleted": False,
    "is_latest": True,
    "latest_version": PROMPT_VERSION,
    "version_count": PROMPT_VERSION,
    "first_version_created_at": "2024-12-01T00:00:00Z",
}
PROMPT_BODY = json.dumps(PROMPT_JSON).encode()
_JSON_HEADERS = [(b"content-type", b"application/json")]


def canned_transport(body: bytes = PROMPT_BODY) -> httpx.MockTransport:
    """The cheapest server there is: every request gets the same 200 JSON body."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=_JSON_HEADERS, content=body)

    return httpx.MockTransport(handler)


class CountingSlowTransport(httpx.MockTransport):
    """The canned body after ``delay`` seconds (an asyncio sleep), counting requests."""

    def __init__(self, delay: float, body: bytes = PROMPT_BODY) -> None:
        self.requests = 0
        self.delay = delay

        async def handler(request: httpx.Request) -> httpx.Response:
            self.requests += 1
            await asyncio.sleep(self.delay)
            return httpx.Response(200, headers=_JSON_HEADERS, content=body)

        super().__init__(handler)


def item_json(index: int) -> dict[str, Any]:
    """Dataset item number ``index`` as the API serves it (deterministic)."""
    return {
        "id": f"00000000-0000-4000-8000-{index:012d}",
        "dataset": DATASET_ID,
        "input": {"question": f"question number {index:07d}?"},
        "output": {"answer": f"answer number {index:07d}."},
        "metadata": {"index": f"{index:07d}"},
        "ref_trace_id": None,
        "ref_timestamp": None,
        "ref_source_id": None,
        "deleted": False,
        "created_at": "2025-01-02T03:04:05.678901Z",
        "updated_at": "2025-01-02T03:04:05.678901Z",
        "created_by": None,
        "team": 1,
    }


def synthetic_items_transport(total: int) -> httpx.MockTransport:
    """Pages of ``total`` dataset items, built on the fly from ``limit``/``offset``."""

    def handler(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        limit = int(params.get("limit", "100"))
        offset = int(params.get("offset", "0"))
        end = min(offset + limit, total)
        page = {
            "count": total,
            "next": f"{HOST}{ITEMS_PATH}?limit={limit}&offset={end}" if end < total else None,
            "previous": None,
            "results": [item_json(i) for i in range(offset, end)],
        }
        return httpx.Response(200, headers=_JSON_HEADERS, content=json.dumps(page).encode())

    return httpx.MockTransport(handler)


def facade_over_pool(transport: httpx.AsyncBaseTransport, **options: Any) -> AsyncPostHog:
    """An ``AsyncPostHog`` with its default stack, the connection pool replaced by ``transport``.

    ``transport=`` is the SDK's seam for exactly this: the stack stays
    ``httpx.AsyncClient -> RetryTransport -> (transport)``, which is what a user who does
    not pass ``http_client=`` runs, minus sockets.
    """
    client = AsyncPostHog(
        api_key=KEY, project_id=PROJECT, host=HOST, transport=transport, **options
    )
    assert isinstance(client._transport, RetryTransport), type(client._transport)
    assert client._transport.inner is transport
    return client


def facade_over_http_client(transport: httpx.AsyncBaseTransport, **options: Any) -> AsyncPostHog:
    """An ``AsyncPostHog`` given ``http_client=httpx.AsyncClient(transport=transport)``."""
    return AsyncPostHog(
        api_key=KEY,
        project_id=PROJECT,
        host=HOST,
        http_client=httpx.AsyncClient(transport=transport),
        **options,
    )


def bare_client(transport: httpx.AsyncBaseTransport, base_url: str = HOST) -> httpx.AsyncClient:
    """A plain ``httpx.AsyncClient`` with the facade's headers over ``transport``."""
    return httpx.AsyncClient(base_url=base_url, headers=HEADERS, transport=transport)


def timed_loop(call: Callable[[], Any]) -> Callable[[int], Any]:
    """``n`` sequential ``await call()`` timed with perf_counter (an ``interleave`` contender)."""

    async def run(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            await call()
        return time.perf_counter() - started

    return run
