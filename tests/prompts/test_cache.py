"""``PromptCache``: freshness, stale-while-revalidate, single flight, failures, bounds."""

from __future__ import annotations

import asyncio
import gc
import math

import pytest

from posthog_api._errors import (
    APIError,
    ConfigurationError,
    NotFoundError,
    PromptNotFoundError,
    RateLimitError,
)
from posthog_api.prompts import CacheStats, Prompt, PromptCache

NAME = "support-bot"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Fetcher:
    """A fetch callable: counts calls, can block on a gate, returns or raises on demand."""

    def __init__(self, name: str = NAME, version: int = 1) -> None:
        self.name = name
        self.version = version
        self.calls = 0
        self.error: BaseException | None = None
        self.gate: asyncio.Event | None = None
        self.started = asyncio.Event()

    def block(self) -> asyncio.Event:
        self.gate = asyncio.Event()
        return self.gate

    async def __call__(self) -> Prompt:
        self.calls += 1
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        return Prompt(
            name=self.name, version=self.version, id=f"id-{self.version}", prompt=f"v{self.version}"
        )


def rate_limited(retry_after: float | None) -> RateLimitError:
    return RateLimitError("throttled", status_code=429, retry_after=retry_after)


def not_found() -> PromptNotFoundError:
    return PromptNotFoundError("gone", status_code=404)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(clock: Clock) -> PromptCache:
    return PromptCache(clock=clock, ttl=60, max_stale=3600, error_cooldown=5)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


# ------------------------------------------------------------------------ basics


async def test_cold_get_fetches_and_then_hits(cache: PromptCache) -> None:
    fetch = Fetcher(version=3)
    first = await cache.get(NAME, None, fetch)
    assert first.source == "api"
    assert first.version == 3
    hit = cache.get_fresh(NAME)
    assert hit is not None
    assert hit.source == "cache"
    assert hit == first
    again = await cache.get(NAME, None, fetch)
    assert again is hit
    assert fetch.calls == 1


async def test_fresh_hits_return_the_same_prebuilt_object(cache: PromptCache) -> None:
    await cache.get(NAME, None, Fetcher())
    first = cache.get_fresh(NAME, None)
    assert first is not None
    assert all(cache.get_fresh(NAME, None) is first for _ in range(100))


async def test_fetching_the_latest_also_caches_its_pinned_version(cache: PromptCache) -> None:
    await cache.get(NAME, None, Fetcher(version=7))
    pinned = cache.get_fresh(NAME, 7)
    assert pinned is not None
    assert pinned.version == 7
    assert cache.get_fresh(NAME, 6) is None
    fetch = Fetcher(version=7)
    assert (await cache.get(NAME, 7, fetch)) is pinned
    assert fetch.calls == 0


async def test_miss_returns_none_from_get_fresh(cache: PromptCache) -> None:
    assert cache.get_fresh("nothing") is None
    assert cache.get_fresh("nothing", 1) is None


async def test_keys_are_exact(cache: PromptCache) -> None:
    await cache.get("a", None, Fetcher(name="a"))
    assert cache.get_fresh("ab") is None
    assert cache.get_fresh("A") is None
    assert cache.get_fresh("a ") is None


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("max_entries", 0),
        ("max_entries", -1),
        ("max_entries", True),
        ("max_entries", 1.5),
        ("max_entries", "10"),
        ("max_entries", math.inf),
        *(
            (option, value)
            for option in ("ttl", "pinned_ttl", "max_stale", "error_cooldown", "max_cooldown")
            for value in (math.nan, -1, -0.001, -math.inf, True, False, "5", None, [1])
        ),
        # Infinite where it would mean "never look again": refused, with the reason.
        ("ttl", math.inf),
        ("ttl", 10**400),
        ("pinned_ttl", math.inf),
        ("error_cooldown", math.inf),
        ("max_cooldown", math.inf),
    ],
)
def test_constructor_refuses_bad_settings_naming_them(option: str, value: object) -> None:
    with pytest.raises(ConfigurationError, match=f"^{option} must be"):
        PromptCache(**{option: value})  # type: ignore[arg-type]


def test_constructor_refuses_a_clock_that_is_not_callable() -> None:
    with pytest.raises(ConfigurationError, match="clock must be callable"):
        PromptCache(clock=5.0)  # type: ignore[arg-type]


def test_constructor_accepts_the_edges() -> None:
    cache = PromptCache(
        max_entries=1, ttl=0, pinned_ttl=0, max_stale=math.inf, error_cooldown=0, max_cooldown=0
    )
    assert (cache.ttl, cache.pinned_ttl, cache.max_stale) == (0.0, 0.0, math.inf)
    year = 365 * 24 * 3600
    assert PromptCache(ttl=year, pinned_ttl=year, error_cooldown=year).pinned_ttl == year


# ------------------------------------------------------------------ single flight


async def test_a_thousand_concurrent_cold_gets_make_one_fetch(cache: PromptCache) -> None:
    fetch = Fetcher()
    gate = fetch.block()
    waiters = [asyncio.create_task(cache.get(NAME, None, fetch)) for _ in range(1000)]
    await settle()
    gate.set()
    results = await asyncio.gather(*waiters)
    assert fetch.calls == 1
    assert all(r is results[0] for r in results)
    stats = cache.stats()
    assert stats.misses == 1
    assert stats.coalesced == 999


async def test_every_waiter_gets_the_same_exception(cache: PromptCache) -> None:
    fetch = Fetcher()
    gate = fetch.block()
    error = APIError("boom")
    fetch.error = error
    waiters = [asyncio.create_task(cache.get(NAME, None, fetch)) for _ in range(50)]
    await settle()
    gate.set()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert fetch.calls == 1
    assert all(r is error for r in results)


async def test_cancelling_one_waiter_cancels_neither_fetch_nor_others(
    cache: PromptCache,
) -> None:
    fetch = Fetcher(version=2)
    gate = fetch.block()
    waiters = [asyncio.create_task(cache.get(NAME, None, fetch)) for _ in range(3)]
    await settle()
    waiters[0].cancel()
    await settle()
    assert waiters[0].cancelled()
    gate.set()
    others = await asyncio.gather(waiters[1], waiters[2])
    assert [p.version for p in others] == [2, 2]
    assert fetch.calls == 1
    assert cache.get_fresh(NAME) is not None


async def test_cancelling_every_waiter_still_completes_and_stores(cache: PromptCache) -> None:
    fetch = Fetcher(version=4)
    gate = fetch.block()
    waiter = asyncio.create_task(cache.get(NAME, None, fetch))
    await settle()
    waiter.cancel()
    await settle()
    gate.set()
    await settle()
    cached = cache.get_fresh(NAME)
    assert cached is not None
    assert cached.version == 4


async def test_different_keys_fetch_separately(cache: PromptCache) -> None:
    latest = Fetcher(version=3)
    pinned = Fetcher(version=2)
    await asyncio.gather(cache.get(NAME, None, latest), cache.get(NAME, 2, pinned))
    assert (latest.calls, pinned.calls) == (1, 1)


# ------------------------------------------------------------------ freshness


async def test_pinned_versions_are_fresh_for_the_pinned_ttl_only(clock: Clock) -> None:
    cache = PromptCache(clock=clock, ttl=60, pinned_ttl=3600, max_stale=86400)
    await cache.get(NAME, 1, Fetcher(version=1))
    clock.advance(3599.9)  # far past the latest's ttl, within the pinned one
    fetch = Fetcher(version=1)
    hit = await cache.get(NAME, 1, fetch)
    assert hit.source == "cache"
    assert cache.get_fresh(NAME, 1) is hit
    assert cache.get_fresh(NAME, 1, ttl=0) is hit  # a per-call ttl is for the latest only
    assert fetch.calls == 0
    clock.advance(0.1)
    assert cache.get_fresh(NAME, 1) is None
    assert cache.get_fresh(NAME, 1, ttl=10**9) is None


async def test_a_pinned_version_past_its_ttl_is_revalidated_in_the_background(
    clock: Clock,
) -> None:
    """PostHog reuses version numbers after archive: a pinned copy must not live forever."""
    cache = PromptCache(clock=clock, ttl=60, pinned_ttl=3600, max_stale=86400)
    await cache.get(NAME, 1, Fetcher(version=1))  # prompt "v1"
    clock.advance(3601)
    reused = Fetcher(version=1)
    reused.gate = asyncio.Event()

    async def recreated() -> Prompt:  # the same name and number, new content
        await reused()
        return Prompt(name=NAME, version=1, id="new", prompt="recreated")

    stale = await cache.get(NAME, 1, recreated)
    assert (stale.source, stale.prompt) == ("stale", "v1")  # answered at once
    assert (await cache.get(NAME, 1, recreated)).source == "stale"
    await settle()
    assert reused.calls == 1  # one background refresh for both
    reused.gate.set()
    await settle()
    fresh = await cache.get(NAME, 1, Fetcher(version=1))
    assert (fresh.source, fresh.prompt) == ("cache", "recreated")
    assert cache.stats().refreshes == 1


async def test_a_404_on_a_pinned_refresh_evicts_that_version(clock: Clock) -> None:
    cache = PromptCache(clock=clock, ttl=60, pinned_ttl=3600, max_stale=86400)
    await cache.get(NAME, 1, Fetcher(version=1))
    await cache.get(NAME, 2, Fetcher(version=2))
    clock.advance(3601)
    gone = Fetcher()
    gone.error = not_found()
    assert (await cache.get(NAME, 1, gone)).source == "stale"
    await settle()
    assert cache.peek(NAME, 1) is None  # evicted: never served again
    assert cache.peek(NAME, 2) is not None  # the other versions stay
    clock.advance(5)  # past the cooldown
    with pytest.raises(PromptNotFoundError):
        await cache.get(NAME, 1, gone)
    assert gone.calls == 2


async def test_a_pinned_version_past_max_stale_is_fetched_in_the_foreground(
    clock: Clock,
) -> None:
    cache = PromptCache(clock=clock, pinned_ttl=100, max_stale=500)
    await cache.get(NAME, 1, Fetcher(version=1))
    clock.advance(501)
    fetch = Fetcher(version=1)
    fetch.error = APIError("down")
    with pytest.raises(APIError):
        await cache.get(NAME, 1, fetch)
    assert fetch.calls == 1


async def test_a_zero_pinned_ttl_always_fetches(clock: Clock) -> None:
    cache = PromptCache(clock=clock, pinned_ttl=0)
    fetch = Fetcher(version=1)
    for _ in range(3):
        assert (await cache.get(NAME, 1, fetch)).source == "api"
    assert fetch.calls == 3


async def test_expired_latest_is_served_stale_at_once_with_one_refresh(
    cache: PromptCache, clock: Clock
) -> None:
    await cache.get(NAME, None, Fetcher(version=1))
    clock.advance(61)
    assert cache.get_fresh(NAME) is None
    fetch = Fetcher(version=2)
    gate = fetch.block()
    stale = [await cache.get(NAME, None, fetch) for _ in range(20)]  # none of them waits
    assert all(p.source == "stale" and p.version == 1 for p in stale)
    assert all(p is stale[0] for p in stale)
    await settle()
    assert fetch.calls == 1
    gate.set()
    await settle()
    fresh = cache.get_fresh(NAME)
    assert fresh is not None
    assert fresh.version == 2
    assert fresh.source == "cache"
    stats = cache.stats()
    assert stats.refreshes == 1
    assert stats.stale_served == 20


async def test_fresh_right_up_to_the_ttl(cache: PromptCache, clock: Clock) -> None:
    await cache.get(NAME, None, Fetcher())
    clock.advance(59.999)
    assert cache.get_fresh(NAME) is not None
    clock.advance(0.001)
    assert cache.get_fresh(NAME) is None


async def test_per_call_ttl_override(cache: PromptCache, clock: Clock) -> None:
    await cache.get(NAME, None, Fetcher(version=1))
    clock.advance(30)
    assert cache.get_fresh(NAME, ttl=10) is None
    assert cache.get_fresh(NAME, ttl=31) is not None
    fetch = Fetcher(version=2)
    assert (await cache.get(NAME, None, fetch, ttl=31)).source == "cache"
    assert fetch.calls == 0
    assert (await cache.get(NAME, None, fetch, ttl=10)).source == "stale"
    await settle()
    assert fetch.calls == 1  # the short ttl started a refresh
    clock.advance(90)
    assert cache.get_fresh(NAME) is None  # the default ttl (60) has passed
    hit = await cache.get(NAME, None, fetch, ttl=1000)
    assert (hit.source, hit.version) == ("cache", 2)
    assert fetch.calls == 1


async def test_zero_ttl_fetches_in_the_foreground(cache: PromptCache) -> None:
    await cache.get(NAME, None, Fetcher(version=1))
    fetch = Fetcher(version=2)
    got = await cache.get(NAME, None, fetch, ttl=0)
    assert got.source == "api"
    assert got.version == 2
    assert fetch.calls == 1


# --------------------------------------------------------------------- failures


async def test_refresh_error_keeps_serving_stale_with_a_cooldown(
    cache: PromptCache, clock: Clock
) -> None:
    await cache.get(NAME, None, Fetcher(version=1))
    clock.advance(61)
    fetch = Fetcher(version=2)
    fetch.error = APIError("down")
    assert (await cache.get(NAME, None, fetch)).source == "stale"
    await settle()
    assert fetch.calls == 1
    assert cache.stats().refresh_errors == 1
    clock.advance(4.9)
    for _ in range(10):
        assert (await cache.get(NAME, None, fetch)).version == 1
    await settle()
    assert fetch.calls == 1  # still cooling down
    clock.advance(0.1)
    assert (await cache.get(NAME, None, fetch)).source == "stale"
    await settle()
    assert fetch.calls == 2
    fetch.error = None
    clock.advance(5)
    await cache.get(NAME, None, fetch)
    await settle()
    assert fetch.calls == 3
    fresh = cache.get_fresh(NAME)
    assert fresh is not None
    assert fresh.version == 2


async def test_retry_after_lengthens_the_cooldown(cache: PromptCache, clock: Clock) -> None:
    await cache.get(NAME, None, Fetcher(version=1))
    clock.advance(61)
    fetch = Fetcher(version=2)
    fetch.error = rate_limited(30)
    await cache.get(NAME, None, fetch)
    await settle()
    assert fetch.calls == 1
    clock.advance(29.9)
    await cache.get(NAME, None, fetch)
    await settle()
    assert fetch.calls == 1
    clock.advance(0.1)
    await cache.get(NAME, None, fetch)
    await settle()
    assert fetch.calls == 2


async def test_a_short_retry_after_does_not_shorten_the_cooldown(
    cache: PromptCache, clock: Clock
) -> None:
    await cache.get(NAME, None, Fetcher(version=1))
    clock.advance(61)
    fetch = Fetcher()
    fetch.error = rate_limited(1)
    await cache.get(NAME, None, fetch)
    await settle()
    clock.advance(2)
    await cache.get(NAME, None, fetch)
    await settle()
    assert fetch.calls == 1


async def test_retry_after_is_capped(clock: Clock) -> None:
    cache = PromptCache(clock=clock, max_cooldown=600, max_stale=10**9)
    await cache.get(NAME, None, Fetcher(version=1))
    clock.advance(61)
    fetch = Fetcher()
    fetch.error = rate_limited(10**6)
    await cache.get(NAME, None, fetch)
    await settle()
    clock.advance(600)
    await cache.get(NAME, None, fetch)
    await settle()
    assert fetch.calls == 2


async def test_past_max_stale_the_error_is_raised(cache: PromptCache, clock: Clock) -> None:
    await cache.get(NAME, None, Fetcher(version=1))
    fetch = Fetcher()
    error = APIError("down")
    fetch.error = error
    clock.advance(3600)  # exactly max_stale: still served
    assert (await cache.get(NAME, None, fetch)).source == "stale"
    await settle()
    clock.advance(5)  # past it, and past the cooldown
    with pytest.raises(APIError) as info:
        await cache.get(NAME, None, fetch)
    assert info.value is error
    assert fetch.calls == 2


async def test_past_max_stale_a_working_fetch_returns_fresh(
    cache: PromptCache, clock: Clock
) -> None:
    await cache.get(NAME, None, Fetcher(version=1))
    clock.advance(3601)
    got = await cache.get(NAME, None, Fetcher(version=2))
    assert got.source == "api"
    assert got.version == 2


async def test_cold_failure_cools_down_without_requests(cache: PromptCache, clock: Clock) -> None:
    fetch = Fetcher()
    error = rate_limited(None)
    fetch.error = error
    for _ in range(3):
        with pytest.raises(RateLimitError) as info:
            await cache.get(NAME, None, fetch)
        assert info.value is error
    assert fetch.calls == 1
    clock.advance(5)
    fetch.error = None
    assert (await cache.get(NAME, None, fetch)).source == "api"
    assert fetch.calls == 2


async def test_reraised_cooldown_error_keeps_a_bounded_traceback(cache: PromptCache) -> None:
    fetch = Fetcher()
    fetch.error = APIError("down")
    depths = []
    for _ in range(5):
        try:
            await cache.get(NAME, None, fetch)
        except APIError as error:
            depth, tb = 0, error.__traceback__
            while tb is not None:
                depth, tb = depth + 1, tb.tb_next
            depths.append(depth)
    assert len(set(depths[1:])) == 1


async def test_no_cooldown_when_configured_to_zero(clock: Clock) -> None:
    cache = PromptCache(clock=clock, error_cooldown=0)
    fetch = Fetcher()
    fetch.error = APIError("down")
    for _ in range(3):
        with pytest.raises(APIError):
            await cache.get(NAME, None, fetch)
    assert fetch.calls == 3


@pytest.mark.parametrize("error_type", [PromptNotFoundError, NotFoundError])
async def test_not_found_for_the_latest_evicts_the_name_and_raises(
    cache: PromptCache, error_type: type[NotFoundError]
) -> None:
    await cache.get(NAME, None, Fetcher(version=3))
    await cache.get("other", None, Fetcher(name="other"))
    assert cache.get_fresh(NAME, 3) is not None
    fetch = Fetcher()
    fetch.error = error_type("gone", status_code=404)
    with pytest.raises(error_type):
        await cache.get(NAME, None, fetch, ttl=0)
    assert cache.peek(NAME) is None
    assert cache.peek(NAME, 3) is None
    assert cache.get_fresh("other") is not None


async def test_not_found_from_a_background_refresh_evicts(cache: PromptCache, clock: Clock) -> None:
    await cache.get(NAME, None, Fetcher(version=1))
    clock.advance(61)
    fetch = Fetcher()
    fetch.error = not_found()
    assert (await cache.get(NAME, None, fetch)).source == "stale"
    await settle()
    assert cache.peek(NAME) is None
    with pytest.raises(PromptNotFoundError):
        await cache.get(NAME, None, fetch)
    clock.advance(5)
    with pytest.raises(PromptNotFoundError):
        await cache.get(NAME, None, fetch)
    assert fetch.calls == 2  # the second raise is a real foreground fetch


async def test_not_found_for_a_pinned_version_keeps_the_rest(cache: PromptCache) -> None:
    await cache.get(NAME, None, Fetcher(version=3))
    fetch = Fetcher()
    fetch.error = not_found()
    with pytest.raises(PromptNotFoundError):
        await cache.get(NAME, 9, fetch)
    assert cache.get_fresh(NAME) is not None
    assert cache.get_fresh(NAME, 3) is not None


async def test_background_errors_are_retrieved(cache: PromptCache, clock: Clock) -> None:
    loop = asyncio.get_running_loop()
    reported: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        await cache.get(NAME, None, Fetcher(version=1))
        clock.advance(61)
        fetch = Fetcher()
        fetch.error = APIError("down")
        await cache.get(NAME, None, fetch)
        await settle()
        assert fetch.calls == 1
        assert cache.stats().refresh_errors == 1
        # Drop every reference to the error (its traceback holds the finished task).
        fetch.error = None
        cache.invalidate()
        gc.collect()
        await settle()
        assert reported == []
    finally:
        loop.set_exception_handler(None)


# ----------------------------------------------------------------------- writes


async def test_put_writes_through_as_latest_and_pinned(cache: PromptCache) -> None:
    await cache.get(NAME, None, Fetcher(version=1))
    published = Prompt(name=NAME, version=2, id="id-2", prompt="new")
    cache.put(published)
    latest = cache.get_fresh(NAME)
    assert latest is not None
    assert latest.version == 2
    assert latest.source == "cache"
    assert cache.get_fresh(NAME, 2) is latest
    assert cache.get_fresh(NAME, 1) is not None


async def test_put_not_latest_only_pins(cache: PromptCache) -> None:
    cache.put(Prompt(name=NAME, version=5, id="x", prompt="p"), latest=False)
    assert cache.get_fresh(NAME) is None
    assert cache.get_fresh(NAME, 5) is not None


@pytest.mark.parametrize("latest", [True, False])
async def test_put_clears_a_cooldown(clock: Clock, latest: bool) -> None:
    """After a put, the key's next revalidation is sent, not held back by the old failure."""
    pinned = {} if latest else {"pinned_ttl": 60}
    cache = PromptCache(clock=clock, ttl=60, max_stale=3600, error_cooldown=100, **pinned)
    version = None if latest else 2
    failing = Fetcher(version=2)
    failing.error = APIError("down")
    with pytest.raises(APIError):
        await cache.get(NAME, version, failing)  # a cooldown of 100 s for the key
    cache.put(Prompt(name=NAME, version=2, id="x", prompt="p"), latest=latest)
    assert (await cache.get(NAME, version, failing)).version == 2  # the put answers
    clock.advance(61)  # stale, and still inside the old cooldown
    refresh = Fetcher(version=2)
    assert (await cache.get(NAME, version, refresh)).source == "stale"
    await settle()
    assert refresh.calls == 1


async def test_an_older_in_flight_answer_never_overwrites_a_put(
    cache: PromptCache, clock: Clock
) -> None:
    await cache.get(NAME, None, Fetcher(version=1))
    clock.advance(61)
    refresh = Fetcher(version=1)
    gate = refresh.block()
    await cache.get(NAME, None, refresh)  # starts a background refresh
    await settle()
    cache.put(Prompt(name=NAME, version=2, id="id-2", prompt="v2"))
    gate.set()
    await settle()
    latest = cache.get_fresh(NAME)
    assert latest is not None
    assert latest.version == 2


async def test_invalidate_exact_name_only(cache: PromptCache) -> None:
    for name in ("a", "ab", "b"):
        await cache.get(name, None, Fetcher(name=name, version=1))
    await cache.get("a", 2, Fetcher(name="a", version=2))
    assert len(cache) == 7
    assert cache.invalidate("a") == 3
    assert cache.peek("a") is None
    assert cache.peek("a", 1) is None
    assert cache.peek("a", 2) is None
    assert cache.get_fresh("ab") is not None
    assert cache.get_fresh("ab", 1) is not None
    assert cache.get_fresh("b") is not None


async def test_invalidate_one_key_and_the_latest(cache: PromptCache) -> None:
    await cache.get("a", None, Fetcher(name="a", version=1))
    await cache.get("ab", None, Fetcher(name="ab", version=1))
    assert cache.invalidate("a", 1) == 1
    assert cache.peek("a", 1) is None
    assert cache.peek("a") is not None
    assert cache.invalidate("a", 1) == 0
    assert cache.invalidate("a", latest=True) == 1
    assert cache.peek("a") is None
    assert cache.peek("ab") is not None
    assert cache.invalidate() == 2
    assert len(cache) == 0


def test_invalidate_refuses_a_version_without_a_name(cache: PromptCache) -> None:
    with pytest.raises(ValueError):
        cache.invalidate(version=1)
    with pytest.raises(ValueError):
        cache.invalidate("a", 1, latest=True)


async def test_invalidate_detaches_an_in_flight_fetch(cache: PromptCache) -> None:
    old = Fetcher(version=1)
    gate = old.block()
    waiter = asyncio.create_task(cache.get(NAME, None, old))
    await settle()
    cache.invalidate(NAME)
    new = Fetcher(version=2)
    fresh = await cache.get(NAME, None, new)  # does not join the detached fetch
    assert fresh.version == 2
    gate.set()
    assert (await waiter).version == 1  # its caller still gets an answer
    latest = cache.get_fresh(NAME)
    assert latest is not None
    assert latest.version == 2  # but it was not stored


@pytest.mark.parametrize(
    ("key", "invalidate"),
    [
        ((NAME, None), lambda c: c.invalidate()),
        ((NAME, None), lambda c: c.invalidate(NAME)),
        ((NAME, None), lambda c: c.invalidate(NAME, latest=True)),
        ((NAME, 1), lambda c: c.invalidate()),
        ((NAME, 1), lambda c: c.invalidate(NAME)),
        ((NAME, 1), lambda c: c.invalidate(NAME, 1)),
    ],
    ids=["latest-all", "latest-name", "latest-key", "pinned-all", "pinned-name", "pinned-key"],
)
async def test_an_answer_arriving_after_invalidate_does_not_resurrect_the_entry(
    cache: PromptCache, key: tuple[str, int | None], invalidate: object
) -> None:
    late = Fetcher(version=1)
    gate = late.block()
    waiter = asyncio.create_task(cache.get(key[0], key[1], late))
    await settle()
    assert late.calls == 1
    invalidate(cache)  # type: ignore[operator]
    gate.set()
    assert (await waiter).version == 1  # its caller still gets the answer
    assert cache.peek(NAME) is None
    assert cache.peek(NAME, 1) is None
    assert len(cache) == 0
    fresh = Fetcher(version=1)
    assert (await cache.get(key[0], key[1], fresh)).source == "api"  # a new fetch
    assert fresh.calls == 1


# ------------------------------------------------------------------ single flight: endings


def fetch_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name().startswith("posthog-prompt-fetch")]


async def test_a_fetch_cancelled_before_it_first_ran_does_not_fail_its_waiter(
    cache: PromptCache,
) -> None:
    fetch = Fetcher(version=2)
    waiter = asyncio.create_task(cache.get(NAME, None, fetch))
    await asyncio.sleep(0)  # the waiter ran once: its fetch task exists, not yet started
    (task,) = fetch_tasks()
    task.cancel()  # by code outside the cache (a task group, a shutdown hook...)
    (got,) = await asyncio.gather(waiter, return_exceptions=True)
    assert isinstance(got, Prompt), got  # it was not cancelled itself: it gets a prompt
    assert (got.version, fetch.calls) == (2, 1)


async def test_a_fetch_cancelled_before_it_first_ran_leaves_the_registry(
    cache: PromptCache,
) -> None:
    fetch = Fetcher(version=2)
    waiter = asyncio.create_task(cache.get(NAME, None, fetch))
    await asyncio.sleep(0)
    (task,) = fetch_tasks()
    task.cancel()
    waiter.cancel()
    await asyncio.gather(waiter, task, return_exceptions=True)
    assert fetch.calls == 0
    await settle()
    assert cache._inflight == {}
    # Later gets are not poisoned: they fetch (no CancelledError, no hang).
    later = await asyncio.gather(
        asyncio.wait_for(cache.get(NAME, None, fetch), 1), return_exceptions=True
    )
    assert [getattr(p, "version", p) for p in later] == [2]
    assert fetch.calls == 1


async def test_a_get_right_after_the_fetch_was_cancelled_does_not_join_it(
    cache: PromptCache,
) -> None:
    fetch = Fetcher(version=2)
    gate = fetch.block()
    first = asyncio.create_task(cache.get(NAME, None, fetch))
    await asyncio.sleep(0)
    (task,) = fetch_tasks()
    task.cancel()
    # Runs right after the fetch task ends, before its done callbacks have run.
    second = asyncio.create_task(cache.get(NAME, None, fetch))
    await settle()
    gate.set()
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert [getattr(r, "version", r) for r in results] == [2, 2]
    assert fetch.calls == 1  # one new fetch, shared


async def test_a_shared_fetch_cancelled_mid_flight_is_restarted_for_its_waiters(
    cache: PromptCache,
) -> None:
    first = Fetcher(version=1)
    first.block()
    waiters = [asyncio.create_task(cache.get(NAME, None, first)) for _ in range(3)]
    await settle()
    assert first.calls == 1
    (task,) = fetch_tasks()
    task.cancel()
    first.gate = None  # the restarted fetch answers at once
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert [getattr(r, "version", r) for r in results] == [1, 1, 1]
    assert first.calls == 2  # one new fetch, shared by the three
    assert cache.get_fresh(NAME) is not None


async def test_a_fetch_cancelled_again_and_again_ends_in_an_api_error(cache: PromptCache) -> None:
    calls = 0

    async def cancelled_every_time() -> Prompt:
        nonlocal calls
        calls += 1
        task = asyncio.current_task()
        assert task is not None
        task.cancel()  # stands for someone who cancels every fetch task they see
        await asyncio.sleep(0)
        raise AssertionError("not reached")

    with pytest.raises(APIError, match="cancelled 3 times"):
        await cache.get(NAME, None, cancelled_every_time)
    assert calls == 3
    assert cache._inflight == {}


async def test_a_waiter_timing_out_does_not_cancel_the_shared_fetch(cache: PromptCache) -> None:
    fetch = Fetcher(version=5)
    gate = fetch.block()
    others = [asyncio.create_task(cache.get(NAME, None, fetch)) for _ in range(3)]
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(cache.get(NAME, None, fetch), 0.01)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await cache.get(NAME, None, fetch)
    gate.set()
    assert [p.version for p in await asyncio.gather(*others)] == [5, 5, 5]
    assert fetch.calls == 1
    cached = cache.get_fresh(NAME)
    assert cached is not None
    assert cached.version == 5


@pytest.mark.parametrize("ending", ["done", "failed", "waiter-cancelled", "fetch-cancelled"])
async def test_finished_fetch_tasks_are_released(cache: PromptCache, ending: str) -> None:
    fetch = Fetcher()
    gate = fetch.block()
    if ending == "failed":
        fetch.error = APIError("down")
    waiter = asyncio.create_task(cache.get(NAME, None, fetch))
    await settle()
    assert len(cache._inflight) == len(cache._tasks) == 1
    if ending == "waiter-cancelled":
        waiter.cancel()
    if ending == "fetch-cancelled":
        fetch_tasks()[0].cancel()
        fetch.error = APIError("the restarted fetch fails")
    gate.set()
    await asyncio.gather(waiter, return_exceptions=True)
    await settle()
    assert cache._inflight == {}
    assert not cache._tasks
    assert fetch_tasks() == []


async def test_aclose_before_a_fetch_first_ran_tells_its_waiter_the_client_is_closed(
    cache: PromptCache,
) -> None:
    fetch = Fetcher()
    waiter = asyncio.create_task(cache.get(NAME, None, fetch, ttl=0))
    await asyncio.sleep(0)
    await cache.aclose()
    with pytest.raises(ConfigurationError, match="closed"):
        await waiter
    assert fetch.calls == 0


async def test_a_configuration_error_starts_no_cooldown(cache: PromptCache) -> None:
    fetch = Fetcher()
    fetch.error = ConfigurationError("this client is closed")
    for _ in range(2):
        with pytest.raises(ConfigurationError):
            await cache.get(NAME, None, fetch)
    assert fetch.calls == 2  # another client sharing the cache is not held back by it


# ----------------------------------------------------------------------- bounds


async def test_bound_evicts_the_least_recently_used(clock: Clock) -> None:
    cache = PromptCache(clock=clock, max_entries=3)
    for name in ("a", "b", "c"):
        cache.put(Prompt(name=name, version=1, id=name, prompt=name), latest=False)
    assert cache.get_fresh("a", 1) is not None
    cache.put(Prompt(name="d", version=1, id="d", prompt="d"), latest=False)
    assert len(cache) == 3
    assert cache.peek("b", 1) is None
    assert cache.peek("a", 1) is not None
    assert cache.peek("c", 1) is not None
    assert cache.peek("d", 1) is not None
    assert cache.stats().evictions == 1


@pytest.mark.parametrize("hit", ["fresh", "stale"])
async def test_a_hit_through_get_protects_an_entry_from_eviction(clock: Clock, hit: str) -> None:
    pinned = {"pinned_ttl": 10} if hit == "stale" else {}
    cache = PromptCache(clock=clock, max_entries=3, max_stale=1000, **pinned)
    for name in ("a", "b", "c"):
        await cache.get(name, 1, Fetcher(name=name))
    if hit == "stale":
        clock.advance(11)
        failing = Fetcher(name="a")
        failing.error = APIError("down")  # the refresh fails: "a" is not re-stored by it
        assert (await cache.get("a", 1, failing)).source == "stale"
        await settle()
        assert failing.calls == 1
    else:
        assert (await cache.get("a", 1, Fetcher(name="a"))).source == "cache"
    await cache.get("d", 1, Fetcher(name="d"))
    assert cache.peek("b", 1) is None  # the oldest entry not used since it was stored
    assert cache.peek("a", 1) is not None
    assert cache.peek("c", 1) is not None
    assert cache.stats().evictions == 1


async def test_the_entry_just_stored_survives_when_all_others_are_hot(clock: Clock) -> None:
    cache = PromptCache(clock=clock, max_entries=2)
    for name in ("a", "b"):
        cache.put(Prompt(name=name, version=1, id=name, prompt=name), latest=False)
        assert cache.get_fresh(name, 1) is not None
    cache.put(Prompt(name="c", version=1, id="c", prompt="c"), latest=False)
    assert cache.peek("c", 1) is not None
    assert cache.peek("a", 1) is None  # the oldest goes once every bit is spent
    assert len(cache) == 2


async def test_a_tiny_cache_keeps_the_latest(clock: Clock) -> None:
    cache = PromptCache(clock=clock, max_entries=1)
    await cache.get(NAME, None, Fetcher(version=4))
    assert cache.get_fresh(NAME) is not None
    assert len(cache) == 1


async def test_bound_holds_under_churn(clock: Clock) -> None:
    cache = PromptCache(clock=clock, max_entries=50)
    for i in range(2000):
        cache.put(Prompt(name=f"p{i}", version=1, id=str(i), prompt="x"), latest=i % 2 == 0)
        cache.get_fresh(f"p{i // 2}", 1)
        assert len(cache) <= 50
    assert cache.stats().evictions > 0


async def test_cooldowns_stay_bounded_when_more_keys_fail_than_max_entries(
    clock: Clock,
) -> None:
    cache = PromptCache(clock=clock, max_entries=3, error_cooldown=100)
    fetchers = []
    for i in range(10):
        fetch = Fetcher(name=f"p{i}")
        fetch.error = APIError("down")
        fetchers.append(fetch)
        with pytest.raises(APIError):
            await cache.get(f"p{i}", None, fetch)
    assert len(cache._cooldowns) == 3
    with pytest.raises(APIError):
        await cache.get("p9", None, fetchers[9])
    assert fetchers[9].calls == 1  # the newest failure still cools down
    with pytest.raises(APIError):
        await cache.get("p0", None, fetchers[0])
    assert fetchers[0].calls == 2  # the oldest was forgotten to keep the table bounded


# ------------------------------------------------------------------------ stats


async def test_stats_count_each_path(cache: PromptCache, clock: Clock) -> None:
    fetch = Fetcher()
    gate = fetch.block()
    waiters = [asyncio.create_task(cache.get(NAME, None, fetch)) for _ in range(3)]
    await settle()
    gate.set()
    await asyncio.gather(*waiters)
    cache.get_fresh(NAME)
    await cache.get(NAME, None, fetch)
    clock.advance(61)
    failing = Fetcher()
    failing.error = APIError("down")
    await cache.get(NAME, None, failing)
    await settle()
    assert cache.stats() == CacheStats(
        hits=2,
        misses=1,
        coalesced=2,
        refreshes=1,
        refresh_errors=1,
        stale_served=1,
        evictions=0,
        size=2,
    )


# ------------------------------------------------------------------------ close


async def test_aclose_cancels_everything_and_leaves_no_tasks(
    cache: PromptCache, clock: Clock
) -> None:
    await cache.get("stale", None, Fetcher(name="stale"))
    clock.advance(61)
    refresh = Fetcher(name="stale", version=2)
    refresh.block()
    await cache.get("stale", None, refresh)  # background refresh, blocked
    cold = Fetcher(name="cold")
    cold.block()
    waiter = asyncio.create_task(cache.get("cold", None, cold))
    await settle()
    assert refresh.calls == 1
    assert cold.calls == 1
    await cache.aclose()
    # The caller waiting on the cancelled fetch learns why, in the SDK's own terms.
    with pytest.raises(ConfigurationError, match=r"closed.*create a new client"):
        await waiter
    assert asyncio.all_tasks() == {asyncio.current_task()}
    with pytest.raises(ConfigurationError, match="closed"):
        await cache.get("new", None, Fetcher(name="new"))
    # Cold, stale and fresh alike: a closed cache serves nothing and starts nothing.
    with pytest.raises(ConfigurationError, match="closed"):
        await cache.get("stale", None, refresh)
    assert cache.get_fresh("stale") is None
    assert len(cache) == 0
    cache.put(Prompt(name="late", version=1, id="x", prompt="p"))  # a write after close
    assert cache.peek("late") is None
    assert asyncio.all_tasks() == {asyncio.current_task()}  # and no refresh was started


async def test_aclose_on_an_idle_cache(cache: PromptCache) -> None:
    await cache.aclose()
    await cache.aclose()
    assert asyncio.all_tasks() == {asyncio.current_task()}


def test_a_fetch_stranded_on_a_closed_loop_is_not_joined() -> None:
    cache = PromptCache(clock=Clock())
    first_loop = asyncio.new_event_loop()
    stranded = Fetcher(version=1)

    async def start() -> None:
        stranded.block()
        asyncio.get_running_loop().create_task(cache.get(NAME, None, stranded))
        await settle()

    first_loop.run_until_complete(start())
    first_loop.close()  # the blocked fetch is never finished nor cancelled
    assert stranded.calls == 1

    async def fetch_again() -> Prompt:
        return await asyncio.wait_for(cache.get(NAME, None, Fetcher(version=2)), 1)

    got = asyncio.run(fetch_again())
    assert got.version == 2
    cached = cache.get_fresh(NAME)
    assert cached is not None
    assert (cached.source, cached.version) == ("cache", 2)
