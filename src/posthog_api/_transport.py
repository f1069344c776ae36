"""The retry + logging transport: the one place where every API call is retried.

:class:`RetryTransport` wraps the real ``httpx`` transport, below the generated client, so
every operation gets the same policy:

* **Attempts.** ``max_retries`` (default 2) retries after the first attempt, so at most
  ``max_retries + 1`` attempts.
* **Idempotent methods** (GET, HEAD, OPTIONS, PUT, DELETE) retry on connection errors,
  timeouts and remote protocol errors (``httpx.TimeoutException``, ``httpx.NetworkError``,
  ``httpx.RemoteProtocolError``) and on 408, 429 and any 5xx status.
* **Non-idempotent methods** (POST, PATCH, and any other method) retry only on 429 and on
  errors where the request certainly never reached the server: ``httpx.ConnectError``,
  ``httpx.ConnectTimeout`` and ``httpx.PoolTimeout``. Never after an unknown outcome (a
  read/write timeout or error, a remote protocol error, a 5xx), so nothing is created twice.
* **Backoff** before retry ``n`` (0-based) is ``min(0.5 * 2**n, 8)`` seconds with *equal
  jitter*: the delay is drawn uniformly from ``[d/2, d]`` as ``d * (0.5 + random() / 2)``,
  so it never drops below half the nominal delay and never exceeds the 8 s cap.
* **Retry-After** on a response to be retried (seconds or an HTTP date) replaces the
  backoff, exactly as given, when it is at most 60 s. When the server asks for longer, the
  response is returned at once without retrying (the caller raises ``RateLimitError``).
* **Total deadline per attempt.** httpx's timeouts bound each phase and each read, so a
  server that drips a byte at a time never trips them. Each attempt (sending, the status
  line, headers *and* the whole body, which is read here) must therefore also finish within
  the request's timeout: its read timeout, or its largest phase when that is longer (no
  deadline when the read timeout is None). A missed deadline is an ``httpx.ReadTimeout``,
  retried like one. So a call ends within about ``timeout * attempts`` plus the backoff.
  One timer per transport (and its copies) watches every request in flight, rather than a
  timer per attempt: an attempt costs a clock read and a comparison, not a timer handle.
* **Closing.** Once the transport that owns ``inner`` is closed, it and its copies send
  nothing more: requests in flight (mid-attempt or in the backoff sleep) end at once, and
  new ones fail before sending, with :class:`TransportClosed`. Nothing is resent on a
  connection that the closed pool would open again and never close.
* **Cancellation** (``asyncio.CancelledError``) is never caught: it propagates from an
  attempt or from the backoff sleep and no further attempt is made.
* A response that will be retried is closed before sleeping, so no connection leaks.
* The number of attempts is stored on the final response as
  ``response.extensions["posthog_api.attempts"]`` and on a final exception as the attribute
  ``posthog_api_attempts`` (see :func:`attempts_of`).

Request bodies are replayed from memory on a retry; the generated client always sends
bytes, so this holds. A streaming upload cannot be replayed and fails with
``httpx.StreamConsumed`` on the second attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime
import logging
import random as _random
import time
from collections.abc import Awaitable, Callable

import httpx

from ._errors import ConfigurationError, parse_retry_after
from ._logging import logger as _logger

__all__ = [
    "ATTEMPTS_ATTRIBUTE",
    "ATTEMPTS_EXTENSION",
    "BASE_DELAY",
    "DEFAULT_MAX_RETRIES",
    "MAX_DELAY",
    "MAX_RETRY_AFTER",
    "RetryTransport",
    "TransportClosed",
    "attempts_of",
    "backoff_delay",
]

BASE_DELAY = 0.5
"""Nominal delay in seconds before the first retry; doubled for each later one."""
MAX_DELAY = 8.0
"""Cap in seconds on the nominal backoff delay (jitter only ever shortens it)."""
MAX_RETRY_AFTER = 60.0
"""Longest ``Retry-After`` in seconds that is waited out; longer ones end the retries."""
DEFAULT_MAX_RETRIES = 2

ATTEMPTS_EXTENSION = "posthog_api.attempts"
"""Key in ``httpx.Response.extensions`` holding the number of attempts made."""
MAX_RETRIES_EXTENSION = "posthog_api.max_retries"
"""Key in ``httpx.Request.extensions``: this request's ``max_retries`` (a call's option)."""
ATTEMPTS_ATTRIBUTE = "posthog_api_attempts"
"""Attribute set on the exception that ended the retries: the number of attempts made."""

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

# Errors after which an idempotent request may be sent again.
_IDEMPOTENT_RETRY_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)
# Errors that prove the request never reached the server: safe to resend even a POST.
_UNSENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)

SleepFunc = Callable[[float], Awaitable[object]]


def backoff_delay(retry_index: int, random: Callable[[], float] = _random.random) -> float:
    """Seconds to wait before retry ``retry_index`` (0-based), with equal jitter.

    The nominal delay is ``min(BASE_DELAY * 2**retry_index, MAX_DELAY)``; the result is
    ``nominal * (0.5 + random() / 2)``, i.e. in ``[nominal / 2, nominal]``.
    """
    nominal = MAX_DELAY if retry_index >= 5 else min(BASE_DELAY * (1 << retry_index), MAX_DELAY)
    return nominal * (0.5 + random() / 2.0)


def attempts_of(obj: httpx.Response | BaseException) -> int | None:
    """The number of attempts :class:`RetryTransport` made for this response or error."""
    if isinstance(obj, httpx.Response):
        value = obj.extensions.get(ATTEMPTS_EXTENSION)
    else:
        value = getattr(obj, ATTEMPTS_ATTRIBUTE, None)
    return value if isinstance(value, int) else None


def _record_attempts(exc: BaseException, attempts: int) -> None:
    with contextlib.suppress(AttributeError, TypeError):  # an exception type with __slots__
        setattr(exc, ATTEMPTS_ATTRIBUTE, attempts)


def _log_attempt(request: httpx.Request, outcome: object, started: float, attempt: int) -> None:
    elapsed_ms = (time.monotonic() - started) * 1000.0
    _logger.debug(
        "%s %s -> %s in %.1f ms (attempt %d)",
        request.method,
        request.url.path,
        outcome,
        elapsed_ms,
        attempt,
    )


def attempt_deadline(request: httpx.Request) -> float | None:
    """Seconds one attempt at ``request`` may take in all, from its httpx timeout settings.

    The largest of the connect/read/write/pool timeouts; None when reads are unbounded.
    """
    phases = request.extensions.get("timeout")
    if not isinstance(phases, dict):
        return None
    longest = phases.get("read")
    if longest is None:
        return None
    for seconds in phases.values():
        if seconds is not None and seconds > longest:
            longest = seconds
    return longest  # type: ignore[no-any-return]


class TransportClosed(httpx.TransportError):
    """The transport that owns the connection pool was closed: nothing more is sent."""


_INF = float("inf")
_EXPIRED = "deadline"
_CLOSED = "closed"
# A timer may fall due up to the clock's resolution early: a deadline this close is past.
_SLACK = 1e-3
# Timer callbacks run in this (empty) context, not a copy of the caller's: a handle that
# waits for its deadline then holds on to nothing a call put in a context variable.
_NO_CONTEXT = contextvars.Context()


class _Ended:
    """Why the watch cancelled a request's task, and how many times (for ``uncancel``)."""

    __slots__ = ("cancels", "why")

    def __init__(self, why: str) -> None:
        self.why = why
        self.cancels = 0


class _Watch:
    """What a :class:`RetryTransport` and its copies share: whether the pool is closed, and
    the requests in flight, checked against their attempt deadlines by one timer.

    ``flights`` maps the task of each request in flight to the deadline of its current
    attempt (a ``time.monotonic()``; infinity between attempts). The timer falls due at the
    soonest of them; when it fires it cancels the tasks whose attempt is past its deadline
    (the attempt turns that into an ``httpx.ReadTimeout``) and waits for the next soonest.
    A request pays a few dict operations and a clock read per attempt (done inline by
    ``RetryTransport.handle_async_request``), not a timer handle of its own.
    """

    __slots__ = ("_handle", "closed", "due", "ended", "flights", "loop", "started")

    def __init__(self) -> None:
        self.closed = False
        self.flights: dict[asyncio.Task[object], float] = {}
        # The tasks the watch cancelled, and (rarely non-empty) the cancellation count a
        # task already had when its request started: what ``settle`` restores.
        self.ended: dict[asyncio.Task[object], _Ended] = {}
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
        ended = self.ended.get(task)
        if ended is None:
            ended = self.ended[task] = _Ended(why)
        ended.why = why
        ended.cancels += 1
        task.cancel()

    def why(self, task: asyncio.Task[object]) -> str | None:
        """Why the watch cancelled ``task`` (None: it did not)."""
        ended = self.ended.get(task)
        return None if ended is None else ended.why

    def settle(self, task: asyncio.Task[object]) -> bool:
        """Take back the watch's cancellations of ``task``; True when nobody else cancelled
        it since its request started (the cancellation was the watch's alone)."""
        ended = self.ended.pop(task, None)
        before = self.started.get(task, 0)
        remaining = before
        for _ in range(0 if ended is None else ended.cancels):
            remaining = task.uncancel()
        return remaining <= before

    def expired(self, task: asyncio.Task[object], error: BaseException | None) -> bool:
        """After an attempt the watch cut off: whether ``error`` is its cancellation."""
        return self.settle(task) and isinstance(error, asyncio.CancelledError)

    def close(self) -> None:
        """Refuse every new request and end those in flight (not the caller's own)."""
        self.closed = True
        current = asyncio.current_task()
        for task in list(self.flights):
            # A task of another event loop (closed, or another thread's) is not ours to end.
            if task is not current and not task.done() and not task.get_loop().is_closed():
                self._end(task, _CLOSED)
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self.due = _INF


def check_max_retries(value: object) -> int:
    """The one check of a ``max_retries`` setting (the client calls it before building)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"max_retries must be an int >= 0, got {value!r}")
    return value


class RetryTransport(httpx.AsyncBaseTransport):
    """An ``httpx.AsyncBaseTransport`` that retries and logs requests sent through ``inner``.

    ``sleep``, ``random`` and ``now`` (wall-clock seconds, used for ``Retry-After`` HTTP
    dates) are injectable so tests can run on a fake clock. ``owns_inner`` says whether
    :meth:`aclose` closes ``inner``; copies made by :meth:`with_max_retries` share the
    original's ``inner`` and never close it, but once the original is closed they send
    nothing either (:attr:`closed`).
    """

    __slots__ = (
        "_deadline",
        "_inner",
        "_max_retries",
        "_now",
        "_owns_inner",
        "_phases",
        "_random",
        "_sleep",
        "_watch",
    )

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sleep: SleepFunc = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        now: Callable[[], float] = time.time,
        owns_inner: bool = True,
        _watch: _Watch | None = None,
    ) -> None:
        check_max_retries(max_retries)
        self._inner: httpx.AsyncBaseTransport = (
            httpx.AsyncHTTPTransport() if inner is None else inner
        )
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
        """The wrapped transport that actually sends requests."""
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
        """A transport with another ``max_retries`` sharing this one's inner transport.

        The copy does not own the inner transport: closing it leaves the shared connection
        pool open; only the original closes it, and from then on the copy sends nothing.
        """
        return RetryTransport(
            self._inner,
            max_retries=max_retries,
            sleep=self._sleep,
            random=self._random,
            now=self._now,
            owns_inner=False,
            _watch=self._watch,
        )

    async def aclose(self) -> None:
        """Close ``inner`` if this transport owns it; requests in flight then end at once."""
        if self._owns_inner:
            self._watch.close()
            await self._inner.aclose()

    def __repr__(self) -> str:
        return f"RetryTransport(max_retries={self._max_retries}, owns_inner={self._owns_inner})"

    def _retry_after_delay(self, response: httpx.Response, retry_index: int) -> float | None:
        """Delay before retrying ``response``, or ``None`` if it must be returned as is."""
        header = response.headers.get("retry-after")
        if header is not None:
            seconds = parse_retry_after(header, now=self._now())
            if seconds is not None:
                return seconds if seconds <= MAX_RETRY_AFTER else None
        return backoff_delay(retry_index, self._random)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        watch = self._watch
        if watch.closed:
            raise TransportClosed(_CLOSED_MESSAGE, request=request)
        idempotent = request.method in _IDEMPOTENT_METHODS
        retryable_errors = _IDEMPOTENT_RETRY_ERRORS if idempotent else _UNSENT_ERRORS
        max_attempts = request.extensions.get(MAX_RETRIES_EXTENSION, self._max_retries) + 1
        debug = _logger.isEnabledFor(logging.DEBUG)
        inner = self._inner
        phases = request.extensions.get("timeout")
        if phases == self._phases:
            deadline = self._deadline
        else:
            deadline = self._deadline = attempt_deadline(request)
            self._phases = phases
        # The watch's bookkeeping is inline (dict operations, no calls): it runs on every
        # request. A request sent while another of the same task is in flight here (only
        # a transport that sends back through this one) has no deadline of its own.
        flights = watch.flights
        task = asyncio.current_task()
        if task is not None and task not in flights:
            flights[task] = _INF
            if task.cancelling():
                watch.started[task] = task.cancelling()
        else:
            task = None
        attempt = 0
        try:
            while True:
                attempt += 1
                started = time.monotonic()
                if task is not None and deadline is not None:
                    due = flights[task] = started + deadline
                    if due < watch.due or watch.loop is not task.get_loop():
                        watch.schedule(due)
                try:
                    # One attempt: the response with its body read, all before the deadline.
                    response = await inner.handle_async_request(request)
                    try:
                        await response.aread()
                    except BaseException:
                        await response.aclose()
                        raise
                except BaseException as caught:
                    error = caught
                    if task is not None:
                        flights[task] = _INF
                        if (
                            watch.ended
                            and watch.why(task) is _EXPIRED
                            and watch.expired(task, caught)
                        ):
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
                    if attempt >= max_attempts or not isinstance(error, retryable_errors):
                        _record_attempts(error, attempt)
                        if error is caught:
                            raise
                        raise error from None
                    delay = backoff_delay(attempt - 1, self._random)
                    reason: object = type(error).__name__
                else:
                    if task is not None:
                        flights[task] = _INF
                        if watch.ended and watch.why(task) is _EXPIRED:
                            watch.settle(task)  # cut off, but the attempt swallowed it
                    # httpx sets this when it closes a stream it read itself.
                    response.elapsed = datetime.timedelta(0, time.monotonic() - started)
                    status = response.status_code
                    if debug:
                        _log_attempt(request, status, started, attempt)
                    retry = status == 429 or (idempotent and (status == 408 or 500 <= status < 600))
                    if not retry or attempt >= max_attempts:
                        response.extensions[ATTEMPTS_EXTENSION] = attempt
                        return response
                    retry_delay = self._retry_after_delay(response, attempt - 1)
                    if retry_delay is None:
                        if debug:
                            _logger.debug(
                                "not retrying %s %s: Retry-After exceeds %.0f s",
                                request.method,
                                request.url.path,
                                MAX_RETRY_AFTER,
                            )
                        response.extensions[ATTEMPTS_EXTENSION] = attempt
                        return response
                    delay = retry_delay
                    reason = status
                    await response.aclose()
                if debug:
                    _logger.debug(
                        "retrying %s %s after %s in %.2f s (attempt %d of %d)",
                        request.method,
                        request.url.path,
                        reason,
                        delay,
                        attempt + 1,
                        max_attempts,
                    )
                await self._sleep(delay)
                if watch.closed:
                    raise TransportClosed(_CLOSED_MESSAGE, request=request)
        except asyncio.CancelledError:
            if task is not None and watch.why(task) is _CLOSED and watch.settle(task):
                raise TransportClosed(_CLOSED_MESSAGE, request=request) from None
            raise
        finally:
            if task is not None:
                del flights[task]
                if watch.ended and task in watch.ended:  # a cancel the request swallowed
                    watch.settle(task)
                if watch.started:
                    watch.started.pop(task, None)


_CLOSED_MESSAGE = (
    "the client was closed (aclose() or the end of its 'async with'): nothing more is sent"
)
