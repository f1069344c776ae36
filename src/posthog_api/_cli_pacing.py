"""How the CLI keeps within PostHog's rate limits (per personal API key: 480 requests a
minute and 4,800 an hour, and 30 prompt publishes a minute on top).

Every request of a ``prompts``/``datasets`` command goes through :func:`paced` (through
:meth:`Session.call` and :meth:`Session.collect`): it takes a place in the local
:class:`Budget` first, and on a 429 that the client's retries gave up on it waits out
``Retry-After`` and sends again. The 429s the client's own retries handle are seen by
:class:`_Watch429` under them: each pauses every other request of the run for its
``Retry-After``, and is shown. Waits are shown through ``on_wait`` (the progress bar on a
terminal, a line on stderr otherwise).

When ``AsyncPostHog(rate_budget=...)`` lands (issue 14), :func:`open_session` gives the
client that budget instead of building a :class:`Budget`, and :func:`paced` keeps only its
429 loop: nothing else in the CLI knows how requests are paced.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import httpx

from . import _errors

if TYPE_CHECKING:
    from ._client import AsyncPostHog
    from ._pagination import AsyncPaginator

T = TypeVar("T")
Kind = Literal["read", "write", "publish"]

PUBLISHES_PER_MINUTE = 30
HOURLY_FACTOR = 10  # 480 a minute goes with 4,800 an hour
SAFETY = 1.0
"""Seconds added to each window: PostHog counts arrivals, this process counts departures."""
MAX_WAIT = 900.0
"""The longest one request waits out 429s in all (15 minutes) before the error stands."""
CLOCK: Callable[[], float] = time.monotonic
SLEEP: Callable[[float], Awaitable[Any]] = asyncio.sleep
"""The budget's clock and sleep when none is given (tests replace them: simulated time)."""


class _Window:
    """At most ``limit`` requests in any ``seconds`` (PostHog's throttles are sliding
    windows of request times, not token buckets: a bucket would let the 31st publish of a
    burst through two seconds later, inside the same minute)."""

    __slots__ = ("limit", "seconds", "sent")

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds + SAFETY
        self.sent: deque[float] = deque()

    def ready_at(self, now: float) -> float:
        sent = self.sent
        while sent and sent[0] <= now - self.seconds:
            sent.popleft()
        return now if len(sent) < self.limit else sent[0] + self.seconds


class Budget:
    """This run's share of PostHog's limits; ``per_minute=0`` paces nothing (a PostHog
    without rate limits) but still honours ``Retry-After``. ``clock`` and ``sleep`` are
    injectable for tests; ``on_wait(seconds, why)`` is told of every wait."""

    def __init__(
        self,
        per_minute: int = 480,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[Any]] | None = None,
        on_wait: Callable[[float, str], None] | None = None,
    ) -> None:
        self._clock = clock or CLOCK
        self._sleep = sleep or SLEEP
        self.on_wait = on_wait
        self._paused_until = 0.0
        self._pause_reason = ""
        self._all: tuple[_Window, ...] = ()
        self._publish: tuple[_Window, ...] = ()
        if per_minute:
            self._all = (_Window(per_minute, 60.0), _Window(per_minute * HOURLY_FACTOR, 3600.0))
            self._publish = (_Window(min(PUBLISHES_PER_MINUTE, per_minute), 60.0),)
        self.per_minute = per_minute

    async def take(self, kind: Kind) -> float:
        """Wait until a request of ``kind`` may go, and count it; returns when it went."""
        windows = (*self._all, *self._publish) if kind == "publish" else self._all
        while True:
            now = self._clock()
            ready, why = self._paused_until, self._pause_reason
            for window in windows:
                at = window.ready_at(now)
                if at > ready:
                    ready, why = at, _limit_text(window, kind)
            if ready <= now:
                for window in windows:
                    window.sent.append(now)
                return now
            if self.on_wait is not None:
                self.on_wait(ready - now, why)
            await self._sleep(ready - now)

    def refund(self, kind: Kind, sent: float) -> None:
        """Give back the place a request took at ``sent`` (what :meth:`take` returned): PostHog
        does not count a request it throttled. That very place: a later one given back
        instead would free a place a minute too early."""
        for window in (*self._all, *self._publish) if kind == "publish" else self._all:
            with contextlib.suppress(ValueError):  # gone already: out of the window
                window.sent.remove(sent)

    def pause(self, seconds: float, why: str) -> None:
        """Hold every request back for ``seconds`` (a 429's ``Retry-After``)."""
        until = self._clock() + seconds
        if until > self._paused_until:
            self._paused_until, self._pause_reason = until, why
            if self.on_wait is not None:
                self.on_wait(seconds, why)


def _limit_text(window: _Window, kind: Kind) -> str:
    per = "minute" if window.seconds < 3600 else "hour"
    what = "prompt publishes" if kind == "publish" and window.limit <= 30 else "requests"
    return f"pacing to {window.limit:,} {what} per {per} (PostHog's limit)"


def _throttled(retry_after: float | None) -> str:
    said = f"Retry-After: {retry_after:g} s" if retry_after is not None else "no Retry-After"
    return f"PostHog answered 429, too many requests ({said})"


async def paced(budget: Budget, kind: Kind, send: Callable[[], Awaitable[T]]) -> T:
    """``send()`` once ``budget`` allows; after a 429 the client's retries gave up on (or
    a ``Retry-After`` longer than they wait), wait it out and send again, for up to
    MAX_WAIT seconds in all. A 429 means nothing was done, so sending again is safe for
    every method. This is the function to switch to the client's own budget (issue 14)."""
    waited = 0.0
    attempt = 0
    while True:
        sent = await budget.take(kind)
        try:
            return await send()
        except _errors.RateLimitError as error:
            delay = error.retry_after
            if delay is None:
                delay = min(2.0**attempt, 60.0)
            if waited + delay > MAX_WAIT:
                raise
            waited += delay
            attempt += 1
            budget.refund(kind, sent)
            budget.pause(delay, _throttled(error.retry_after))


class _Watch429(httpx.AsyncBaseTransport):
    """Under the client's retries: each 429 answer pauses the whole run for its
    ``Retry-After`` (which the retry below waits out too) and is shown."""

    def __init__(self, inner: httpx.AsyncBaseTransport, budget: Budget) -> None:
        self._inner = inner
        self._budget = budget

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if response.status_code == 429:
            after = _errors.parse_retry_after(response.headers.get("retry-after"))
            if after is not None and after <= 3600:
                self._budget.pause(after, _throttled(after))
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Session:
    """A client and the budget every one of its requests goes through."""

    client: AsyncPostHog
    budget: Budget

    async def call(self, kind: Kind, send: Callable[[], Awaitable[T]]) -> T:
        return await paced(self.budget, kind, send)

    async def collect(self, pages: Callable[[], AsyncPaginator[T]]) -> list[T]:
        """Every item of a list, each page counted against the budget (a 429 on any page
        starts the list again, after the wait)."""

        async def every_page() -> list[T]:
            items: list[T] = []
            async for page in pages().pages():
                items.extend(page.results)
                if page.has_next_page():
                    await self.budget.take("read")
            return items

        return await self.call("read", every_page)


@asynccontextmanager
async def open_session(
    api_key: str,
    project_id: str | None,
    host: str | None,
    max_rate: int,
    on_wait: Callable[[float, str], None] | None,
) -> AsyncIterator[Session]:
    """A client for one command, its requests paced to ``max_rate`` a minute."""
    from ._client import AsyncPostHog, _new_pool

    budget = Budget(max_rate, on_wait=on_wait)
    transport = _Watch429(_new_pool(), budget)
    async with AsyncPostHog(
        api_key=api_key, project_id=project_id, host=host, transport=transport
    ) as client:
        yield Session(client, budget)


def unpaced(client: AsyncPostHog) -> Session:
    """A session over a client built elsewhere (a library caller's): 429s still waited out."""
    return Session(client, Budget(0))
