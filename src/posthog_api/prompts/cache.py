"""``PromptCache``: the per-client cache behind ``posthog.prompts.get``.

Keys are exactly ``(name, version)``; ``version=None`` is "the latest version of name".
There is no prefix or pattern matching anywhere: ``invalidate("a")`` never touches ``"ab"``.

Freshness
    A pinned version (an ``int``) never changes, so it never expires. The latest is fresh
    for ``ttl`` seconds (per-call override); after that ``get`` returns the stale value at
    once (``source="stale"``) and starts ONE background refresh (stale-while-revalidate).
    While refreshes fail, the stale value keeps being served until it is ``max_stale``
    seconds old; past that, ``get`` fetches in the foreground and raises its error.
    A per-call ``ttl <= 0`` bypasses the cache for the latest: a foreground fetch (still
    single-flight), whose result is stored.

Failures
    A failed fetch (foreground or background) starts a cooldown for that key of
    ``error_cooldown`` seconds, or the exception's ``retry_after`` if longer (capped at
    ``max_cooldown``). During it no new fetch of that key is sent: a stale value is served
    if there is one, otherwise the same error is raised again without a request, so a
    throttled or failing application stops hammering the server (a caller's ``fallback``
    is then served at once). A ``NotFoundError`` (e.g. ``PromptNotFoundError``) while
    fetching the latest evicts every cached entry of that name, so a deleted prompt is
    never served again; from a background refresh this means the next ``get`` fetches in
    the foreground and raises.

Single flight
    Concurrent ``get`` calls that need the same key share one fetch, run in its own task;
    each caller awaits it through ``asyncio.shield``, so cancelling one caller cancels
    neither the fetch nor the other callers. All of them get the same ``Prompt`` or the
    same exception.

Writes
    ``put(prompt)`` stores a just-published/updated prompt as the latest and as its pinned
    version; ``invalidate`` drops keys. Both detach in-flight fetches of the keys they
    touch: those still answer their callers but no longer write to the cache, so an older
    answer can never overwrite a newer write.

Hot path
    ``get_fresh(name, version)`` is synchronous: one dict lookup, one clock call, one
    comparison, one attribute store (the recency bit) and a counter increment, and it
    returns the prebuilt ``source="cache"`` object stored with the entry (no allocation
    beyond the key tuple). Callers try it first and fall back to ``await get(...)``.

Bound (approximate LRU)
    Entries live in a plain dict in insertion order. A hit only sets the entry's ``used``
    bit; when the cache is over ``max_entries``, eviction looks at the oldest entry: if its
    bit is set it gets a second chance (bit cleared, moved to the back), otherwise it is
    dropped (the CLOCK / second-chance scheme). An entry hit since it last reached the
    front is never evicted before one that was not, which is LRU for the cases that
    matter, at a fraction of ``OrderedDict.move_to_end``'s cost on every hit.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType

from posthog_api._errors import NotFoundError
from posthog_api.prompts.prompt import Prompt

__all__ = ["CacheStats", "PromptCache"]

_Key = tuple[str, int | None]
Fetch = Callable[[], Awaitable[Prompt]]

_INF = math.inf


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counters since the cache was made.

    ``hits``: served fresh from the cache. ``misses``: needed a foreground fetch (or
    re-raised an error in cooldown). ``coalesced``: joined a fetch already in flight.
    ``refreshes``: background refreshes started. ``refresh_errors``: background refreshes
    that failed. ``stale_served``: stale values returned. ``evictions``: entries dropped
    because the cache was full. ``size``: entries now held.
    """

    hits: int
    misses: int
    coalesced: int
    refreshes: int
    refresh_errors: int
    stale_served: int
    evictions: int
    size: int


class _Entry:
    __slots__ = ("expires", "stale", "stored_at", "used", "value")

    def __init__(self, value: Prompt, stored_at: float, expires: float) -> None:
        self.value = value  # the source="cache" copy, returned by hits as is
        self.stored_at = stored_at
        self.expires = expires
        self.stale: Prompt | None = None  # the source="stale" copy, made on first use
        self.used = False  # the second-chance bit, set by hits


class _Cooldown:
    __slots__ = ("error", "traceback", "until")

    def __init__(self, until: float, error: Exception) -> None:
        self.until = until
        self.error = error
        self.traceback: TracebackType | None = error.__traceback__


class PromptCache:
    """A bounded LRU cache of prompts with stale-while-revalidate and single-flight fetches.

    ``max_entries`` bounds the entries (a fetched latest takes two: the latest and its pinned
    version). ``clock`` (default ``time.monotonic``) is injectable for tests.
    """

    __slots__ = (
        "_clock",
        "_closed",
        "_coalesced",
        "_cooldown",
        "_cooldowns",
        "_entries",
        "_evictions",
        "_hits",
        "_inflight",
        "_max_cooldown",
        "_max_entries",
        "_max_stale",
        "_misses",
        "_refresh_errors",
        "_refreshes",
        "_stale_served",
        "_tasks",
        "_ttl",
    )

    def __init__(
        self,
        *,
        max_entries: int = 1024,
        ttl: float = 60.0,
        max_stale: float = 24 * 3600.0,
        error_cooldown: float = 5.0,
        max_cooldown: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        if ttl < 0 or max_stale < 0 or error_cooldown < 0 or max_cooldown < 0:
            raise ValueError("ttl, max_stale, error_cooldown and max_cooldown must be >= 0")
        self._max_entries = max_entries
        self._ttl = float(ttl)
        self._max_stale = float(max_stale)
        self._cooldown = float(error_cooldown)
        self._max_cooldown = float(max(max_cooldown, error_cooldown))
        self._clock = clock
        self._entries: dict[_Key, _Entry] = {}
        self._inflight: dict[_Key, asyncio.Task[Prompt]] = {}
        self._tasks: set[asyncio.Task[Prompt]] = set()
        self._cooldowns: dict[_Key, _Cooldown] = {}
        self._closed = False
        self._hits = 0
        self._misses = 0
        self._coalesced = 0
        self._refreshes = 0
        self._refresh_errors = 0
        self._stale_served = 0
        self._evictions = 0

    @property
    def ttl(self) -> float:
        """Seconds the latest version stays fresh (unless a call overrides it)."""
        return self._ttl

    @property
    def max_stale(self) -> float:
        """Oldest age, in seconds, at which a stale latest may still be served."""
        return self._max_stale

    def __len__(self) -> int:
        return len(self._entries)

    # ------------------------------------------------------------------ reads

    def get_fresh(
        self, name: str, version: int | None = None, ttl: float | None = None
    ) -> Prompt | None:
        """The cached ``source="cache"`` prompt if it is fresh, else ``None`` (no I/O)."""
        entry = self._entries.get((name, version))
        if entry is None:
            return None
        if ttl is None:
            if self._clock() >= entry.expires:
                return None
        elif version is None and self._clock() - entry.stored_at >= ttl:
            return None
        entry.used = True
        self._hits += 1
        return entry.value

    async def get(
        self,
        name: str,
        version: int | None,
        fetch: Fetch,
        *,
        ttl: float | None = None,
    ) -> Prompt:
        """The prompt for ``(name, version)``, fetching with ``fetch()`` when needed.

        Returns the fresh cached copy (``source="cache"``), a stale one while a background
        refresh runs (``source="stale"``) or the fetched prompt itself (as ``fetch``
        returned it, normally ``source="api"``). Raises the fetch's error when nothing
        servable is cached, so the caller can serve its fallback.
        """
        key: _Key = (name, version)
        now = self._clock()
        entry = self._entries.get(key)
        if entry is not None:
            if version is None:
                fresh_for = self._ttl if ttl is None else ttl
                age = now - entry.stored_at
                if age < fresh_for:
                    entry.used = True
                    self._hits += 1
                    return entry.value
                if fresh_for > 0 and age <= self._max_stale:
                    entry.used = True
                    self._stale_served += 1
                    if not self._closed:
                        self._maybe_refresh(key, fetch, now)
                    stale = entry.stale
                    if stale is None:
                        stale = entry.stale = entry.value.with_source("stale")
                    return stale
            else:
                entry.used = True
                self._hits += 1
                return entry.value
        return await self._foreground(key, fetch, now)

    def peek(self, name: str, version: int | None = None) -> Prompt | None:
        """The cached ``source="cache"`` prompt however old, without counting or marking use."""
        entry = self._entries.get((name, version))
        return None if entry is None else entry.value

    def stats(self) -> CacheStats:
        """A snapshot of the counters."""
        return CacheStats(
            hits=self._hits,
            misses=self._misses,
            coalesced=self._coalesced,
            refreshes=self._refreshes,
            refresh_errors=self._refresh_errors,
            stale_served=self._stale_served,
            evictions=self._evictions,
            size=len(self._entries),
        )

    # ----------------------------------------------------------------- writes

    def put(self, prompt: Prompt, *, latest: bool = True) -> None:
        """Store ``prompt`` (write-through after a publish or update).

        It becomes its pinned version ``(name, prompt.version)`` and, unless
        ``latest=False``, the latest ``(name, None)``, fresh from now. In-flight fetches of
        those keys are detached so their (older) answers are not stored over it.
        """
        name = prompt.name
        keys: list[_Key] = [(name, prompt.version)]
        if latest:
            keys.append((name, None))
        for key in keys:
            self._inflight.pop(key, None)
            self._cooldowns.pop(key, None)
        self._store(name, prompt, latest=latest)

    def invalidate(
        self, name: str | None = None, version: int | None = None, *, latest: bool = False
    ) -> int:
        """Drop cached entries; returns how many were dropped.

        No arguments: everything. ``name`` only: every key of exactly that name (its latest
        and all its pinned versions). ``name`` and ``version``: exactly that key.
        ``name`` with ``latest=True``: exactly its latest key. Cooldowns of the dropped keys
        are forgotten and their in-flight fetches detached (they no longer write).
        """
        if name is None:
            if version is not None or latest:
                raise ValueError("invalidate(version=..., latest=...) needs a name")
            dropped = len(self._entries)
            self._entries.clear()
            self._cooldowns.clear()
            self._inflight.clear()
            return dropped
        if version is not None or latest:
            if version is not None and latest:
                raise ValueError("pass either version or latest=True, not both")
            key: _Key = (name, version)
            self._cooldowns.pop(key, None)
            self._inflight.pop(key, None)
            return 0 if self._entries.pop(key, None) is None else 1
        for table in (self._cooldowns, self._inflight):
            for key in [k for k in table if k[0] == name]:
                del table[key]
        return self._drop_name(name)

    async def aclose(self) -> None:
        """Cancel and await every background refresh and in-flight fetch.

        Cached entries stay readable; fetching after ``aclose`` raises ``RuntimeError``.
        """
        self._closed = True
        self._inflight.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # --------------------------------------------------------------- internals

    def _drop_name(self, name: str) -> int:
        keys = [k for k in self._entries if k[0] == name]
        for key in keys:
            del self._entries[key]
        return len(keys)

    def _store(self, name: str, prompt: Prompt, *, latest: bool) -> None:
        now = self._clock()
        cached = prompt.with_source("cache")
        entries = self._entries
        pinned: _Key = (name, prompt.version)
        entries.pop(pinned, None)  # re-inserted at the back, as the most recent
        entries[pinned] = _Entry(cached, now, _INF)
        newest = pinned
        if latest:
            newest = (name, None)
            entries.pop(newest, None)
            entries[newest] = _Entry(cached, now, now + self._ttl)
        if len(entries) > self._max_entries:
            self._evict(newest)

    def _evict(self, keep: _Key) -> None:
        # ``keep`` (the entry just stored) always survives, even when every older entry
        # has its bit set; the loop ends because at least one other entry exists.
        entries = self._entries
        while len(entries) > self._max_entries:
            oldest = next(iter(entries))
            entry = entries.pop(oldest)
            if entry.used or oldest == keep:  # second chance: to the back, bit cleared
                entry.used = False
                entries[oldest] = entry
            else:
                self._evictions += 1

    def _joinable(self, key: _Key) -> asyncio.Task[Prompt] | None:
        # A fetch left behind by another (e.g. closed) event loop can never be awaited
        # here: forget it rather than wait on it forever.
        task = self._inflight.get(key)
        if task is not None and task.get_loop() is not asyncio.get_running_loop():
            del self._inflight[key]
            return None
        return task

    def _maybe_refresh(self, key: _Key, fetch: Fetch, now: float) -> None:
        if self._joinable(key) is not None:
            return
        cooldown = self._cooldowns.get(key)
        if cooldown is not None:
            if now < cooldown.until:
                return
            del self._cooldowns[key]
        self._refreshes += 1
        self._spawn(key, fetch, background=True)

    async def _foreground(self, key: _Key, fetch: Fetch, now: float) -> Prompt:
        task = self._joinable(key)
        if task is not None:
            self._coalesced += 1
        else:
            self._misses += 1
            cooldown = self._cooldowns.get(key)
            if cooldown is not None:
                if now < cooldown.until:
                    raise cooldown.error.with_traceback(cooldown.traceback)
                del self._cooldowns[key]
            if self._closed:
                raise RuntimeError("PromptCache is closed")
            task = self._spawn(key, fetch, background=False)
        return await asyncio.shield(task)

    def _spawn(self, key: _Key, fetch: Fetch, *, background: bool) -> asyncio.Task[Prompt]:
        task = asyncio.get_running_loop().create_task(
            self._run(key, fetch, background), name=f"posthog-prompt-fetch:{key[0]}@{key[1]}"
        )
        self._inflight[key] = task
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Prompt]) -> None:
        self._tasks.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved here: an unawaited refresh error is not "lost"

    async def _run(self, key: _Key, fetch: Fetch, background: bool) -> Prompt:
        me = asyncio.current_task()
        try:
            prompt = await fetch()
        except Exception as error:
            if self._inflight.get(key) is me:
                self._failed(key, error, background)
            elif background:
                self._refresh_errors += 1
            raise
        else:
            if self._inflight.get(key) is me:
                self._cooldowns.pop(key, None)
                self._store(key[0], prompt, latest=key[1] is None)
            return prompt
        finally:
            if self._inflight.get(key) is me:
                del self._inflight[key]

    def _failed(self, key: _Key, error: Exception, background: bool) -> None:
        if background:
            self._refresh_errors += 1
        if isinstance(error, NotFoundError) and key[1] is None:
            self._drop_name(key[0])
        wait = self._cooldown
        retry_after = getattr(error, "retry_after", None)
        if isinstance(retry_after, int | float) and retry_after > wait:
            wait = min(float(retry_after), self._max_cooldown)
        if wait <= 0:
            return
        self._cooldowns.pop(key, None)
        self._cooldowns[key] = _Cooldown(self._clock() + wait, error)
        while len(self._cooldowns) > self._max_entries:
            del self._cooldowns[next(iter(self._cooldowns))]
