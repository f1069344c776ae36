"""Paging edges that `make mutate` showed untested: an ``offset``/``limit`` given through
``extra_query`` is where paging starts and its page size, sent once per page, and a bad one
is refused before anything is sent; a keyset list (``CursorPaginator``) starts where it is
told, accepts every positive key and says exactly why it stopped."""

from __future__ import annotations

import pytest

from posthog_api import APIError, InvalidRequestError
from posthog_api._pagination import CursorPaginator

from .conftest import MakeClient
from .test_pagination import Server


async def test_a_limit_in_extra_query_is_the_page_size_sent_once_per_page(
    make_client: MakeClient,
) -> None:
    h = make_client(Server(total=5, default_limit=100).page)
    names = [d.name async for d in h.client.datasets.list(extra_query={"limit": "2"})]
    assert names == ["d0", "d1", "d2", "d3", "d4"]
    sent = [request.url.params.multi_items() for request in h.requests]
    assert sent == [
        [("limit", "2")],
        [("limit", "2"), ("offset", "2")],
        [("limit", "2"), ("offset", "4")],
    ]


async def test_page_size_wins_over_a_limit_in_extra_query(make_client: MakeClient) -> None:
    h = make_client(Server(total=3, default_limit=100).page)
    page = await h.client.datasets.list(page_size=3, extra_query={"limit": "2", "offset": "0"})
    assert [d.name for d in page.results] == ["d0", "d1", "d2"]
    assert h.requests[0].url.params.multi_items() == [("limit", "3")]


async def test_an_offset_in_extra_query_starts_the_list_there(make_client: MakeClient) -> None:
    h = make_client(Server(total=4, default_limit=100).page)
    names = [d.name async for d in h.client.datasets.list(extra_query={"offset": "1"})]
    assert names == ["d1", "d2", "d3"]
    assert h.requests[0].url.params.multi_items() == [("offset", "1")]


@pytest.mark.parametrize(
    ("extra_query", "shown"),
    [
        ({"limit": "0"}, "{'limit': '0'}"),
        ({"offset": "-1"}, "{'offset': '-1'}"),
        ({"offset": "x", "limit": "2"}, "{'offset': 'x', 'limit': '2'}"),
    ],
)
async def test_a_bad_offset_or_limit_in_extra_query_is_refused_before_sending(
    make_client: MakeClient, extra_query: dict[str, str], shown: str
) -> None:
    h = make_client(Server(total=1).page)
    with pytest.raises(InvalidRequestError) as info:
        h.client.datasets.list(extra_query=extra_query)
    assert str(info.value) == (
        "offset and limit in extra_query must be decimal numbers (limit >= 1), got " + shown
    )
    assert h.requests == []


def cursor_pages(
    pages: list[tuple[list[object], bool]], asked: list[int | None], start: int | None = None
) -> CursorPaginator[object]:
    """A keyset list whose items are their own keys, answering ``pages`` in turn."""

    async def fetch(cursor: int | None) -> tuple[list[object], bool]:
        asked.append(cursor)
        return pages[len(asked) - 1]

    return CursorPaginator(fetch, start, key=lambda v: v, what="posthog.x.y('n')", cursor="before")


async def test_awaiting_a_keyset_list_with_a_start_asks_for_the_page_before_it() -> None:
    asked: list[int | None] = []
    page = await cursor_pages([([3, 2], True)], asked, start=4)
    assert page.results == [3, 2] and asked == [4]


async def test_a_keyset_list_goes_on_after_a_page_ending_in_key_1() -> None:
    asked: list[int | None] = []
    paginator = cursor_pages([([2, 1], True), ([], False)], asked)
    assert await paginator.collect() == [2, 1]
    assert asked == [None, 1]  # 1 is a valid key: the server says whether anything is below


async def test_a_repeated_keyset_page_stops_paging_and_says_why() -> None:
    paginator = cursor_pages([([5, 4], True), ([4, 3], True)], [])
    with pytest.raises(APIError) as info:
        await paginator.collect()
    assert str(info.value) == (
        "posthog.x.y('n'): asked for the page before 4 (before=4), the server repeated the "
        "page (it sent keys that are not below it); stopped paging instead of looping "
        "forever. The pages before this one were delivered."
    )


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        (0, "0"),
        ("v3", "'v3'"),
        ("k" * 60, "'" + "k" * 39 + "... [62 characters in all]"),
    ],
)
async def test_a_keyset_page_ending_in_a_bad_key_stops_paging_and_shows_it(
    key: object, shown: str
) -> None:
    paginator = cursor_pages([([key], True)], [])
    with pytest.raises(APIError) as info:
        await paginator.collect()
    assert str(info.value) == (
        f"posthog.x.y('n'): the page ends in a key (before) that is not a positive int "
        f"({shown}), so the next page cannot be asked for; stopped paging. The pages before "
        "it were delivered."
    )
