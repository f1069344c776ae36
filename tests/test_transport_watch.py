"""The retry transport's edges a user sees: its one deadline watch (many requests with
different deadlines, a request finishing just before its deadline, copies sharing the watch,
another event loop, the caller's own cancellation), attempts recorded on odd exceptions, the
timing in DEBUG lines, and the checks and defaults of its settings."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import time
import types
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from posthog_api._errors import ConfigurationError
from posthog_api._logging import LOGGER_NAME
from posthog_api._transport import (
    ATTEMPTS_ATTRIBUTE,
    ATTEMPTS_EXTENSION,
    RetryTransport,
    attempt_deadline,
    attempts_of,
    check_max_retries,
)

URL = "https://eu.posthog.com/api/projects/1/llm_prompts/"
TOKEN = "phx_watchT0kenValue1234567890"
# Far beyond any deadline below: a test that loses its deadline fails here instead of hanging.
GIVE_UP = 2.0

Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


class Inner(httpx.AsyncBaseTransport):
    """An inner transport answering with ``handler`` and counting what it was asked."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.handler(request)

    async def aclose(self) -> None:
        self.closed = True


class Drip(httpx.AsyncByteStream):
    """A body that never ends: a byte every 10 ms."""

    def __init__(self) -> None:
        self.closed = False

    async def __aiter__(self) -> Any:
        while True:
            yield b" "
            await asyncio.sleep(0.01)

    async def aclose(self) -> None:
        self.closed = True


class Slow(httpx.AsyncByteStream):
    """A body that arrives whole after ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def __aiter__(self) -> Any:
        await asyncio.sleep(self.seconds)
        yield b"{}"


async def drip(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, stream=Drip())


def slow(seconds: float) -> Handler:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Slow(seconds))

    return handler


async def no_sleep(delay: float) -> None:
    return None


def timed(seconds: float | None, method: str = "GET") -> httpx.Request:
    phases = {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}
    return httpx.Request(
        method, URL, headers={"Authorization": f"Bearer {TOKEN}"}, extensions={"timeout": phases}
    )


def plain(method: str = "GET") -> httpx.Request:
    return httpx.Request(method, URL, headers={"Authorization": f"Bearer {TOKEN}"})


def watch_timers(monkeypatch: pytest.MonkeyPatch) -> list[asyncio.TimerHandle]:
    """The deadline watch's timers put on the running loop from now on."""
    loop = asyncio.get_running_loop()
    timers: list[asyncio.TimerHandle] = []
    call_at = loop.call_at

    def counting(when: float, callback: Any, *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        handle = call_at(when, callback, *args, **kwargs)
        if getattr(callback, "__name__", "") == "_fire":
            timers.append(handle)
        return handle

    monkeypatch.setattr(loop, "call_at", counting)
    return timers


# ------------------------------------------------------------------ the deadline watch


async def test_many_requests_in_flight_each_end_at_their_own_deadline() -> None:
    """Started longest deadline first (each one then moves the watch's timer earlier) and
    with a request without deadline and a quick one in between: each dripping request ends
    at its own deadline, not at another's, and the others are untouched."""
    transport = RetryTransport(Inner(drip), max_retries=0)
    quick = RetryTransport(Inner(slow(0.01)), max_retries=0, _watch=transport._watch)
    loop = asyncio.get_running_loop()
    ended: dict[float, float] = {}
    started = loop.time()

    async def call(seconds: float) -> None:
        with pytest.raises(httpx.ReadTimeout, match=rf"within {seconds} s"):
            await transport.handle_async_request(timed(seconds))
        ended[seconds] = loop.time() - started

    deadlines = [0.16, 0.12, 0.04, 0.08]
    async with asyncio.timeout(GIVE_UP), asyncio.TaskGroup() as group:
        for seconds in deadlines:
            group.create_task(call(seconds))
        unbounded = group.create_task(quick.handle_async_request(timed(None)))
        bounded = group.create_task(quick.handle_async_request(timed(0.12)))
    assert sorted(ended, key=ended.__getitem__) == sorted(deadlines)
    for seconds, elapsed in ended.items():
        assert seconds <= elapsed < seconds + 0.03, (seconds, elapsed)
    assert unbounded.result().content == bounded.result().content == b"{}"
    assert transport._watch.flights == {}


async def test_a_request_done_just_before_its_deadline_is_not_cut() -> None:
    """A body complete 15 ms before the deadline is the answer, the task is left with no
    cancellation, and the timer that was due for it cuts nothing sent after it."""
    inner = Inner(slow(0.085))
    transport = RetryTransport(inner, max_retries=0)
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with asyncio.timeout(GIVE_UP):
        response = await transport.handle_async_request(timed(0.1))
    assert response.content == b"{}"
    assert attempts_of(response) == 1
    assert 0.085 <= loop.time() - started < 0.1
    assert task.cancelling() == 0
    # The next request, of the same task, runs past the first one's deadline: its own
    # deadline is 0.1 s after its start, so the stale timer must not end it.
    async with asyncio.timeout(GIVE_UP):
        again = await transport.handle_async_request(timed(0.1))
    assert again.content == b"{}"
    assert loop.time() - started > 0.1 + 0.05
    assert len(inner.requests) == 2
    await asyncio.sleep(0)  # no cancellation pending either
    assert task.cancelling() == 0


async def test_an_attempt_that_swallows_the_cut_leaves_the_task_uncancelled() -> None:
    """An inner transport that catches the watch's cancellation and answers anyway: its
    answer is returned, and the task keeps no cancellation for a later asyncio.timeout."""

    async def stubborn(request: httpx.Request) -> httpx.Response:
        try:
            await asyncio.sleep(1.0)
        except asyncio.CancelledError:
            return httpx.Response(200, content=b"late")
        return httpx.Response(200, content=b"slow")

    transport = RetryTransport(Inner(stubborn), max_retries=0)
    task = asyncio.current_task()
    assert task is not None
    async with asyncio.timeout(GIVE_UP):
        response = await transport.handle_async_request(timed(0.03))
    assert response.content == b"late"
    assert task.cancelling() == 0
    assert transport._watch.ended == {}


async def test_copies_share_the_watch_and_its_one_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """with_max_retries copies (what with_options builds) put their deadlines on the
    original's timer: a copy's shorter deadline still cuts in time while the original's
    longer one is pending, and the longer one then fires on its own."""
    inner = Inner(drip)
    transport = RetryTransport(inner, max_retries=0, sleep=no_sleep)
    copy = transport.with_max_retries(1)
    copy_of_copy = copy.with_max_retries(0)
    timers = watch_timers(monkeypatch)
    loop = asyncio.get_running_loop()
    started = loop.time()
    long = asyncio.create_task(transport.handle_async_request(timed(0.2)))
    await asyncio.sleep(0.01)
    with pytest.raises(httpx.ReadTimeout) as info:
        async with asyncio.timeout(GIVE_UP):
            await copy.handle_async_request(timed(0.04))
    assert attempts_of(info.value) == 2  # the copy's own max_retries
    assert loop.time() - started < 0.01 + 2 * 0.04 + 0.04
    with pytest.raises(httpx.ReadTimeout):
        async with asyncio.timeout(GIVE_UP):
            await copy_of_copy.handle_async_request(timed(0.03))
    with pytest.raises(httpx.ReadTimeout, match=r"within 0\.2 s"):
        async with asyncio.timeout(GIVE_UP):
            await long
    assert 0.2 <= loop.time() - started < 0.28
    assert len(inner.requests) == 4
    # One timer: set by each deadline sooner than the pending one (long, the copy's two
    # attempts, the copy of the copy) and re-armed for the long one after each cut; none
    # is left on the loop once nothing is in flight.
    assert len(timers) <= 7
    assert transport._watch.due == float("inf")
    assert transport._watch is copy._watch is copy_of_copy._watch


def test_the_watch_follows_the_client_to_another_event_loop() -> None:
    """A transport used under one event loop then another (two asyncio.run calls): the
    timer left on the first loop for a far deadline does not stop a short one on the
    second loop from cutting in time."""
    transport = RetryTransport(Inner(slow(0.0)), max_retries=0)

    async def first() -> None:
        await transport.handle_async_request(timed(30.0))

    async def second() -> float:
        transport._inner = Inner(drip)
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(httpx.ReadTimeout):
            async with asyncio.timeout(GIVE_UP):
                await transport.handle_async_request(timed(0.05))
        return loop.time() - started

    asyncio.run(first())
    assert asyncio.run(second()) < 0.05 + 0.1


async def test_the_callers_cancel_at_the_deadline_is_a_cancellation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The caller cancels the task in the same loop pass as the deadline cuts it: the call
    ends with CancelledError (the caller's), not a ReadTimeout to retry, and nothing is
    resent."""
    inner = Inner(drip)
    transport = RetryTransport(inner, max_retries=3, sleep=no_sleep)
    handles = watch_timers(monkeypatch)
    call = asyncio.create_task(transport.handle_async_request(timed(0.05)))
    await asyncio.sleep(0.01)
    assert len(handles) == 1
    # Due together with the watch's timer (a later handle at the same time runs after it).
    asyncio.get_running_loop().call_at(handles[0].when(), call.cancel)
    with pytest.raises(asyncio.CancelledError):
        async with asyncio.timeout(GIVE_UP):
            await call
    assert call.cancelled()
    assert len(inner.requests) == 1


async def test_an_outer_timeout_is_not_taken_for_an_attempt_deadline() -> None:
    """asyncio.timeout around a call whose attempts each hit their own deadline: the
    attempts time out and are retried, and the caller's timeout still ends the call as
    TimeoutError when it falls due."""
    inner = Inner(drip)
    transport = RetryTransport(inner, max_retries=10, sleep=no_sleep)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.13):
            await transport.handle_async_request(timed(0.05))
    assert 0.13 <= loop.time() - started < 0.2
    assert len(inner.requests) == 3  # cut at 0.05 and 0.10, the third by the caller
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0


async def test_a_deadline_in_a_task_already_cancelling_is_a_timeout() -> None:
    """A task that swallowed an earlier cancellation (cancelling() > 0) and then sends:
    the watch's cut is still a ReadTimeout, and the task keeps its earlier count."""
    task = asyncio.current_task()
    assert task is not None
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.sleep(1)
    assert task.cancelling() == 1
    try:
        transport = RetryTransport(Inner(drip), max_retries=1, sleep=no_sleep)
        with pytest.raises(httpx.ReadTimeout) as info:
            await transport.handle_async_request(timed(0.03))
        assert attempts_of(info.value) == 2
        assert task.cancelling() == 1
        assert transport._watch.started == {}
    finally:
        task.uncancel()


async def test_the_deadline_error_names_the_request_and_the_seconds() -> None:
    transport = RetryTransport(Inner(drip), max_retries=0)
    sent = timed(0.03)
    with pytest.raises(httpx.ReadTimeout) as info:
        async with asyncio.timeout(GIVE_UP):
            await transport.handle_async_request(sent)
    assert (
        str(info.value) == "no complete response within 0.03 s (the total timeout of one attempt)"
    )
    assert info.value.request is sent
    assert info.value.__cause__ is None and info.value.__suppress_context__


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        ({"read": 5.0}, 5.0),  # phases not given are not limits
        ({"connect": None, "read": 2.0, "write": 7.0, "pool": 3.0}, 7.0),
        ({"connect": 0.0, "read": 0.5, "write": 0.25}, 0.5),
        (None, None),
        ("30", None),
    ],
)
def test_attempt_deadline_edges(phases: Any, expected: float | None) -> None:
    sent = httpx.Request("GET", URL)
    if phases is None:
        sent.extensions.pop("timeout", None)
    else:
        sent.extensions["timeout"] = phases
    assert attempt_deadline(sent) == expected


async def test_a_second_client_timeout_gets_its_own_deadline() -> None:
    """The transport remembers the last timeout settings' deadline: a request with other
    settings (with_options(timeout=...)) must get its own, both ways."""
    transport = RetryTransport(Inner(drip), max_retries=0)
    loop = asyncio.get_running_loop()
    for seconds in (0.03, 0.09, 0.03):
        started = loop.time()
        with pytest.raises(httpx.ReadTimeout, match=rf"within {seconds} s"):
            async with asyncio.timeout(GIVE_UP):
                await transport.handle_async_request(timed(seconds))
        assert seconds <= loop.time() - started < seconds + 0.03


class SlowToStop(httpx.AsyncByteStream):
    """A body that never ends and, when cut off, takes 50 ms to clean up before stopping."""

    async def __aiter__(self) -> Any:
        try:
            while True:
                yield b" "
                await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            await asyncio.sleep(0.05)
            raise


async def slow_to_stop(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, stream=SlowToStop())


async def test_a_deadline_falls_due_while_another_cut_request_cleans_up() -> None:
    transport = RetryTransport(Inner(slow_to_stop), max_retries=0)
    other = RetryTransport(Inner(drip), max_retries=0, _watch=transport._watch)
    loop = asyncio.get_running_loop()
    started = loop.time()
    cut = asyncio.create_task(transport.handle_async_request(timed(0.02)))
    with pytest.raises(httpx.ReadTimeout):
        async with asyncio.timeout(GIVE_UP):
            await other.handle_async_request(timed(0.04))
    assert 0.04 <= loop.time() - started < 0.06  # while the first is still cleaning up
    with pytest.raises(httpx.ReadTimeout, match=r"within 0\.02 s"):
        async with asyncio.timeout(GIVE_UP):
            await cut


async def test_closed_while_a_cut_request_cleans_up_is_closed() -> None:
    """Cut by its deadline, then by aclose() before it stopped: the call reports the
    close (TransportClosed), not a cancellation, and its task keeps no cancellation."""
    transport = RetryTransport(Inner(slow_to_stop), max_retries=2, sleep=no_sleep)
    done: list[int] = []

    async def call() -> None:
        with pytest.raises(httpx.TransportError, match="closed"):
            await transport.handle_async_request(timed(0.02))
        task = asyncio.current_task()
        assert task is not None
        done.append(task.cancelling())

    task = asyncio.create_task(call())
    await asyncio.sleep(0.04)  # cut at 0.02, cleaning up until 0.07
    await transport.aclose()
    async with asyncio.timeout(GIVE_UP):
        await task
    assert done == [0]


def test_a_request_left_on_a_closed_event_loop_does_not_stop_the_watch() -> None:
    """A loop closed with a request still in flight (never cancelled): on the next loop,
    the watch skips it and still cuts that loop's requests at their deadlines."""
    transport = RetryTransport(Inner(drip), max_retries=0)
    first = asyncio.new_event_loop()

    async def start() -> None:
        asyncio.get_running_loop().create_task(transport.handle_async_request(timed(0.01)))
        await asyncio.sleep(0.005)  # in flight, its deadline set

    first.run_until_complete(start())
    first.close()
    time.sleep(0.02)  # its deadline has passed

    async def later() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(httpx.ReadTimeout):
            async with asyncio.timeout(GIVE_UP):
                await transport.handle_async_request(timed(0.03))
        with pytest.raises(httpx.ReadTimeout):
            async with asyncio.timeout(GIVE_UP):
                await transport.handle_async_request(timed(0.03))
        return loop.time() - started

    assert asyncio.run(later()) < 0.06 + 0.1


# ------------------------------------------------------------------ closing


async def test_closing_a_copy_ends_nothing_and_the_original_ends_all() -> None:
    inner = Inner(drip)
    transport = RetryTransport(inner, max_retries=2, sleep=no_sleep)
    copy = transport.with_max_retries(0)
    call = asyncio.create_task(copy.handle_async_request(timed(30.0)))
    await asyncio.sleep(0.02)
    await copy.aclose()
    await asyncio.sleep(0.02)
    assert not call.done() and not copy.closed and not inner.closed
    await transport.aclose()
    with pytest.raises(httpx.TransportError) as info:
        async with asyncio.timeout(GIVE_UP):
            await call
    assert str(info.value) == (
        "the client was closed (aclose() or the end of its 'async with'): nothing more is sent"
    )
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert inner.closed and copy.closed and len(inner.requests) == 1


async def test_a_request_closing_its_own_client_is_not_cut() -> None:
    """aclose() called from the task of a request in flight (an inner transport that
    closes the client): that request's answer still arrives; the next one is refused."""
    holder: list[RetryTransport] = []

    async def closing(request: httpx.Request) -> httpx.Response:
        await holder[0].aclose()
        await asyncio.sleep(0.01)
        return httpx.Response(200, content=b"ok")

    transport = RetryTransport(Inner(closing), max_retries=0)
    holder.append(transport)
    async with asyncio.timeout(GIVE_UP):
        response = await transport.handle_async_request(timed(30.0))
    assert response.content == b"ok"
    with pytest.raises(httpx.TransportError, match="closed"):
        await transport.handle_async_request(timed(30.0))


async def test_a_failed_attempt_after_close_is_not_retried() -> None:
    """The pool closed under an attempt that then fails: TransportClosed, no resend."""
    holder: list[RetryTransport] = []

    async def failing(request: httpx.Request) -> httpx.Response:
        await holder[0].aclose()
        raise httpx.ConnectError("refused", request=request)

    inner = Inner(failing)
    transport = RetryTransport(inner, max_retries=3, sleep=no_sleep)
    holder.append(transport)
    with pytest.raises(httpx.TransportError, match="closed") as info:
        await transport.handle_async_request(timed(30.0))
    assert not isinstance(info.value, httpx.ConnectError)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert len(inner.requests) == 1


async def test_closed_during_the_backoff_sleep_sends_nothing_more() -> None:
    holder: list[RetryTransport] = []

    async def closing_sleep(delay: float) -> None:
        await holder[0].aclose()

    async def unavailable(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    inner = Inner(unavailable)
    transport = RetryTransport(inner, max_retries=3, sleep=closing_sleep)
    holder.append(transport)
    with pytest.raises(httpx.TransportError, match="closed"):
        await transport.handle_async_request(plain())
    assert len(inner.requests) == 1


def test_a_transport_without_inner_owns_a_real_http_transport() -> None:
    transport = RetryTransport()
    assert isinstance(transport.inner, httpx.AsyncHTTPTransport)
    assert transport.owns_inner
    assert transport.max_retries == 2
    assert transport.closed is False
    assert transport.with_max_retries(0).owns_inner is False


# ------------------------------------------------------------------ attempts recorded


class FrozenError(httpx.ReadError):
    """An exception that refuses new attributes (like a frozen attrs exception)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name == ATTEMPTS_ATTRIBUTE:
            raise AttributeError(f"{type(self).__name__} is frozen")
        super().__setattr__(name, value)


class PickyError(httpx.ReadError):
    def __setattr__(self, name: str, value: object) -> None:
        if name == ATTEMPTS_ATTRIBUTE:
            raise TypeError("no new attributes")
        super().__setattr__(name, value)


@pytest.mark.parametrize("error_type", [FrozenError, PickyError])
async def test_an_exception_refusing_the_attempts_attribute_still_surfaces(
    error_type: type[httpx.ReadError],
) -> None:
    raised: list[BaseException] = []

    async def failing(request: httpx.Request) -> httpx.Response:
        raised.append(error_type("reset", request=request))
        raise raised[-1]

    transport = RetryTransport(Inner(failing), max_retries=1, sleep=no_sleep)
    with pytest.raises(error_type) as info:
        await transport.handle_async_request(plain())
    assert info.value is raised[-1] and len(raised) == 2
    assert attempts_of(info.value) is None


def test_attempts_of_reads_only_what_the_transport_recorded() -> None:
    assert attempts_of(ValueError("plain")) is None
    marked = ValueError("marked")
    setattr(marked, ATTEMPTS_ATTRIBUTE, 3)
    assert attempts_of(marked) == 3
    setattr(marked, ATTEMPTS_ATTRIBUTE, "3")
    assert attempts_of(marked) is None
    response = httpx.Response(200)
    assert attempts_of(response) is None
    response.extensions[ATTEMPTS_EXTENSION] = 2
    assert attempts_of(response) == 2
    response.extensions[ATTEMPTS_EXTENSION] = 2.0
    assert attempts_of(response) is None


# ------------------------------------------------------------------ policy edges


@pytest.mark.parametrize("status", [600, 499, 407])
async def test_statuses_outside_408_429_and_5xx_are_not_retried(status: int) -> None:
    async def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status)

    inner = Inner(answer)
    transport = RetryTransport(inner, max_retries=2, sleep=no_sleep)
    response = await transport.handle_async_request(plain())
    assert response.status_code == status
    assert len(inner.requests) == 1
    assert attempts_of(response) == 1


async def test_a_copy_reads_retry_after_dates_on_the_injected_clock() -> None:
    now = 1_750_000_000.0
    date = email.utils.formatdate(now + 7, usegmt=True)
    answers = iter([httpx.Response(429, headers={"Retry-After": date}), httpx.Response(200)])

    async def answer(request: httpx.Request) -> httpx.Response:
        return next(answers)

    delays: list[float] = []

    async def sleep(delay: float) -> None:
        delays.append(delay)

    transport = RetryTransport(Inner(answer), max_retries=0, sleep=sleep, now=lambda: now)
    copy = transport.with_max_retries(1)
    response = await copy.handle_async_request(plain())
    assert response.status_code == 200
    assert delays == [7.0]


@pytest.mark.parametrize("bad", [-1, 1.5, True, "2", None])
def test_max_retries_message_names_the_setting_and_value(bad: Any) -> None:
    with pytest.raises(ConfigurationError) as info:
        check_max_retries(bad)
    assert str(info.value) == f"max_retries must be an int >= 0, got {bad!r}"
    with pytest.raises(ConfigurationError, match="max_retries"):
        RetryTransport(Inner(drip)).with_max_retries(bad)


# ------------------------------------------------------------------ DEBUG lines


class Clock:
    """time.monotonic for the transport module alone: moves only when told."""

    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def fake_monotonic(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    fake = types.SimpleNamespace(monotonic=clock, time=time.time, perf_counter=time.perf_counter)
    monkeypatch.setattr("posthog_api._transport.time", fake)
    return clock


async def test_debug_lines_show_each_attempts_time_and_status(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = fake_monotonic(monkeypatch)
    answers = iter([503, 200])

    async def answer(request: httpx.Request) -> httpx.Response:
        clock.now += 1.25  # each attempt takes 1.25 s on the module's clock
        return httpx.Response(next(answers), content=b"{}")

    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    transport = RetryTransport(Inner(answer), max_retries=2, sleep=no_sleep, random=lambda: 1.0)
    response = await transport.handle_async_request(plain())
    assert response.elapsed.total_seconds() == 1.25
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    path = "/api/projects/1/llm_prompts/"
    assert messages == [
        f"GET {path} -> 503 in 1250.0 ms (attempt 1)",
        f"retrying GET {path} after 503 in 0.50 s (attempt 2 of 3)",
        f"GET {path} -> 200 in 1250.0 ms (attempt 2)",
    ]


async def test_debug_line_for_a_failed_attempt_shows_its_time(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = fake_monotonic(monkeypatch)

    async def answer(request: httpx.Request) -> httpx.Response:
        clock.now += 0.5
        raise httpx.ReadError("reset", request=request)

    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    transport = RetryTransport(Inner(answer), max_retries=0)
    with pytest.raises(httpx.ReadError):
        await transport.handle_async_request(plain("DELETE"))
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    assert messages == ["DELETE /api/projects/1/llm_prompts/ -> ReadError in 500.0 ms (attempt 1)"]
    assert not re.search(TOKEN, caplog.text)
