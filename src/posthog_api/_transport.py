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
    elapsed_ms = (time.perf_counter() - started) * 1000.0
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
    if not isinstance(phases, dict) or phases.get("read") is None:
        return None
    limits = [v for v in phases.values() if isinstance(v, (int, float))]
    return max(limits) if limits else None


async def _send_and_read(
    inner: httpx.AsyncBaseTransport, request: httpx.Request, deadline: float | None
) -> httpx.Response:
    """One attempt: the response with its body read into memory, all within ``deadline``."""
    started = time.monotonic()
    limit = asyncio.timeout(deadline)
    try:
        async with limit:
            response = await inner.handle_async_request(request)
            try:
                await response.aread()
            except BaseException:
                await response.aclose()
                raise
    except TimeoutError:
        if not limit.expired():  # not this deadline: some layer's own TimeoutError
            raise
        raise httpx.ReadTimeout(
            f"no complete response within {deadline} s (the total timeout of one attempt)",
            request=request,
        ) from None
    # httpx sets this when it closes a stream it read itself; here the body is read already.
    response.elapsed = datetime.timedelta(seconds=time.monotonic() - started)
    return response


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
    original's ``inner`` and never close it.
    """

    __slots__ = ("_inner", "_max_retries", "_now", "_owns_inner", "_random", "_sleep")

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sleep: SleepFunc = asyncio.sleep,
        random: Callable[[], float] = _random.random,
        now: Callable[[], float] = time.time,
        owns_inner: bool = True,
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

    def with_max_retries(self, max_retries: int) -> RetryTransport:
        """A transport with another ``max_retries`` sharing this one's inner transport.

        The copy does not own the inner transport: closing it leaves the shared connection
        pool open; only the original closes it.
        """
        return RetryTransport(
            self._inner,
            max_retries=max_retries,
            sleep=self._sleep,
            random=self._random,
            now=self._now,
            owns_inner=False,
        )

    async def aclose(self) -> None:
        if self._owns_inner:
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
        idempotent = request.method in _IDEMPOTENT_METHODS
        retryable_errors = _IDEMPOTENT_RETRY_ERRORS if idempotent else _UNSENT_ERRORS
        max_attempts = self._max_retries + 1
        debug = _logger.isEnabledFor(logging.DEBUG)
        inner = self._inner
        deadline = attempt_deadline(request)
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter() if debug else 0.0
            try:
                response = await _send_and_read(inner, request, deadline)
            except Exception as exc:
                if debug:
                    _log_attempt(request, type(exc).__name__, started, attempt)
                if attempt >= max_attempts or not isinstance(exc, retryable_errors):
                    _record_attempts(exc, attempt)
                    raise
                delay = backoff_delay(attempt - 1, self._random)
                reason: object = type(exc).__name__
            else:
                status = response.status_code
                if debug:
                    _log_attempt(request, status, started, attempt)
                if (
                    status != 429 and not (idempotent and (status == 408 or 500 <= status < 600))
                ) or attempt >= max_attempts:
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
