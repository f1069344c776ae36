"""``AsyncPaginator``: one object for every limit/offset list operation.

``await paginator`` gives the first page; ``async for item in paginator`` gives every item
across pages; ``.pages()`` gives pages; ``.collect()`` a list. Pages after the first come
from the server's absolute ``next`` URL, fetched through the same HTTP stack (retries,
error mapping) and only when it points at the configured origin, so the Authorization
header never leaves that host. An empty page ends the list whatever its ``next`` and
``count`` say: PostHog links a next page only after a full one. With ``concurrency=N``
the remaining pages are fetched by offset, N at a time, and still yielded in server order;
the offsets come from what the first page and its ``next`` URL say (a server may cap the
page size), and any page that breaks that plan hands over to ``next`` URLs, so the items
are always those that sequential paging gives.

``CursorPaginator`` is the second strategy, for keyset lists (a prompt's history by
``before_version``): the same ``await``, ``async for``, ``.pages()`` and ``.collect()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx

from . import _validation
from ._errors import APIError, InvalidRequestError, _str_or_none, bounded

if TYPE_CHECKING:
    from posthog_api_client.operations import Operation

    from ._client import AsyncPostHog, _Options

T = TypeVar("T")

_SHOWN = 80  # characters of a server-given URL shown in an error message
_ORIGIN = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*:)?//([^/?#]*)")  # [scheme:]//authority
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")  # e.g. "javascript:", "mailto:"


class Page(Generic[T]):
    """One page of a list: ``count``, ``next``, ``previous`` and ``results``."""

    __slots__ = ("count", "next", "previous", "results")

    def __init__(
        self, results: list[T], count: int | None, next: str | None, previous: str | None
    ) -> None:
        self.results = results
        self.count = count
        self.next = next
        self.previous = previous

    def has_next_page(self) -> bool:
        """Whether the server linked a next page."""
        return self.next is not None

    def __len__(self) -> int:
        return len(self.results)

    def __repr__(self) -> str:
        return f"Page(count={self.count}, results=<{len(self.results)} items>, next={self.next!r})"

    @classmethod
    def from_model(cls, model: Any) -> Page[Any]:
        """The page of a generated ``Paginated...List`` model (a non-int ``count`` is None)."""
        count = model.count if isinstance(model.count, int) else None
        return cls(
            list(model.results), count, _str_or_none(model.next_), _str_or_none(model.previous)
        )


class _Paginator(Generic[T]):
    """What every paginator gives from its ``pages()``: ``await``, ``async for``, ``collect``."""

    async def _first(self) -> Page[T]:
        raise NotImplementedError

    def pages(self) -> AsyncGenerator[Page[T], None]:
        raise NotImplementedError

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        async with contextlib.aclosing(self.pages()) as pages:
            async for page in pages:
                for item in page.results:
                    yield item

    async def collect(self, max_items: int | None = None) -> list[T]:
        """Every item (or the first ``max_items``) as a list."""
        items: list[T] = []
        if max_items is not None and max_items <= 0:
            return items
        async with contextlib.aclosing(self.pages()) as pages:
            async for page in pages:
                items.extend(page.results)
                if max_items is not None and len(items) >= max_items:
                    return items[:max_items]
        return items


class AsyncPaginator(_Paginator[T]):
    """A lazily fetched list: ``await`` it for the first :class:`Page`, ``async for`` over it
    for every item, ``pages()`` for the pages, ``collect(max_items=...)`` for a list.

    Nothing is sent until one of those is used. The pages after the first follow the
    server's ``next`` link (only to the configured origin), or with ``concurrency=N`` are
    fetched N at a time by offset, still in server order.
    """

    def __init__(
        self,
        client: AsyncPostHog,
        operation: Operation,
        page_model: type[Any],
        url: str,
        params: list[tuple[str, str]],
        options: _Options,
        *,
        page_size: int | None = None,
        concurrency: int = 1,
    ) -> None:
        if page_size is not None:
            _validation.integer(page_size, "page_size", minimum=1)
        _validation.integer(concurrency, "concurrency", minimum=1)
        self._client = client
        self._operation = operation
        self._page_model = page_model
        self._url = url
        # Checked and encoded by the client. An offset or limit among them (extra_query=...)
        # is where paging starts and its page size: kept apart so that every page sends one.
        self._params = [(k, v) for k, v in params if k not in ("offset", "limit")]
        given = {k: v for k, v in params if k in ("offset", "limit")}
        start, limit = _decimal(given.get("offset", "0")), _decimal(given.get("limit", "1"))
        if start is None or not limit:
            raise InvalidRequestError(
                "offset and limit in extra_query must be decimal numbers (limit >= 1), got "
                f"{_validation._shown(given)}"
            )
        self._start = start
        if page_size is None and "limit" in given:
            page_size = limit
        self._options = options
        self._page_size = page_size
        self._concurrency = concurrency
        self._origin: httpx.URL | None = None  # the client's host, parsed when first needed

    def __repr__(self) -> str:
        return f"AsyncPaginator(posthog.{self._operation.call}, page_size={self._page_size})"

    async def _get(self, params: list[tuple[str, str]]) -> Any:
        client, operation = self._client, self._operation
        if client._denied and operation.operation_id in client._denied:
            raise client._scope_error(operation)
        return await client._send(
            operation, self._page_model, "GET", self._url, params, None, self._options
        )

    async def _first(self) -> Page[T]:
        params = list(self._params)
        if self._page_size is not None:
            params.append(("limit", str(self._page_size)))
        if self._start:
            params.append(("offset", str(self._start)))
        return Page.from_model(await self._get(params))

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Every page in server order, the first included; an empty page ends the list."""
        page = await self._first()
        yield page
        plan = self._offset_plan(page) if self._concurrency > 1 else None
        # aclosing: leaving this generator early must cancel the in-flight pages now,
        # not whenever the inner generator happens to be garbage collected.
        later = self._following(page) if plan is None else self._by_offset(page, *plan)
        async with contextlib.aclosing(later) as later_pages:
            async for later_page in later_pages:
                yield later_page

    async def _following(self, page: Page[T]) -> AsyncGenerator[Page[T], None]:
        """The pages after ``page``, by the server's ``next`` URLs, one at a time.

        An empty page is the last even with a ``next`` link: such a link comes from a
        ``count`` that is too high (or grows each page), and following it would walk empty
        pages up to that count, or for ever. Concurrent paging stops there too.
        """
        followed: set[str] = set()
        while page.results and page.next is not None:
            if page.next in followed:  # a server answering the same next URL forever
                raise APIError(  # the origin only: a next URL's query may hold a token
                    f"posthog.{self._operation.call}: the server sent the same next-page URL (at "
                    f"{url_origin(page.next)}) twice; stopped paging instead of looping forever"
                )
            followed.add(page.next)
            model = await self._client._follow(
                self._operation, self._page_model, page.next, self._options
            )
            page = Page.from_model(model)
            yield page

    def _offset_plan(self, first: Page[T]) -> tuple[int, int, int] | None:
        """``(offset, limit, step)`` of the second page, read from the first page's ``next``.

        None (page by ``next`` URLs instead) unless the server gave a ``count`` and a
        same-origin ``next`` URL whose ``offset`` is exactly where the first page ended:
        offsets are derived from what the server returned, never from the page size asked
        for, which a server may cap.
        """
        if first.count is None or first.next is None or not first.results:
            return None
        params = self._next_params(first.next)
        if params is None:
            return None
        offset, limit = params
        step = len(first.results)
        if offset != self._start + step:
            return None
        return offset, limit, step

    def _next_params(self, url: str) -> tuple[int, int] | None:
        """``(offset, limit)`` of a same-origin ``next`` URL; None for anything else."""
        host = self._client.host
        if (
            len(url) <= 4096
            and url.startswith(host)
            and url[len(host) : len(host) + 1] == "/"
            and url.isascii()
            and url.isprintable()
        ):
            # The usual case, on the configured origin as spelt: ~10x cheaper than httpx.
            # keep_blank_values: read "offset=&offset=6" as two values, as httpx does below.
            query = parse_qs(urlsplit(url).query, keep_blank_values=True)
            offsets, limits = query.get("offset", []), query.get("limit", [])
        else:
            try:
                if self._origin is None:
                    self._origin = httpx.URL(host)
                origin = self._origin
                target = origin.join(url)
                if (target.scheme, target.host, target.port) != (
                    origin.scheme,
                    origin.host,
                    origin.port,
                ):
                    return None
                offsets = target.params.get_list("offset")
                limits = target.params.get_list("limit")
            except (httpx.InvalidURL, ValueError, TypeError):
                return None  # _follow says what is wrong with it, if it is ever followed
        if len(offsets) != 1 or len(limits) != 1:
            return None
        offset, limit = _decimal(offsets[0]), _decimal(limits[0])
        if offset is None or limit is None or limit < 1:
            return None
        return offset, limit

    async def _by_offset(
        self, first: Page[T], offset: int, limit: int, step: int
    ) -> AsyncGenerator[Page[T], None]:
        """The pages after ``first`` by offset, ``concurrency`` at a time, in order.

        Each page must come back full (``step`` rows) with a ``next`` URL at the offset
        that follows, or the plan is dropped. An empty page, no ``next``, or a short page
        whose ``next`` skips past where its rows end (a server computing links from an
        inflated count) ends the list; anything else (a short page continued right after
        its rows, a ``next`` elsewhere) is followed by ``next`` URLs from there, so the
        items are exactly those of sequential paging.
        ``count`` only bounds how far ahead pages are requested; a page beyond it that is
        still full and still has a ``next`` proves it too low, and the bound is dropped.
        """
        assert first.count is not None
        bound: int | None = first.count
        window: deque[tuple[int, asyncio.Task[Any]]] = deque()
        upcoming = offset

        def launch() -> None:
            nonlocal upcoming, bound
            if not window and bound is not None and upcoming >= bound:
                bound = None  # the server says there is more than its count
            while len(window) < self._concurrency and (bound is None or upcoming < bound):
                params = [*self._params, ("limit", str(limit)), ("offset", str(upcoming))]
                window.append((upcoming, asyncio.ensure_future(self._get(params))))
                upcoming += step

        try:
            launch()
            while window:
                at, task = window.popleft()
                page = Page.from_model(await task)
                found = None if page.next is None else self._next_params(page.next)
                if found == (at + step, limit) and len(page.results) == step:
                    launch()
                    yield page
                    continue
                await _cancel(window)
                yield page
                if _ends_the_list(page, found, at, step):
                    return
                async with contextlib.aclosing(self._following(page)) as rest:
                    async for later in rest:
                        yield later
                return
        finally:
            await _cancel(window)


class CursorPage(Page[T]):
    """A page of a keyset list: no ``count`` or ``next`` URL, but ``has_more``."""

    __slots__ = ("has_more",)

    def __init__(self, results: list[T], has_more: bool) -> None:
        super().__init__(results, None, None, None)
        self.has_more = has_more

    def has_next_page(self) -> bool:
        """Whether the server said more follow (an empty page never has a next one)."""
        return self.has_more and bool(self.results)

    def __repr__(self) -> str:
        return f"CursorPage(results=<{len(self.results)} items>, has_more={self.has_more})"


class CursorPaginator(_Paginator[T]):
    """A list paged by a cursor: each page is asked for with the key of the last item before.

    ``fetch(cursor)`` returns a page's items and whether more follow (``cursor`` None: from
    the start); ``key(item)`` is an item's key, falling from page to page (PostHog's prompt
    history by ``before_version``). A page whose keys are not all below its cursor (a server
    ignoring it, which would send that page forever) or a last key that is not a positive
    int stops paging with :class:`APIError`; the pages before it were delivered.
    """

    def __init__(
        self,
        fetch: Callable[[int | None], Awaitable[tuple[list[T], bool]]],
        start: int | None,
        *,
        key: Callable[[T], object],
        what: str,
        cursor: str,
    ) -> None:
        self._fetch = fetch
        self._start = start
        self._key = key
        self._what = what  # e.g. "posthog.prompts.versions('greet')", for error messages
        self._cursor = cursor  # the query parameter, e.g. "before_version"

    def __repr__(self) -> str:
        return f"CursorPaginator({self._what}, {self._cursor}={self._start})"

    async def _page(self, cursor: int | None) -> CursorPage[T]:
        items, more = await self._fetch(cursor)
        if cursor is not None:
            for item in items:
                key = self._key(item)
                if type(key) is not int or key >= cursor:
                    raise APIError(
                        f"{self._what}: asked for the page before {cursor} ({self._cursor}="
                        f"{cursor}), the server repeated the page (it sent keys that are not "
                        "below it); stopped paging instead of looping forever. The pages "
                        "before this one were delivered."
                    )
        return CursorPage(list(items), more)

    async def _first(self) -> Page[T]:
        return await self._page(self._start)

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Every page, each asked for with the key of the previous page's last item."""
        page = await self._page(self._start)
        yield page
        while page.has_next_page():
            cursor = self._key(page.results[-1])
            if type(cursor) is not int or cursor < 1:
                raise APIError(
                    f"{self._what}: the page ends in a key ({self._cursor}) that is not a "
                    f"positive int ({bounded(repr(cursor), 40)}), so the next page cannot be "
                    "asked for; stopped paging. The pages before it were delivered."
                )
            page = await self._page(cursor)
            yield page


def _ends_the_list(page: Page[Any], found: tuple[int, int] | None, at: int, step: int) -> bool:
    """Whether ``page``, asked for at offset ``at`` and parsed ``next`` ``found``, is the last
    although ``_following`` would go on: a short page whose next link skips past its rows.
    (An empty page, or one without ``next``, needs no check: ``_following`` stops there.)
    """
    rows = len(page.results)
    return rows < step and found is not None and found[0] > at + rows


async def _cancel(window: deque[tuple[int, asyncio.Task[Any]]]) -> None:
    """Cancel the pages still in flight and wait until they have stopped."""
    tasks = [task for _, task in window]
    window.clear()
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)


def url_origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` for an error message, even when it cannot be parsed.

    Never the user info, path or query (a query may hold a token); bounded, with
    unprintable characters escaped.
    """
    match = _ORIGIN.match(url)
    if match is None:
        named = _SCHEME.match(url)
        return "a relative URL" if named is None else f"a {bounded(named.group(), 20)} URL"
    scheme, authority = match.groups()
    text = f"{scheme or ''}//{authority.rpartition('@')[2]}"
    if len(text) > _SHOWN:
        text = text[:_SHOWN] + f"... ({len(text)} characters)"
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def _decimal(text: str) -> int | None:
    """A non-negative ASCII decimal of at most 18 digits, else None."""
    if len(text) <= 18 and text.isascii() and text.isdigit():  # "".isdigit() is False
        return int(text)
    return None
