"""``PromptCache``: the per-client cache behind ``posthog.prompts.get``.

Keys are exactly ``(name, version)``, ``None`` being the latest and a str a label (its
name: never an int, never ``"latest"``); nothing matches by prefix.

- Freshness: the latest and a label are fresh for ``ttl`` seconds (per-call override), a
  pinned version for ``pinned_ttl`` (PostHog reuses version numbers after ``archive``).
  A label's copy is also stored as its pinned version, as the latest's is. Past it ``get``
  serves the stale copy (``source="stale"``) and starts ONE background refresh, until the
  copy is ``max_stale`` seconds old (from when it was stored); then it fetches in the
  foreground. ``ttl <= 0`` bypasses the cache: a single-flight fetch whose result is stored.
- Failures: a failed fetch starts a cooldown of its key (``error_cooldown``, or a longer
  ``retry_after`` up to ``max_cooldown``) in which no request is sent: the stale copy is
  served or the same error raised again, so a failing application stops hammering the
  server. A ``NotFoundError`` evicts the key (for the latest, the whole name; for a label,
  the label only), except a ``ProjectNotFoundError`` (a wrong project or host says nothing
  about the prompt); a ``ConfigurationError`` (a closed client) starts no cooldown.
- Degraded modes are logged: a failed refresh whose stale copy stays served, and a fallback
  served by ``posthog.prompts.get``, log one WARNING per prompt name per ``error_cooldown``
  (at least a second) on the ``posthog_api`` logger, naming the error class (never the key).
- Single flight: concurrent gets of one key share one fetch task, each caller awaiting a
  future of its own: cancelling a caller cancels neither the fetch nor the others. If code
  outside the cache cancels the shared fetch, its waiters start a new one.
- Writes (``put``, ``invalidate``) detach in-flight fetches of their keys: those still
  answer their callers but store nothing, so an older answer never overwrites a newer write.
- A shared store (``shared``: :class:`~posthog_api.prompts.store.SharedPrompts`) sits
  behind the entries, never in front: a fresh hit is unchanged; a miss or a refresh loads
  through the store, and a copy it serves keeps its age (it expires when the store's does).
  A stale store copy answering a miss is served, and a refresh started at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import math
import operator
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

from posthog_api._budget import REFRESH, RefreshSkipped
from posthog_api._errors import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    ProjectNotFoundError,
)
from posthog_api._logging import logger
from posthog_api.prompts.prompt import Prompt, PromptSource

if TYPE_CHECKING:
    from posthog_api.prompts.store import SharedPrompts

__all__ = ["CacheStats", "PromptCache", "closed_error"]

# The second part: a version (int), the latest (None) or a label (str).
Slot = int | str | None
_Key = tuple[str, Slot]
Fetch = Callable[[], Awaitable[Prompt]]

# Fetches a caller starts while code outside the cache keeps cancelling them (then APIError).
_FETCH_STARTS = 3

_NEVER_EXPIRES = {
    "ttl": "the latest would never be revalidated, so a new or deleted version would never be seen",
    "pinned_ttl": "a version number PostHog reuses after archive would serve the old text forever",
    "error_cooldown": "one failed fetch would stop every later fetch of that prompt",
    "max_cooldown": "one Retry-After would stop every later fetch of that prompt",
}
# The shortest gap between two degraded-mode warnings of one prompt, whatever error_cooldown.
MIN_WARNING_GAP = 1.0
# Errors that are the client's configuration, not an outage: a fallback hides them for ever.
_CONFIG_ERRORS = (AuthenticationError, PermissionDeniedError, ProjectNotFoundError)

# The longest freshness or cooldown accepted: longer (1e308 s, say) acts as the infinity above.
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


def _seconds(value: object, option: str) -> float:
    """A duration: a real number of seconds >= 0, infinite only where that means something."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(
            f"{option} must be a number of seconds, got {type(value).__name__} {_short(value)}"
        )
    try:
        seconds = float(value)
    except OverflowError:  # an int too large for a float
        seconds = math.inf
    if not seconds >= 0:  # NaN too
        raise ConfigurationError(f"{option} must be a number of seconds >= 0, got {_short(value)}")
    why = _NEVER_EXPIRES.get(option.removeprefix("prompt_cache_"))
    if why is not None and seconds > MAX_DURATION:
        raise ConfigurationError(
            f"{option} must be a finite number of seconds up to {MAX_DURATION:,.0f} (a year), "
            f"got {_short(value)}: longer is in effect forever, and {why}"
        )
    return seconds


# Prompt is a frozen dataclass: its __init__ sets each field through object.__setattr__.
# Every fetch makes two Prompts (the answer, the cached copy): these set the slots directly.
_FIELDS = tuple(field.name for field in dataclasses.fields(Prompt))
_SETTERS = tuple(vars(Prompt)[name].__set__ for name in _FIELDS)
_VALUES = operator.attrgetter(*_FIELDS)
_set_source = vars(Prompt)["source"].__set__
_set_label = vars(Prompt)["label"].__set__
_set_labels = vars(Prompt)["labels"].__set__


def new_prompt(*values: Any) -> Prompt:
    """``Prompt(*values)``, every field given in order, for values already checked."""
    made = object.__new__(Prompt)
    for set_field, value in zip(_SETTERS, values, strict=True):
        set_field(made, value)
    return made


def _as(prompt: Prompt, source: PromptSource) -> Prompt:
    """``prompt.with_source(source)`` without ``dataclasses.replace``'s cost."""
    if type(prompt) is not Prompt:  # a subclass may have more fields
        return prompt.with_source(source)
    if prompt.source == source:
        return prompt
    made = new_prompt(*_VALUES(prompt))
    _set_source(made, source)
    return made


def labelled(prompt: Prompt, label: str | None) -> Prompt:
    """``prompt`` as served for ``label`` (None: as a version), listing it in ``labels``
    (the in-process cache and the shared store mark their copies alike)."""
    if prompt.label == label and (label is None or label in prompt.labels):
        return prompt
    labels = prompt.labels
    if label is not None and label not in labels:
        labels = (*labels, label)
    if type(prompt) is not Prompt:
        return dataclasses.replace(prompt, label=label, labels=labels)
    made = new_prompt(*_VALUES(prompt))
    _set_label(made, label)
    _set_labels(made, labels)
    return made


def _what(name: str, version: Slot) -> str:
    if isinstance(version, str):
        return f"prompt {name!r} label {version!r}"
    return f"prompt {name!r}" + (" (latest)" if version is None else f" version {version}")


def _cause(error: Exception) -> str:
    """The error's class and message: SDK messages never hold the API key, by construction."""
    return f"{type(error).__name__}: {error}"


def _answer(
    waiters: list[asyncio.Future[Prompt]], prompt: Prompt | None, error: BaseException | None
) -> None:
    """Give a fetch's outcome to the callers still waiting (a cancelled one's future is done)."""
    for waiter in waiters:
        if not waiter.done():
            if error is not None:
                waiter.set_exception(error)
            else:
                waiter.set_result(prompt)  # type: ignore[arg-type]


def _drop(table: dict[_Key, Any], name: str | None) -> int:
    """Drop the keys of exactly ``name`` (every key when None); returns how many."""
    keys = [key for key in table if name is None or key[0] == name]
    for key in keys:
        del table[key]
    return len(keys)


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counters since the cache was made."""

    hits: int  # served fresh from the cache
    misses: int  # needed a foreground fetch (or re-raised an error in cooldown)
    coalesced: int  # joined a fetch already in flight
    refreshes: int  # background refreshes started
    refresh_errors: int  # background refreshes that failed
    stale_served: int  # stale copies returned
    evictions: int  # entries dropped because the cache was full
    size: int  # entries now held
    fallbacks_served: int = 0  # get(..., fallback=...) answered by the fallback
    store_hits: int = 0  # misses and refreshes answered by the shared store, not PostHog
    store_waits: int = 0  # loads that found another process refreshing (its lock)
    store_errors: int = 0  # shared store commands that failed or timed out

    def to_dict(self) -> dict[str, int]:
        """The counters as a JSON-ready dict, e.g. for a service's health endpoint."""
        return {name: getattr(self, name) for name in self.__slots__}


class _Entry:
    """One cached prompt: ``value`` is the ``source="cache"`` copy that hits return."""

    __slots__ = ("expires", "stale", "stored_at", "used", "value")

    def __init__(self, value: Prompt, stored_at: float, expires: float) -> None:
        self.value = value
        self.stored_at = stored_at
        self.expires = expires
        self.stale: Prompt | None = None  # the source="stale" copy, made on first use
        self.used = False  # the second-chance bit, set by hits


class _Cooldown(NamedTuple):
    until: float
    error: Exception
    traceback: TracebackType | None  # as first raised: each re-raise would extend it


class PromptCache:
    """A bounded LRU cache of prompts with stale-while-revalidate and single-flight fetches.

    A fetched latest takes two of ``max_entries`` (with its pinned version); ``max_stale``
    may be ``inf``. A bad setting raises :class:`~posthog_api.ConfigurationError` naming it.
    """

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
        shared: SharedPrompts | None = None,
    ) -> None:
        self._max_entries = _count(max_entries, "max_entries")
        self._ttl = _seconds(ttl, "ttl")
        self._pinned_ttl = _seconds(pinned_ttl, "pinned_ttl")
        self._max_stale = _seconds(max_stale, "max_stale")
        self._cooldown = _seconds(error_cooldown, "error_cooldown")
        self._max_cooldown = max(_seconds(max_cooldown, "max_cooldown"), self._cooldown)
        if not callable(clock):
            raise ConfigurationError(f"clock must be callable, got {type(clock).__name__}")
        self._clock = clock
        self._entries: dict[_Key, _Entry] = {}
        self._inflight: dict[_Key, asyncio.Task[Prompt]] = {}
        # Every fetch task still running, with the futures its foreground callers await.
        self._tasks: dict[asyncio.Task[Prompt], list[asyncio.Future[Prompt]]] = {}
        self._cooldowns: dict[_Key, _Cooldown] = {}
        self._closed = False
        self._hits = self._misses = self._coalesced = self._refreshes = 0
        self._refresh_errors = self._stale_served = self._evictions = self._fallbacks = 0
        # Per prompt name: when its last degraded-mode warning was logged (cache clock).
        self._warned: dict[str, float] = {}
        self._shared = shared
        if shared is not None:
            shared.attach(self)

    @classmethod
    def for_client(
        cls, *, size: object, shared: SharedPrompts | None = None, **durations: object
    ) -> PromptCache:
        """The cache of an ``AsyncPostHog``, whose errors name its ``prompt_cache_*`` options
        (``size``, ``ttl``, ``pinned_ttl``, ``max_stale``, ``error_cooldown``)."""
        max_entries = _count(size, "prompt_cache_size")  # checked first, as it comes first
        checked: dict[str, Any] = {
            key: _seconds(value, f"prompt_cache_{key}") for key, value in durations.items()
        }
        return cls(max_entries=max_entries, shared=shared, **checked)

    @property
    def shared(self) -> SharedPrompts | None:
        """The shared store behind this cache, if any."""
        return self._shared

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

    def get_fresh(self, name: str, version: Slot = None, ttl: float | None = None) -> Prompt | None:
        """The cached ``source="cache"`` prompt if fresh, else ``None`` (no I/O); ``ttl``
        overrides the freshness of the latest or a label only, a pinned version keeps its own.
        ``version`` is a version number, None for the latest, or a label's name."""
        entry = self._entries.get((name, version))
        if entry is None:
            return None
        if ttl is None or type(version) is int:
            if self._clock() >= entry.expires:
                return None
        elif self._clock() - entry.stored_at >= ttl:
            return None
        entry.used = True
        self._hits += 1
        return entry.value

    async def get(
        self, name: str, version: Slot, fetch: Fetch, *, ttl: float | None = None
    ) -> Prompt:
        """The prompt for ``(name, version)`` (a version, None for the latest, or a label):
        fresh or stale from the cache, else as ``fetch()`` returns it. Raises the fetch's
        error when nothing servable is cached, and :class:`~posthog_api.ConfigurationError`
        once the cache is closed."""
        if self._closed:
            raise closed_error(f"prompts.get({name!r})")
        hit = self.get_fresh(name, version, ttl)
        if hit is not None:
            return hit
        key: _Key = (name, version)
        now = self._clock()
        entry = self._entries.get(key)
        fresh_for = self._fresh_for(version, ttl)
        if entry is not None and fresh_for > 0 and now - entry.stored_at <= self._max_stale:
            entry.used = True
            self._stale_served += 1
            if self._joinable(key) is None and self._cooling(key, now) is None:
                self._refreshes += 1
                self._spawn(key, fetch, background=True, ttl=ttl)
            if entry.stale is None:
                entry.stale = _as(entry.value, "stale")
            return entry.stale
        return await self._foreground(key, fetch, now, ttl)

    def _fresh_for(self, version: Slot, ttl: float | None) -> float:
        """How long a copy of ``version`` stays fresh: a per-call ``ttl`` is for the latest
        or a label only, a pinned version keeps ``pinned_ttl``."""
        if type(version) is int:
            return self._pinned_ttl
        return self._ttl if ttl is None else ttl

    def peek(self, name: str, version: Slot = None) -> Prompt | None:
        """The cached ``source="cache"`` prompt however old, without counting or marking use."""
        entry = self._entries.get((name, version))
        return None if entry is None else entry.value

    def stats(self) -> CacheStats:
        """A snapshot of the counters."""
        shared = self._shared
        return CacheStats(
            hits=self._hits,
            misses=self._misses,
            coalesced=self._coalesced,
            refreshes=self._refreshes,
            refresh_errors=self._refresh_errors,
            stale_served=self._stale_served,
            evictions=self._evictions,
            size=len(self._entries),
            fallbacks_served=self._fallbacks,
            store_hits=0 if shared is None else shared.hits,
            store_waits=0 if shared is None else shared.lock_waits,
            store_errors=0 if shared is None else shared.errors,
        )

    def fallback_served(self, name: str, version: Slot, error: Exception) -> None:
        """Count a fallback served for ``(name, version)`` after ``error``, and say so: a
        WARNING at most once per prompt per cooldown, so a fallback is never silent for ever."""
        self._fallbacks += 1
        what = _what(name, version)
        if isinstance(error, _CONFIG_ERRORS):
            why = "a configuration problem, not an outage: served until it is fixed"
        else:
            why = "the fetch failed and nothing is cached"
        self._warn(name, f"{what}: serving the fallback ({why}); {_cause(error)}")

    def put(
        self, prompt: Prompt, *, latest: bool = True, label: str | None = None, age: float = 0.0
    ) -> None:
        """Store ``prompt`` as ``(name, version)`` and, unless ``latest=False``, as the
        latest, fresh from now (write-through after a publish), or from ``age`` seconds ago
        (a shared store's copy); with ``label``, also as that label (marked with it). A
        closed cache stores nothing."""
        if self._closed:
            return
        self._detach((prompt.name, prompt.version))
        if latest:
            self._detach((prompt.name, None))
        if label is not None:
            self._detach((prompt.name, label))
        self._store(prompt.name, prompt, latest=latest, label=label, age=age)

    def expire(self) -> None:
        """Mark every entry as past its TTL (still servable stale, refreshed on next use):
        after announcements of other processes' writes may have been missed."""
        for entry in self._entries.values():
            entry.expires = -math.inf
            entry.stored_at = min(entry.stored_at, self._clock() - max(self._ttl, 0.0) - 1e-9)

    def put_label(self, name: str, label: str, version: int) -> bool:
        """Point ``label`` of ``name`` at ``version`` (write-through after setting a label):
        stored fresh from now if this version is cached and fresh, else the label's copy is
        dropped so the next get fetches it. Returns whether it was stored."""
        if self._closed:
            return False
        self._relabel(name, label, version)
        now = self._clock()
        found = None
        for slot in (version, None):
            entry = self._entries.get((name, slot))
            if entry is not None and entry.value.version == version and now < entry.expires:
                found = entry.value
                break
        if found is None:
            self.invalidate(name, label=label)
            return False
        self._detach((name, label))
        self._store(name, found, latest=False, label=label, pinned=False)
        return True

    def remove_label(self, name: str, label: str) -> None:
        """Forget ``label`` of ``name`` (write-through after removing a label): its copy is
        dropped and no cached version of ``name`` lists it in ``labels`` any more."""
        self.invalidate(name, label=label)
        self._relabel(name, label, None)

    def _relabel(self, name: str, label: str, version: int | None) -> None:
        """Keep ``Prompt.labels`` of the cached copies of ``name`` true after this client
        pointed ``label`` at ``version`` (None: removed it): a label is on one version only.

        The copies are replaced, never changed (callers may hold them); one copy shared by
        several keys (the latest and its version) stays shared. Not on any hot path."""
        made: dict[int, tuple[Prompt, Prompt]] = {}  # id -> (old, new): old kept alive
        for key, entry in self._entries.items():
            value = entry.value
            if key[0] != name or (label in value.labels) == (value.version == version):
                continue
            pair = made.get(id(value))
            if pair is None:
                if label in value.labels:
                    labels = tuple(other for other in value.labels if other != label)
                else:
                    labels = (*value.labels, label)
                pair = made[id(value)] = (value, dataclasses.replace(value, labels=labels))
            entry.value = pair[1]
            entry.stale = None  # remade from the new value when next served stale

    def invalidate(
        self,
        name: str | None = None,
        version: int | None = None,
        *,
        latest: bool = False,
        label: str | None = None,
    ) -> int:
        """Drop cached entries (with their cooldowns and in-flight fetches); returns how many.

        No arguments: everything. ``name`` only: every key of exactly that name (labels
        too). ``name`` and ``version``: exactly that key. ``name`` with ``latest=True``: its
        latest key; with ``label=``: that label's key.
        """
        if label is not None:
            if name is None:
                raise ValueError("invalidate(label=...) needs a name")
            if version is not None or latest:
                raise ValueError("pass either label or version/latest=True, not both")
        if version is not None or latest or label is not None:
            if name is None:
                raise ValueError("invalidate(version=..., latest=...) needs a name")
            if version is not None and latest:
                raise ValueError("pass either version or latest=True, not both")
            slot: Slot = label if label is not None else version
            self._detach((name, slot))
            return 0 if self._entries.pop((name, slot), None) is None else 1
        _drop(self._cooldowns, name)
        _drop(self._inflight, name)
        return _drop(self._entries, name)

    async def aclose(self) -> None:
        """Cancel and await every fetch and drop every entry, for good: later ``get`` calls,
        and those waiting on a fetch now, raise :class:`~posthog_api.ConfigurationError`
        (a bug, not an outage: ``posthog.prompts.get`` serves no fallback for it)."""
        self._closed = True
        self.invalidate()
        if self._shared is not None:
            await self._shared.aclose()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _detach(self, key: _Key) -> None:
        """Forget the key's cooldown, and its in-flight fetch, which then stores nothing."""
        self._inflight.pop(key, None)
        self._cooldowns.pop(key, None)

    def _store(
        self,
        name: str,
        prompt: Prompt,
        *,
        latest: bool,
        label: str | None = None,
        pinned: bool = True,
        age: float = 0.0,
    ) -> None:
        now = self._clock() - age  # a shared store's copy is as old as it is there
        entries = self._entries
        value = _as(prompt, "cache")  # one copy, shared by the latest and its version
        newest: _Key = (name, prompt.version)
        if value.label is not None:  # fetched by label: as a version it has none
            value = labelled(value, None)
        if pinned:
            entries.pop(newest, None)  # re-inserted at the back, as the most recent
            entries[newest] = _Entry(value, now, now + self._pinned_ttl)
        if latest:
            newest = (name, None)
            entries.pop(newest, None)
            entries[newest] = _Entry(value, now, now + self._ttl)
        if label is not None:
            newest = (name, label)
            entries.pop(newest, None)
            entries[newest] = _Entry(labelled(value, label), now, now + self._ttl)
        # CLOCK (second chance), LRU where it matters without a move_to_end per hit: a used
        # entry goes to the back, its bit cleared. The one just stored always survives.
        while len(entries) > self._max_entries:
            oldest = next(iter(entries))
            entry = entries.pop(oldest)
            if entry.used or oldest == newest:
                entry.used = False
                entries[oldest] = entry
            else:
                self._evictions += 1

    def _cooling(self, key: _Key, now: float) -> _Cooldown | None:
        """The key's cooldown if it still runs (an ended one is forgotten)."""
        cooldown = self._cooldowns.get(key)
        if cooldown is not None and now >= cooldown.until:
            del self._cooldowns[key]
            return None
        return cooldown

    def _joinable(self, key: _Key) -> asyncio.Task[Prompt] | None:
        # A finished fetch (cancelled before it ran, say) has nothing left to share, and one
        # of another (closed) event loop can never be awaited here: forget either.
        task = self._inflight.get(key)
        if task is not None and (task.done() or task.get_loop() is not asyncio.get_running_loop()):
            del self._inflight[key]
            return None
        return task

    async def _foreground(
        self, key: _Key, fetch: Fetch, now: float, ttl: float | None = None
    ) -> Prompt:
        task = self._joinable(key)
        if task is not None:
            self._coalesced += 1
        else:
            self._misses += 1
            cooldown = self._cooling(key, now)
            if cooldown is not None:
                raise cooldown.error.with_traceback(cooldown.traceback)
            task = self._spawn(key, fetch, background=False, ttl=ttl)
        for attempt in range(1, _FETCH_STARTS + 1):
            # This caller's own future: cancelling the caller never cancels the shared fetch.
            waiter: asyncio.Future[Prompt] = task.get_loop().create_future()
            self._tasks[task].append(waiter)
            try:
                return await waiter
            except asyncio.CancelledError:
                me = asyncio.current_task()
                if not task.cancelled() or (me is not None and me.cancelling() > 0):
                    raise  # this caller was cancelled (a wait_for, a timeout): only it stops
                if self._closed:
                    raise closed_error(f"prompts.get({key[0]!r})") from None
                if attempt == _FETCH_STARTS:
                    break
                # Someone else cancelled the shared fetch: this caller still wants its prompt.
                task = self._joinable(key) or self._spawn(key, fetch, background=False, ttl=ttl)
        raise APIError(
            f"prompt {key[0]!r}: its fetch was cancelled {_FETCH_STARTS} times by code "
            "outside the SDK (tasks named 'posthog-prompt-fetch:...'), so nothing was "
            "fetched. Next: stop cancelling those tasks, or pass fallback=... to get()."
        )

    def _spawn(
        self, key: _Key, fetch: Fetch, *, background: bool, ttl: float | None = None
    ) -> asyncio.Task[Prompt]:
        waiters: list[asyncio.Future[Prompt]] = []
        task = asyncio.get_running_loop().create_task(
            self._run(key, fetch, background, waiters, ttl),
            name=f"posthog-prompt-fetch:{key[0]}@{key[1]}",
        )
        self._inflight[key] = task
        self._tasks[task] = waiters
        task.add_done_callback(functools.partial(self._task_done, key))
        return task

    def _task_done(self, key: _Key, task: asyncio.Task[Prompt]) -> None:
        # However the task ended (even cancelled before its first step), it leaves the
        # registry, so the next get starts afresh.
        waiters = self._tasks.pop(task, [])
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if task.cancelled():
            for waiter in waiters:
                waiter.cancel()  # its caller starts a new fetch, or raises if closed
            return
        # Retrieved here, so an unawaited refresh error is not logged as lost. Waiters are
        # left only when _run could not answer them (a BaseException).
        error = task.exception()
        _answer(waiters, None if error is not None else task.result(), error)

    async def _run(
        self,
        key: _Key,
        fetch: Fetch,
        background: bool,
        waiters: list[asyncio.Future[Prompt]],
        ttl: float | None = None,
    ) -> Prompt:
        # Only a fetch still registered under its key (not detached by a write) stores.
        me = asyncio.current_task()
        slot = key[1]
        age = 0.0
        fresh_for = self._fresh_for(slot, ttl)
        if background:
            REFRESH.set(True)  # this task's own context: its requests yield to the app's
        try:
            if self._shared is None:
                prompt = await fetch()
            else:
                prompt, age = await self._shared.load(
                    key[0], slot, fetch, background, fresh_for, self._max_stale
                )
        except Exception as error:
            registered = self._inflight.get(key) is me
            if registered:
                del self._inflight[key]
                self._failed(key, error)
            if background:
                self._refresh_errors += 1
                if registered:  # a detached refresh left a newer copy: nothing degraded
                    self._refresh_failed(key, error)
            _answer(waiters, None, error)
            raise
        if self._inflight.get(key) is me:
            del self._inflight[key]
            self._cooldowns.pop(key, None)
            self._store(
                key[0],
                prompt,
                latest=slot is None,
                label=slot if type(slot) is str else None,
                age=age,
            )
            if age >= fresh_for > 0 and not background:  # a stale store copy: refresh it
                self._refreshes += 1
                self._spawn(key, fetch, background=True, ttl=ttl)
        _answer(waiters, prompt, None)
        return prompt

    def _refresh_failed(self, key: _Key, error: Exception) -> None:
        """A background refresh failed: if its stale copy is still served, say so."""
        entry = self._entries.get(key)
        if entry is None or isinstance(error, ConfigurationError | RefreshSkipped):
            # Evicted (the prompt is gone), the client closed, or the rate budget kept the
            # refresh for the application (it logs that itself, once a minute).
            return
        age = self._clock() - entry.stored_at
        self._warn(
            key[0],
            f"{_what(*key)}: serving the cached copy stored {age:.0f} s ago because its "
            f"refresh failed (up to prompt_cache_max_stale={self._max_stale:g} s, retried "
            f"after the cooldown); {_cause(error)}",
        )

    def _warn(self, name: str, message: str) -> None:
        """Log ``message`` unless ``name`` had a warning less than a cooldown ago."""
        now = self._clock()
        last = self._warned.get(name)
        if last is not None and now - last < max(self._cooldown, MIN_WARNING_GAP):
            return
        self._warned.pop(name, None)  # re-inserted at the back, the oldest dropped first
        self._warned[name] = now
        while len(self._warned) > self._max_entries:
            del self._warned[next(iter(self._warned))]
        logger.warning("%s", message)

    def _failed(self, key: _Key, error: Exception) -> None:
        if isinstance(error, NotFoundError) and not isinstance(error, ProjectNotFoundError):
            # The prompt is gone (deleted or archived): never served again.
            if key[1] is None:
                _drop(self._entries, key[0])
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
        self._cooldowns.pop(key, None)  # re-inserted at the back, the oldest dropped first
        self._cooldowns[key] = _Cooldown(self._clock() + wait, error, error.__traceback__)
        while len(self._cooldowns) > self._max_entries:
            del self._cooldowns[next(iter(self._cooldowns))]
