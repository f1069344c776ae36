"""``AsyncPaginator``: one object for every limit/offset list operation.

``await paginator`` gives the first page; ``async for item in paginator`` gives every item
across pages; ``.pages()`` gives pages; ``.collect()`` a list. Pages after the first come
from the server's absolute ``next`` URL, fetched through the same HTTP stack (retries,
error mapping) and only when it points at the configured origin, so the Authorization
header never leaves that host. With ``concurrency=N`` the remaining pages are fetched by
offset, N at a time, and still yielded in server order.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Generator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from . import _validation
from ._errors import APIError, _str_or_none

if TYPE_CHECKING:
    from ._client import AsyncPostHog

T = TypeVar("T")


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
        return self.next is not None

    def __len__(self) -> int:
        return len(self.results)

    def __repr__(self) -> str:
        return f"Page(count={self.count}, results=<{len(self.results)} items>, next={self.next!r})"

    @classmethod
    def from_model(cls, model: Any) -> Page[Any]:
        count = model.count if isinstance(model.count, int) else None
        return cls(
            list(model.results), count, _str_or_none(model.next_), _str_or_none(model.previous)
        )


class AsyncPaginator(Generic[T]):
    """A lazily fetched list; see the module docstring."""

    def __init__(
        self,
        client: AsyncPostHog,
        operation_id: str,
        page_model: type[Any],
        params: dict[str, Any],
        *,
        page_size: int | None = None,
        concurrency: int = 1,
    ) -> None:
        if page_size is not None:
            _validation.integer(page_size, "page_size", minimum=1)
        _validation.integer(concurrency, "concurrency", minimum=1)
        self._client = client
        self._operation_id = operation_id
        self._page_model = page_model
        self._params = params
        self._page_size = page_size
        self._concurrency = concurrency

    def __repr__(self) -> str:
        return f"AsyncPaginator({self._operation_id}, page_size={self._page_size})"

    async def _first(self) -> Page[T]:
        params = dict(self._params)
        if self._page_size is not None:
            params["limit"] = self._page_size
        model = await self._client._call(self._operation_id, self._page_model, **params)
        return Page.from_model(model)

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._first().__await__()

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        page = await self._first()
        yield page
        if self._concurrency > 1 and page.count is not None and page.next is not None:
            # aclosing: leaving this generator early must cancel the in-flight pages now,
            # not whenever the inner generator happens to be garbage collected.
            async with contextlib.aclosing(self._by_offset(page)) as later_pages:
                async for later in later_pages:
                    yield later
            return
        followed: set[str] = set()
        while page.next is not None:
            if page.next in followed:  # a server answering the same next URL forever
                raise APIError(
                    f"{self._operation_id}: the server sent the next-page URL {page.next} "
                    "twice; stopped paging instead of looping forever"
                )
            followed.add(page.next)
            model = await self._client._follow(self._operation_id, self._page_model, page.next)
            page = Page.from_model(model)
            yield page

    async def _by_offset(self, first: Page[T]) -> AsyncGenerator[Page[T], None]:
        """Fetch the pages after ``first`` by offset, ``concurrency`` at a time, in order."""
        assert first.count is not None
        size = self._page_size or len(first.results)
        if size < 1:
            return
        start = int(self._params.get("offset") or 0) + len(first.results)
        offsets = iter(range(start, first.count, size))
        window: list[asyncio.Task[Any]] = []

        def launch() -> None:
            offset = next(offsets, None)
            if offset is not None:
                params = {**self._params, "limit": size, "offset": offset}
                window.append(
                    asyncio.ensure_future(
                        self._client._call(self._operation_id, self._page_model, **params)
                    )
                )

        try:
            for _ in range(self._concurrency):
                launch()
            while window:
                model = await window.pop(0)
                launch()
                yield Page.from_model(model)
        finally:
            for task in window:
                task.cancel()
            if window:
                await asyncio.gather(*window, return_exceptions=True)

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
