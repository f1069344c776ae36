"""``Faults.limit_rate``: the local server counts requests as PostHog's throttles do (a
sliding window over the requests let through) and answers the rest 429."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest

from posthog_api.testing import Faults, ServerState, run_in_thread
from posthog_api.testing import faults as faults_module


class Clock:
    """The faults module's ``time.monotonic``, moved by hand: windows pass without sleeping."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 100.0
        monkeypatch.setattr(faults_module, "time", SimpleNamespace(monotonic=lambda: self.now))


def test_at_most_count_in_any_window_then_429_with_retry_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock(monkeypatch)
    faults = Faults()
    faults.limit_rate(3, 2.5)
    assert faults.active
    assert [faults.decide("GET").throttle for _ in range(4)] == [None, None, None, 3]
    assert faults.rate_limited == 1
    clock.now += 1.0
    assert faults.decide("GET").throttle == 2  # the wait left, rounded up
    clock.now += 1.25
    assert faults.decide("GET").throttle == 1  # 0.25 s before the first three leave
    clock.now += 0.25  # they leave the window
    assert faults.decide("POST").throttle is None
    faults.limit_rate(None)
    assert all(faults.decide("GET").throttle is None for _ in range(10))


def test_refused_requests_do_not_count_and_reset_clears_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock(monkeypatch)
    faults = Faults()
    faults.limit_rate(1, 1.0)
    faults.decide("GET")
    for _ in range(5):
        clock.now += 0.125
        assert faults.decide("GET").throttle == 1
    clock.now += 0.375  # 1 s after the one let through, 0.375 s after the last 429
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
