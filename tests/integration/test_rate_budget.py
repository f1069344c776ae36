"""The rate budget (issue 14) over loopback: in process, and shared through a real Redis.

Windows are scaled down (a few per second instead of 480 a minute) so that each test
takes tens of milliseconds; the algorithm does not depend on the scale.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest

from posthog_api import AsyncPostHog, ConfigurationError, RateBudget, RateLimitError
from posthog_api._budget import key_id
from posthog_api.testing.redis_server import RedisServer

from .conftest import KEY, PROJECT, MakeClient, ManualClock, Server

pytestmark = pytest.mark.usefixtures("redis_client")

PUBLISH = f"/api/projects/{PROJECT}/llm_prompts/name/bot/"


def _arrivals(server: Server, path: str) -> int:
    return len(server.log(path=path))


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t < start + window) for i, start in enumerate(times))


async def test_in_process_requests_wait_for_their_turn(
    make_client: MakeClient, server: Server
) -> None:
    server.state.seed_prompt("bot", "v1")
    budget = RateBudget(limits=[(4, 0.15)], publish_limits=[], margin=0.01)
    client = make_client(rate_budget=budget)
    turns: list[float] = []  # when the budget let each request go (not when it was answered:
    acquire = budget.acquire  # a loaded machine bunches up the answers)

    async def timed(*args: Any, **kwargs: Any) -> float:
        asked = time.monotonic()
        wait = await acquire(*args, **kwargs)
        turns.append(asked + wait)
        return wait

    budget.acquire = timed  # type: ignore[method-assign]
    started = time.monotonic()
    await asyncio.gather(*(client.prompts.fetch("bot") for _ in range(10)))
    assert len(turns) == 10 and len(server.log("GET")) == 10
    assert _max_in_window(turns, 0.15) <= 4  # never more than the limit in any window
    assert time.monotonic() - started >= 0.3  # 10 requests at 4 per 0.15 s: two refills
    assert budget.waits == 6 and budget.refused == 0


async def test_over_max_wait_raises_before_sending(make_client: MakeClient, server: Server) -> None:
    server.state.seed_prompt("bot", "v1")
    client = make_client(rate_budget=RateBudget(limits=[(2, 60.0)], max_wait=0.5))
    await client.prompts.fetch("bot")
    await client.prompts.fetch("bot")
    before = len(server.log())
    with pytest.raises(RateLimitError) as caught:
        await client.prompts.fetch("bot")
    error = caught.value
    assert len(server.log()) == before  # nothing sent
    assert error.response is None and error.status_code == 429
    assert error.retry_after is not None and 59 < error.retry_after <= 61.5
    assert "posthog.prompts.fetch" in str(error) and "max_wait=0.5" in str(error)
    assert KEY not in str(error) and KEY not in repr(error.__dict__)


async def test_publishes_have_their_own_limit(make_client: MakeClient, server: Server) -> None:
    server.state.seed_prompt("bot", "v1")
    budget = RateBudget(limits=[(100, 60.0)], publish_limits=[(2, 60.0)], max_wait=0)
    client = make_client(rate_budget=budget)
    await client.prompts.publish("bot", "v2", base_version=1)
    await client.prompts.publish("bot", "v3", base_version=2)
    with pytest.raises(RateLimitError, match=r"prompts\.publish"):
        await client.prompts.publish("bot", "v4", base_version=3)
    assert (await client.prompts.fetch("bot")).version == 3  # reads still go
    assert len(server.log("PATCH", PUBLISH)) == 2


async def test_processes_share_the_budget_through_redis(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str
) -> None:
    """Two clients standing for two processes, each with its own RateBudget object on the
    same Redis: together they get the limit, no more."""
    server.state.seed_prompt("bot", "v1")
    budgets = [
        RateBudget(redis_client, prefix=store_prefix, limits=[(5, 60.0)], max_wait=0)
        for _ in range(2)
    ]
    clients = [make_client(rate_budget=budget) for budget in budgets]
    results = await asyncio.gather(
        *(clients[i % 2].prompts.fetch("bot") for i in range(12)), return_exceptions=True
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 5
    assert all(isinstance(r, RateLimitError) for r in results if isinstance(r, BaseException))
    assert len(server.log("GET")) == 5
    keys = [k.decode() for k in await redis_client.keys(f"{store_prefix}:*")]
    assert keys and all(key_id(server.url, KEY) in k for k in keys)
    assert not any(KEY in k or "phx_" in k for k in keys)  # a hash of the key, never the key


async def test_a_429_drains_the_budget_of_every_process(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str
) -> None:
    server.state.seed_prompt("bot", "v1")
    shared = {"prefix": store_prefix, "limits": [(100, 60.0)], "max_wait": 0.5}
    hit = make_client(rate_budget=RateBudget(redis_client, **shared), max_retries=0)
    other = make_client(rate_budget=RateBudget(redis_client, **shared))
    server.state.faults.throttle_next(1, retry_after=3)
    with pytest.raises(RateLimitError) as real:
        await hit.prompts.fetch("bot")
    assert real.value.response is not None  # PostHog's own 429
    before = len(server.log())
    with pytest.raises(RateLimitError) as local:
        await other.prompts.fetch("bot")  # another process: told to wait, not sent
    assert local.value.response is None
    assert local.value.retry_after is not None and local.value.retry_after >= 2.9
    assert len(server.log()) == before


@pytest.mark.parametrize("shared", [False, True], ids=["in-process", "redis"])
async def test_429s_in_a_row_fill_the_window_once_and_every_wait_is_told(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str, shared: bool
) -> None:
    """PostHog's window is full after a 429, not fuller after a second one: each request
    after a 429 waits one turn (a tenth of the window, and the margin), and ``on_wait``
    hears of every wait and why (what the CLI shows)."""
    server.state.seed_prompt("bot", "v1")
    waits: list[tuple[float, str]] = []
    budget = RateBudget(
        redis_client if shared else None,
        prefix=store_prefix,
        limits=[(10, 0.5)],
        publish_limits=[],
        margin=0.01,
        max_wait=1.0,
        on_wait=lambda seconds, why: waits.append((seconds, why)),
    )
    client = make_client(rate_budget=budget, max_retries=0)
    server.state.faults.throttle_next(3, retry_after=0)
    for _ in range(3):
        with pytest.raises(RateLimitError) as caught:
            await client.prompts.fetch("bot")
        assert caught.value.response is not None  # PostHog's 429, each sent
    assert (await client.prompts.fetch("bot")).version == 1
    told = [why for _, why in waits]
    assert told.count("PostHog answered 429, too many requests (Retry-After: 0 s)") == 3
    paced = [seconds for seconds, why in waits if why == "pacing to 10 requests per 0.5 s"]
    assert len(paced) == 3 and len(waits) == 6  # every request after a 429 waited its turn
    assert all(0 < seconds <= 0.1 for seconds in paced)  # not stacked: 0.05 s and the margin


async def test_a_refresh_yields_the_last_tokens_to_the_application(
    make_client: MakeClient, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    server.state.seed_prompt("bot", "v1")
    budget = RateBudget(limits=[(10, 60.0)], refresh_reserve=0.5)
    client = make_client(rate_budget=budget, prompt_cache_ttl=10)
    clock = ManualClock()
    client._prompt_cache._clock = clock
    await client.prompts.get("bot")
    for _ in range(4):
        await client.prompts.fetch("bot")  # the application's own calls: 5 of 10 spent
    clock.advance(11)
    sent = len(server.log())
    stale = await client.prompts.get("bot")
    assert stale.source == "stale"
    await asyncio.gather(*client._prompt_cache._inflight.values(), return_exceptions=True)
    assert len(server.log()) == sent  # the refresh was skipped, not sent
    assert budget.skipped == 1 and client.prompts.stats().refresh_errors == 1
    assert (await client.prompts.get("bot")).source == "stale"  # still served
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "refreshes are skipped" in warning.getMessage()  # once, not once per prompt
    assert (await client.prompts.fetch("bot")).version == 1  # the application still may


async def test_redis_down_keeps_the_budget_in_process(
    make_client: MakeClient, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    import redis.asyncio

    server.state.seed_prompt("bot", "v1")
    with RedisServer() as redis_server:
        client_redis = redis.asyncio.Redis.from_url(redis_server.url)
        budget = RateBudget(client_redis, limits=[(3, 60.0)], max_wait=0, command_timeout=0.2)
        client = make_client(rate_budget=budget)
        redis_server.stop()
        with caplog.at_level(logging.WARNING, logger="posthog_api"):
            for _ in range(3):
                await client.prompts.fetch("bot")
            with pytest.raises(RateLimitError):
                await client.prompts.fetch("bot")
        assert len(caplog.records) == 1 and "rate budget's Redis failed" in caplog.text
        assert not budget.shared
        await client_redis.aclose()


async def test_rate_budget_true_uses_the_stores_redis(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str
) -> None:
    from posthog_api import RedisPromptStore

    store = RedisPromptStore(redis_client, prefix=store_prefix)
    client = make_client(prompt_store=store, rate_budget=True)
    budget = client._budget
    assert isinstance(budget, RateBudget) and budget.redis is redis_client
    assert [(x.count, x.window) for x in budget.limits] == [(480, 60.0), (4800, 3600.0)]
    assert [(x.count, x.window) for x in budget.publish_limits] == [(30, 60.0)]
    assert budget.max_wait == 60.0
    alone = make_client(rate_budget=True)
    assert alone._budget is not None and alone._budget.redis is None
    assert client.with_options(timeout=5.0)._budget is budget  # copies share it
    assert make_client()._budget is None  # off unless asked for


def test_the_budget_is_checked_at_construction(redis_client: Any) -> None:
    import redis

    for bad, match in [
        ({"limits": [(0, 60)]}, "count"),
        ({"limits": [(10, 0)]}, "window"),
        ({"limits": "480/min"}, "pairs"),
        ({"limits": []}, "at least one"),
        ({"max_wait": -1}, "max_wait"),
        ({"refresh_reserve": 2}, "refresh_reserve"),
        ({"on_wait": "print"}, "on_wait"),
        ({"clock": None}, "clock"),
    ]:
        with pytest.raises(ConfigurationError, match=match):
            RateBudget(**bad)
    with pytest.raises(ConfigurationError, match="asyncio Redis client"):
        RateBudget(redis.Redis())
    with pytest.raises(ConfigurationError, match="rate_budget must be"):
        AsyncPostHog(api_key="phx_x", project_id="1", rate_budget="480/min")  # type: ignore[arg-type]


# -- the hostile review of issue 14 (second round) ---------------------------------------


class _Stuck:
    """The budget's ``sleep``: a wait that never ends on its own (cancelled, or timed out
    around), so each test sees where a request's turn was put without waiting for it."""

    async def __call__(self, seconds: float) -> None:
        await asyncio.Event().wait()


def _budget(shared: bool, redis_client: Any, store_prefix: str, **kwargs: Any) -> RateBudget:
    kwargs.setdefault("publish_limits", [])
    return RateBudget(redis_client if shared else None, prefix=store_prefix, **kwargs)


async def _ttls_and_scores(redis_client: Any, store_prefix: str) -> tuple[list[int], list[float]]:
    keys = await redis_client.keys(f"{store_prefix}:budget:*")
    ttls = [await redis_client.pttl(k) for k in keys]
    scores = [s for k in keys for _, s in await redis_client.zrange(k, 0, -1, withscores=True)]
    return ttls, scores


SHARED = pytest.mark.parametrize("shared", [False, True], ids=["in-process", "redis"])


@SHARED
async def test_a_huge_retry_after_pauses_at_most_the_longest_window(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str, shared: bool
) -> None:
    """One 429 saying ``Retry-After: 1000000000`` stops the key for a window (PostHog's
    throttles never ask for longer), not for 31 years in every process."""
    server.state.seed_prompt("bot", "v1")
    told: list[tuple[float, str]] = []
    limits = {"limits": [(100, 60.0)], "max_wait": 0.5}
    hit_budget = _budget(
        shared, redis_client, store_prefix, **limits, on_wait=lambda s, w: told.append((s, w))
    )
    other_budget = _budget(shared, redis_client, store_prefix, **limits) if shared else hit_budget
    hit = make_client(rate_budget=hit_budget, max_retries=0)
    other = make_client(rate_budget=other_budget)
    server.state.faults.throttle_next(1, retry_after=10**9)
    with pytest.raises(RateLimitError) as real:
        await hit.prompts.fetch("bot")
    assert real.value.response is not None  # PostHog's own, its Retry-After as it said
    assert told == [
        (60.0, "PostHog answered 429, too many requests (Retry-After: 1e+09 s; waiting 60 s, "
               "the longest window)")
    ]  # fmt: skip
    with pytest.raises(RateLimitError) as local:
        await other.prompts.fetch("bot")
    assert local.value.response is None
    assert local.value.retry_after is not None and 59 < local.value.retry_after < 62
    if shared:
        ttls, scores = await _ttls_and_scores(redis_client, store_prefix)
        assert ttls and all(0 < ttl <= 123_000 for ttl in ttls)  # the pause and a window
        assert all(score < time.time() + 61 for score in scores)


@SHARED
async def test_an_infinite_retry_after_is_read_as_none(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str, shared: bool
) -> None:
    """``Retry-After: inf`` is no number a server can mean: the 429 drains the budget by
    the 1 s of a missing header, and every key in Redis keeps an expiry and finite times
    (an infinite one used to fail the drain half-way, blocking the key for good)."""
    import math

    server.state.seed_prompt("bot", "v1")
    limits = {"limits": [(100, 60.0)], "max_wait": 0.5}
    hit_budget = _budget(shared, redis_client, store_prefix, **limits)
    other_budget = _budget(shared, redis_client, store_prefix, **limits) if shared else hit_budget
    hit = make_client(rate_budget=hit_budget, max_retries=0)
    other = make_client(rate_budget=other_budget)
    server.state.faults.throttle_next(1, retry_after=math.inf)  # type: ignore[arg-type]
    with pytest.raises(RateLimitError) as real:
        await hit.prompts.fetch("bot")
    assert real.value.response is not None and real.value.retry_after is None
    with pytest.raises(RateLimitError) as local:
        await other.prompts.fetch("bot")
    retry_after = local.value.retry_after
    assert retry_after is not None and 1 < retry_after < 3  # 1 s, a turn, the margin
    assert hit_budget.shared == shared  # Redis did not fail
    if shared:
        ttls, scores = await _ttls_and_scores(redis_client, store_prefix)
        assert ttls and all(ttl > 0 for ttl in ttls)
        assert scores and all(math.isfinite(score) for score in scores)


async def test_the_scripts_refuse_bad_arguments_before_writing_anything(
    redis_client: Any, store_prefix: str
) -> None:
    import redis.exceptions

    budget = RateBudget(redis_client, prefix=store_prefix)
    key = f"{store_prefix}:budget:{{k}}:60s"
    assert budget._drain is not None and budget._acquire is not None
    for pause in ("inf", "nan", "-1"):
        with pytest.raises(redis.exceptions.ResponseError, match="bad arguments"):
            await budget._drain(keys=[key], args=[pause, 10, 60, 1, "tag"])
    with pytest.raises(redis.exceptions.ResponseError, match="bad arguments"):
        await budget._drain(keys=[key], args=[1, "inf", 60, 1, "tag"])
    for window in ("inf", "0", "nan"):
        with pytest.raises(redis.exceptions.ResponseError, match="bad limit"):
            await budget._acquire(
                keys=[key, key + "2"], args=[-1, -1, "m", 10, 60, 1, 5, window, 1]
            )
    with pytest.raises(redis.exceptions.ResponseError, match="bad arguments"):
        await budget._acquire(keys=[key], args=[-1, -1, "m", 10, 60])
    assert await redis_client.exists(key, key + "2") == 0  # nothing written


@SHARED
async def test_a_request_given_up_while_waiting_gives_its_turn_back(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str, shared: bool
) -> None:
    """Requests timed out (or cancelled) while they wait for their turn sent nothing: the
    next request's turn is where it would be without them, not behind them all."""
    server.state.seed_prompt("bot", "v1")
    told: list[float] = []
    budget = _budget(
        shared, redis_client, store_prefix, limits=[(2, 60.0)], max_wait=600,
        sleep=_Stuck(), on_wait=lambda seconds, why: told.append(seconds),
    )  # fmt: skip
    client = make_client(rate_budget=budget)
    for _ in range(2):
        await client.prompts.fetch("bot")  # the window's two: sent at once

    async def told_of(count: int) -> None:  # the requests are waiting for their turns
        for _ in range(1000):
            if len(told) >= count:
                return
            await asyncio.sleep(0.001)
        raise AssertionError(f"on_wait was told of {len(told)} waits, not {count}")

    for _ in range(5):  # one at a time, each cancelled (as a timeout would)
        task = asyncio.create_task(client.prompts.fetch("bot"))
        await told_of(len(told) + 1)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    waiting = [asyncio.create_task(client.prompts.fetch("bot")) for _ in range(5)]
    await told_of(10)
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    assert all(59 < seconds < 62 for seconds in told[:5])  # each behind the two sent only
    assert sorted(round(seconds / 61) for seconds in told[5:]) == [1, 1, 2, 2, 3]  # together
    task = asyncio.create_task(client.prompts.fetch("bot"))
    await told_of(11)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert 59 < told[-1] < 62  # the next window's first turn (it used to be the sixth)
    assert len(server.log("GET")) == 2
    assert budget.shared == shared


@SHARED
async def test_limits_over_nearly_the_same_window_keep_logs_of_their_own(
    redis_client: Any, store_prefix: str, shared: bool
) -> None:
    budget = _budget(
        shared, redis_client, store_prefix, limits=[(10, 60), (20, 60.0000001)], max_wait=0
    )
    granted = 0
    with pytest.raises(RateLimitError):
        while True:
            await budget.acquire("k")
            granted += 1
    assert granted == 10  # the smaller limit, not half of it (one log counted twice)
    with pytest.raises(ConfigurationError, match=r"two limits over 60 s"):
        RateBudget(limits=[(10, 60), (20, 60.0)])


@SHARED
async def test_a_refusal_says_where_the_budget_is_kept(
    make_client: MakeClient, server: Server, redis_client: Any, store_prefix: str, shared: bool
) -> None:
    server.state.seed_prompt("bot", "v1")
    budget = _budget(shared, redis_client, store_prefix, limits=[(1, 2)], max_wait=0.5)
    client = make_client(rate_budget=budget)
    await client.prompts.fetch("bot")
    with pytest.raises(RateLimitError) as caught:
        await client.prompts.fetch("bot")
    where = "shared through Redis by every process using it" if shared else "kept in this process"
    assert f"rate budget (1 per 2 s; {where}) has no room for 2.0 s" in str(caught.value)
    assert caught.value.response is None and caught.value.retry_after is not None


async def test_a_redis_timeout_warning_says_which_limit(
    redis_client: Any, store_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    budget = RateBudget(redis_client, prefix=store_prefix, command_timeout=0.05)
    with caplog.at_level(logging.WARNING, logger="posthog_api"):
        await redis_client.execute_command("CLIENT", "PAUSE", "100")
        await budget.acquire("k")  # kept in this process meanwhile
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "rate budget's Redis failed (no answer within command_timeout=0.05 s)" in warning
    await asyncio.sleep(0.1)


def test_the_budget_and_the_store_check_their_options_alike(redis_client: Any) -> None:
    """One check for both: the same option, the same refusal, the same words."""
    import inspect

    from posthog_api import RedisPromptStore

    for bad in ({"prefix": ""}, {"command_timeout": 0}, {"retry_interval": float("nan")}):
        with pytest.raises(ConfigurationError) as store:
            RedisPromptStore(redis_client, **bad)
        with pytest.raises(ConfigurationError) as budget:
            RateBudget(redis_client, **bad)
        assert str(store.value).replace("RedisPromptStore", "RateBudget") == str(budget.value)
    assert inspect.signature(RateBudget).parameters["redis"].annotation == "Redis | None"
