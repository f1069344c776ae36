"""``PromptCache`` edges a user can see: option messages, documented defaults, counters that
add up, eviction order, cooldown boundaries and the errors of closed or cancelled fetches.

Each test pins one behaviour that a plausible slip in ``prompts/cache.py`` would change (the
issue 9 mutation survivors); all run on a fake clock, without sleeping.
"""

from __future__ import annotations

import asyncio
import math
import traceback

import pytest

from posthog_api._errors import APIError, ConfigurationError, RateLimitError
from posthog_api.prompts import Prompt, PromptCache

from .test_cache import Clock, Fetcher, settle

NAME = "support-bot"


def make(name: str, version: int = 1) -> Prompt:
    return Prompt(name=name, version=version, id=f"{name}-{version}", prompt=f"{name} v{version}")


def failing(name: str = NAME, error: BaseException | None = None) -> Fetcher:
    fetch = Fetcher(name)
    fetch.error = APIError("down") if error is None else error
    return fetch


def fetch_tasks() -> list[asyncio.Task[object]]:
    return [
        t
        for t in asyncio.all_tasks()
        if t.get_name().startswith("posthog-prompt-fetch") and not t.done()
    ]


@pytest.fixture
def clock() -> Clock:
    return Clock()


# ------------------------------------------------------------- option messages


def refusal(**options: object) -> str:
    with pytest.raises(ConfigurationError) as info:
        PromptCache(**options)  # type: ignore[arg-type]
    return str(info.value)


def test_a_wrong_type_is_named_with_its_type_and_value() -> None:
    assert refusal(max_entries="10") == (
        "max_entries must be an int (how many prompts to keep), got str '10'"
    )
    assert refusal(ttl="5") == "ttl must be a number of seconds, got str '5'"
    assert refusal(max_stale=[1]) == "max_stale must be a number of seconds, got list [1]"


def test_a_negative_or_infinite_duration_shows_the_value_given() -> None:
    assert refusal(error_cooldown=-2.5) == (
        "error_cooldown must be a number of seconds >= 0, got -2.5"
    )
    message = refusal(pinned_ttl=math.inf)
    assert message.startswith("pinned_ttl must be a finite number of seconds")
    assert "got inf" in message
    assert "would serve the old text forever" in message  # why infinity is refused


@pytest.mark.parametrize(
    ("length", "shown"),
    [
        (58, "'" + "x" * 58 + "'"),  # a 60-character repr is shown whole
        (59, "'" + "x" * 56 + "..."),  # 61 characters: cut to 57 and an ellipsis
        (500, "'" + "x" * 56 + "..."),
    ],
)
def test_a_long_value_is_shown_cut_to_60_characters(length: int, shown: str) -> None:
    assert refusal(ttl="x" * length) == f"ttl must be a number of seconds, got str {shown}"
    assert refusal(max_entries="x" * length).endswith(f"got str {shown}")


def test_a_clock_that_is_not_callable_is_named_with_its_type() -> None:
    assert refusal(clock=5.0) == "clock must be callable, got float"


def test_max_stale_may_be_infinite_from_either_constructor() -> None:
    assert PromptCache(max_stale=math.inf).max_stale == math.inf
    cache = PromptCache.for_client(
        size=10, ttl=60, pinned_ttl=3600, max_stale=math.inf, error_cooldown=5
    )
    assert cache.max_stale == math.inf
    with pytest.raises(ConfigurationError) as info:
        PromptCache.for_client(size=10, ttl=60, pinned_ttl=3600, max_stale=-1, error_cooldown=5)
    assert str(info.value) == "prompt_cache_max_stale must be a number of seconds >= 0, got -1"


# --------------------------------------------------------------------- defaults


async def test_the_default_bound_is_1024_entries(clock: Clock) -> None:
    cache = PromptCache(clock=clock)
    for i in range(1025):
        cache.put(make(f"p{i}"), latest=False)
    assert len(cache) == 1024
    assert cache.peek("p0", 1) is None
    assert cache.stats().evictions == 1


async def test_the_latest_is_fresh_for_60_seconds_by_default(clock: Clock) -> None:
    cache = PromptCache(clock=clock)
    fetch = Fetcher()
    await cache.get(NAME, None, fetch)
    clock.advance(59.99)
    assert (await cache.get(NAME, None, fetch)).source == "cache"
    clock.advance(0.01)
    assert (await cache.get(NAME, None, fetch)).source == "stale"


async def test_a_pinned_version_is_fresh_for_an_hour_by_default(clock: Clock) -> None:
    cache = PromptCache(clock=clock)
    fetch = Fetcher(version=2)
    await cache.get(NAME, 2, fetch)
    clock.advance(3599.99)
    assert (await cache.get(NAME, 2, fetch)).source == "cache"
    clock.advance(0.01)
    assert (await cache.get(NAME, 2, fetch)).source == "stale"


async def test_a_retry_after_cools_down_for_at_most_600_seconds_by_default(clock: Clock) -> None:
    cache = PromptCache(clock=clock)
    fetch = failing(error=RateLimitError("throttled", status_code=429, retry_after=10_000))
    with pytest.raises(RateLimitError):
        await cache.get(NAME, None, fetch)
    clock.advance(599.99)
    with pytest.raises(RateLimitError):
        await cache.get(NAME, None, fetch)
    assert fetch.calls == 1  # still cooling down: no request
    clock.advance(0.01)
    fetch.error = None
    assert (await cache.get(NAME, None, fetch)).source == "api"
    assert fetch.calls == 2


# ------------------------------------------------------------- counters add up


async def test_hits_misses_and_refreshes_count_every_event(clock: Clock) -> None:
    cache = PromptCache(clock=clock, ttl=60, max_stale=3600)
    fetch_a, fetch_b = Fetcher("a"), Fetcher("b")
    await cache.get("a", None, fetch_a)
    await cache.get("b", None, fetch_b)
    for _ in range(3):
        assert cache.get_fresh("a") is not None
    clock.advance(61)
    assert (await cache.get("a", None, fetch_a)).source == "stale"
    assert (await cache.get("b", None, fetch_b)).source == "stale"
    await settle()
    stats = cache.stats()
    assert (stats.misses, stats.hits, stats.refreshes, stats.stale_served) == (2, 3, 2, 2)
    assert (fetch_a.calls, fetch_b.calls) == (2, 2)


async def test_every_failed_background_refresh_is_counted(clock: Clock) -> None:
    cache = PromptCache(clock=clock, ttl=60, max_stale=3600, error_cooldown=5)
    await cache.get(NAME, None, Fetcher())
    broken = failing()
    for _ in range(3):
        clock.advance(61)
        assert (await cache.get(NAME, None, broken)).source == "stale"
        await settle()
    assert broken.calls == 3
    assert cache.stats().refresh_errors == 3


async def test_a_refresh_failing_after_a_put_is_counted_but_changes_nothing(
    clock: Clock,
) -> None:
    cache = PromptCache(clock=clock, ttl=60, max_stale=3600, error_cooldown=100)
    await cache.get(NAME, None, Fetcher(version=1))
    for version in (2, 3):
        clock.advance(61)
        refresh = failing()
        gate = refresh.block()
        assert (await cache.get(NAME, None, refresh)).source == "stale"
        await settle()
        cache.put(make(NAME, version))  # newer than whatever the refresh would bring
        gate.set()
        await settle()
        assert refresh.calls == 1
    assert cache.stats().refresh_errors == 2
    # The detached failures started no cooldown: the put prompt is served and, once
    # stale, refreshed at once.
    hit = await cache.get(NAME, None, Fetcher(version=3))
    assert (hit.version, hit.source) == (3, "cache")
    clock.advance(61)
    again = Fetcher(version=4)
    assert (await cache.get(NAME, None, again)).source == "stale"
    await settle()
    assert again.calls == 1


async def test_a_foreground_failure_is_not_a_refresh_error(clock: Clock) -> None:
    cache = PromptCache(clock=clock, error_cooldown=0)
    for _ in range(2):
        with pytest.raises(APIError):
            await cache.get(NAME, None, failing())
    stats = cache.stats()
    assert (stats.misses, stats.refresh_errors, stats.refreshes) == (2, 0, 0)


async def test_a_restarted_foreground_fetch_that_fails_is_not_a_refresh_error(
    clock: Clock,
) -> None:
    cache = PromptCache(clock=clock)
    fetch = Fetcher()
    gate = fetch.block()
    waiter = asyncio.create_task(cache.get(NAME, None, fetch))
    await settle()
    (task,) = fetch_tasks()
    task.cancel()  # by code outside the cache: the waiter starts a new fetch
    fetch.error = APIError("down")
    gate.set()
    with pytest.raises(APIError, match="down"):
        await waiter
    assert fetch.calls == 2
    assert cache.stats().refresh_errors == 0


async def test_every_eviction_is_counted(clock: Clock) -> None:
    cache = PromptCache(clock=clock, max_entries=2)
    for name in "abcde":
        cache.put(make(name), latest=False)
    assert cache.stats().evictions == 3
    assert len(cache) == 2


# ------------------------------------------------------------ eviction order


async def test_putting_a_pinned_version_again_makes_it_the_newest(clock: Clock) -> None:
    cache = PromptCache(clock=clock, max_entries=2)
    cache.put(make("a"), latest=False)
    cache.put(make("b"), latest=False)
    cache.put(make("a"), latest=False)  # stored again: now newer than b
    cache.put(make("c"), latest=False)
    assert cache.peek("b", 1) is None
    assert cache.peek("a", 1) is not None
    assert cache.peek("c", 1) is not None


async def test_storing_the_latest_again_makes_it_the_newest(clock: Clock) -> None:
    cache = PromptCache(clock=clock, max_entries=3)
    cache.put(make("a", 1))  # (a, 1) and (a, latest)
    cache.invalidate("a", 1)  # the latest is now the oldest entry
    cache.put(make("b"), latest=False)
    cache.put(make("a", 1))  # the latest of a stored again: newer than b
    cache.put(make("c"), latest=False)
    assert cache.peek("b", 1) is None
    assert cache.peek("a") is not None
    assert cache.peek("a", 1) is not None
    assert cache.peek("c", 1) is not None


# ---------------------------------------------------------- freshness edges


async def test_a_per_call_ttl_on_get_fresh_ends_exactly_at_the_ttl(clock: Clock) -> None:
    cache = PromptCache(clock=clock, ttl=60)
    await cache.get(NAME, None, Fetcher())
    clock.advance(10)
    assert cache.get_fresh(NAME, None, ttl=10.001) is not None
    assert cache.get_fresh(NAME, None, ttl=10) is None
    assert cache.get_fresh(NAME, None) is not None


async def test_a_sub_second_per_call_ttl_still_serves_stale(clock: Clock) -> None:
    cache = PromptCache(clock=clock, ttl=60, max_stale=3600)
    await cache.get(NAME, None, Fetcher(version=1))
    clock.advance(0.7)
    refresh = Fetcher(version=2)
    got = await cache.get(NAME, None, refresh, ttl=0.5)
    assert (got.version, got.source) == (1, "stale")
    await settle()
    assert refresh.calls == 1  # in the background


# --------------------------------------------------------------- cooldowns


async def test_a_one_second_cooldown_holds_back_the_next_fetch(clock: Clock) -> None:
    cache = PromptCache(clock=clock, error_cooldown=1)
    fetch = failing()
    for _ in range(2):
        with pytest.raises(APIError):
            await cache.get(NAME, None, fetch)
    assert fetch.calls == 1
    clock.advance(1)
    with pytest.raises(APIError):
        await cache.get(NAME, None, fetch)
    assert fetch.calls == 2


async def test_a_failure_without_a_cooldown_does_not_push_out_another_cooldown(
    clock: Clock,
) -> None:
    cache = PromptCache(clock=clock, max_entries=1, error_cooldown=0)
    throttled = failing("a", RateLimitError("throttled", status_code=429, retry_after=100))
    with pytest.raises(RateLimitError):
        await cache.get("a", None, throttled)
    with pytest.raises(APIError):
        await cache.get("b", None, failing("b"))  # no cooldown: nothing to remember
    with pytest.raises(RateLimitError):
        await cache.get("a", None, throttled)
    assert throttled.calls == 1  # "a" still cools down


@pytest.mark.parametrize("how", ["version", "latest"])
async def test_invalidating_one_key_forgets_its_cooldown(clock: Clock, how: str) -> None:
    cache = PromptCache(clock=clock, error_cooldown=100)
    version = 1 if how == "version" else None
    fetch = failing()
    with pytest.raises(APIError):
        await cache.get(NAME, version, fetch)
    assert cache.invalidate(NAME, version, latest=how == "latest") == 0
    fetch.error = None
    assert (await cache.get(NAME, version, fetch)).source == "api"
    assert fetch.calls == 2


async def test_an_error_from_a_cooldown_keeps_the_fetch_frames(clock: Clock) -> None:
    cache = PromptCache(clock=clock, error_cooldown=100)

    async def broken_fetch() -> Prompt:
        raise APIError("down")

    for _ in range(2):
        with pytest.raises(APIError) as info:
            await cache.get(NAME, None, broken_fetch)
        frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
        assert "broken_fetch" in frames  # where it failed, also when re-raised


async def start_a_fetch_during_a_cooldown(
    cache: PromptCache, fetch: Fetcher
) -> tuple[asyncio.Task[Prompt], asyncio.Event]:
    """The one way a fetch of NAME runs while NAME cools down: a get whose fetch was
    detached (invalidate) restarts it after outside code cancels it, and that restart does
    not look at the cooldown a later fetch started. Returns the get and the restarted
    fetch's gate. (If the restart ever honours cooldowns, these tests need another way.)"""
    gate = fetch.block()
    waiter = asyncio.create_task(cache.get(NAME, None, fetch))
    await settle()
    (first,) = fetch_tasks()
    cache.invalidate(NAME)  # detaches the running fetch
    with pytest.raises(APIError):
        await cache.get(NAME, None, failing())  # a new one fails: NAME cools down
    first.cancel()  # outside code cancels the detached fetch: its caller starts another
    await settle()
    assert fetch.calls == 2
    return waiter, gate


async def test_a_fetch_that_succeeds_during_a_cooldown_ends_it(clock: Clock) -> None:
    cache = PromptCache(clock=clock, ttl=60, max_stale=3600, error_cooldown=100)
    fetch = Fetcher(version=2)
    waiter, gate = await start_a_fetch_during_a_cooldown(cache, fetch)
    gate.set()
    assert (await waiter).version == 2
    clock.advance(61)  # stale, and the cooldown's 100 s are not over
    refresh = Fetcher(version=3)
    assert (await cache.get(NAME, None, refresh)).source == "stale"
    await settle()
    assert refresh.calls == 1  # refreshed: the success ended the cooldown


async def test_a_fetch_that_fails_during_a_cooldown_renews_it_as_the_newest(
    clock: Clock,
) -> None:
    cache = PromptCache(clock=clock, max_entries=2, error_cooldown=100)
    fetch = Fetcher()
    waiter, gate = await start_a_fetch_during_a_cooldown(cache, fetch)
    with pytest.raises(APIError):
        await cache.get("other", None, failing("other"))  # cooldowns: NAME, other
    fetch.error = APIError("down again")
    gate.set()
    with pytest.raises(APIError, match="down again"):
        await waiter  # NAME's cooldown renewed: now the newer of the two
    with pytest.raises(APIError):
        await cache.get("third", None, failing("third"))  # the table holds 2: one goes
    retry = Fetcher()
    with pytest.raises(APIError, match="down again"):
        await cache.get(NAME, None, retry)
    assert retry.calls == 0  # NAME still cools down; "other" was forgotten
    again = Fetcher("other")
    assert (await cache.get("other", None, again)).source == "api"


# ------------------------------------------------- closed and cancelled fetches


CLOSED_TAIL = "so nothing is fetched or served from its cache. Next: create a new client."


async def test_a_get_after_aclose_names_the_prompt(clock: Clock) -> None:
    cache = PromptCache(clock=clock)
    await cache.aclose()
    with pytest.raises(ConfigurationError) as info:
        await cache.get(NAME, 3, Fetcher())
    message = str(info.value)
    assert message.startswith(f"prompts.get({NAME!r}): this AsyncPostHog is closed")
    assert message.endswith(CLOSED_TAIL)


async def test_a_waiter_of_a_fetch_cancelled_by_aclose_names_the_prompt(clock: Clock) -> None:
    cache = PromptCache(clock=clock)
    fetch = Fetcher(version=4)
    fetch.block()
    waiter = asyncio.create_task(cache.get(NAME, 4, fetch))
    await settle()
    await cache.aclose()
    with pytest.raises(ConfigurationError) as info:
        await waiter
    message = str(info.value)
    assert message.startswith(f"prompts.get({NAME!r}): this AsyncPostHog is closed")
    assert message.endswith(CLOSED_TAIL)


async def test_fetch_tasks_are_named_after_their_key(clock: Clock) -> None:
    cache = PromptCache(clock=clock)
    latest, pinned = Fetcher(), Fetcher(version=3)
    gates = [latest.block(), pinned.block()]
    waiters = [
        asyncio.create_task(cache.get(NAME, None, latest)),
        asyncio.create_task(cache.get(NAME, 3, pinned)),
    ]
    await settle()
    assert sorted(t.get_name() for t in fetch_tasks()) == [
        f"posthog-prompt-fetch:{NAME}@3",
        f"posthog-prompt-fetch:{NAME}@None",
    ]
    for gate in gates:
        gate.set()
    await asyncio.gather(*waiters)


async def test_a_fetch_cancelled_every_time_says_what_to_do(clock: Clock) -> None:
    cache = PromptCache(clock=clock)

    async def cancelled_every_time() -> Prompt:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        await asyncio.sleep(0)
        raise AssertionError("not reached")

    with pytest.raises(APIError) as info:
        await cache.get(NAME, None, cancelled_every_time)
    assert str(info.value) == (
        f"prompt {NAME!r}: its fetch was cancelled 3 times by code outside the SDK (tasks "
        "named 'posthog-prompt-fetch:...'), so nothing was fetched. Next: stop cancelling "
        "those tasks, or pass fallback=... to get()."
    )


# ------------------------------------------------------------------ invalidate


def test_invalidate_says_which_arguments_it_needs(clock: Clock) -> None:
    cache = PromptCache(clock=clock)
    with pytest.raises(ValueError) as info:
        cache.invalidate(version=2)
    assert str(info.value) == "invalidate(version=..., latest=...) needs a name"
    with pytest.raises(ValueError) as info:
        cache.invalidate(latest=True)
    assert str(info.value) == "invalidate(version=..., latest=...) needs a name"
    with pytest.raises(ValueError) as info:
        cache.invalidate(NAME, 2, latest=True)
    assert str(info.value) == "pass either version or latest=True, not both"
