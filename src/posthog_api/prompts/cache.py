"""``PromptCache``: the per-client cache behind ``posthog.prompts.get``.

Keys are exactly ``(name, version)``; ``version=None`` is "the latest version of name".
There is no prefix or pattern matching anywhere: ``invalidate("a")`` never touches ``"ab"``.

Freshness
    The latest is fresh for ``ttl`` seconds (per-call override); a pinned version for
    ``pinned_ttl`` seconds (default an hour). A version's content never changes, but
    PostHog reuses version numbers: after ``archive`` a new prompt of the same name starts
    again at version 1, so a pinned copy is revalidated too, just less often. Past its
    freshness ``get`` returns the stale value at once (``source="stale"``) and starts ONE
    background refresh (stale-while-revalidate). While refreshes fail, the stale value
    keeps being served until it is ``max_stale`` seconds old (counted from when it was
    stored); past that, ``get`` fetches in the foreground and raises its error. A
    per-call ``ttl <= 0`` (or ``pinned_ttl=0``) bypasses the cache: a foreground fetch
    (still single-flight), whose result is stored.

Failures
    A failed fetch (foreground or background) starts a cooldown for that key of
    ``error_cooldown`` seconds, or the exception's ``retry_after`` if longer (capped at
    ``max_cooldown``). During it no new fetch of that key is sent: a stale value is served
    if there is one, otherwise the same error is raised again without a request, so a
    throttled or failing application stops hammering the server (a caller's ``fallback``
    is then served at once). A ``NotFoundError`` (e.g. ``PromptNotFoundError``) while
    fetching the latest evicts every cached entry of that name, and one while fetching a
    pinned version evicts that version, so a deleted prompt is never served again; from
    a background refresh this means the next ``get`` fetches in the foreground and
    raises. A ``ConfigurationError`` (e.g. the fetching client was closed) says nothing
    about the prompt and starts no cooldown.

Single flight
    Concurrent ``get`` calls that need the same key share one fetch, run in its own task;
    each caller awaits it through ``asyncio.shield``, so cancelling one caller (a
    ``wait_for``, a timeout) cancels neither the fetch nor the other callers. All of them
    get the same ``Prompt`` or the same exception. A fetch leaves the registry however it
    ends (done, failed or cancelled, even before it first ran); when something outside
    the cache cancels the shared fetch itself, its waiters start a new one rather than
    inherit a cancellation they never asked for.

Closing
    ``aclose()`` cancels every fetch and drops every entry. Afterwards ``get`` raises
    :class:`~posthog_api.ConfigurationError`, and so do the callers that were waiting on
    a fetch when it ran: a closed client is a programming error, not an outage, so
    ``posthog.prompts.get`` does not serve a ``fallback`` for it.

Writes
    ``put(prompt)`` stores a just-published/updated prompt as the latest and as its pinned
    version; ``invalidate`` drops keys. Both detach in-flight fetches of the keys they
    touch: those still answer their callers but no longer write to the cache, so an older
    answer can never overwrite a newer write.

Hot path
    ``get_fresh(name, version)`` is synchronous: one dict lookup, one clock call, one
    comparison, one attribute store (the recency bit) and a counter increment, and it
    returns the ``source="cache"`` object kept with the entry (no allocation beyond the
    key tuple; the object is made by the entry's first hit, so storing a prompt that is
    never read from the cache copies nothing). Callers try it first and fall back to
    ``await get(...)``.

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
import dataclasses
import functools
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

from posthog_api._errors import APIError, ConfigurationError, NotFoundError
from posthog_api.prompts.prompt import Prompt, PromptSource

__all__ = ["CacheStats", "PromptCache", "closed_error"]

_Key = tuple[str, int | None]
Fetch = Callable[[], Awaitable[Prompt]]

_INF = math.inf
# How many times a caller starts a new fetch when code outside the cache keeps
# cancelling the shared one, before it gives up with an APIError.
_FETCH_STARTS = 3

_NEVER_EXPIRES = {
    "ttl": "the latest would never be revalidated, so a new or deleted version would never be seen",
    "pinned_ttl": "a version number PostHog reuses after archive would serve the old text forever",
    "error_cooldown": "one failed fetch would stop every later fetch of that prompt",
    "max_cooldown": "one Retry-After would stop every later fetch of that prompt",
}
# The longest freshness or cooldown accepted: beyond it (1e308 s, say) a setting has the
# effect of the infinity refused above.
MAX_DURATION = 365 * 24 * 3600.0


def closed_error(what: str) -> ConfigurationError:
    """The one error for using a closed client (or cache), whatever the path."""
    return ConfigurationError(
        f"{what}: this AsyncPostHog is closed (aclose() or the end of its 'async with'), "
        "so nothing is fetched or served from its cache. Next: create a new client."
    )


def _short(value: object) -> str:
    if isinstance(value, int) and value.bit_length() > 64:  # 10**400: no 400-digit repr
        return f"an int of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _count(value: object, option: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(
            f"{option} must be an int (how many prompts to keep), got "
            f"{type(value).__name__} {_short(value)}"
        )
    if value < 1:
        raise ConfigurationError(f"{option} must be at least 1, got {value}")
    return value


def _seconds(value: object, option: str, setting: str) -> float:
    """A duration: a real number of seconds >= 0; infinite only where that means something."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(
            f"{option} must be a number of seconds, got {type(value).__name__} {_short(value)}"
        )
    try:
        seconds = float(value)
    except OverflowError:  # an int too large for a float
        seconds = _INF
    if not seconds >= 0:  # NaN too
        raise ConfigurationError(f"{option} must be a number of seconds >= 0, got {_short(value)}")
    why = _NEVER_EXPIRES.get(setting)
    if why is not None and seconds > MAX_DURATION:
        raise ConfigurationError(
            f"{option} must be a finite number of seconds up to {MAX_DURATION:,.0f} (a year), "
            f"got {_short(value)}: longer is in effect forever, and {why}"
        )
    return seconds


def _cancelling() -> bool:
    """Whether the current task has been asked to stop (its own cancellation)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _answer(
    waiters: list[asyncio.Future[Prompt]] | None,
    prompt: Prompt | None,
    error: BaseException | None,
) -> None:
    """Give a fetch's outcome to the callers still waiting for it (in this loop pass)."""
    if not waiters:
        return
    for waiter in waiters:
        if not waiter.done():  # a caller cancelled meanwhile has a cancelled future
            if error is not None:
                waiter.set_exception(error)
            else:
                waiter.set_result(prompt)  # type: ignore[arg-type]
    waiters.clear()


# Prompt is a frozen dataclass with slots: its __init__ sets each of its 12 fields through
# object.__setattr__, which is most of the cost of the two Prompts every fetch makes (the
# answer and the cached copy). These set the slots directly, in the fields' order.
_FIELDS = (
    "name",
    "version",
    "id",
    "prompt",
    "created_at",
    "updated_at",
    "is_latest",
    "latest_version",
    "version_count",
    "first_version_created_at",
    "source",
    "fetched_at",
)
if tuple(field.name for field in dataclasses.fields(Prompt)) != _FIELDS:  # pragma: no cover
    raise ImportError("posthog_api.prompts.cache: _FIELDS no longer matches Prompt's fields")
(
    _set_name,
    _set_version,
    _set_id,
    _set_prompt,
    _set_created_at,
    _set_updated_at,
    _set_is_latest,
    _set_latest_version,
    _set_version_count,
    _set_first,
    _set_source,
    _set_fetched_at,
) = (vars(Prompt)[name].__set__ for name in _FIELDS)


def new_prompt(
    name: str,
    version: int,
    id: str,
    prompt: Any,
    created_at: datetime | None,
    updated_at: datetime | None,
    is_latest: bool | None,
    latest_version: int | None,
    version_count: int | None,
    first_version_created_at: datetime | None,
    source: PromptSource,
    fetched_at: float,
) -> Prompt:
    """``Prompt(...)`` with every field given, in order, at half the cost (see above).

    For values already checked (a validated response): nothing is converted here.
    """
    made = object.__new__(Prompt)
    _set_name(made, name)
    _set_version(made, version)
    _set_id(made, id)
    _set_prompt(made, prompt)
    _set_created_at(made, created_at)
    _set_updated_at(made, updated_at)
    _set_is_latest(made, is_latest)
    _set_latest_version(made, latest_version)
    _set_version_count(made, version_count)
    _set_first(made, first_version_created_at)
    _set_source(made, source)
    _set_fetched_at(made, fetched_at)
    return made


def _as(prompt: Prompt, source: PromptSource) -> Prompt:
    """``prompt.with_source(source)`` at a third of its cost: a fetch stores one of these
    (``dataclasses.replace`` re-reads every field's definition on each call)."""
    if type(prompt) is not Prompt:  # a subclass may have more fields
        return prompt.with_source(source)
    if prompt.source == source:
        return prompt
    return new_prompt(
        prompt.name,
        prompt.version,
        prompt.id,
        prompt.prompt,
        prompt.created_at,
        prompt.updated_at,
        prompt.is_latest,
        prompt.latest_version,
        prompt.version_count,
        prompt.first_version_created_at,
        source,
        prompt.fetched_at,
    )


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
    """One cached prompt.

    ``value`` is the ``source="cache"`` copy that hits return as is; it is made on first
    use (``cached()``), so a prompt stored but never read back from the cache (after
    ``fetch()``, a publish, or a refresh replaced before any hit) is not copied. The hot
    path reads ``entry.value or entry.cached()``: a plain slot read once it is made.
    """

    __slots__ = ("expires", "fetched", "stale", "stored_at", "used", "value")

    def __init__(self, fetched: Prompt | _Entry, stored_at: float, expires: float) -> None:
        self.value: Prompt | None = None
        # As stored (or the entry of the same prompt whose copy this one shares), until
        # value is made from it.
        self.fetched: Prompt | _Entry | None = fetched
        self.stored_at = stored_at
        self.expires = expires
        self.stale: Prompt | None = None  # the source="stale" copy, made on first use
        self.used = False  # the second-chance bit, set by hits

    def cached(self) -> Prompt:
        """``value``, made now if it was not yet (a latest shares its pinned copy)."""
        value = self.value
        if value is None:
            fetched = self.fetched
            assert fetched is not None  # cleared only once value is set
            value = fetched.cached() if isinstance(fetched, _Entry) else _as(fetched, "cache")
            self.value = value
            self.fetched = None
        return value


class _Cooldown:
    __slots__ = ("error", "traceback", "until")

    def __init__(self, until: float, error: Exception) -> None:
        self.until = until
        self.error = error
        self.traceback: TracebackType | None = error.__traceback__


class PromptCache:
    """A bounded LRU cache of prompts with stale-while-revalidate and single-flight fetches.

    ``max_entries`` bounds the entries (a fetched latest takes two: the latest and its pinned
    version). ``ttl`` and ``pinned_ttl`` are how long the latest and a pinned version stay
    fresh, ``max_stale`` the oldest a stale copy may be served (``inf``: for as long as the
    API fails), ``error_cooldown``/``max_cooldown`` the wait after a failed fetch. Every
    setting is checked here: a bad one raises :class:`~posthog_api.ConfigurationError`
    naming it. ``clock`` (default ``time.monotonic``) is injectable for tests.
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
        "_pinned_ttl",
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
        pinned_ttl: float = 3600.0,
        max_stale: float = 24 * 3600.0,
        error_cooldown: float = 5.0,
        max_cooldown: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_entries = _count(max_entries, "max_entries")
        self._ttl = _seconds(ttl, "ttl", "ttl")
        self._pinned_ttl = _seconds(pinned_ttl, "pinned_ttl", "pinned_ttl")
        self._max_stale = _seconds(max_stale, "max_stale", "max_stale")
        self._cooldown = _seconds(error_cooldown, "error_cooldown", "error_cooldown")
        self._max_cooldown = max(
            _seconds(max_cooldown, "max_cooldown", "max_cooldown"), self._cooldown
        )
        if not callable(clock):
            raise ConfigurationError(f"clock must be callable, got {type(clock).__name__}")
        self._clock = clock
        self._entries: dict[_Key, _Entry] = {}
        self._inflight: dict[_Key, asyncio.Task[Prompt]] = {}
        # Every fetch task still running, with the futures its foreground callers await.
        self._tasks: dict[asyncio.Task[Prompt], list[asyncio.Future[Prompt]]] = {}
        self._cooldowns: dict[_Key, _Cooldown] = {}
        self._closed = False
        self._hits = 0
        self._misses = 0
        self._coalesced = 0
        self._refreshes = 0
        self._refresh_errors = 0
        self._stale_served = 0
        self._evictions = 0

    @classmethod
    def for_client(
        cls,
        *,
        size: object,
        ttl: object,
        pinned_ttl: object,
        max_stale: object,
        error_cooldown: object,
    ) -> PromptCache:
        """The cache of an ``AsyncPostHog``, whose errors name its ``prompt_cache_*`` options."""
        return cls(
            max_entries=_count(size, "prompt_cache_size"),
            ttl=_seconds(ttl, "prompt_cache_ttl", "ttl"),
            pinned_ttl=_seconds(pinned_ttl, "prompt_cache_pinned_ttl", "pinned_ttl"),
            max_stale=_seconds(max_stale, "prompt_cache_max_stale", "max_stale"),
            error_cooldown=_seconds(
                error_cooldown, "prompt_cache_error_cooldown", "error_cooldown"
            ),
        )

    @property
    def ttl(self) -> float:
        """Seconds the latest version stays fresh (unless a call overrides it)."""
        return self._ttl

    @property
    def pinned_ttl(self) -> float:
        """Seconds a pinned version stays fresh before it is revalidated in the background."""
        return self._pinned_ttl

    @property
    def max_stale(self) -> float:
        """Oldest age, in seconds, at which a stale copy may still be served."""
        return self._max_stale

    def __len__(self) -> int:
        return len(self._entries)

    # ------------------------------------------------------------------ reads

    def get_fresh(
        self, name: str, version: int | None = None, ttl: float | None = None
    ) -> Prompt | None:
        """The cached ``source="cache"`` prompt if it is fresh, else ``None`` (no I/O).

        ``ttl`` overrides the freshness of the latest only; a pinned version keeps its own.
        """
        entry = self._entries.get((name, version))
        if entry is None:
            return None
        if ttl is None or version is not None:
            if self._clock() >= entry.expires:
                return None
        elif self._clock() - entry.stored_at >= ttl:
            return None
        entry.used = True
        self._hits += 1
        return entry.value or entry.cached()

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
        servable is cached, so the caller can serve its fallback, and
        :class:`~posthog_api.ConfigurationError` once the cache is closed.
        """
        if self._closed:
            raise closed_error(f"prompts.get({name!r})")
        key: _Key = (name, version)
        now = self._clock()
        entry = self._entries.get(key)
        if entry is not None:
            fresh_for = self._pinned_ttl  # a per-call ttl is for the latest only
            if version is None:
                fresh_for = self._ttl if ttl is None else ttl
            age = now - entry.stored_at
            if age < fresh_for:
                entry.used = True
                self._hits += 1
                return entry.value or entry.cached()
            if fresh_for > 0 and age <= self._max_stale:
                entry.used = True
                self._stale_served += 1
                self._maybe_refresh(key, fetch, now)
                stale = entry.stale
                if stale is None:
                    stale = entry.stale = _as(entry.cached(), "stale")
                return stale
        return await self._foreground(key, fetch, now)

    def peek(self, name: str, version: int | None = None) -> Prompt | None:
        """The cached ``source="cache"`` prompt however old, without counting or marking use."""
        entry = self._entries.get((name, version))
        return None if entry is None else entry.cached()

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
        those keys are detached so their (older) answers are not stored over it. A closed
        cache stores nothing.
        """
        if self._closed:
            return
        name = prompt.name
        if self._inflight or self._cooldowns:  # usually both empty
            keys: list[_Key] = (
                [(name, prompt.version), (name, None)] if latest else [(name, prompt.version)]
            )
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
        """Cancel and await every background refresh and in-flight fetch; drop every entry.

        Closed for good: later ``get`` calls, and those waiting on a fetch now, raise
        :class:`~posthog_api.ConfigurationError`.
        """
        self._closed = True
        self._inflight.clear()
        self._cooldowns.clear()
        self._entries.clear()
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
        entries = self._entries
        pinned: _Key = (name, prompt.version)
        entries.pop(pinned, None)  # re-inserted at the back, as the most recent
        entry = entries[pinned] = _Entry(prompt, now, now + self._pinned_ttl)
        newest = pinned
        if latest:
            newest = (name, None)
            entries.pop(newest, None)
            entries[newest] = _Entry(entry, now, now + self._ttl)
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
        # A finished fetch (e.g. cancelled before it ever ran, its done callback not yet
        # called) has nothing left to share, and one left behind by another (e.g. closed)
        # event loop can never be awaited here: forget either rather than join it.
        task = self._inflight.get(key)
        if task is not None and (task.done() or task.get_loop() is not asyncio.get_running_loop()):
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
            task = self._spawn(key, fetch, background=False)
        for attempt in range(1, _FETCH_STARTS + 1):
            # Each caller awaits a future of its own, which the fetch answers as it ends
            # (as asyncio.shield would, one event loop pass sooner): cancelling a caller
            # cancels only its future, never the fetch the others share.
            waiters = self._tasks.get(task)
            if waiters is None:  # not one of this cache's fetches: cannot happen
                return await asyncio.shield(task)
            waiter: asyncio.Future[Prompt] = task.get_loop().create_future()
            waiters.append(waiter)
            try:
                return await waiter
            except asyncio.CancelledError:
                if not task.cancelled() or _cancelling():
                    raise  # this caller was cancelled (a wait_for, a timeout): only it stops
                if self._closed:
                    raise closed_error(f"prompts.get({key[0]!r})") from None
                if attempt == _FETCH_STARTS:
                    break
                # The shared fetch itself was cancelled by someone else: this caller did not
                # ask for that and still wants its prompt, so it starts (or joins) a new one.
                task = self._joinable(key) or self._spawn(key, fetch, background=False)
        raise APIError(
            f"prompt {key[0]!r}: its fetch was cancelled {_FETCH_STARTS} times by code "
            "outside the SDK (tasks named 'posthog-prompt-fetch:...'), so nothing was "
            "fetched. Next: stop cancelling those tasks, or pass fallback=... to get()."
        )

    def _spawn(self, key: _Key, fetch: Fetch, *, background: bool) -> asyncio.Task[Prompt]:
        task = asyncio.get_running_loop().create_task(
            self._run(key, fetch, background), name=f"posthog-prompt-fetch:{key[0]}@{key[1]}"
        )
        self._inflight[key] = task
        self._tasks[task] = []
        task.add_done_callback(functools.partial(self._task_done, key))
        return task

    def _task_done(self, key: _Key, task: asyncio.Task[Prompt]) -> None:
        # However the task ended (even cancelled before its first step, when _run's own
        # cleanup never ran), it leaves the registry so that the next get starts afresh.
        waiters = self._tasks.pop(task, None)
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if task.cancelled():
            for waiter in waiters or ():
                waiter.cancel()  # its caller restarts the fetch, or raises if closed
            return
        error = task.exception()  # retrieved here: an unawaited refresh error is not "lost"
        if waiters:  # answered by _run already, unless something went very wrong
            _answer(waiters, None if error is not None else task.result(), error)

    async def _run(self, key: _Key, fetch: Fetch, background: bool) -> Prompt:
        me = asyncio.current_task()
        try:
            prompt = await fetch()
        except Exception as error:
            if self._inflight.get(key) is me:
                self._failed(key, error, background)
            elif background:
                self._refresh_errors += 1
            _answer(self._tasks.get(me), None, error)  # type: ignore[arg-type]
            raise
        else:
            if self._inflight.get(key) is me:
                self._cooldowns.pop(key, None)
                self._store(key[0], prompt, latest=key[1] is None)
            _answer(self._tasks.get(me), prompt, None)  # type: ignore[arg-type]
            return prompt
        finally:
            if self._inflight.get(key) is me:
                del self._inflight[key]

    def _failed(self, key: _Key, error: Exception, background: bool) -> None:
        if background:
            self._refresh_errors += 1
        if isinstance(error, NotFoundError):
            if key[1] is None:
                self._drop_name(key[0])
            else:
                self._entries.pop(key, None)
        if isinstance(error, ConfigurationError):
            return  # about the client (e.g. closed), not the prompt: no cooldown
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
