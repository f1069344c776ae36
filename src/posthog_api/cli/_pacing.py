"""How the CLI keeps within PostHog's rate limits (per personal API key: 480 requests a
minute and 4,800 an hour, and 30 prompt publishes a minute on top).

The client does the pacing: :func:`open_session` gives it a
:class:`~posthog_api.RateBudget` sized by ``--max-rate`` (kept in this process: a CLI run
needs no Redis), which every request, retries included, waits its turn in, and which a
429's ``Retry-After`` holds back for every request of the run. The budget tells
``on_wait`` of each wait (the progress bar on a terminal, a ``waiting ...`` line on stderr
otherwise). :func:`paced` is what is left to the CLI: a request whose 429s the client's
retries gave up on is sent again after the wait, for up to MAX_WAIT seconds in all.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from .. import _errors
from .._budget import RateBudget

if TYPE_CHECKING:
    from .._client import AsyncPostHog
    from .._pagination import AsyncPaginator

T = TypeVar("T")

PUBLISHES_PER_MINUTE = 30
HOURLY_FACTOR = 10  # 480 a minute goes with 4,800 an hour
MAX_WAIT = 900.0
"""The longest one request waits out 429s in all (15 minutes) before the error stands."""
CLOCK: Callable[[], float] = time.monotonic
SLEEP: Callable[[float], Awaitable[Any]] = asyncio.sleep
"""The budget's clock and every wait of a session (tests replace them: simulated time)."""


def budget_for(max_rate: int, on_wait: Callable[[float, str], None] | None) -> RateBudget | None:
    """PostHog's limits scaled to ``max_rate`` requests a minute (None for 0: no pacing).
    No bound on a turn's wait (the 4,801st request of an hour waits for the hour, shown):
    a run that must finish goes at the rate it may."""
    if not max_rate:
        return None
    return RateBudget(
        limits=((max_rate, 60.0), (max_rate * HOURLY_FACTOR, 3600.0)),
        publish_limits=((min(PUBLISHES_PER_MINUTE, max_rate), 60.0),),
        max_wait=math.inf,
        on_wait=on_wait,
        clock=CLOCK,
        sleep=SLEEP,
    )


async def paced(
    send: Callable[[], Awaitable[T]], on_wait: Callable[[float, str], None] | None = None
) -> T:
    """``send()``; after a :class:`RateLimitError` (PostHog's 429 that the client's retries
    gave up on, or its budget's turn too far away), wait ``retry_after`` and send again,
    for up to MAX_WAIT seconds in all. Nothing was done, so sending again is safe for every
    method. ``on_wait`` is told of these waits (None when the client's budget shows them)."""
    waited = 0.0
    attempt = 0
    while True:
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
            if on_wait is not None:
                on_wait(delay, _throttled(error))
            await SLEEP(delay)


def _throttled(error: _errors.RateLimitError) -> str:
    if error.response is None:
        return "the client's rate budget has no turn sooner"
    after = error.retry_after
    said = f"Retry-After: {after:g} s" if after is not None else "no Retry-After"
    return f"PostHog answered 429, too many requests ({said})"


@dataclass
class Session:
    """A client for one command, and who is told of the waits :func:`paced` makes."""

    client: AsyncPostHog
    on_wait: Callable[[float, str], None] | None = None

    async def call(self, send: Callable[[], Awaitable[T]]) -> T:
        """``send()``, its 429s waited out (:func:`paced`); the client's budget paces it and
        tells a publish from the operation it sends."""
        return await paced(send, self.on_wait)

    async def collect(self, pages: Callable[[], AsyncPaginator[T]]) -> list[T]:
        """Every item of a list (a 429 on any page starts the list again, after the wait)."""

        async def every_page() -> list[T]:
            items: list[T] = []
            async for page in pages().pages():
                items.extend(page.results)
            return items

        return await self.call(every_page)


@asynccontextmanager
async def open_session(
    api_key: str,
    project_id: str | None,
    host: str | None,
    max_rate: int,
    on_wait: Callable[[float, str], None] | None,
) -> AsyncIterator[Session]:
    """A client for one command, its requests paced to ``max_rate`` a minute."""
    from .._client import AsyncPostHog

    budget = budget_for(max_rate, on_wait)
    async with AsyncPostHog(
        api_key=api_key, project_id=project_id, host=host, rate_budget=budget
    ) as client:
        yield Session(client, on_wait if budget is None else None)


def unpaced(client: AsyncPostHog) -> Session:
    """A session over a client built elsewhere (a library caller's, paced by its own
    budget if it has one): 429s are still waited out."""
    return Session(client)
