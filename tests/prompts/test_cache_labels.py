"""``PromptCache`` label keys: ``(name, "production")`` lives beside ``(name, None)`` and
``(name, 3)``, fresh for the latest's TTL, stale-while-revalidate, single flight, cooldowns,
evicted alone on a 404, and pointed at a cached version by ``put_label`` (write-through)."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from posthog_api._errors import APIError, PromptNotFoundError
from posthog_api.prompts import Prompt, PromptCache

from .test_cache import Clock, Fetcher, settle

NAME = "support-bot"
PROD = "production"


class LabelFetcher(Fetcher):
    """A fetch by label: the answer is marked with the label, as ``prompts.get`` marks it."""

    def __init__(self, version: int = 3, label: str = PROD) -> None:
        super().__init__(NAME, version)
        self.label = label

    async def __call__(self) -> Prompt:
        prompt = await super().__call__()
        return dataclasses.replace(prompt, label=self.label, labels=(self.label,))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(clock: Clock) -> PromptCache:
    return PromptCache(clock=clock, ttl=60, pinned_ttl=3600, max_stale=3600, error_cooldown=5)


async def test_a_label_is_its_own_key_and_also_caches_its_version(cache: PromptCache) -> None:
    fetch = LabelFetcher(version=3)
    served = await cache.get(NAME, PROD, fetch)
    assert (served.version, served.label, served.source) == (3, PROD, "api")

    hit = cache.get_fresh(NAME, PROD)
    assert hit is not None and hit.source == "cache"
    assert (hit.version, hit.label, hit.labels) == (3, PROD, (PROD,))
    # The same version asked for by number is not "the production prompt".
    pinned = cache.get_fresh(NAME, 3)
    assert pinned is not None and pinned.version == 3 and pinned.label is None
    assert pinned.labels == (PROD,)  # the version carries the label all the same
    # Neither the latest nor another label is filled by it.
    assert cache.get_fresh(NAME) is None
    assert cache.get_fresh(NAME, "staging") is None
    assert (await cache.get(NAME, PROD, fetch)) is hit
    assert fetch.calls == 1


async def test_a_fetch_without_the_mark_is_stored_marked(cache: PromptCache) -> None:
    await cache.get(NAME, PROD, Fetcher(NAME, 2))  # a Prompt with label None
    hit = cache.get_fresh(NAME, PROD)
    assert hit is not None and hit.label == PROD and PROD in hit.labels
    pinned = cache.get_fresh(NAME, 2)
    assert pinned is not None and pinned.label is None


async def test_label_uses_the_latest_ttl_and_its_per_call_override(
    cache: PromptCache, clock: Clock
) -> None:
    await cache.get(NAME, PROD, LabelFetcher())
    clock.advance(30)
    assert cache.get_fresh(NAME, PROD) is not None
    assert cache.get_fresh(NAME, PROD, ttl=10) is None  # the per-call ttl applies to labels
    clock.advance(31)  # 61 s: past ttl=60, well within pinned_ttl=3600
    assert cache.get_fresh(NAME, PROD) is None
    assert cache.get_fresh(NAME, 3) is not None


async def test_a_stale_label_is_served_while_one_refresh_runs(
    cache: PromptCache, clock: Clock
) -> None:
    await cache.get(NAME, PROD, LabelFetcher(version=3))
    clock.advance(61)
    moved = LabelFetcher(version=4)  # the label was moved meanwhile
    gate = moved.block()
    first = await cache.get(NAME, PROD, moved)
    second = await cache.get(NAME, PROD, moved)
    assert (first.source, first.version, first.label) == ("stale", 3, PROD)
    assert second is first
    await settle()
    assert moved.calls == 1  # one background refresh for both
    gate.set()
    await settle()
    hit = cache.get_fresh(NAME, PROD)
    assert hit is not None and hit.version == 4 and hit.source == "cache"
    assert cache.stats().refreshes == 1


async def test_concurrent_gets_of_a_label_share_one_fetch(cache: PromptCache) -> None:
    fetch = LabelFetcher()
    gate = fetch.block()
    tasks = [asyncio.ensure_future(cache.get(NAME, PROD, fetch)) for _ in range(20)]
    await fetch.started.wait()
    gate.set()
    results = await asyncio.gather(*tasks)
    assert fetch.calls == 1
    assert {p.version for p in results} == {3}
    assert cache.stats().coalesced == 19


async def test_a_missing_label_evicts_only_that_label(cache: PromptCache, clock: Clock) -> None:
    await cache.get(NAME, None, Fetcher(NAME, 5))
    await cache.get(NAME, PROD, LabelFetcher(version=3))
    clock.advance(61)
    gone = LabelFetcher()
    gone.error = PromptNotFoundError("no label", status_code=404)
    stale = await cache.get(NAME, PROD, gone)  # served stale while the refresh fails
    assert stale.source == "stale"
    await settle()
    assert cache.peek(NAME, PROD) is None  # the label is gone...
    assert cache.peek(NAME) is not None  # ...the prompt is not
    assert cache.peek(NAME, 3) is not None and cache.peek(NAME, 5) is not None
    with pytest.raises(PromptNotFoundError):  # in cooldown: the same error, nothing sent
        await cache.get(NAME, PROD, gone)
    assert gone.calls == 1


async def test_a_failing_label_cools_down_alone(cache: PromptCache, clock: Clock) -> None:
    failing = LabelFetcher()
    failing.error = APIError("down")
    with pytest.raises(APIError):
        await cache.get(NAME, PROD, failing)
    with pytest.raises(APIError):
        await cache.get(NAME, PROD, failing)
    assert failing.calls == 1
    latest = Fetcher(NAME, 5)
    assert (await cache.get(NAME, None, latest)).version == 5  # another key: not cooling
    clock.advance(5)
    failing.error = None
    assert (await cache.get(NAME, PROD, failing)).version == 3
    assert failing.calls == 2


async def test_invalidate_by_name_drops_labels_and_label_drops_one(cache: PromptCache) -> None:
    await cache.get(NAME, PROD, LabelFetcher(version=3))
    await cache.get(NAME, "staging", LabelFetcher(version=4, label="staging"))
    assert cache.invalidate(NAME, label="staging") == 1
    assert cache.peek(NAME, "staging") is None
    assert cache.peek(NAME, PROD) is not None and cache.peek(NAME, 4) is not None
    assert cache.invalidate(NAME, label="staging") == 0
    assert cache.invalidate(NAME) == 3  # production, and versions 3 and 4
    assert len(cache) == 0
    with pytest.raises(ValueError, match="needs a name"):
        cache.invalidate(label=PROD)
    with pytest.raises(ValueError, match="not both"):
        cache.invalidate(NAME, 3, label=PROD)


async def test_put_with_a_label_stores_it_marked_and_detaches_its_fetch(
    cache: PromptCache,
) -> None:
    slow = LabelFetcher(version=2)
    gate = slow.block()
    waiting = asyncio.ensure_future(cache.get(NAME, PROD, slow))
    await slow.started.wait()
    cache.put(Prompt(NAME, 3, "id-3", "v3"), latest=False, label=PROD)
    gate.set()
    assert (await waiting).version == 2  # its caller still gets its answer...
    hit = cache.get_fresh(NAME, PROD)
    assert hit is not None and (hit.version, hit.label) == (3, PROD)  # ...but it stores nothing
    assert cache.get_fresh(NAME) is None  # latest=False


async def test_put_label_points_the_label_at_a_fresh_cached_version(
    cache: PromptCache, clock: Clock
) -> None:
    await cache.get(NAME, PROD, LabelFetcher(version=3))
    await cache.get(NAME, None, Fetcher(NAME, 4))
    clock.advance(30)
    assert cache.put_label(NAME, PROD, 4) is True  # the latest is version 4
    moved = cache.get_fresh(NAME, PROD)
    assert moved is not None
    assert (moved.version, moved.label, moved.source) == (4, PROD, "cache")
    assert PROD in moved.labels
    clock.advance(59)  # fresh from the move, not from when version 4 was fetched
    assert cache.get_fresh(NAME, PROD) is moved
    assert cache.get_fresh(NAME, 4) is not None and cache.get_fresh(NAME, 4).label is None  # type: ignore[union-attr]


async def test_put_label_drops_the_label_when_the_version_is_not_cached(
    cache: PromptCache, clock: Clock
) -> None:
    await cache.get(NAME, PROD, LabelFetcher(version=3))
    assert cache.put_label(NAME, PROD, 7) is False
    assert cache.peek(NAME, PROD) is None  # the next get fetches the new target
    await cache.get(NAME, 5, Fetcher(NAME, 5))
    clock.advance(3601)  # version 5 is cached but past its pinned_ttl: not trusted
    assert cache.put_label(NAME, PROD, 5) is False
    assert cache.peek(NAME, PROD) is None


async def test_version_and_label_keys_never_collide(cache: PromptCache) -> None:
    await cache.get(NAME, 3, Fetcher(NAME, 3))
    fetch = LabelFetcher(version=9, label="v3")
    assert (await cache.get(NAME, "v3", fetch)).version == 9
    assert fetch.calls == 1
    pinned = cache.get_fresh(NAME, 3)
    assert pinned is not None and pinned.version == 3


async def test_a_closed_cache_stores_no_label(cache: PromptCache) -> None:
    await cache.get(NAME, 3, Fetcher(NAME, 3))
    await cache.aclose()
    assert cache.put_label(NAME, PROD, 3) is False
    cache.put(Prompt(NAME, 3, "x", "p"), label=PROD)
    assert len(cache) == 0


def latest_copy(cache: PromptCache) -> Prompt:
    found = cache.peek(NAME, None)
    assert found is not None
    return found


def labels_of(cache: PromptCache, *slots: int | str | None) -> list[tuple[str, ...]]:
    found = [cache.peek(NAME, slot) for slot in slots]
    return [() if p is None else p.labels for p in found]


async def test_put_label_keeps_every_cached_copys_labels_true(cache: PromptCache) -> None:
    # Version 3 carries production (fetched by it), version 4 is the latest with staging.
    await cache.get(NAME, PROD, LabelFetcher(version=3))
    latest = Fetcher(NAME, 4)
    await cache.get(NAME, None, latest)
    cache.put(dataclasses.replace(latest_copy(cache), labels=("staging",)))
    before = cache.peek(NAME, 3)
    assert labels_of(cache, 3, None, 4, PROD) == [(PROD,), ("staging",), ("staging",), (PROD,)]

    assert cache.put_label(NAME, PROD, 4) is True  # moved from version 3 to 4
    moved = ("staging", PROD)
    assert labels_of(cache, 3, None, 4, PROD) == [(), moved, moved, moved]
    assert cache.peek(NAME, None) is cache.peek(NAME, 4)  # still one shared copy
    assert before is not None and before.labels == (PROD,)  # a held copy is never changed
    stale_before = await cache.get(NAME, 3, Fetcher(NAME, 3))
    assert stale_before.labels == ()


async def test_put_label_of_an_uncached_version_still_takes_it_off_the_old_one(
    cache: PromptCache,
) -> None:
    await cache.get(NAME, PROD, LabelFetcher(version=3))
    assert cache.put_label(NAME, PROD, 7) is False
    assert labels_of(cache, 3) == [()]


async def test_a_stale_copy_served_after_a_label_change_has_the_new_labels(
    cache: PromptCache, clock: Clock
) -> None:
    await cache.get(NAME, None, LabelFetcher(version=3))  # the latest, labelled production
    clock.advance(61)
    refresh = Fetcher(NAME, 3)
    gate = refresh.block()  # the refresh stays in flight: the stale copy keeps being served
    first = await cache.get(NAME, None, refresh)
    assert (first.source, first.labels) == ("stale", (PROD,))
    await settle()  # the refresh runs, blocked
    cache.remove_label(NAME, PROD)
    again = await cache.get(NAME, None, refresh)
    assert (again.source, again.labels) == ("stale", ())
    assert refresh.calls == 1
    gate.set()
    await settle()


async def test_remove_label_drops_it_from_every_cached_copy(cache: PromptCache) -> None:
    await cache.get(NAME, PROD, LabelFetcher(version=3))
    cache.put_label(NAME, "staging", 3)
    assert set(labels_of(cache, 3)[0]) == {PROD, "staging"}
    cache.remove_label(NAME, PROD)
    assert cache.peek(NAME, PROD) is None
    assert labels_of(cache, 3, "staging") == [("staging",), ("staging",)]
    other = Prompt("other", 3, "id", "x", labels=(PROD,))
    cache.put(other)
    cache.remove_label(NAME, PROD)  # another prompt's copies are left alone
    kept = cache.peek("other", 3)
    assert kept == other and kept is not None and kept.labels == (PROD,)
