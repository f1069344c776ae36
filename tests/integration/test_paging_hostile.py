"""Paging against a server that does not page as asked, over real HTTP on 127.0.0.1.

The local server's own app runs behind :class:`Hostile`, an ASGI layer that misbehaves
the way a real server may: it caps ``limit`` (PostHog does), lies about ``count`` (too
high or too low), hands out opaque-cursor or unparseable ``next`` links, or ignores
``before_version``. Every list and history call must then give exactly what paging by the
server's own links gives, or stop with an ``APIError``; never skip items, and never page
without end. The layer answers 400 once a test has spent its request budget, so a client
that would page forever fails here instead of hanging.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
import uvicorn

from posthog_api import APIError, AsyncPostHog, ResponseValidationError
from posthog_api.cli import main
from posthog_api.testing import ServerState, create_app
from posthog_api.testing.prompts import create_prompt
from posthog_api.testing.resources import insert

PROJECT = "1"
KEY = "phx_hostile_paging_secret_0a1b2c3d"
DATASETS = f"/api/projects/{PROJECT}/datasets/"
RESOLVE = f"/api/projects/{PROJECT}/llm_prompts/resolve/name/"
BUDGET = 150

Scope = dict[str, Any]


class Hostile:
    """ASGI layer in front of the local server's app; each knob is one kind of misbehaviour."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.base = ""  # the server's URL, set once it listens
        self.cap: int | None = None  # the largest page served, whatever limit asks
        self.count: int | None = None  # the count reported instead of the real one
        self.links_from_count = False  # next links computed from the reported count (DRF)
        self.growing_count = False  # the reported count grows by the offset asked for
        self.later_results: Any = None  # when set, the results of every page after the first
        self.cursor_links = False  # next links carry an opaque cursor, no limit/offset
        self.next_url: str | None = None  # every next link replaced by this
        self.ignore_before_version = False
        self.lists: list[dict[str, str]] = []  # the datasets list queries, as the client sent them
        self.resolves: list[dict[str, str]] = []  # the history queries, as the client sent them
        self.in_flight = 0
        self.max_in_flight = 0

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        query = dict(parse_qsl(scope["query_string"].decode("latin-1")))
        if len(self.lists) + len(self.resolves) >= BUDGET:
            return await _reply(send, 400, {"detail": "This test's request budget is spent."})
        if scope["path"].startswith(RESOLVE):
            self.resolves.append(dict(query))
            if self.ignore_before_version:
                query.pop("before_version", None)
            return await self.app(_with_query(scope, query), receive, send)
        if scope["path"] != DATASETS or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        self.lists.append(dict(query))
        if "cursor" in query:
            offset, _, limit = query.pop("cursor").partition("-")
            query.update(offset=offset, limit=limit)
        limit = int(query.get("limit", "100"))
        if self.cap is not None:
            limit = min(limit, self.cap)
        offset = int(query.get("offset", "0"))
        query.update(limit=str(limit), offset=str(offset))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.002)  # long enough for concurrent requests to overlap
            status, body = await _capture(self.app, _with_query(scope, query), receive)
        finally:
            self.in_flight -= 1
        if status == 200:
            self._rewrite(body, offset, limit)
        await _reply(send, status, body)

    def _rewrite(self, body: dict[str, Any], offset: int, limit: int) -> None:
        if self.later_results is not None and offset > 0:
            body["results"] = self.later_results
        if self.count is not None:
            body["count"] = self.count + offset if self.growing_count else self.count
            if self.links_from_count:
                more = offset + limit < body["count"]
                body["next"] = f"{self.base}{DATASETS}?limit={limit}&offset={offset + limit}"
                body["next"] = body["next"] if more else None
        if body["next"] is not None and self.cursor_links:
            body["next"] = f"{self.base}{DATASETS}?cursor={offset + limit}-{limit}"
        if body["next"] is not None and self.next_url is not None:
            body["next"] = self.next_url


def _with_query(scope: Scope, query: dict[str, str]) -> Scope:
    return {**scope, "query_string": urlencode(query).encode()}


async def _capture(app: Any, scope: Scope, receive: Any) -> tuple[int, Any]:
    status = 500
    chunks: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, json.loads(b"".join(chunks) or b"null")


async def _reply(send: Any, status: int, body: Any) -> None:
    raw = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": raw})


class Served:
    def __init__(self, state: ServerState, hostile: Hostile, url: str) -> None:
        self.state = state
        self.hostile = hostile
        self.url = url


@pytest.fixture
def served() -> Iterator[Served]:
    """The local server's app behind :class:`Hostile`, served by uvicorn on a thread."""
    state = ServerState(project_id=PROJECT, keys={KEY: ["*"]})
    hostile = Hostile(create_app(state))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    hostile.base = url
    config = uvicorn.Config(
        hostile, log_level="warning", access_log=False, lifespan="off", http="h11"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.005)
        yield Served(state, hostile, url)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
async def client(served: Served) -> AsyncIterator[AsyncPostHog]:
    async with AsyncPostHog(api_key=KEY, project_id=PROJECT, host=served.url) as c:
        yield c


def seed_datasets(state: ServerState, total: int) -> None:
    with state.lock:
        for i in range(total):
            insert(
                state,
                state.datasets,
                {
                    "name": f"d{i}",
                    "description": None,
                    "metadata": None,
                    "deleted": False,
                    "created_by": state.user,
                    "team": state.team_id,
                },
            )


async def names(client: AsyncPostHog, **kwargs: Any) -> list[str]:
    return [d.name async for d in client.datasets.list(**kwargs)]


def offsets(queries: list[dict[str, str]]) -> list[int]:
    return sorted(int(q.get("offset", "0")) for q in queries)


# -- item 2: concurrency gives what sequential paging gives ------------------------------


@pytest.mark.parametrize("concurrency", [2, 4])
async def test_a_capped_page_size_loses_no_item(
    served: Served, client: AsyncPostHog, concurrency: int
) -> None:
    seed_datasets(served.state, 400)
    served.hostile.cap = 40
    sequential = await names(client, page_size=100)
    assert len(sequential) == 400 and len(set(sequential)) == 400
    served.hostile.lists.clear()
    assert await names(client, page_size=100, concurrency=concurrency) == sequential
    assert offsets(served.hostile.lists) == list(range(0, 400, 40))  # each page once
    assert served.hostile.max_in_flight > 1


@pytest.mark.parametrize("count", [10**9, 61, 0, 7])
async def test_a_lying_count_changes_nothing_but_how_far_ahead_pages_are_asked_for(
    served: Served, client: AsyncPostHog, count: int
) -> None:
    seed_datasets(served.state, 60)
    served.hostile.count = count
    sequential = await names(client, page_size=7)
    assert len(set(sequential)) == 60
    served.hostile.lists.clear()
    assert await names(client, page_size=7, concurrency=4) == sequential
    sent = offsets(served.hostile.lists)
    assert len(set(sent)) == len(sent)  # no page twice
    assert len(sent) <= 9 + 4  # the 9 pages, and at most a window of look-ahead


async def test_a_count_too_high_with_links_to_empty_pages_stops_at_the_first_empty_page(
    served: Served, client: AsyncPostHog
) -> None:
    seed_datasets(served.state, 60)
    served.hostile.count = 10**9  # and next links to empty pages all the way there
    served.hostile.links_from_count = True
    got = await names(client, page_size=7, concurrency=4)
    assert len(got) == 60 and len(set(got)) == 60
    assert len(served.hostile.lists) <= 9 + 4 + 1


@pytest.mark.parametrize(("count", "growing"), [(10**12, False), (60, True)])
async def test_plain_paging_stops_at_the_first_empty_page_too(
    served: Served, client: AsyncPostHog, count: int, growing: bool
) -> None:
    # A count far too high, or growing each page, with DRF next links at a new offset each
    # time: plain paging (the default, and `prompts pull`) used to fetch empty pages until
    # the budget's 400. It must stop where concurrent paging stops, with the same items.
    seed_datasets(served.state, 60)
    served.hostile.count = count
    served.hostile.growing_count = growing
    served.hostile.links_from_count = True
    sequential = await names(client, page_size=7)
    assert sorted(sequential) == sorted(f"d{i}" for i in range(60))
    assert offsets(served.hostile.lists) == list(range(0, 70, 7))  # 9 pages and 1 empty
    served.hostile.lists.clear()
    assert await names(client, page_size=7, concurrency=4) == sequential


async def test_opaque_cursor_links_are_followed_one_at_a_time(
    served: Served, client: AsyncPostHog
) -> None:
    seed_datasets(served.state, 25)
    served.hostile.cursor_links = True
    sequential = await names(client, page_size=10)
    served.hostile.lists.clear()
    served.hostile.max_in_flight = 0
    assert await names(client, page_size=10, concurrency=4) == sequential
    assert len(set(sequential)) == 25
    assert [q.get("cursor") for q in served.hostile.lists] == [None, "10-10", "20-10"]
    assert served.hostile.max_in_flight == 1


# -- item 12: an unparseable next link ----------------------------------------------------


@pytest.mark.parametrize("concurrency", [1, 4])
async def test_an_unparseable_next_link_stops_paging_with_an_api_error(
    served: Served, client: AsyncPostHog, concurrency: int
) -> None:
    seed_datasets(served.state, 12)
    served.hostile.next_url = "http://xn--a.com/api/?token=SECRET_FROM_THE_SERVER"
    seen: list[str] = []
    with pytest.raises(APIError) as info:
        async for d in client.datasets.list(page_size=5, concurrency=concurrency):
            seen.append(d.name)
    assert len(seen) == 5
    message = str(info.value)
    assert "http://xn--a.com" in message and "paging stopped" in message
    assert "SECRET_FROM_THE_SERVER" not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert len(served.hostile.lists) == 1


@pytest.mark.parametrize("url", ["javascript:alert(1)//?token=SECRET", "file:///etc/passwd"])
@pytest.mark.parametrize("concurrency", [1, 4])
async def test_a_next_link_that_is_not_http_says_so_and_stops_paging(
    served: Served, client: AsyncPostHog, url: str, concurrency: int
) -> None:
    seed_datasets(served.state, 12)
    served.hostile.next_url = url
    seen: list[str] = []
    with pytest.raises(APIError) as info:
        async for d in client.datasets.list(page_size=5, concurrency=concurrency):
            seen.append(d.name)
    message = str(info.value)
    assert f"scheme {url.partition(':')[0]}:, not http(s)" in message
    assert "Paging stopped" in message and "relative" not in message
    assert "SECRET" not in message and "passwd" not in message
    assert len(seen) == 5 and len(served.hostile.lists) == 1


async def test_a_next_page_with_results_as_an_object_is_a_response_validation_error(
    served: Served, client: AsyncPostHog
) -> None:
    seed_datasets(served.state, 2)
    served.hostile.later_results = {}
    seen: list[str] = []
    with pytest.raises(ResponseValidationError) as info:
        async for d in client.datasets.list(page_size=1):
            seen.append(d.name)
    assert "results is dict {}, expected a list" in str(info.value)
    assert seen == ["d1"] and len(served.hostile.lists) == 2  # newest first


# -- item 3: a history server that ignores before_version ---------------------------------


def seed_versions(state: ServerState, name: str, count: int) -> None:
    with state.lock:
        for i in range(count):
            create_prompt(state, name, f"version {i + 1}")


async def test_versions_stops_when_the_server_ignores_before_version(
    served: Served, client: AsyncPostHog
) -> None:
    seed_versions(served.state, "greet", 7)
    assert [v.version async for v in client.prompts.versions("greet", page_size=3)] == [
        7,
        6,
        5,
        4,
        3,
        2,
        1,
    ]
    served.hostile.resolves.clear()
    served.hostile.ignore_before_version = True
    seen: list[int] = []
    with pytest.raises(APIError, match="repeated the page") as info:
        async with asyncio.timeout(10):
            async for v in client.prompts.versions("greet", page_size=3):
                seen.append(v.version)
    assert seen == [7, 6, 5]  # the first page once, never again
    assert "greet" in str(info.value) and "before 5" in str(info.value)
    assert [q.get("before_version") for q in served.hostile.resolves] == [None, "5"]


def test_prompts_history_cli_ends_with_one_error_line(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_versions(served.state, "greet", 67)  # the CLI asks for pages of 50: two pages
    served.hostile.ignore_before_version = True
    monkeypatch.setenv("POSTHOG_HOST", served.url)
    monkeypatch.setenv("POSTHOG_PROJECT_ID", PROJECT)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", KEY)
    assert main(["prompts", "history", "greet"]) == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 50  # the first page, once
    assert err.startswith("error:") and "repeated the page" in err
    assert len(served.hostile.resolves) == 2
