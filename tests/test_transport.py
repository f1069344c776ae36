"""The retry + logging transport: the policy table, backoff, Retry-After, cancellation,
connection hygiene, shared inner transports, and the DEBUG log lines."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from posthog_api._errors import ConfigurationError
from posthog_api._logging import (
    ENV_VAR,
    LOGGER_NAME,
    RedactingFilter,
    configure_from_env,
    redact,
)
from posthog_api._transport import (
    ATTEMPTS_ATTRIBUTE,
    ATTEMPTS_EXTENSION,
    MAX_DELAY,
    RetryTransport,
    attempts_of,
    backoff_delay,
)

URL = "https://eu.posthog.com/api/projects/1/llm_prompts/"
TOKEN = "phx_s3cretT0kenValue1234567890"

IDEMPOTENT = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]
UNSAFE = ["POST", "PATCH"]

# Outcome: an int status, an exception class, or a (status, headers) pair.
Outcome = Any


class TrackedStream(httpx.AsyncByteStream):
    """A response body that remembers whether it was closed."""

    def __init__(self, body: bytes = b"{}") -> None:
        self.body = body
        self.closed = False

    async def __aiter__(self) -> Any:
        yield self.body

    async def aclose(self) -> None:
        self.closed = True


class Scripted(httpx.MockTransport):
    """A MockTransport that plays back ``outcomes`` (the last one repeats) and records."""

    def __init__(self, outcomes: list[Outcome], events: list[str] | None = None) -> None:
        self.outcomes = list(outcomes)
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []
        self.responses: list[httpx.Response] = []
        self.raised: list[BaseException] = []
        self.closed = False
        self.events = events if events is not None else []
        super().__init__(self._handle)

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(await request.aread())
        self.events.append("send")
        index = min(len(self.requests) - 1, len(self.outcomes) - 1)
        outcome = self.outcomes[index]
        if isinstance(outcome, type) and issubclass(outcome, BaseException):
            exc = (
                outcome(f"boom Bearer {TOKEN}", request=request)
                if issubclass(outcome, httpx.RequestError)
                else outcome(f"boom Bearer {TOKEN}")
            )
            self.raised.append(exc)
            raise exc
        status, headers = outcome if isinstance(outcome, tuple) else (outcome, {})
        response = httpx.Response(status, headers=headers, stream=TrackedStream())
        self.responses.append(response)
        return response

    async def aclose(self) -> None:
        self.closed = True


class FakeSleep:
    """Records requested delays instead of sleeping; optionally runs a hook."""

    def __init__(self, events: list[str] | None = None) -> None:
        self.delays: list[float] = []
        self.events = events if events is not None else []
        self.hook: Callable[[], None] | None = None

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        self.events.append(f"sleep {delay:g}")
        if self.hook is not None:
            self.hook()


FIXED_NOW = 1_750_000_000.0


def make(
    outcomes: list[Outcome],
    *,
    max_retries: int = 2,
    random_value: float = 0.5,
) -> tuple[RetryTransport, Scripted, FakeSleep]:
    events: list[str] = []
    inner = Scripted(outcomes, events)
    sleep = FakeSleep(events)
    transport = RetryTransport(
        inner,
        max_retries=max_retries,
        sleep=sleep,
        random=lambda: random_value,
        now=lambda: FIXED_NOW,
    )
    return transport, inner, sleep


def request(method: str = "GET", url: str = URL, **kwargs: Any) -> httpx.Request:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    return httpx.Request(method, url, headers=headers, **kwargs)


def _body(method: str) -> dict[str, Any]:
    return {"json": {"name": "p"}} if method in ("POST", "PATCH", "PUT") else {}


# --------------------------------------------------------------------------- policy table

IDEMPOTENT_RETRY = [
    408,
    429,
    500,
    501,
    502,
    503,
    504,
    599,
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
]
IDEMPOTENT_NO_RETRY = [
    200,
    201,
    204,
    304,
    400,
    401,
    403,
    404,
    409,
    422,
    httpx.LocalProtocolError,
    httpx.UnsupportedProtocol,
    ValueError,
]
UNSAFE_RETRY = [429, httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout]
UNSAFE_NO_RETRY = [
    200,
    201,
    400,
    404,
    408,
    500,
    501,
    502,
    503,
    504,
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    httpx.LocalProtocolError,
    ValueError,
]


def _name(outcome: Outcome) -> str:
    return outcome.__name__ if isinstance(outcome, type) else str(outcome)


def _cases(methods: list[str], outcomes: list[Outcome]) -> list[Any]:
    return [pytest.param(m, o, id=f"{m}-{_name(o)}") for m in methods for o in outcomes]


@pytest.mark.parametrize(
    ("method", "outcome"), _cases(IDEMPOTENT, IDEMPOTENT_RETRY) + _cases(UNSAFE, UNSAFE_RETRY)
)
async def test_retries_then_succeeds(method: str, outcome: Outcome) -> None:
    transport, inner, sleep = make([outcome, 200])
    response = await transport.handle_async_request(request(method, **_body(method)))
    assert response.status_code == 200
    assert len(inner.requests) == 2
    assert all(r.method == method for r in inner.requests)
    assert response.extensions[ATTEMPTS_EXTENSION] == 2
    assert len(sleep.delays) == 1
    # The body is replayed unchanged on the second attempt.
    assert inner.bodies[0] == inner.bodies[1]


@pytest.mark.parametrize(
    ("method", "outcome"),
    _cases(IDEMPOTENT, IDEMPOTENT_NO_RETRY) + _cases(UNSAFE, UNSAFE_NO_RETRY),
)
async def test_not_retried(method: str, outcome: Outcome) -> None:
    transport, inner, sleep = make([outcome, 200])
    req = request(method, **_body(method))
    if isinstance(outcome, int):
        response = await transport.handle_async_request(req)
        assert response.status_code == outcome
        assert response is inner.responses[0]
        assert attempts_of(response) == 1
        assert response.content == b"{}"  # read within the attempt, held in memory
    else:
        with pytest.raises(outcome) as info:
            await transport.handle_async_request(req)
        assert info.value is inner.raised[0]
        assert attempts_of(info.value) == 1
    assert len(inner.requests) == 1
    assert sleep.delays == []


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND"])
@pytest.mark.parametrize("outcome", [503, httpx.ReadTimeout])
async def test_other_methods_are_treated_as_unsafe(method: str, outcome: Outcome) -> None:
    transport, inner, _ = make([outcome, 200])
    if isinstance(outcome, int):
        response = await transport.handle_async_request(request(method))
        assert response.status_code == outcome
    else:
        with pytest.raises(outcome):
            await transport.handle_async_request(request(method))
    assert len(inner.requests) == 1


async def test_later_non_retryable_response_is_returned() -> None:
    transport, inner, sleep = make([503, 404, 200])
    response = await transport.handle_async_request(request("GET"))
    assert response.status_code == 404
    assert attempts_of(response) == 2
    assert len(inner.requests) == 2
    assert len(sleep.delays) == 1


# --------------------------------------------------------------------------- exhaustion


@pytest.mark.parametrize("max_retries", [0, 1, 2, 5])
@pytest.mark.parametrize("status", [429, 503])
async def test_exhaustion_returns_last_response(max_retries: int, status: int) -> None:
    transport, inner, sleep = make([status], max_retries=max_retries)
    response = await transport.handle_async_request(request("GET"))
    assert len(inner.requests) == max_retries + 1
    assert response is inner.responses[-1]
    assert response.status_code == status
    assert response.extensions[ATTEMPTS_EXTENSION] == max_retries + 1
    assert len(sleep.delays) == max_retries
    # Every response was closed; the one handed back was read first and keeps its body.
    assert all(r.is_closed for r in inner.responses)
    assert await response.aread() == b"{}"


@pytest.mark.parametrize("max_retries", [0, 1, 2, 5])
@pytest.mark.parametrize(
    ("method", "exc_type"),
    [("GET", httpx.ReadTimeout), ("DELETE", httpx.ConnectError), ("POST", httpx.ConnectError)],
)
async def test_exhaustion_raises_last_exception(
    max_retries: int, method: str, exc_type: type[Exception]
) -> None:
    transport, inner, sleep = make([exc_type], max_retries=max_retries)
    with pytest.raises(exc_type) as info:
        await transport.handle_async_request(request(method, **_body(method)))
    assert len(inner.requests) == max_retries + 1
    assert info.value is inner.raised[-1]
    assert getattr(info.value, ATTEMPTS_ATTRIBUTE) == max_retries + 1
    assert attempts_of(info.value) == max_retries + 1
    assert len(sleep.delays) == max_retries


async def test_default_max_retries_is_two() -> None:
    inner = Scripted([500])
    sleep = FakeSleep()
    transport = RetryTransport(inner, sleep=sleep)
    assert transport.max_retries == 2
    response = await transport.handle_async_request(request("GET"))
    assert len(inner.requests) == 3
    assert attempts_of(response) == 3


async def test_max_retries_zero_makes_one_attempt() -> None:
    transport, inner, sleep = make([429, 200], max_retries=0)
    response = await transport.handle_async_request(request("GET"))
    assert response.status_code == 429
    assert len(inner.requests) == 1
    assert sleep.delays == []
    assert attempts_of(response) == 1


async def test_first_attempt_success_records_one_attempt_and_never_sleeps() -> None:
    transport, inner, sleep = make([200])
    response = await transport.handle_async_request(request("GET"))
    assert attempts_of(response) == 1
    assert sleep.delays == []
    assert len(inner.requests) == 1


@pytest.mark.parametrize("bad", [-1, True, 1.5, "2", None])
def test_invalid_max_retries_rejected(bad: Any) -> None:
    with pytest.raises(ConfigurationError):
        RetryTransport(Scripted([200]), max_retries=bad)
    with pytest.raises(ConfigurationError):
        RetryTransport(Scripted([200])).with_max_retries(bad)


# --------------------------------------------------------------------------- backoff


async def test_backoff_sequence_upper_bound_and_cap() -> None:
    transport, _, sleep = make([503], max_retries=7, random_value=1.0)
    await transport.handle_async_request(request("GET"))
    assert sleep.delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


async def test_backoff_sequence_lower_bound() -> None:
    transport, _, sleep = make([httpx.ConnectError], max_retries=6, random_value=0.0)
    with pytest.raises(httpx.ConnectError):
        await transport.handle_async_request(request("POST", json={}))
    assert sleep.delays == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]


async def test_backoff_uses_injected_random_each_retry() -> None:
    values = iter([0.0, 0.5, 0.9])
    inner = Scripted([500])
    sleep = FakeSleep()
    transport = RetryTransport(inner, max_retries=3, sleep=sleep, random=lambda: next(values))
    await transport.handle_async_request(request("GET"))
    assert sleep.delays == pytest.approx([0.5 * 0.5, 1.0 * 0.75, 2.0 * 0.95])


@given(index=st.integers(min_value=0, max_value=10_000), r=st.floats(0.0, 1.0))
def test_backoff_delay_within_equal_jitter_bounds(index: int, r: float) -> None:
    nominal = min(0.5 * 2.0 ** min(index, 20), MAX_DELAY)
    delay = backoff_delay(index, lambda: r)
    assert nominal / 2 <= delay <= nominal
    assert delay <= MAX_DELAY


async def test_sleep_happens_between_attempts_after_closing_the_response() -> None:
    transport, inner, sleep = make([503, 200], random_value=1.0)
    closed_at_sleep: list[bool] = []
    sleep.hook = lambda: closed_at_sleep.append(inner.responses[0].is_closed)
    await transport.handle_async_request(request("GET"))
    assert inner.events == ["send", "sleep 0.5", "send"]
    assert closed_at_sleep == [True]


async def test_every_response_stream_is_closed() -> None:
    """Retried ones before the backoff; the last after its body was read within the attempt."""
    transport, inner, _ = make([502, 502, 200])
    response = await transport.handle_async_request(request("GET"))
    streams = [r.stream for r in inner.responses]
    assert [s.closed for s in streams if isinstance(s, TrackedStream)] == [True, True, True]
    assert response.content == b"{}"


# --------------------------------------------------------------------------- Retry-After


@pytest.mark.parametrize(
    ("method", "status", "value", "expected"),
    [
        ("GET", 429, "7", 7.0),
        ("GET", 503, "3", 3.0),
        ("POST", 429, "2.5", 2.5),
        ("GET", 429, "60", 60.0),
        ("GET", 429, "0", 0.0),
        ("PATCH", 429, " 12 ", 12.0),
    ],
)
async def test_retry_after_seconds_honoured(
    method: str, status: int, value: str, expected: float
) -> None:
    transport, inner, sleep = make([(status, {"Retry-After": value}), 200])
    response = await transport.handle_async_request(request(method, **_body(method)))
    assert response.status_code == 200
    assert sleep.delays == [expected]
    assert len(inner.requests) == 2


async def test_retry_after_http_date_uses_injected_clock() -> None:
    date = email.utils.formatdate(FIXED_NOW + 30, usegmt=True)
    transport, _, sleep = make([(429, {"Retry-After": date}), 200])
    response = await transport.handle_async_request(request("GET"))
    assert response.status_code == 200
    assert sleep.delays == [pytest.approx(30.0)]


async def test_retry_after_http_date_in_the_past_retries_at_once() -> None:
    date = email.utils.formatdate(FIXED_NOW - 300, usegmt=True)
    transport, _, sleep = make([(503, {"Retry-After": date}), 200])
    await transport.handle_async_request(request("GET"))
    assert sleep.delays == [0.0]


@pytest.mark.parametrize(
    "value",
    ["61", "3600", "inf", email.utils.formatdate(FIXED_NOW + 120, usegmt=True)],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_retry_after_over_60_returns_at_once(method: str, value: str) -> None:
    transport, inner, sleep = make([(429, {"Retry-After": value}), 200])
    response = await transport.handle_async_request(request(method, **_body(method)))
    assert response.status_code == 429
    assert response is inner.responses[0]
    assert response.content == b"{}"
    assert attempts_of(response) == 1
    assert len(inner.requests) == 1
    assert sleep.delays == []


@pytest.mark.parametrize("value", ["soon", "", "Thu, 99 Foo 2025"])
async def test_unparseable_retry_after_falls_back_to_backoff(value: str) -> None:
    transport, _, sleep = make([(429, {"Retry-After": value}), 200], random_value=1.0)
    response = await transport.handle_async_request(request("GET"))
    assert response.status_code == 200
    assert sleep.delays == [0.5]


async def test_retry_after_does_not_make_a_post_5xx_retryable() -> None:
    transport, inner, sleep = make([(503, {"Retry-After": "1"}), 200])
    response = await transport.handle_async_request(request("POST", json={}))
    assert response.status_code == 503
    assert len(inner.requests) == 1
    assert sleep.delays == []


# --------------------------------------------------------------------------- cancellation


async def test_cancellation_during_backoff_propagates_without_another_attempt() -> None:
    inner = Scripted([503, 200])
    entered = asyncio.Event()

    async def blocking_sleep(delay: float) -> None:
        entered.set()
        await asyncio.Event().wait()  # only cancellation ends this

    transport = RetryTransport(inner, sleep=blocking_sleep)
    task = asyncio.create_task(transport.handle_async_request(request("GET")))
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(inner.requests) == 1
    assert inner.responses[0].is_closed


async def test_cancellation_raised_by_an_attempt_is_not_retried() -> None:
    transport, inner, sleep = make([asyncio.CancelledError, 200])
    with pytest.raises(asyncio.CancelledError):
        await transport.handle_async_request(request("GET"))
    assert len(inner.requests) == 1
    assert sleep.delays == []


# --------------------------------------------------------------------------- total deadline


# Far beyond any deadline below: a mutant that loses a deadline fails here instead of hanging.
GIVE_UP = 2.0


class DrippingStream(TrackedStream):
    """A body that never ends: a byte every 10 ms, each read far inside any read timeout."""

    async def __aiter__(self) -> Any:
        while True:
            yield b" "
            await asyncio.sleep(0.01)


def dripping(streams: list[DrippingStream]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        streams.append(DrippingStream())
        return httpx.Response(200, stream=streams[-1])

    return httpx.MockTransport(handle)


def timed(method: str, seconds: float | None, **phases: float | None) -> httpx.Request:
    timeout = {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds, **phases}
    return request(method, extensions={"timeout": timeout}, **_body(method))


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        ({"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}, 5.0),
        ({"connect": 2.0, "read": 30.0, "write": 1.0, "pool": None}, 30.0),
        ({"connect": 60.0, "read": 10.0, "write": 10.0, "pool": 10.0}, 60.0),
        ({"connect": 5.0, "read": None, "write": 5.0, "pool": 5.0}, None),  # reads unbounded
        ({"connect": None, "read": None, "write": None, "pool": None}, None),
    ],
)
def test_attempt_deadline_from_the_timeout_phases(
    phases: dict[str, float | None], expected: float | None
) -> None:
    from posthog_api._transport import attempt_deadline  # new: imported here, not for all

    assert attempt_deadline(request("GET", extensions={"timeout": phases})) == expected


@pytest.mark.parametrize(("method", "attempts"), [("GET", 3), ("DELETE", 3), ("POST", 1)])
async def test_a_dripping_body_ends_each_attempt_at_the_deadline(
    method: str, attempts: int
) -> None:
    streams: list[DrippingStream] = []
    sleep = FakeSleep()
    transport = RetryTransport(dripping(streams), max_retries=2, sleep=sleep)
    started = asyncio.get_running_loop().time()
    with pytest.raises(httpx.ReadTimeout, match=r"within 0\.05 s") as info:
        async with asyncio.timeout(GIVE_UP):  # a missing deadline fails here, not hangs
            await transport.handle_async_request(timed(method, 0.05))
    elapsed = asyncio.get_running_loop().time() - started
    # Retried like any read timeout (idempotent methods only); every body closed.
    assert attempts_of(info.value) == attempts == len(streams)
    assert all(s.closed for s in streams)
    assert 0.05 * attempts <= elapsed < 0.05 * attempts + 0.2


async def test_the_body_is_read_within_the_attempt() -> None:
    transport, inner, _ = make([200])
    response = await transport.handle_async_request(timed("GET", 1.0))
    assert response.content == b"{}"
    assert response.elapsed.total_seconds() >= 0
    assert all(r.is_closed for r in inner.responses)


# --------------------------------------------------------------------------- sharing


async def test_with_max_retries_shares_inner_and_does_not_close_it() -> None:
    transport, inner, sleep = make([500])
    copy = transport.with_max_retries(4)
    assert copy is not transport
    assert copy.inner is inner
    assert copy.max_retries == 4
    assert transport.max_retries == 2
    assert transport.owns_inner
    assert not copy.owns_inner

    await copy.handle_async_request(request("GET"))
    assert len(inner.requests) == 5
    # The copy keeps the injected sleep and random (0.5 -> 0.75 x nominal).
    assert sleep.delays == [0.375, 0.75, 1.5, 3.0]

    await copy.aclose()
    assert not inner.closed
    async with copy.with_max_retries(0):
        pass
    assert not inner.closed
    await transport.aclose()
    assert inner.closed


async def test_owns_inner_false_never_closes_inner() -> None:
    inner = Scripted([200])
    transport = RetryTransport(inner, owns_inner=False)
    await transport.aclose()
    assert not inner.closed


async def test_works_under_async_client_with_attempts_visible() -> None:
    transport, inner, _ = make([429, 201])
    async with httpx.AsyncClient(transport=transport, base_url="https://eu.posthog.com") as c:
        response = await c.post("/api/projects/1/llm_prompts/", json={"name": "x"})
        assert response.status_code == 201
        assert attempts_of(response) == 2
        assert inner.bodies == [b'{"name":"x"}', b'{"name":"x"}']

        inner.outcomes = [httpx.ConnectError]
        with pytest.raises(httpx.ConnectError) as info:
            await c.get("/api/projects/1/llm_prompts/")
        assert attempts_of(info.value) == 3
    assert inner.closed


def test_repr_has_no_secrets() -> None:
    transport = RetryTransport(Scripted([200]), max_retries=3)
    assert repr(transport) == "RetryTransport(max_retries=3, owns_inner=True)"


# --------------------------------------------------------------------------- logging

LINE = re.compile(r"^(GET|POST) (\S+) -> (\w+) in \d+\.\d ms \(attempt (\d+)\)$")


async def test_debug_line_per_attempt(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    transport, _, _ = make([200])
    await transport.handle_async_request(request("GET", URL + "?search=hunter2&key=" + TOKEN))
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    assert len(messages) == 1
    match = LINE.match(messages[0])
    assert match is not None, messages[0]
    assert match.groups() == ("GET", "/api/projects/1/llm_prompts/", "200", "1")
    assert caplog.records[0].levelno == logging.DEBUG
    assert "hunter2" not in caplog.text
    assert "?" not in caplog.text


async def test_debug_lines_for_retries(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    transport, _, _ = make([httpx.ConnectError, 503, 200], random_value=1.0)
    await transport.handle_async_request(request("POST", json={"a": 1}))
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    assert [LINE.match(m) is not None for m in messages] == [True, False, True]
    first = LINE.match(messages[0])
    assert first is not None
    assert first.group(3) == "ConnectError"
    assert messages[1] == (
        "retrying POST /api/projects/1/llm_prompts/ after ConnectError in 0.50 s (attempt 2 of 3)"
    )
    last = LINE.match(messages[2])
    assert last is not None
    assert (last.group(3), last.group(4)) == ("503", "2")  # POST 503: not retried


async def test_debug_line_when_retry_after_too_long(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    transport, _, _ = make([(429, {"Retry-After": "600"})])
    await transport.handle_async_request(request("GET"))
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    assert messages[-1] == (
        "not retrying GET /api/projects/1/llm_prompts/: Retry-After exceeds 60 s"
    )


@pytest.mark.parametrize("outcomes", [[200], [503, 200], [httpx.ReadError, 404], [ValueError]])
async def test_authorization_never_logged(
    caplog: pytest.LogCaptureFixture, outcomes: list[Outcome]
) -> None:
    caplog.set_level(logging.DEBUG)
    transport, _, _ = make(outcomes)
    with contextlib.suppress(ValueError):
        await transport.handle_async_request(request("GET"))
    assert caplog.records  # something was logged, and none of it is the credential
    assert TOKEN not in caplog.text
    assert "Bearer" not in caplog.text
    assert "authorization" not in caplog.text.lower()


async def test_nothing_logged_above_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    transport, _, _ = make([503, 200])
    await transport.handle_async_request(request("GET"))
    assert [r for r in caplog.records if r.name == LOGGER_NAME] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Authorization: Bearer {TOKEN}", "Authorization: Bearer [redacted]"),
        (f"'authorization': 'bearer {TOKEN}'", "'authorization': 'bearer [redacted]'"),
        (f"key={TOKEN}&x=1", "key=[redacted]&x=1"),
        ("phc_projectkey123 sent", "[redacted] sent"),
        ("GET /api/projects/1/ -> 200", "GET /api/projects/1/ -> 200"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redacting_filter_rewrites_formatted_message() -> None:
    record = logging.LogRecord(
        LOGGER_NAME, logging.DEBUG, __file__, 1, "headers %s", (f"Bearer {TOKEN}",), None
    )
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "headers Bearer [redacted]"


# --------------------------------------------------------------------------- configure_from_env


@pytest.fixture
def clean_logger() -> Iterator[logging.Logger]:
    log = logging.getLogger(LOGGER_NAME)
    handlers, level = list(log.handlers), log.level
    yield log
    log.handlers[:] = handlers
    log.setLevel(level)


@pytest.mark.parametrize(
    ("value", "level"), [("debug", logging.DEBUG), ("DEBUG", logging.DEBUG), ("Info", logging.INFO)]
)
def test_configure_from_env_attaches_one_handler(
    clean_logger: logging.Logger, value: str, level: int
) -> None:
    before = list(clean_logger.handlers)
    handler = configure_from_env({ENV_VAR: value})
    assert handler is not None
    again = configure_from_env({ENV_VAR: value})
    assert again is handler
    added = [h for h in clean_logger.handlers if h not in before]
    assert added == [handler]
    assert handler.level == level
    assert clean_logger.level == level


def test_configure_from_env_follows_latest_level(clean_logger: logging.Logger) -> None:
    first = configure_from_env({ENV_VAR: "debug"})
    second = configure_from_env({ENV_VAR: "info"})
    assert first is second is not None
    assert second.level == logging.INFO
    assert clean_logger.level == logging.INFO


@pytest.mark.parametrize("environ", [{}, {ENV_VAR: ""}, {ENV_VAR: "verbose"}, {ENV_VAR: "0"}])
def test_configure_from_env_noop(clean_logger: logging.Logger, environ: dict[str, str]) -> None:
    before, level = list(clean_logger.handlers), clean_logger.level
    assert configure_from_env(environ) is None
    assert clean_logger.handlers == before
    assert clean_logger.level == level


async def test_configure_from_env_reads_os_environ_and_writes_stderr(
    clean_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(ENV_VAR, "debug")
    assert configure_from_env() is not None
    transport, _, _ = make([200])
    await transport.handle_async_request(request("GET"))
    clean_logger.debug("leak? Authorization: Bearer %s", TOKEN)
    err = capsys.readouterr().err
    assert "GET /api/projects/1/llm_prompts/ -> 200 in " in err
    assert "(attempt 1)" in err
    assert "Bearer [redacted]" in err
    assert TOKEN not in err


# ------------------------------------------------- the watch: deadlines and closing


async def test_requests_share_one_deadline_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A timer handle per attempt (asyncio.timeout) cost ~4 µs a call and stayed on the
    loop until it fell due; the transport's one watch timer serves every request."""
    loop = asyncio.get_running_loop()
    timers: list[float] = []
    call_at = loop.call_at

    def counting_call_at(when: float, *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        timers.append(when)
        return call_at(when, *args, **kwargs)

    monkeypatch.setattr(loop, "call_at", counting_call_at)
    transport, inner, _ = make([200])
    for _ in range(100):
        response = await transport.handle_async_request(timed("GET", 30.0))
        assert response.content == b"{}"
    monkeypatch.undo()
    assert len(inner.requests) == 100
    assert len(timers) <= 1


async def test_a_shorter_deadline_after_a_longer_one_still_cuts_in_time() -> None:
    streams: list[DrippingStream] = []
    transport = RetryTransport(dripping(streams), max_retries=0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    slow = asyncio.create_task(transport.handle_async_request(timed("GET", 0.4)))
    await asyncio.sleep(0.02)  # the watch now falls due at the 0.4 s deadline
    with pytest.raises(httpx.ReadTimeout, match=r"within 0\.05 s"):
        async with asyncio.timeout(GIVE_UP):
            await transport.handle_async_request(timed("GET", 0.05))
    assert loop.time() - started < 0.2
    with pytest.raises(httpx.ReadTimeout, match=r"within 0\.4 s"):
        async with asyncio.timeout(GIVE_UP):
            await slow
    assert 0.4 <= loop.time() - started < 0.7
    assert all(s.closed for s in streams)


async def test_a_deadline_leaves_the_task_uncancelled() -> None:
    """The watch cancels the task to end the attempt and takes the cancellation back: an
    enclosing asyncio.timeout or TaskGroup sees no cancellation that is not its own."""
    streams: list[DrippingStream] = []
    transport = RetryTransport(dripping(streams), max_retries=1, sleep=FakeSleep())
    task = asyncio.current_task()
    assert task is not None
    with pytest.raises(httpx.ReadTimeout) as info:
        async with asyncio.timeout(GIVE_UP):
            await transport.handle_async_request(timed("GET", 0.03))
    assert attempts_of(info.value) == 2
    assert task.cancelling() == 0
    await asyncio.sleep(0)  # and no cancellation is pending either


async def test_the_callers_own_cancellation_is_not_a_timeout() -> None:
    streams: list[DrippingStream] = []
    transport = RetryTransport(dripping(streams), max_retries=2, sleep=FakeSleep())
    call = asyncio.create_task(transport.handle_async_request(timed("GET", 5.0)))
    await asyncio.sleep(0.05)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        async with asyncio.timeout(GIVE_UP):
            await call
    assert len(streams) == 1  # not retried
    assert streams[0].closed


async def test_aclose_ends_requests_in_flight_and_sends_nothing_more() -> None:
    streams: list[DrippingStream] = []
    events: list[str] = []
    inner = dripping(streams)
    transport = RetryTransport(inner, max_retries=3)
    copy = transport.with_max_retries(0)
    gate = asyncio.Event()

    async def blocking_sleep(delay: float) -> None:
        events.append("backoff")
        await gate.wait()

    backing_off = RetryTransport(Scripted([503]), max_retries=3, sleep=blocking_sleep)
    reading = asyncio.create_task(transport.handle_async_request(timed("GET", 30.0)))
    on_copy = asyncio.create_task(copy.handle_async_request(timed("GET", 30.0)))
    sleeping = asyncio.create_task(backing_off.handle_async_request(timed("GET", 30.0)))
    await asyncio.sleep(0.05)
    assert events == ["backoff"] and len(streams) == 2
    started = asyncio.get_running_loop().time()
    await transport.aclose()
    await backing_off.aclose()
    for call in (reading, on_copy, sleeping):
        with pytest.raises(httpx.TransportError, match="closed"):
            async with asyncio.timeout(1.0):
                await call
    assert asyncio.get_running_loop().time() - started < 0.5
    assert len(streams) == 2  # nothing resent
    assert events == ["backoff"]  # no second backoff
    assert transport.closed and copy.closed
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0
    # And new requests, on the original or its copies, fail before sending.
    for sender in (transport, copy, copy.with_max_retries(1)):
        with pytest.raises(httpx.TransportError, match="closed"):
            async with asyncio.timeout(1.0):
                await sender.handle_async_request(timed("GET", 30.0))
    assert len(streams) == 2


def test_the_deadline_holds_on_each_event_loop_the_transport_is_used_on() -> None:
    """The watch's timer lives on one loop: a transport used again under a new
    asyncio.run (the old loop closed, its timer never to fire) starts one there."""
    streams: list[DrippingStream] = []
    answers: list[httpx.AsyncBaseTransport] = [Scripted([200]), dripping(streams)]

    class Switch(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return await answers[0].handle_async_request(request)

    transport = RetryTransport(Switch(), max_retries=0)

    async def answered_at_once() -> None:  # the watch is now due in 0.2 s, on this loop
        await transport.handle_async_request(timed("GET", 0.2))

    async def dripped() -> float:
        answers.pop(0)
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(httpx.ReadTimeout):
            async with asyncio.timeout(2.0):
                await transport.handle_async_request(timed("GET", 0.3))
        return loop.time() - started

    asyncio.run(answered_at_once())
    assert 0.3 <= asyncio.run(dripped()) < 0.8
    assert len(streams) == 1 and streams[0].closed
