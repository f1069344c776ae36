"""Pagination: how each ``next`` link is read, what the shown origin says, option checks.

The offset plan (``concurrency > 1``) is used only when the first page's ``next`` link
spells exactly one plain ASCII offset (at most 18 digits) and one positive limit on the
configured origin; any other link is followed as the server gave it, one page at a time,
with the same items. Error messages name a next link by a bounded, escaped origin only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from posthog_api_client.models.paginated_dataset_list import PaginatedDatasetList
from posthog_api_client.operations import OPERATIONS

from posthog_api._client import _DEFAULTS as DEFAULTS
from posthog_api._errors import APIError, InvalidRequestError
from posthog_api._pagination import AsyncPaginator

from .conftest import HOST, MakeClient
from .test_pagination import PATH, row

LIST_OP = OPERATIONS["datasets_list"]
LIST_URL = f"{HOST}{PATH}"

Link = Callable[[int, int], str]  # (offset, limit) -> the query of a next link


def plain(offset: int, limit: int) -> str:
    return f"limit={limit}&offset={offset}"


class LinkServer:
    """``total`` rows served by limit/offset; each next link's query is ``link(offset,
    limit)``, and the offset it spells is read back whatever its spelling. Records each
    request's raw query and how many were in flight at once."""

    def __init__(self, total: int, link: Link = plain, base: str = HOST) -> None:
        self.total = total
        self.link = link
        self.base = base
        self.spelt: dict[str, int] = {}  # an offset as a link spells it -> the offset
        self.queries: list[str] = []
        self.links: list[str] = []  # the query of each next link handed out
        self.in_flight = 0
        self.max_in_flight = 0

    def _offset(self, params: httpx.QueryParams) -> int:
        given = [value for value in params.get_list("offset") if value]
        if not given:
            return 0
        last = given[-1]
        return int(last) if last.isascii() and last.isdigit() else self.spelt[last]

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.queries.append(request.url.query.decode())
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            for _ in range(3):  # let the other requests of a window start
                await asyncio.sleep(0)
        finally:
            self.in_flight -= 1
        params = request.url.params
        offset = self._offset(params)
        given = params.get("limit", "")
        limit = int(given) if given.isascii() and given.isdigit() and int(given) > 0 else 2
        end = min(offset + limit, self.total)
        nxt = None
        if end < self.total:
            query = self.link(end, limit)
            for value in httpx.URL("/?" + query).params.get_list("offset"):
                self.spelt.setdefault(value, end)
            self.links.append(query)
            nxt = f"{self.base}{PATH}?{query}"
        body = {"count": self.total, "next": nxt, "results": [row(i) for i in range(offset, end)]}
        return httpx.Response(200, json=body)


async def _list(
    make_client: MakeClient, server: LinkServer, concurrency: int, page_size: int = 2
) -> list[str]:
    h = make_client(server.handle)
    return [
        d.name async for d in h.client.datasets.list(page_size=page_size, concurrency=concurrency)
    ]


# -- links the offset plan must not read: followed as given, one at a time -------------

PAD = "&pad=" + "p" * 4100  # a link over 4096 characters: read by httpx, not the fast path


@pytest.mark.parametrize(
    "link",
    [
        pytest.param(lambda o, n: f"limit={n}&offset=%D9%A{o}", id="arabic-indic-digit"),
        pytest.param(lambda o, n: f"limit={n}&offset=x{o}", id="not-a-number"),
        pytest.param(lambda o, n: f"limit={n}&offset={o:019d}", id="19-digits"),
        pytest.param(lambda o, n: f"offset={o}", id="no-limit"),
        pytest.param(lambda o, n: f"limit=all&offset={o}", id="limit-not-a-number"),
        pytest.param(lambda o, n: f"limit=0&offset={o}", id="limit-0"),
        pytest.param(lambda o, n: f"limit={n}&offset={o}&offset={o}", id="offset-twice"),
        pytest.param(lambda o, n: f"limit={n}&limit={n}&offset={o}", id="limit-twice"),
        pytest.param(lambda o, n: f"limit={n}&offset=&offset={o}", id="blank-offset-first"),
        pytest.param(
            lambda o, n: f"limit={n}&offset=&offset={o}{PAD}", id="blank-offset-first-long"
        ),
    ],
)
async def test_a_next_link_without_one_plain_offset_and_limit_is_followed_as_given(
    make_client: MakeClient, link: Link
) -> None:
    # Offsets stay below 10: one Arabic-Indic digit (U+0660 + the offset) spells each.
    server = LinkServer(total=7, link=link)
    names = await _list(make_client, server, concurrency=4)
    assert names == [f"d{i}" for i in range(7)]
    assert server.queries[1:] == server.links  # each page by the server's own link
    assert server.max_in_flight == 1


@pytest.mark.parametrize(
    ("page_size", "link"),
    [
        pytest.param(2, plain, id="plain"),
        pytest.param(2, lambda o, n: f"limit={n}&offset={o:018d}", id="18-digits"),
        pytest.param(2, lambda o, n: f"offset={o}&limit={n}{PAD}", id="over-4096-characters"),
        pytest.param(1, plain, id="limit-1"),
    ],
)
async def test_a_next_link_with_one_plain_offset_and_limit_allows_concurrency(
    make_client: MakeClient, page_size: int, link: Link
) -> None:
    server = LinkServer(total=7, link=link)
    names = await _list(make_client, server, concurrency=4, page_size=page_size)
    assert names == [f"d{i}" for i in range(7)]
    assert server.max_in_flight > 1
    offsets = sorted(int(httpx.URL("/?" + q).params.get("offset", "0")) for q in server.queries)
    assert offsets == list(range(0, 7, page_size))  # each page once, asked for by offset


@pytest.mark.parametrize(
    "other_origin",
    [
        "https://eu.posthog.exbmple",  # as long as the host: a '/' where the host's path starts
        "https://eu.posthog.example.attacker.example",
        "https://eu.posthog.example:8443",
    ],
)
async def test_a_next_link_elsewhere_is_refused_with_concurrency(
    make_client: MakeClient, other_origin: str
) -> None:
    server = LinkServer(total=7, base=other_origin)
    h = make_client(server.handle)
    seen: list[str] = []
    with pytest.raises(APIError, match="not followed") as info:
        async for d in h.client.datasets.list(page_size=2, concurrency=4):
            seen.append(d.name)
    assert seen == ["d0", "d1"] and len(h.requests) == 1
    assert f"points at {other_origin}, not {HOST}" in str(info.value)


async def test_a_full_page_whose_next_link_skips_ahead_is_followed_as_sequential_paging_does(
    make_client: MakeClient,
) -> None:
    # The page at offset 3 is full but links to offset 9: sequential paging follows it
    # (rows 6-8 are not the server's to give), and concurrent paging must give the same.
    def link(offset: int, limit: int) -> str:
        return plain(9 if offset == 6 else offset, limit)

    sequential = await _list(make_client, LinkServer(total=12, link=link), 1, page_size=3)
    assert sequential == [f"d{i}" for i in (0, 1, 2, 3, 4, 5, 9, 10, 11)]
    assert await _list(make_client, LinkServer(total=12, link=link), 3, page_size=3) == sequential


# -- AsyncPaginator built directly ----------------------------------------------------


async def test_a_paginator_is_sequential_unless_concurrency_is_asked_for(
    make_client: MakeClient,
) -> None:
    server = LinkServer(total=7)
    h = make_client(server.handle)
    paginator: AsyncPaginator[Any] = AsyncPaginator(
        h.client, LIST_OP, PaginatedDatasetList, LIST_URL, [], DEFAULTS, page_size=2
    )
    assert [d.name async for d in paginator] == [f"d{i}" for i in range(7)]
    assert server.max_in_flight == 1
    assert server.queries[1:] == server.links


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_a_starting_offset_given_to_the_paginator_keeps_the_offset_plan(
    make_client: MakeClient, concurrency: int
) -> None:
    server = LinkServer(total=11)
    h = make_client(server.handle)
    paginator: AsyncPaginator[Any] = AsyncPaginator(
        h.client,
        LIST_OP,
        PaginatedDatasetList,
        LIST_URL,
        [("offset", "4")],
        DEFAULTS,
        page_size=2,
        concurrency=concurrency,
    )
    assert [d.name async for d in paginator] == [f"d{i}" for i in range(4, 11)]
    # The first page ends at 6 where its link says: the rest is fetched by offset, at once.
    assert server.max_in_flight == min(concurrency, 3)
    offsets = sorted(int(httpx.URL("/?" + q).params["offset"]) for q in server.queries)
    assert offsets == [4, 6, 8, 10]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"concurrency": 0}, "concurrency must be >= 1, got 0"),
        ({"concurrency": -3}, "concurrency must be >= 1, got -3"),
        ({"concurrency": 1.5}, "concurrency must be an int, got float"),
        ({"page_size": 0}, "page_size must be >= 1, got 0"),
        ({"page_size": "10"}, "page_size must be an int, got str"),
    ],
)
async def test_bad_paging_options_are_refused_naming_the_option(
    make_client: MakeClient, kwargs: dict[str, Any], message: str
) -> None:
    h = make_client(LinkServer(total=3).handle)
    with pytest.raises(InvalidRequestError) as info:
        h.client.datasets.list(**kwargs)
    assert str(info.value).startswith(message)
    assert h.requests == []


async def test_a_page_without_count_has_count_none(make_client: MakeClient) -> None:
    # The events list sends no count at all (not even null).
    h = make_client(lambda request: httpx.Response(200, json={"next": None, "results": []}))
    page = await h.client.events.list()
    assert page.count is None and page.results == [] and not page.has_next_page()


async def test_a_later_page_sent_as_key_value_pairs_reads_as_the_first_page_would(
    make_client: MakeClient,
) -> None:
    # A JSON array of [key, value] pairs: the generated parser reads it as the object it
    # spells, on the first page (through _call) and on a followed page alike.
    pairs = [["count", 1], ["next", None], ["previous", None], ["results", []]]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset"):
            return httpx.Response(200, json=pairs)
        nxt = f"{HOST}{PATH}?limit=1&offset=1"
        return httpx.Response(200, json={"count": 2, "next": nxt, "results": [row(0)]})

    h = make_client(handler)
    assert [d.name for d in await h.client.datasets.list(page_size=1).collect()] == ["d0"]
    assert len(h.requests) == 2
    first = make_client(lambda request: httpx.Response(200, json=pairs))
    assert (await first.client.datasets.list()).results == []


# -- the origin a message shows for a next link --------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/api/\x00?token=SECRET_IN_QUERY", "a relative URL"),
        ("mailto:\x00?body=SECRET_IN_QUERY", "a mailto: URL"),
        ("a" * 30 + ":x\x00?SECRET_IN_QUERY", "a " + "a" * 20 + "... [31 characters in all] URL"),
        ("a" * 19 + ":x\x00", "a " + "a" * 19 + ": URL"),
        ("//user:SECRET_IN_QUERY@[::1/?x", "//[::1"),
        (
            "https://b\u00e9\x07cher.example/?token=SECRET_IN_QUERY",
            "https://b\u00e9\\x07cher.example",
        ),
        ("https://tab\there.example/", "https://tab\\there.example"),
        ("https://nl\nhere.example/", "https://nl\\nhere.example"),
    ],
)
async def test_an_unparseable_next_link_is_named_by_its_escaped_origin(
    make_client: MakeClient, url: str, shown: str
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"count": 9, "next": url, "results": [row(0)]})

    h = make_client(handler)
    with pytest.raises(APIError) as info:
        await h.client.datasets.list().collect()
    message = str(info.value)
    assert f"(at {shown}) cannot be parsed" in message
    assert "SECRET_IN_QUERY" not in message and len(h.requests) == 1


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        ("a" * 72, "https://" + "a" * 72),  # 80 characters: shown whole
        ("a" * 73, "https://" + "a" * 72 + "... (81 characters)"),
    ],
)
async def test_a_next_link_elsewhere_is_named_within_80_characters(
    make_client: MakeClient, host: str, shown: str
) -> None:
    url = f"https://alice:SECRET_PASSWORD@{host}/api/?token=SECRET_IN_QUERY"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"count": 9, "next": url, "results": [row(0)]})

    h = make_client(handler)
    with pytest.raises(APIError) as info:
        await h.client.datasets.list().collect()
    message = str(info.value)
    assert f"points at {shown}, not {HOST}" in message
    assert "SECRET" not in message and "alice" not in message
