"""The CLI keeps within PostHog's rate limits (30 prompt publishes and 480 requests a minute
per key) through the client's RateBudget, and survives 429 storms: in simulated time (the
budget's clock and sleep), against the local server over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_support import cli_server, writer_state

import posthog_api.cli._pacing as pacing
from posthog_api._budget import Ticket
from posthog_api._errors import RateLimitError
from posthog_api.cli import main
from posthog_api.cli._pacing import budget_for, paced
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
    """PostHog's 429, once the client's retries gave up on it."""
    response = httpx.Response(429)
    return RateLimitError("throttled", status_code=429, retry_after=retry_after, response=response)


def refused(retry_after: float) -> RateLimitError:
    """A client's own budget, its turn further away than its max_wait: nothing was sent."""
    return RateLimitError("over budget", status_code=429, retry_after=retry_after)


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
    budget = budget_for(480, lambda s, why: waits.append((s, why)))
    assert budget is not None and not budget.shared  # in this process: a run needs no Redis
    sent: list[float] = []

    async def publish() -> None:
        await budget.acquire("key", publish=True)
        sent.append(simulated.now)

    await asyncio.gather(*(publish() for _ in range(200)))
    assert most_in_a_window(sent, 60.0) == 30  # a burst of 30, then 30 a minute
    assert len(sent) == 200
    # 30 at once, then six more windows of 61 s (one second of margin): 200 in 6 min 6 s.
    assert max(sent) - min(sent) == pytest.approx(6 * 61.0)
    assert waits and all(
        why.startswith("pacing to 30 prompt publishes per minute") for _, why in waits
    )

    reads = simulated.now
    for _ in range(400):  # reads are not publishes: 480 a minute
        await budget.acquire("key")
    assert simulated.now == reads


async def test_every_request_counts_against_480_a_minute_and_4800_an_hour(
    simulated: SimulatedTime,
) -> None:
    waits: list[str] = []
    budget = budget_for(480, lambda s, why: waits.append(why))
    assert budget is not None
    sent: list[float] = []
    for _ in range(4_801):
        await budget.acquire("key")
        sent.append(simulated.now)
    assert most_in_a_window(sent, 60.0) == 480
    assert most_in_a_window(sent, 3600.0) == 4_800  # the 4,801st waited for the hour
    assert waits[-1] == "pacing to 4,800 requests per hour (PostHog's limit)"


async def test_a_429_holds_publishes_back_for_its_retry_after_then_they_resume_at_the_limit(
    simulated: SimulatedTime,
) -> None:
    waits: list[tuple[float, str]] = []
    budget = budget_for(480, lambda s, why: waits.append((s, why)))
    assert budget is not None
    throttled_at = simulated.now
    await budget.throttled("key", 7.0, publish=True)  # what the client does on a 429
    assert waits == [(7.0, "PostHog answered 429, too many requests (Retry-After: 7 s)")]
    sent: list[float] = []
    for _ in range(30):
        await budget.acquire("key", publish=True)
        sent.append(simulated.now)
    assert sent[0] >= throttled_at + 7.0  # nothing before the Retry-After
    assert sent[-1] - sent[0] >= 29 * 2.0  # then 30 a minute, not a burst
    reads = simulated.now
    await budget.acquire("key")  # the publish limit was throttled, not every request
    assert simulated.now == reads


async def test_paced_waits_out_retry_after_then_sends_again(simulated: SimulatedTime) -> None:
    waits: list[tuple[float, str]] = []
    answers: list[Any] = [throttled(12.0), throttled(None), refused(5.0), "done"]

    async def send() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return str(answer)

    assert await paced(send, lambda s, why: waits.append((s, why))) == "done"
    # Retry-After, then backoff when none was given, then the budget's own turn.
    assert simulated.slept == [12.0, 2.0, 5.0]
    assert "Retry-After: 12 s" in waits[0][1] and "no Retry-After" in waits[1][1]
    assert waits[2] == (5.0, "the client's rate budget has no turn sooner")


async def test_paced_gives_up_past_the_longest_wait(simulated: SimulatedTime) -> None:
    async def always_throttled() -> None:
        raise throttled(pacing.MAX_WAIT + 1)

    with pytest.raises(RateLimitError):
        await paced(always_throttled)
    assert simulated.slept == []


def test_max_rate_0_paces_nothing_but_a_429_is_still_waited_out(
    server: ServerState,
    simulated: SimulatedTime,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    names = [f"p{index:02d}" for index in range(40)]
    for name in names:
        server.seed_prompt(name, f"{name} v1")
        (tmp_path / f"{name}.txt").write_text(f"{name} v2")
    server.faults.throttle_next(3, retry_after=0)  # the client's retries give up on one

    assert main(["prompts", "push", str(tmp_path), "--max-rate", "0"]) == 0

    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == "summary: 40 publish"
    assert simulated.slept == [0.0]  # paced waited out the 429, nothing was paced
    assert "PostHog answered 429, too many requests (Retry-After: 0 s)" in captured.err
    assert "pacing" not in captured.err


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
    departed: dict[Any, float] = {}  # per task: when its last attempt left, in simulated time
    real_acquire = Ticket.acquire
    real_publish = Prompts.publish

    async def turn(self: Ticket) -> None:
        await real_acquire(self)  # the budget's turn: the attempt is sent next
        departed[asyncio.current_task()] = simulated.now

    async def timed(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        answer = await real_publish(self, name, *args, **kwargs)
        published.append(departed[asyncio.current_task()])  # the attempt PostHog took
        return answer

    monkeypatch.setattr(Ticket, "acquire", turn)
    monkeypatch.setattr(Prompts, "publish", timed)
    server.faults.throttle_rate(0.3, retry_after=0, seed=13)  # 30% of requests: 429

    assert main(["prompts", "push", str(tmp_path)]) == 0

    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == "summary: 200 publish"
    with server.lock:
        live = [r for r in server.prompts if not r["deleted"]]
        throttles = sum(r.status == 429 for r in server.requests)
    assert sorted(r["name"] for r in live if r["version"] == 2) == names
    assert all(r["prompt"] == f"{r['name']} v{r['version']}" for r in live)
    assert throttles > 50  # the storm happened
    # The publishes PostHog counted (a 429 is not counted): never more than 30 in a minute.
    assert len(published) == 200 and most_in_a_window(published, 60.0) <= 30
    took = max(published) - min(published)
    # Six more minutes at 30 a minute; a 429 fills the publish window once (PostHog says it
    # is full), so the storm adds minutes, not the 40 it did when 429s in a row stacked up.
    assert 6 * 60.0 <= took < 15 * 60.0
    err = captured.err
    assert "pacing to 30 prompt publishes per minute" in err
    assert "PostHog answered 429, too many requests (Retry-After: 0 s)" in err
