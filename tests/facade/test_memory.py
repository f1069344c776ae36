"""Responses do not outlive the call that read them.

``asyncio.timeout`` and httpx leave timer handles on the loop until they fall due (the
client's timeout, 30 s by default), each with a copy of the context it was made in. Anything
the call path puts in a context variable lives that long: a response kept there would hold
every page of a long listing in memory at once.
"""

from __future__ import annotations

import gc
import weakref

import httpx

from posthog_api import AsyncPostHog

PAGE = b'{"count": 1, "next": null, "previous": null, "results": []}'
ROW = (
    '{"id": "00000000-0000-0000-0000-000000000001", "name": "d0", "team": 1,'
    ' "created_at": "2024-01-01T00:00:00Z", "updated_at": null, "created_by": null}'
)


async def test_a_response_is_freed_once_its_call_returns() -> None:
    answered: list[weakref.ref[httpx.Response]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        response = httpx.Response(200, content=PAGE, headers={"content-type": "application/json"})
        answered.append(weakref.ref(response))
        return response

    async with AsyncPostHog(
        api_key="phx_memory_test_key", project_id="1", transport=httpx.MockTransport(handler)
    ) as posthog:
        for _ in range(3):
            page = await posthog.datasets.list()
            assert page.results == []
        gc.collect()
        alive = [ref for ref in answered if ref() is not None]
        assert len(answered) == 3
        assert alive == [], f"{len(alive)} of 3 responses still referenced after their call"


async def test_pages_followed_by_next_url_are_freed_as_paging_goes_on() -> None:
    answered: list[weakref.ref[httpx.Response]] = []
    host = "https://memory.posthog.example"

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        more = f'"{host}/api/projects/1/datasets/?page={page + 1}"' if page < 4 else "null"
        # One row a page: an empty page ends the list whatever its next link says.
        body = f'{{"count": null, "next": {more}, "previous": null, "results": [{ROW}]}}'
        response = httpx.Response(
            200, content=body.encode(), headers={"content-type": "application/json"}
        )
        answered.append(weakref.ref(response))
        return response

    async with AsyncPostHog(
        api_key="phx_memory_test_key",
        project_id="1",
        host=host,
        transport=httpx.MockTransport(handler),
    ) as posthog:
        pages = [page async for page in posthog.datasets.list().pages()]
        assert len(pages) == 5
        gc.collect()
        alive = [ref for ref in answered if ref() is not None]
        assert alive == [], f"{len(alive)} of {len(answered)} responses still referenced"
