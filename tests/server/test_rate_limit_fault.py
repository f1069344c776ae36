"""``Faults.limit_rate``: the local server counts requests as PostHog's throttles do (a
sliding window over the requests let through) and answers the rest 429."""

from __future__ import annotations

import time

import httpx

from posthog_api.testing import Faults, ServerState, run_in_thread


def test_at_most_count_in_any_window_then_429_with_retry_after() -> None:
    faults = Faults()
    faults.limit_rate(3, 0.2)
    assert faults.active
    assert [faults.decide("GET").throttle for _ in range(4)] == [None, None, None, 1]
    assert faults.rate_limited == 1
    time.sleep(0.21)  # the first three leave the window
    assert faults.decide("POST").throttle is None
    faults.limit_rate(None)
    assert all(faults.decide("GET").throttle is None for _ in range(10))


def test_refused_requests_do_not_count_and_reset_clears_it() -> None:
    faults = Faults()
    faults.limit_rate(1, 0.1)
    faults.decide("GET")
    for _ in range(5):
        assert faults.decide("GET").throttle == 1
    time.sleep(0.11)
    assert faults.decide("GET").throttle is None  # the 429s were not logged
    faults.reset()
    assert not faults.active


def test_over_loopback_the_429_is_posthogs() -> None:
    state = ServerState(keys={"phx_k": ["*"]})
    state.faults.limit_rate(2, 60)
    with run_in_thread(state) as url:
        headers = {"Authorization": "Bearer phx_k"}
        answers = [
            httpx.get(f"{url}/api/projects/1/llm_prompts/", headers=headers) for _ in range(3)
        ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "throttled"
    assert 59 <= int(answers[2].headers["Retry-After"]) <= 60
