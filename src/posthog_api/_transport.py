"""The retry transport, below the generated client: every API call is retried, timed and
logged here, by the policy in README's "Retries, timeouts, logging". Methods that are not
idempotent retry only on 429 and on errors proving nothing was sent, so nothing is created
twice; request bodies are replayed from memory (the generated client sends bytes).

httpx's timeouts bound each phase and each read, never a whole response that a server drips
a byte at a time: each attempt, body included, must also end within the request's longest
timeout phase, or it is an ``httpx.ReadTimeout``. One timer per transport and its copies
(:class:`_Watch`) checks every request in flight: an attempt costs a clock read, not a timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import copy
import datetime
import logging
import random as _random
import time
from collections.abc import Awaitable, Callable

import httpx

from ._budget import BUDGET_EXTENSION
from ._errors import ConfigurationError, parse_retry_after
from ._logging import logger as _logger

BASE_DELAY = 0.5  # seconds before the first retry, doubled for each later one
MAX_DELAY = 8.0  # cap on the nominal backoff (jitter only shortens it)
MAX_RETRY_AFTER = 60.0  # the longest Retry-After waited out; a longer one ends the retries
DEFAULT_MAX_RETRIES = 2
ATTEMPTS_EXTENSION = "posthog_api.attempts"  # in Response.extensions: the attempts made
MAX_RETRIES_EXTENSION = "posthog_api.max_retries"  # in Request.extensions: a call's option
ATTEMPTS_ATTRIBUTE = "posthog_api_attempts"  # on the exception that ended the retries

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Resent after these when idempotent; any other request only after one proving it unsent.
_IDEMPOTENT_RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_UNSENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_RETRYING = "retrying %s %s after %s in %.2f s (attempt %d of %d)"
_CLOSED_MESSAGE = (
    "the client was closed (aclose() or the end of its 'async with'): nothing more is sent"
)
_INF = float("inf")
_EXPIRED = "deadline"
_CLOSED = "closed"
# A timer may fall due up to the clock's resolution early: a deadline this close is past.
_SLACK = 1e-3
# Timer callbacks run in this empty context, not a copy of the caller's: a handle waiting
# for its deadline then holds on to nothing a call put in a context variable.
_NO_CONTEXT = contextvars.Context()


def backoff_delay(retry_index: int, random: Callable[[], float] = _random.random) -> float:
    """Seconds before retry ``retry_index`` (0-based): ``min(0.5 * 2**n, 8)`` with equal
    jitter, in ``[nominal / 2, nominal]`` (the shortcut keeps a huge index off floats)."""
    nominal = MAX_DELAY if retry_index >= 5 else min(BASE_DELAY * (1 << retry_index), MAX_DELAY)
    return nominal * (0.5 + random() / 2.0)


def attempts_of(obj: httpx.Response | BaseException) -> int | None:
    """The number of attempts :class:`RetryTransport` made for this response or error."""
    if isinstance(obj, httpx.Response):
        value = obj.extensions.get(ATTEMPTS_EXTENSION)
    else:
        value = getattr(obj, ATTEMPTS_ATTRIBUTE, None)
    return value if isinstance(value, int) else None


def _debug(message: str, request: httpx.Request, *args: object) -> None:
    _logger.debug(message, request.method, request.url.path, *args)


def _log_attempt(request: httpx.Request, outcome: object, started: float, attempt: int) -> None:
    ms = (time.monotonic() - started) * 1000.0
    _debug("%s %s -> %s in %.1f ms (attempt %d)", request, outcome, ms, attempt)


def attempt_deadline(request: httpx.Request) -> float | None:
    """Seconds one attempt may take in all: its longest timeout phase (None: reads unbounded)."""
    phases = request.extensions.get("timeout")
    if not isinstance(phases, dict) or phases.get("read") is None:
        return None
    return max(s for s in phases.values() if s is not None)  # type: ignore[no-any-return]


def _endless(header: str | None) -> bool:
    """``Retry-After: inf`` (or ``1e400``): no wait to honour (parse_retry_after reads it
    as None), yet plainly longer than MAX_RETRY_AFTER: the retries end, as for ``3600``."""
    try:
        return header is not None and float(header) == _INF
    except ValueError:
        return False


class TransportClosed(httpx.TransportError):
    """The transport that owns the connection pool was closed: nothing more is sent."""


class _Watch:
    """What a :class:`RetryTransport` and its copies share: whether the pool is closed, and
    one timer that cancels each request whose attempt is past its deadline (the attempt
    turns that into an ``httpx.ReadTimeout``), then waits for the next soonest."""

    __slots__ = ("_handle", "closed", "due", "ended", "flights", "loop", "started")

    def __init__(self) -> None:
        self.closed = False
        # The task of each request in flight -> its attempt's deadline (infinity between
        # attempts); why the watch cancelled a task, once per cancel (``settle`` takes them
        # back); the cancellations a task already had when its request started (rarely any).
        self.flights: dict[asyncio.Task[object], float] = {}
        self.ended: dict[asyncio.Task[object], list[str]] = {}
        self.started: dict[asyncio.Task[object], int] = {}
        self.due = _INF  # when the timer falls due (a time.monotonic())
        self.loop: asyncio.AbstractEventLoop | None = None  # the timer's loop
        self._handle: asyncio.TimerHandle | None = None

    def schedule(self, due: float) -> None:
        """Fall due at ``due`` (a ``time.monotonic()``) on the running loop, not later."""
        if self._handle is not None:
            self._handle.cancel()
        loop = self.loop = asyncio.get_running_loop()
        self.due = due
        self._handle = loop.call_at(
            loop.time() + (due - time.monotonic()), self._fire, context=_NO_CONTEXT
        )

    def _fire(self) -> None:
        self._handle = None
        self.due = _INF
        now = time.monotonic() + _SLACK
        loop = self.loop
        soonest = _INF
        expired = []
        for task, deadline in self.flights.items():
            if task.get_loop() is not loop or task.done():
                continue  # left behind by another (closed) event loop: nothing to end
            if deadline <= now:
                expired.append(task)
            elif deadline < soonest:
                soonest = deadline
        for task in expired:
            self._end(task, _EXPIRED)
        if soonest < _INF:
            self.schedule(soonest)

    def _end(self, task: asyncio.Task[object], why: str) -> None:
        self.flights[task] = _INF
        self.ended.setdefault(task, []).append(why)
        task.cancel()

    def settle(self, task: asyncio.Task[object]) -> bool:
        """Take back the watch's cancellations of ``task``; True when nobody else cancelled
        it since its request started (the cancellation was the watch's alone)."""
        before = remaining = self.started.get(task, 0)
        for _ in self.ended.pop(task):
            remaining = task.uncancel()
        return remaining <= before

    def took_back(self, task: asyncio.Task[object], why: str) -> bool:
        """Whether the watch's last cancel of ``task`` was for ``why`` and is taken back
        (see :meth:`settle`)."""
        ended = self.ended.get(task)
        return ended is not None and ended[-1] is why and self.settle(task)

    def close(self) -> None:
        """Refuse every new request and end those in flight (not the caller's own). Nothing
        schedules the timer again: requests check ``closed`` before each attempt."""
        self.closed = True
        current = asyncio.current_task()
        for task in list(self.flights):
            # A task of another event loop (closed, or another thread's) is not ours to end.
            if task is not current and not task.done() and not task.get_loop().is_closed():
                self._end(task, _CLOSED)
        if self._handle is not None:
            self._handle.cancel()


def check_max_retries(value: object) -> int:
    """The one check of a ``max_retries`` setting (the client calls it before building)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"max_retries must be an int >= 0, got {value!r}")
    return value


class RetryTransport(httpx.AsyncBaseTransport):
    """Retries and logs requests sent through ``inner``. ``sleep``, ``random`` and ``now``
    (wall-clock seconds, for ``Retry-After`` dates) are injectable for tests."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        now: Callable[[], float] = time.time,
        owns_inner: bool = True,
        _watch: _Watch | None = None,
    ) -> None:
        check_max_retries(max_retries)
        self._inner = httpx.AsyncHTTPTransport() if inner is None else inner
        self._max_retries = max_retries
        self._sleep = sleep
        self._random = random
        self._now = now
        self._owns_inner = owns_inner
        self._watch = _Watch() if _watch is None else _watch
        # The last timeout settings seen and their deadline: a client sends the same ones.
        self._phases: object = None
        self._deadline: float | None = None

    @property
    def inner(self) -> httpx.AsyncBaseTransport:
        return self._inner

    @property
    def max_retries(self) -> int:
        return self._max_retries

    @property
    def owns_inner(self) -> bool:
        """Whether :meth:`aclose` closes :attr:`inner`."""
        return self._owns_inner

    @property
    def closed(self) -> bool:
        """Whether the transport owning :attr:`inner` (this one or its original) was closed."""
        return self._watch.closed

    def with_max_retries(self, max_retries: int) -> RetryTransport:
        """A copy with another ``max_retries`` sharing (not owning) this one's inner
        transport and its watch: once the original is closed, the copy sends nothing."""
        clone = copy.copy(self)
        clone._max_retries = check_max_retries(max_retries)
        clone._owns_inner = False
        return clone

    async def aclose(self) -> None:
        """Close ``inner`` if this transport owns it; requests in flight then end at once."""
        if self._owns_inner:
            self._watch.close()
            await self._inner.aclose()

    def __repr__(self) -> str:
        return f"RetryTransport(max_retries={self._max_retries}, owns_inner={self._owns_inner})"

    def _retry_after_delay(
        self, request: httpx.Request, header: str | None, seconds: float | None, retry_index: int
    ) -> float | None:
        """Seconds before resending after a response whose Retry-After ``header`` reads as
        ``seconds``; None when it asks for longer than MAX_RETRY_AFTER (the response is then
        returned as is)."""
        if seconds is None and not _endless(header):
            return backoff_delay(retry_index, self._random)
        if seconds is None or seconds > MAX_RETRY_AFTER:
            _debug("not retrying %s %s: Retry-After exceeds %.0f s", request, MAX_RETRY_AFTER)
            return None
        return seconds

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        watch = self._watch
        if watch.closed:
            raise TransportClosed(_CLOSED_MESSAGE, request=request)
        idempotent = request.method in _IDEMPOTENT_METHODS
        max_attempts = request.extensions.get(MAX_RETRIES_EXTENSION, self._max_retries) + 1
        debug = _logger.isEnabledFor(logging.DEBUG)
        phases = request.extensions.get("timeout")
        if phases == self._phases:
            deadline = self._deadline
        else:
            deadline = self._deadline = attempt_deadline(request)
            self._phases = phases
        # The watch's bookkeeping is inline dict operations: it runs on every request. A
        # request sent back through this transport by the same task has no deadline of its own.
        flights = watch.flights
        task = asyncio.current_task()
        if task is not None and task not in flights:
            flights[task] = _INF
            if task.cancelling():
                watch.started[task] = task.cancelling()
        else:
            task = None
        ticket = request.extensions.get(BUDGET_EXTENSION)  # the client's rate budget, if any
        attempt = 0
        try:
            while True:
                attempt += 1
                if ticket is not None:
                    await ticket.acquire()  # each attempt waits its turn (or raises), untimed
                started = time.monotonic()
                if task is not None and deadline is not None:
                    due = flights[task] = started + deadline
                    if due < watch.due or watch.loop is not task.get_loop():
                        watch.schedule(due)
                try:  # one attempt: the response with its body read, all before the deadline
                    response = await self._inner.handle_async_request(request)
                    try:
                        await response.aread()
                    except BaseException:
                        await response.aclose()
                        raise
                except BaseException as caught:
                    error = caught
                    if task is not None:
                        flights[task] = _INF
                        cut = watch.took_back(task, _EXPIRED)
                        if cut and isinstance(caught, asyncio.CancelledError):
                            error = httpx.ReadTimeout(
                                f"no complete response within {deadline} s (the total "
                                "timeout of one attempt)",
                                request=request,
                            )
                    if not isinstance(error, Exception):
                        raise  # cancelled (by the caller, or by aclose: see below)
                    if debug:
                        _log_attempt(request, type(error).__name__, started, attempt)
                    if watch.closed:  # the pool was closed under this attempt: never resent
                        raise TransportClosed(_CLOSED_MESSAGE, request=request) from None
                    retryable = _IDEMPOTENT_RETRY_ERRORS if idempotent else _UNSENT_ERRORS
                    if attempt >= max_attempts or not isinstance(error, retryable):
                        with contextlib.suppress(AttributeError, TypeError):  # frozen, __slots__
                            setattr(error, ATTEMPTS_ATTRIBUTE, attempt)
                        if error is caught:
                            raise
                        raise error from None
                    delay = backoff_delay(attempt - 1, self._random)
                    reason: object = type(error).__name__
                else:
                    if task is not None:
                        flights[task] = _INF
                        if watch.ended:
                            watch.took_back(task, _EXPIRED)  # cut off, but the attempt swallowed it
                    # httpx sets this when it closes a stream it read itself.
                    response.elapsed = datetime.timedelta(0, time.monotonic() - started)
                    status = response.status_code
                    if debug:
                        _log_attempt(request, status, started, attempt)
                    retry = status == 429 or (idempotent and (status == 408 or 500 <= status < 600))
                    retry_delay = None
                    if retry:  # Retry-After read once: for the budget and for the delay
                        header = response.headers.get("retry-after")
                        asked = (
                            None if header is None else parse_retry_after(header, now=self._now())
                        )
                        if status == 429 and ticket is not None:  # every process sharing it waits
                            await ticket.throttled(asked)
                        if attempt < max_attempts:
                            retry_delay = self._retry_after_delay(
                                request, header, asked, attempt - 1
                            )
                    if retry_delay is None:
                        response.extensions[ATTEMPTS_EXTENSION] = attempt
                        return response
                    delay = retry_delay
                    reason = status
                    await response.aclose()
                if debug:
                    _debug(_RETRYING, request, reason, delay, attempt + 1, max_attempts)
                await self._sleep(delay)
                if watch.closed:
                    raise TransportClosed(_CLOSED_MESSAGE, request=request)
        except asyncio.CancelledError:
            if task is not None and watch.took_back(task, _CLOSED):
                raise TransportClosed(_CLOSED_MESSAGE, request=request) from None
            raise
        finally:
            if task is not None:
                del flights[task]
                if watch.ended and task in watch.ended:  # a cancel the request swallowed
                    watch.settle(task)
                if watch.started:
                    watch.started.pop(task, None)
