"""Faults on demand, in process (through httpx.ASGITransport)."""

from __future__ import annotations

import time

import httpx
import pytest

from posthog_api.testing import Faults, ServerState

from .conftest import PROJECT

LIST = f"/api/projects/{PROJECT}/llm_prompts/"


async def statuses(http: httpx.AsyncClient, count: int, method: str = "GET") -> list[int]:
    out = []
    for _ in range(count):
        if method == "GET":
            out.append((await http.get(LIST)).status_code)
        else:
            out.append(
                (
                    await http.post(f"/api/projects/{PROJECT}/datasets/", json={"name": "d"})
                ).status_code
            )
    return out


async def test_latency(http: httpx.AsyncClient, state: ServerState) -> None:
    state.faults.set_latency(0.05)
    started = time.perf_counter()
    assert (await http.get(LIST)).status_code == 200
    assert time.perf_counter() - started >= 0.05
    state.faults.reset()
    started = time.perf_counter()
    await http.get(LIST)
    assert time.perf_counter() - started < 0.05
    with pytest.raises(ValueError):
        state.faults.set_latency(-1)


async def test_throttle_next(http: httpx.AsyncClient, state: ServerState) -> None:
    state.faults.throttle_next(2, retry_after=7)
    first = await http.get(LIST)
    assert first.status_code == 429
    assert first.headers["Retry-After"] == "7"
    assert first.json() == {
        "type": "throttled_error",
        "code": "throttled",
        "detail": "Request was throttled. Expected available in 7 seconds.",
        "attr": None,
    }
    assert await statuses(http, 3) == [429, 200, 200]


async def test_throttle_after_n_requests(http: httpx.AsyncClient, state: ServerState) -> None:
    state.faults.throttle_after(3)
    assert await statuses(http, 5) == [200, 200, 200, 429, 429]
    state.faults.reset()
    assert await statuses(http, 1) == [200]


async def test_fail_next_and_by_method(http: httpx.AsyncClient, state: ServerState) -> None:
    state.faults.fail_next(2, status=503)
    failed = await http.get(LIST)
    assert failed.status_code == 503 and failed.json()["type"] == "server_error"
    assert await statuses(http, 2) == [503, 200]
    state.faults.fail_next(1, methods=["POST"])
    assert await statuses(http, 2, "GET") == [200, 200]
    assert await statuses(http, 2, "POST") == [500, 201]


async def test_fail_rate_is_seeded_and_repeatable(
    http: httpx.AsyncClient, state: ServerState
) -> None:
    state.faults.fail_rate(0.5, seed=42)
    first = await statuses(http, 30)
    state.faults.fail_rate(0.5, seed=42)
    second = await statuses(http, 30)
    assert first == second
    assert 5 < first.count(500) < 25 and first.count(200) + first.count(500) == 30
    state.faults.fail_rate(1.0, methods=["POST"])
    assert await statuses(http, 3, "GET") == [200, 200, 200]
    assert await statuses(http, 2, "POST") == [500, 500]
    with pytest.raises(ValueError):
        state.faults.fail_rate(1.5)


async def test_dropped_connection_in_process(http: httpx.AsyncClient, state: ServerState) -> None:
    # In process there is no socket to close: the app raises the error httpx itself
    # raises when a real server hangs up, and ASGITransport passes it through.
    state.faults.drop_next(2)
    for _ in range(2):
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get(LIST)
    assert (await http.get(LIST)).status_code == 200
    dropped = [r for r in state.requests if r.dropped]
    assert len(dropped) == 2 and all(r.status is None for r in dropped)


async def test_drop_rate_and_methods(http: httpx.AsyncClient, state: ServerState) -> None:
    state.faults.drop_rate(1.0, methods=["POST"])
    assert await statuses(http, 2, "GET") == [200, 200]
    with pytest.raises(httpx.RemoteProtocolError):
        await http.post(f"/api/projects/{PROJECT}/datasets/", json={"name": "d"})
    assert state.datasets == {}  # the request never reached the handler


async def test_request_log(http: httpx.AsyncClient, state: ServerState) -> None:
    await http.get(LIST)
    await http.post(LIST, json={"name": "logged", "prompt": "p"})
    await http.get(f"{LIST}?search=log")
    assert state.request_count() == 3
    assert state.request_count("GET") == 2
    assert state.request_count("POST", LIST) == 1
    assert [(r.method, r.status, r.operation_id) for r in state.requests] == [
        ("GET", 200, "llm_prompts_list"),
        ("POST", 201, "llm_prompts_create"),
        ("GET", 200, "llm_prompts_list"),
    ]
    assert state.requests[2].query == "search=log"
    state.clear_requests()
    assert state.request_count() == 0


def test_reset_turns_everything_off() -> None:
    faults = Faults(seed=1)
    assert not faults.active
    faults.set_latency(1)
    faults.throttle_after(0)
    faults.fail_rate(0.3)
    faults.drop_next(4)
    assert faults.active
    faults.reset()
    assert not faults.active
    assert faults.decide("GET").drop is False and faults.decide("GET").error is None


async def test_throttled_answer_over_loopback(
    loopback: httpx.AsyncClient, state: ServerState
) -> None:
    """PostHog's 429: Retry-After in whole seconds and the same N in the envelope."""
    state.faults.throttle_next(1, retry_after=42)
    throttled = await loopback.get(LIST)
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "42"
    assert throttled.json() == {
        "type": "throttled_error",
        "code": "throttled",
        "detail": "Request was throttled. Expected available in 42 seconds.",
        "attr": None,
    }
    assert (await loopback.get(LIST)).status_code == 200
