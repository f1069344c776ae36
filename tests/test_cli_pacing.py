"""The CLI keeps within PostHog's rate limits (30 prompt publishes and 480 requests a minute
per key) and survives 429 storms: in simulated time (the budget's clock and sleep), against
the local server over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import cli_server, writer_state

import posthog_api._cli_pacing as pacing
from posthog_api._cli_pacing import Budget, paced
from posthog_api._errors import RateLimitError
from posthog_api.cli import main
from posthog_api.resources.prompts import Prompts
from posthog_api.testing import ServerState

KEY = "phx_cli_pacing_key_0123456789"


class SimulatedTime:
    """A clock that moves only when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture
def simulated(monkeypatch: pytest.MonkeyPatch) -> SimulatedTime:
    time = SimulatedTime()
    monkeypatch.setattr(pacing, "CLOCK", time.clock)
    monkeypatch.setattr(pacing, "SLEEP", time.sleep)
    return time


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerState]:
    with cli_server(monkeypatch, writer_state(KEY), KEY) as (state, _):
        yield state


def throttled(retry_after: float | None) -> RateLimitError:
    return RateLimitError("throttled", status_code=429, retry_after=retry_after)


def most_in_a_window(times: list[float], seconds: float) -> int:
    """The most of ``times`` inside any window of ``seconds`` (PostHog's sliding window)."""
    ordered = sorted(times)
    most, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


async def test_publishes_are_paced_to_30_in_any_minute_and_other_requests_are_not(
    simulated: SimulatedTime,
) -> None:
    waits: list[tuple[float, str]] = []
    budget = Budget(480, on_wait=lambda s, why: waits.append((s, why)))
    sent: list[float] = []

    async def publish() -> None:
        await budget.take("publish")
        sent.append(simulated.now)

    await asyncio.gather(*(publish() for _ in range(200)))
    assert most_in_a_window(sent, 60.0) == 30  # a burst of 30, then 30 a minute
    assert len(sent) == 200
    # 30 at once, then six more windows of 61 s (one second of margin): 200 in 6 min 6 s.
    assert max(sent) - min(sent) == pytest.approx(6 * 61.0)
    assert waits and "30 prompt publishes per minute" in waits[0][1]

    reads = simulated.now
    for _ in range(400):  # reads are not publishes: 480 a minute
        await budget.take("read")
    assert simulated.now == reads


async def test_every_request_counts_against_480_a_minute_and_4800_an_hour(
    simulated: SimulatedTime,
) -> None:
    budget = Budget(480)
    sent: list[float] = []
    for _ in range(4_801):
        await budget.take("write")
        sent.append(simulated.now)
    assert most_in_a_window(sent, 60.0) == 480
    assert most_in_a_window(sent, 3600.0) == 4_800  # the 4,801st waited for the hour


async def test_max_rate_0_paces_nothing_but_a_retry_after_still_holds_everyone(
    simulated: SimulatedTime,
) -> None:
    budget = Budget(0)
    for _ in range(1_000):
        await budget.take("publish")
    assert simulated.slept == []
    budget.pause(7.0, "429")
    await budget.take("read")
    assert simulated.slept == [7.0]


async def test_paced_waits_out_retry_after_then_sends_again(simulated: SimulatedTime) -> None:
    waits: list[tuple[float, str]] = []
    budget = Budget(480, on_wait=lambda s, why: waits.append((s, why)))
    answers: list[Any] = [throttled(12.0), throttled(None), "done"]

    async def send() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return str(answer)

    assert await paced(budget, "publish", send) == "done"
    assert simulated.slept == [12.0, 2.0]  # Retry-After, then backoff when none was given
    assert "Retry-After: 12 s" in waits[0][1] and "no Retry-After" in waits[2][1]


async def test_a_throttled_request_gives_its_place_back(simulated: SimulatedTime) -> None:
    """PostHog does not count a request it answered 429: neither does the budget."""
    budget = Budget(480)
    answers: list[Any] = [throttled(0.0), throttled(0.0), "done"]

    async def send() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return str(answer)

    assert await paced(budget, "publish", send) == "done"
    for _ in range(29):  # 30 a minute: one place taken, by the publish that went through
        await budget.take("publish")
    assert simulated.slept == []  # Retry-After: 0, nothing to wait
    await budget.take("publish")
    assert simulated.slept[-1] == pytest.approx(61.0)


async def test_paced_gives_up_past_the_longest_wait(simulated: SimulatedTime) -> None:
    budget = Budget(480)

    async def always_throttled() -> None:
        raise throttled(pacing.MAX_WAIT + 1)

    with pytest.raises(RateLimitError):
        await paced(budget, "read", always_throttled)
    assert simulated.slept == []


def test_a_push_of_200_changed_prompts_through_a_429_storm_publishes_every_one_paced(
    server: ServerState,
    simulated: SimulatedTime,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = [f"p{index:03d}" for index in range(200)]
    for name in names:
        server.seed_prompt(name, f"{name} v1")
        (tmp_path / f"{name}.txt").write_text(f"{name} v2")
    published: list[float] = []
    real_publish = Prompts.publish

    async def timed(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        left = simulated.now  # when the publish left, in simulated time
        answer = await real_publish(self, name, *args, **kwargs)
        published.append(left)  # only once PostHog took it: a 429 raised above
        return answer

    monkeypatch.setattr(Prompts, "publish", timed)
    server.faults.throttle_rate(0.3, retry_after=0, seed=13)  # 30% of requests: 429

    assert main(["prompts", "push", str(tmp_path)]) == 0

    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == "summary: 200 publish"
    with server.lock:
        live = [r for r in server.prompts if not r["deleted"]]
        throttled = sum(r.status == 429 for r in server.requests)
    assert sorted(r["name"] for r in live if r["version"] == 2) == names
    assert all(r["prompt"] == f"{r['name']} v{r['version']}" for r in live)
    assert throttled > 50  # the storm happened
    # The publishes PostHog counted (a 429 is not counted): never more than 30 in a minute.
    assert len(published) == 200 and most_in_a_window(published, 60.0) <= 30
    assert max(published) - min(published) >= 6 * 60.0  # 200 publishes take six more minutes
    err = captured.err
    assert "pacing to 30 prompt publishes per minute" in err
    assert "PostHog answered 429, too many requests (Retry-After: 0 s)" in err
