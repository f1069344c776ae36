"""Pagination: next links, limits, same-origin only, concurrency by offset, early exits."""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import Any

import httpx
import pytest

from posthog_api._errors import APIError, NotFoundError, ResponseValidationError
from posthog_api._pagination import Page

from .conftest import HOST, PROJECT_ID, MakeClient

PATH = f"/api/projects/{PROJECT_ID}/datasets/"


def row(i: int) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=i + 1)),
        "name": f"d{i}",
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": None,
        "created_by": None,
        "team": 1,
    }


class Server:
    """A dataset list of ``total`` rows served by limit/offset with absolute next links."""

    def __init__(self, total: int, default_limit: int = 100, next_base: str = HOST) -> None:
        self.total = total
        self.default_limit = default_limit
        self.next_base = next_base

    def page(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        limit = int(params.get("limit", self.default_limit))
        offset = int(params.get("offset", "0"))
        end = min(offset + limit, self.total)
        nxt = f"{self.next_base}{PATH}?limit={limit}&offset={end}" if end < self.total else None
        prev = f"{HOST}{PATH}?limit={limit}&offset={max(0, offset - limit)}" if offset else None
        return httpx.Response(
            200,
            json={
                "count": self.total,
                "next": nxt,
                "previous": prev,
                "results": [row(i) for i in range(offset, end)],
            },
        )


async def test_async_for_follows_next_across_pages(make_client: MakeClient) -> None:
    h = make_client(Server(total=7, default_limit=2).page)
    names = [d.name async for d in h.client.datasets.list()]
    assert names == [f"d{i}" for i in range(7)]
    assert len(h.requests) == 4
    # Pages after the first are the server's own next URLs, fetched as given.
    assert [r.url.params.get("offset") for r in h.requests] == [None, "2", "4", "6"]
    assert all(r.headers["authorization"].startswith("Bearer ") for r in h.requests)


async def test_await_gives_only_the_first_page(make_client: MakeClient) -> None:
    h = make_client(Server(total=7, default_limit=3).page)
    page = await h.client.datasets.list()
    assert isinstance(page, Page)
    assert [d.name for d in page.results] == ["d0", "d1", "d2"]
    assert page.count == 7
    assert page.has_next_page()
    assert len(h.requests) == 1


async def test_pages_yields_each_page(make_client: MakeClient) -> None:
    h = make_client(Server(total=5).page)
    pages = [p async for p in h.client.datasets.list(page_size=2).pages()]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [p.has_next_page() for p in pages] == [True, True, False]
    assert pages[1].previous is not None


async def test_empty_list(make_client: MakeClient) -> None:
    h = make_client(Server(total=0).page)
    assert [d async for d in h.client.datasets.list()] == []
    pages = [p async for p in h.client.datasets.list().pages()]
    assert len(pages) == 1 and pages[0].results == [] and pages[0].count == 0
    assert await h.client.datasets.list().collect() == []
    assert len(h.requests) == 3


async def test_page_size_is_sent_as_limit(make_client: MakeClient) -> None:
    h = make_client(Server(total=3).page)
    await h.client.datasets.list(page_size=40)
    assert h.requests[0].url.params["limit"] == "40"


@pytest.mark.parametrize("page_size", [0, -1, 1.5, True, "10"])
async def test_bad_page_size_is_refused(make_client: MakeClient, page_size: Any) -> None:
    h = make_client(Server(total=3).page)
    with pytest.raises(ValueError, match="page_size"):
        h.client.datasets.list(page_size=page_size)
    assert h.requests == []


async def test_collect_stops_at_max_items(make_client: MakeClient) -> None:
    h = make_client(Server(total=50).page)
    got = await h.client.datasets.list(page_size=2).collect(max_items=3)
    assert [d.name for d in got] == ["d0", "d1", "d2"]
    assert len(h.requests) == 2  # no page fetched beyond the one that filled it
    assert await h.client.datasets.list().collect(max_items=0) == []
    assert len(h.requests) == 2


async def test_collect_everything(make_client: MakeClient) -> None:
    h = make_client(Server(total=9).page)
    got = await h.client.datasets.list(page_size=4).collect()
    assert [d.name for d in got] == [f"d{i}" for i in range(9)]


@pytest.mark.parametrize(
    "other_origin",
    [
        "https://attacker.example",
        "http://eu.posthog.example",
        "https://eu.posthog.example:8443",
        "https://eu.posthog.example.attacker.example",
    ],
)
async def test_cross_origin_next_is_refused(make_client: MakeClient, other_origin: str) -> None:
    h = make_client(Server(total=6, default_limit=2, next_base=other_origin).page)
    seen: list[str] = []
    with pytest.raises(APIError) as info:
        async for d in h.client.datasets.list():
            seen.append(d.name)
    assert seen == ["d0", "d1"]
    assert str(info.value).startswith("posthog.datasets.list: ")
    assert len(h.requests) == 1
    for request in h.requests:  # the key never went anywhere else
        assert f"{request.url.scheme}://{request.url.netloc.decode()}" == HOST


async def test_same_origin_with_explicit_default_port_is_followed(make_client: MakeClient) -> None:
    h = make_client(Server(total=4, default_limit=2, next_base=HOST + ":443").page)
    assert len(await h.client.datasets.list().collect()) == 4
    assert len(h.requests) == 2


async def test_errors_on_a_later_page_are_typed(make_client: MakeClient) -> None:
    server = Server(total=6, default_limit=2)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset") == "4":
            return httpx.Response(404, json={"detail": "Gone."})
        return server.page(request)

    h = make_client(handler)
    with pytest.raises(NotFoundError) as info:
        await h.client.datasets.list().collect()
    assert info.value.operation == "datasets_list"


class ShuffledServer(Server):
    """Answers concurrent requests out of order by yielding a random number of times."""

    def __init__(self, total: int, seed: int) -> None:
        super().__init__(total)
        self.random = random.Random(seed)
        self.in_flight = 0
        self.max_in_flight = 0
        self.finished: list[int] = []

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            for _ in range(self.random.randrange(0, 30)):
                await asyncio.sleep(0)  # a yield to the loop, not a wait
            self.finished.append(int(request.url.params.get("offset", "0")))
            return self.page(request)
        finally:
            self.in_flight -= 1


@pytest.mark.parametrize("seed", range(5))
async def test_concurrency_keeps_order_and_completeness(make_client: MakeClient, seed: int) -> None:
    server = ShuffledServer(total=53, seed=seed)
    h = make_client(server.handle)
    names = [d.name async for d in h.client.datasets.list(page_size=5, concurrency=4)]
    assert names == [f"d{i}" for i in range(53)]
    offsets = sorted(int(r.url.params.get("offset", "0")) for r in h.requests)
    assert offsets == list(range(0, 53, 5))  # every page exactly once
    assert 2 <= server.max_in_flight <= 4
    assert server.finished != sorted(server.finished)  # they really did finish out of order


async def test_breaking_out_early_leaves_no_pending_tasks(make_client: MakeClient) -> None:
    server = ShuffledServer(total=100, seed=1)
    h = make_client(server.handle)
    before = asyncio.all_tasks()
    async for d in h.client.datasets.list(page_size=5, concurrency=4):
        if d.name == "d7":
            break
    for _ in range(5):
        await asyncio.sleep(0)
    assert asyncio.all_tasks() - before == set()
    assert len(h.requests) <= 1 + 4 + 1


async def test_closing_the_page_iterator_cancels_in_flight_pages(make_client: MakeClient) -> None:
    server = ShuffledServer(total=100, seed=2)
    h = make_client(server.handle)
    before = asyncio.all_tasks()
    pages = h.client.datasets.list(page_size=5, concurrency=4).pages()
    assert len((await anext(pages)).results) == 5
    assert len((await anext(pages)).results) == 5
    await pages.aclose()
    assert asyncio.all_tasks() - before == set()
    assert server.in_flight == 0


async def test_collect_with_max_items_cancels_the_rest_before_returning(
    make_client: MakeClient,
) -> None:
    server = ShuffledServer(total=100, seed=3)
    h = make_client(server.handle)
    before = asyncio.all_tasks()
    got = await h.client.datasets.list(page_size=5, concurrency=4).collect(max_items=7)
    assert [d.name for d in got] == [f"d{i}" for i in range(7)]
    assert asyncio.all_tasks() - before == set()  # no yield to the loop needed
    assert server.in_flight == 0


async def test_a_malformed_later_page_is_a_response_validation_error(
    make_client: MakeClient,
) -> None:
    server = Server(total=6, default_limit=2)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset") == "2":
            return httpx.Response(200, json={"count": 6, "next": None, "results": "oops"})
        return server.page(request)

    h = make_client(handler)
    with pytest.raises(ResponseValidationError) as info:
        await h.client.datasets.list().collect()
    assert str(info.value).startswith("posthog.datasets.list: ")
    assert info.value.operation == "datasets_list"
    assert len(h.requests) == 2


async def test_a_next_url_repeated_by_the_server_stops_paging_with_an_error() -> None:
    from posthog_api import APIError, AsyncPostHog

    host = "https://us.posthog.com"
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(
            200,
            json={
                "count": 10**6,
                "next": f"{host}/api/projects/1/datasets/?limit=1&offset=1",
                "previous": None,
                "results": [row(0)],
            },
        )

    client = AsyncPostHog(
        api_key="phx_loop_test", project_id="1", transport=httpx.MockTransport(handler)
    )
    async with client:
        with pytest.raises(APIError, match="twice"):
            await client.datasets.list().collect()
    assert len(seen) == 2  # the first page, then the next URL once


# -- concurrency against servers that do not page the way they were asked -----------------


class CappingServer(Server):
    """Serves at most ``cap`` rows a page whatever ``limit`` asks (its links say the cap),
    and reports ``count`` as ``reported`` (a lie, when given) while its next links tell the
    truth; with ``links_from_count`` they are computed from the reported count instead, as
    DRF does, so a count that is too high leaves next links to empty pages past the end.
    With ``growing`` the reported count grows with the offset asked for, so those links
    never end. It answers 400 after 200 requests, so that a client paging without end
    fails fast."""

    def __init__(
        self,
        total: int,
        cap: int = 10**9,
        reported: int | None = None,
        links_from_count: bool = False,
        growing: bool = False,
    ) -> None:
        super().__init__(total)
        self.cap = cap
        self.reported = total if reported is None else reported
        self.links_from_count = links_from_count
        self.growing = growing
        self.offsets: list[int] = []

    def page(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        limit = min(int(params.get("limit", self.default_limit)), self.cap)
        offset = int(params.get("offset", "0"))
        self.offsets.append(offset)
        if len(self.offsets) > 200:  # a client that pages without end fails, not hangs
            return httpx.Response(400, json={"detail": "Request budget of this test exceeded."})
        end = min(offset + limit, self.total)
        reported = self.reported + offset if self.growing else self.reported
        more = offset + limit < (reported if self.links_from_count else self.total)
        nxt = f"{HOST}{PATH}?limit={limit}&offset={offset + limit}" if more else None
        return httpx.Response(
            200,
            json={
                "count": reported,
                "next": nxt,
                "previous": None,
                "results": [row(i) for i in range(offset, end)],
            },
        )


async def _names(make_client: MakeClient, server: CappingServer, **kwargs: Any) -> list[str]:
    h = make_client(server.page)
    return [d.name async for d in h.client.datasets.list(**kwargs)]


@pytest.mark.parametrize("concurrency", [2, 4, 8])
async def test_a_server_capping_the_page_size_loses_no_item(
    make_client: MakeClient, concurrency: int
) -> None:
    server = CappingServer(total=1000, cap=100)
    names = await _names(make_client, server, page_size=250, concurrency=concurrency)
    assert names == [f"d{i}" for i in range(1000)]
    assert sorted(server.offsets) == list(range(0, 1000, 100))  # each page exactly once


@pytest.mark.parametrize("concurrency", [2, 4])
@pytest.mark.parametrize("reported", [0, 3, 12, 21, 22, 23, 40, 10**9])
@pytest.mark.parametrize("links_from_count", [False, True])
async def test_concurrent_paging_yields_what_sequential_paging_yields_whatever_the_count(
    make_client: MakeClient, concurrency: int, reported: int, links_from_count: bool
) -> None:
    def server() -> CappingServer:
        return CappingServer(total=22, cap=4, reported=reported, links_from_count=links_from_count)

    # Truthful links: all 22 rows. Links computed from the count: the pages it covers.
    expected = 22 if not links_from_count else min(22, max(4, -(-reported // 4) * 4))
    sequential = await _names(make_client, server(), page_size=6)
    assert sequential == [f"d{i}" for i in range(expected)]
    concurrent_server = server()
    concurrent = await _names(make_client, concurrent_server, page_size=6, concurrency=concurrency)
    assert concurrent == [f"d{i}" for i in range(expected)]
    # Never a page twice, never more than `concurrency` requests beyond the last real page.
    assert len(set(concurrent_server.offsets)) == len(concurrent_server.offsets)
    assert len(concurrent_server.offsets) <= 6 + concurrency


@pytest.mark.parametrize(("reported", "growing"), [(10**12, False), (22, True)])
async def test_an_empty_page_ends_sequential_paging_as_it_ends_concurrent_paging(
    make_client: MakeClient, reported: int, growing: bool
) -> None:
    # A count far too high, or one growing each page: DRF-style next links to empty pages
    # without end, each at a new offset (so no next URL repeats). Plain paging (the
    # default, used by `prompts pull`) must stop at the first empty page, as concurrent
    # paging does, with the same items.
    def server() -> CappingServer:
        return CappingServer(
            total=22, cap=4, reported=reported, links_from_count=True, growing=growing
        )

    sequential_server = server()
    sequential = await _names(make_client, sequential_server, page_size=6)
    assert sequential == [f"d{i}" for i in range(22)]
    assert sequential_server.offsets == list(range(0, 28, 4))  # 6 pages, then 1 empty one
    for concurrency in (2, 4):
        assert await _names(make_client, server(), page_size=6, concurrency=concurrency) == (
            sequential
        )


@pytest.mark.parametrize("concurrency", [1, 4])
async def test_an_empty_first_page_ends_the_list_even_with_a_next_link(
    make_client: MakeClient, concurrency: int
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if len(h.requests) > 20:  # a client that pages without end fails, not hangs
            return httpx.Response(400, json={"detail": "Request budget of this test exceeded."})
        offset = int(request.url.params.get("offset", "0"))
        nxt = f"{HOST}{PATH}?limit=5&offset={offset + 5}"
        return httpx.Response(200, json={"count": 10**12, "next": nxt, "results": []})

    h = make_client(handler)
    pages = [len(p) async for p in h.client.datasets.list(concurrency=concurrency).pages()]
    assert pages == [0]
    assert len(h.requests) == 1


async def test_a_short_page_in_the_middle_hands_over_to_next_links(make_client: MakeClient) -> None:
    server = CappingServer(total=30, cap=5)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset") == "10":  # 3 rows instead of 5, then offset 13
            return httpx.Response(
                200,
                json={
                    "count": 30,
                    "next": f"{HOST}{PATH}?limit=5&offset=13",
                    "previous": None,
                    "results": [row(i) for i in range(10, 13)],
                },
            )
        return server.page(request)

    h = make_client(handler)
    names = [d.name async for d in h.client.datasets.list(page_size=5, concurrency=4)]
    assert names == [f"d{i}" for i in range(30)]


async def test_concurrency_without_page_size_uses_the_servers_page_size(
    make_client: MakeClient,
) -> None:
    server = CappingServer(total=23, cap=5)
    names = await _names(make_client, server, concurrency=3)
    assert names == [f"d{i}" for i in range(23)]
    assert sorted(server.offsets) == [0, 5, 10, 15, 20]


@pytest.mark.parametrize("seed", range(3))
async def test_concurrency_two_keeps_two_in_flight_and_the_order(
    make_client: MakeClient, seed: int
) -> None:
    server = ShuffledServer(total=31, seed=seed)
    h = make_client(server.handle)
    names = [d.name async for d in h.client.datasets.list(page_size=3, concurrency=2)]
    assert names == [f"d{i}" for i in range(31)]
    assert server.max_in_flight == 2
    assert sorted(server.finished) == list(range(0, 31, 3))


async def test_pages_without_count_are_followed_one_at_a_time(make_client: MakeClient) -> None:
    server = ShuffledServer(total=17, seed=4)

    async def handler(request: httpx.Request) -> httpx.Response:
        response = await server.handle(request)
        body = response.json()
        body["count"] = None  # the field is required by the spec, but may be null
        return httpx.Response(200, json=body)

    h = make_client(handler)
    names = [d.name async for d in h.client.datasets.list(page_size=5, concurrency=4)]
    assert names == [f"d{i}" for i in range(17)]
    assert server.max_in_flight == 1
    assert server.finished == [0, 5, 10, 15]


async def test_next_links_without_offset_are_followed_one_at_a_time(
    make_client: MakeClient,
) -> None:
    server = ShuffledServer(total=12, seed=5)

    async def handler(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        if cursor is not None:  # an opaque cursor standing for an offset
            request = httpx.Request(
                "GET", request.url.copy_with(params={"offset": cursor, "limit": 5})
            )
        body = (await server.handle(request)).json()
        if body["next"] is not None:
            body["next"] = f"{HOST}{PATH}?cursor={httpx.URL(body['next']).params['offset']}"
        return httpx.Response(200, json=body)

    h = make_client(handler)
    names = [d.name async for d in h.client.datasets.list(page_size=5, concurrency=4)]
    assert names == [f"d{i}" for i in range(12)]
    assert server.max_in_flight == 1
    assert [r.url.params.get("cursor") for r in h.requests] == [None, "5", "10"]


async def test_a_cross_origin_next_is_refused_with_concurrency_too(make_client: MakeClient) -> None:
    h = make_client(Server(total=6, default_limit=2, next_base="https://attacker.example").page)
    seen: list[str] = []
    with pytest.raises(APIError, match=r"attacker\.example"):
        async for d in h.client.datasets.list(concurrency=4):
            seen.append(d.name)
    assert seen == ["d0", "d1"]
    assert len(h.requests) == 1


@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize(("page_size", "max_items"), [(1, 1), (5, 5), (5, 1)])
async def test_collect_max_items_filled_by_the_first_page_fetches_nothing_more(
    make_client: MakeClient, concurrency: int, page_size: int, max_items: int
) -> None:
    h = make_client(Server(total=50).page)
    got = await h.client.datasets.list(page_size=page_size, concurrency=concurrency).collect(
        max_items=max_items
    )
    assert [d.name for d in got] == [f"d{i}" for i in range(max_items)]
    assert len(h.requests) == 1


@pytest.mark.parametrize("concurrency", [1, 4])
async def test_collect_max_items_at_the_second_page_boundary(
    make_client: MakeClient, concurrency: int
) -> None:
    h = make_client(Server(total=50).page)
    got = await h.client.datasets.list(page_size=5, concurrency=concurrency).collect(max_items=6)
    assert [d.name for d in got] == [f"d{i}" for i in range(6)]
    assert len(h.requests) <= 1 + concurrency


async def test_leaving_async_for_early_cancels_the_requests_in_flight(
    make_client: MakeClient,
) -> None:
    server = Server(total=100, default_limit=5)
    started: list[str] = []
    cancelled: list[str] = []
    never = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        offset = request.url.params.get("offset", "0")
        if offset not in ("0", "5"):  # the pages after the second hang until cancelled
            started.append(offset)
            try:
                await never.wait()
            except asyncio.CancelledError:
                cancelled.append(offset)
                raise
        return server.page(request)

    h = make_client(handler)
    async for d in h.client.datasets.list(page_size=5, concurrency=4):
        if d.name == "d6":  # on the second page, with the next four in flight
            for _ in range(100):
                if len(started) == 4:
                    break
                await asyncio.sleep(0)
            break
    # `async for` does not close what it leaves: the event loop finalizes the generator on
    # its next turns, which must cancel the requests still waiting (not let them run on).
    for _ in range(20):
        if len(cancelled) == 4:
            break
        await asyncio.sleep(0)
    assert sorted(cancelled) == sorted(started) == ["10", "15", "20", "25"]


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1",
        "https://[::1/api?token=SECRET_IN_QUERY",
        "http://xn--a.com/api/?token=SECRET_IN_QUERY",
        "https://eu.posthog.example/\x00?token=SECRET_IN_QUERY",
        "https://eu.posthog.example/" + "x" * 70_000 + "?token=SECRET_IN_QUERY",
        "//[::1/?token=SECRET_IN_QUERY",
    ],
)
@pytest.mark.parametrize("concurrency", [1, 4])
async def test_an_unparseable_next_url_is_an_api_error_without_its_query(
    make_client: MakeClient, url: str, concurrency: int
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"count": 9, "next": url, "previous": None, "results": [row(0)]}
        )

    h = make_client(handler)
    seen: list[str] = []
    with pytest.raises(APIError) as info:
        async for d in h.client.datasets.list(concurrency=concurrency):
            seen.append(d.name)
    message = str(info.value)
    assert seen == ["d0"]
    assert message.startswith("posthog.datasets.list: ") and "paging stopped" in message
    assert "SECRET_IN_QUERY" not in message and len(message) < 400
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert len(h.requests) == 1


async def test_an_overlong_next_host_is_named_briefly(make_client: MakeClient) -> None:
    url = "https://" + "a" * 10_000 + ".example/?token=SECRET_IN_QUERY"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"count": 9, "next": url, "results": [row(0)]})

    h = make_client(handler)
    with pytest.raises(APIError) as info:
        await h.client.datasets.list().collect()
    message = str(info.value)
    assert "https://aaaa" in message and "SECRET_IN_QUERY" not in message
    assert len(message) < 400


async def test_a_repeated_next_url_is_named_by_its_origin_only(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        nxt = f"{HOST}{PATH}?limit=1&offset=1&token=SECRET_IN_QUERY"
        return httpx.Response(200, json={"count": 9, "next": nxt, "results": [row(0)]})

    h = make_client(handler)
    with pytest.raises(APIError, match="twice") as info:
        await h.client.datasets.list().collect()
    assert HOST in str(info.value) and "SECRET_IN_QUERY" not in str(info.value)
    assert len(h.requests) == 2


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)//?token=SECRET_IN_QUERY",
        "file:///etc/passwd?token=SECRET_IN_QUERY",
        "JavaScript:alert(1)",
        "mailto:ops@example.com?body=SECRET_IN_QUERY",
        "wss://eu.posthog.example/api/?token=SECRET_IN_QUERY",
    ],
)
@pytest.mark.parametrize("concurrency", [1, 4])
async def test_a_next_url_that_is_not_http_names_its_scheme_and_stops_paging(
    make_client: MakeClient, url: str, concurrency: int
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"count": 9, "next": url, "results": [row(0)]})

    h = make_client(handler)
    seen: list[str] = []
    with pytest.raises(APIError) as info:
        async for d in h.client.datasets.list(concurrency=concurrency):
            seen.append(d.name)
    message = str(info.value)
    scheme = url.partition(":")[0].lower()
    assert f"scheme {scheme}:" in message and "not http(s)" in message
    assert "Paging stopped" in message and "relative" not in message
    assert "SECRET_IN_QUERY" not in message and "alert" not in message
    assert seen == ["d0"] and len(h.requests) == 1


@pytest.mark.parametrize("results", [{}, ""])
async def test_a_next_page_whose_results_are_not_a_list_is_a_response_validation_error(
    make_client: MakeClient, results: Any
) -> None:
    # The generated parser loops over `results`: {} and "" would read as an empty page.
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset"):
            return httpx.Response(200, json={"count": 2, "next": None, "results": results})
        nxt = f"{HOST}{PATH}?limit=1&offset=1&token=SECRET_IN_QUERY"
        return httpx.Response(200, json={"count": 2, "next": nxt, "results": [row(0)]})

    h = make_client(handler)
    seen: list[str] = []
    with pytest.raises(ResponseValidationError) as info:
        async for d in h.client.datasets.list(page_size=1):
            seen.append(d.name)
    message = str(info.value)
    assert f"results is {type(results).__name__} {results!r}, expected a list" in message
    assert message.startswith("posthog.datasets.list: ") and "SECRET_IN_QUERY" not in message
    assert info.value.operation == "datasets_list"
    assert info.value.status_code == 200 and seen == ["d0"]


@pytest.mark.parametrize("next_base", ["", HOST + ":443", HOST.upper()])
async def test_same_origin_next_links_however_spelt_allow_concurrency(
    make_client: MakeClient, next_base: str
) -> None:
    server = ShuffledServer(total=40, seed=6)
    server.next_base = next_base  # relative, explicit default port, upper case
    h = make_client(server.handle)
    names = [d.name async for d in h.client.datasets.list(page_size=5, concurrency=4)]
    assert names == [f"d{i}" for i in range(40)]
    assert server.max_in_flight > 1
