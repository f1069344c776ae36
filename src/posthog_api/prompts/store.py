"""``RedisPromptStore``: one prompt cache for a fleet of processes, on Redis (or Valkey).

Each process keeps its in-process :class:`~posthog_api.prompts.cache.PromptCache` exactly
as it is (a fresh hit never touches Redis). The store sits behind it: on an in-process miss
or expiry the store is read (one round trip), and only a copy older than the TTL makes
anyone call PostHog. Then one process per prompt takes a short lock (``SET NX PX``, kept
alive while its fetch runs), fetches, writes the store and announces it; the others serve
the store's stale copy or, with nothing stored, wait for the winner at most the lock's
lifetime, then fetch themselves. Writes made through any process (publish, labels,
archive) update the store and are announced on a pub/sub channel, on which every process
drops its own copy. A PING on that channel every few seconds tells a silent connection
(a NAT or load balancer that dropped it) from a quiet one: no answer is a gap, and every
in-process copy is then revalidated.

Layout (``NS`` = ``prefix:{hash of host and project}``, a hash tag: one slot):

- ``NS:p:NAME``: a hash per prompt, fields ``latest``, ``v:N``, ``l:LABEL`` (values: plain
  JSON with a ``format`` number, never pickle) and ``gen`` (bumped by every write made
  through the SDK, so a refresh that fetched before it does not overwrite it);
- ``NS:gen``: the namespace's generation (the same, for bulk refreshes);
- ``NS:lock:...``: refresh locks; ``NS:bulk:LABEL``: when a list pass last stored a label
  (``*``: the latest of all); ``NS:events``: the pub/sub channel.

A refresh writes only while it still holds its lock, only when no SDK write came after it
read the generation, and per field only over an older copy: each value carries when its
fetch started (``at``) and ended (``done``), in Redis's clock (``TIME``, so the clocks of
the machines do not matter). A copy whose fetch ended before this one started is older
and replaced; one that started later is kept. For two fetches that overlapped (a refresh
and a list pass, say), the higher ``latest`` version wins: versions only grow, except
after an archive and a re-create or a deleted latest version, and those are told apart
because a fetch started after the other one ended always wins. Archives, deletions and
re-creates made through the SDK reset the name (and bump ``gen``), so no older refresh
lands after them.

Redis failing (down, slow) never fails a get: every command has its own short timeout, a
failure switches this process to its in-process cache and direct fetches, and Redis is
tried again ``retry_interval`` seconds later. A command Redis refuses for one key (a
value of another type, a full Redis refusing writes, a script error) only means that
value is absent or not stored: the store stays in use. Either logs at most one WARNING a
minute (and an INFO line when a failed Redis answers again). A value that cannot be read
(another format, a newer SDK, garbage) is ignored as if absent.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import json
import math
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from posthog_api._errors import ConfigurationError, NotFoundError, ProjectNotFoundError
from posthog_api._logging import logger
from posthog_api._redis_common import check_prefix, check_seconds, redis_error_detail
from posthog_api.prompts.cache import labelled
from posthog_api.prompts.prompt import Prompt, label_names

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from posthog_api.prompts.cache import PromptCache, Slot

__all__ = ["FORMAT", "RedisPromptStore", "SharedPrompts", "decode", "encode"]

FORMAT = 1  # the stored values' format; another number is ignored (see decode)
T = TypeVar("T")
Aged = tuple[Prompt, float]  # a prompt and its age in seconds
Direct = Callable[[], Awaitable[Prompt]]

# KEYS: the prompt's hash, the namespace's generation, the lock a refresh holds.
# ARGV: mode, the prompt's and the namespace's generations a refresh read ('-': unchecked),
# the expiry (ms), the lock's token ('-': none), when the fetch started and ended, the
# fetched version, then field/value pairs (an empty value deletes the field).
# A refresh writes only unchanged generations, with its lock, and per field only over an
# older copy (see the module's docstring); a change bumps both generations, a reset first
# drops every field.
_WRITE = """
local function older(field, stored, at, done, version)
  if not stored then return true end
  local ok, old = pcall(cjson.decode, stored)
  if not ok or type(old) ~= 'table' or old['format'] ~= @FORMAT@ then return true end
  local old_at = tonumber(old['at'])
  if not old_at then return true end
  local old_done = tonumber(old['done']) or old_at
  if old_done <= at then return true end
  if field == 'latest' and type(old['prompt']) == 'table' then
    local old_version = tonumber(old['prompt']['version'])
    if old_version and old_version ~= version then return version > old_version end
  end
  return at >= old_at
end
local mode = ARGV[1]
if mode == 'refresh' then
  if ARGV[2] ~= '-' and (redis.call('HGET', KEYS[1], 'gen') or '') ~= ARGV[2] then return 0 end
  if ARGV[3] ~= '-' and (redis.call('GET', KEYS[2]) or '') ~= ARGV[3] then return 0 end
  if ARGV[5] ~= '-' and redis.call('GET', KEYS[3]) ~= ARGV[5] then return 0 end
else
  if mode == 'reset' then
    local gen = redis.call('HGET', KEYS[1], 'gen') or '0'
    redis.call('DEL', KEYS[1])
    redis.call('HSET', KEYS[1], 'gen', gen)
  end
  redis.call('HINCRBY', KEYS[1], 'gen', 1)
  redis.call('INCR', KEYS[2])
end
local at, done, version = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local written = 0
for i = 9, #ARGV, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', KEYS[1], ARGV[i])
  elseif mode ~= 'refresh'
      or older(ARGV[i], redis.call('HGET', KEYS[1], ARGV[i]), at, done, version) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    written = written + 1
  end
end
if mode ~= 'refresh' or written > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return written
""".replace("@FORMAT@", str(FORMAT))
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_PROBE = (0.02, 0.05, 0.1, 0.2, 0.4)  # re-reads while waiting for a winner, then every 0.4 s
_QUIET = 60.0  # at most one WARNING of a kind this long
_CLOCK_EVERY = 60.0  # how often Redis's clock is read again (TIME)
_PING = "posthog_api"  # the pub/sub heartbeat's PING message
MIN_LOCK_TIMEOUT = 0.1  # a lock must outlive a few round trips


def _text(value: object) -> str | None:
    """A Redis reply as text, whatever the client's ``decode_responses``."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else None


def _field(slot: Slot) -> str:
    if slot is None:
        return "latest"
    return f"v:{slot}" if type(slot) is int else f"l:{slot}"


_DATES = ("created_at", "updated_at", "first_version_created_at")


def _time(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return value if isinstance(value, str) else None  # as the API model gave it


def encode(prompt: Prompt, at: float, done: float | None = None) -> str:
    """``prompt`` as the store keeps it: plain JSON, with the format and when its fetch
    started (``at``, seconds since the epoch: its age counts from there) and ended
    (``done``, default ``at``: the write script orders overlapping fetches by it)."""
    body = {
        "name": prompt.name,
        "version": prompt.version,
        "id": prompt.id,
        "prompt": prompt.prompt,
        "created_at": _time(prompt.created_at),
        "updated_at": _time(prompt.updated_at),
        "is_latest": prompt.is_latest,
        "latest_version": prompt.latest_version,
        "version_count": prompt.version_count,
        "first_version_created_at": _time(prompt.first_version_created_at),
        "datetimes": [  # which of them were datetimes (the API's models give some as text)
            name for name in _DATES if isinstance(getattr(prompt, name), datetime)
        ],
        "fetched_at": prompt.fetched_at,
        "config": prompt.config,
        "version_description": prompt.version_description,
        "labels": list(prompt.labels),
        "label": prompt.label,
    }
    stamped = {"format": FORMAT, "at": at, "done": at if done is None else done}
    return json.dumps({**stamped, "prompt": body}, ensure_ascii=False, separators=(",", ":"))


def _int(value: object) -> int | None:
    return value if type(value) is int else None


def _date(value: object, parse: bool) -> Any:
    """A stored time: a datetime where one was stored, else the text as it was."""
    if not isinstance(value, str):
        return None
    if not parse:
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def decode(text: object, name: str) -> tuple[Prompt, float] | None:
    """The prompt and its ``at`` from a stored value, or None when the value is not one this
    SDK wrote for ``name`` (another format, another prompt, anything malformed)."""
    raw = _text(text)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if type(data) is not dict or data.get("format") != FORMAT:
        return None
    at, body = _number(data.get("at")), data.get("prompt")
    if at is None or type(body) is not dict:
        return None
    version, ident = body.get("version"), body.get("id")
    if body.get("name") != name or type(version) is not int or version < 1:
        return None
    if not isinstance(ident, str) or "prompt" not in body:
        return None
    fetched = _number(body.get("fetched_at"))
    dates = body.get("datetimes")
    dates = dates if type(dates) is list else list(_DATES)
    is_latest = body.get("is_latest")
    config = body.get("config")
    description = body.get("version_description")
    label = body.get("label")
    prompt = Prompt(
        name=name,
        version=version,
        id=ident,
        prompt=body["prompt"],
        created_at=_date(body.get("created_at"), "created_at" in dates),
        updated_at=_date(body.get("updated_at"), "updated_at" in dates),
        is_latest=is_latest if type(is_latest) is bool else None,
        latest_version=_int(body.get("latest_version")),
        version_count=_int(body.get("version_count")),
        first_version_created_at=_date(
            body.get("first_version_created_at"), "first_version_created_at" in dates
        ),
        source="cache",
        fetched_at=at if fetched is None else fetched,
        config=config if type(config) is dict else None,
        version_description=description if type(description) is str else None,
        labels=label_names(body.get("labels")),
        label=label if type(label) is str else None,
    )
    return prompt, at


def _number(value: object) -> float | None:
    """A finite JSON number as a float (not a bool), else None."""
    if type(value) in (int, float) and math.isfinite(value):  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]
    return None


def check_redis_client(redis: object, who: str) -> None:
    """Refuse what is not an asyncio Redis client (a sync one would block the event loop),
    and a Redis Cluster client (the keys' one hash tag would put the whole store, lock
    traffic included, on one node anyway, and pub/sub would need sharded channels)."""
    if any(kind.__name__.endswith("Cluster") for kind in type(redis).__mro__):
        raise ConfigurationError(
            f"{who}: Redis Cluster is not supported (got {type(redis).__module__}."
            f"{type(redis).__name__}). Next: give it a client of one Redis or Valkey server "
            "(redis.asyncio.Redis.from_url('redis://host:6379')), or of a proxy in front of "
            "the cluster that speaks to one node per client (e.g. Envoy's Redis proxy)."
        )
    execute = getattr(type(redis), "execute_command", None)
    if execute is None or not inspect.iscoroutinefunction(execute):
        raise ConfigurationError(
            f"{who} needs an asyncio Redis client, e.g. redis.asyncio.Redis.from_url("
            f"'redis://localhost:6379'), got {type(redis).__module__}.{type(redis).__name__}"
            " (a synchronous client would block the event loop). Next: install the 'redis' "
            "extra (pip install 'posthog-api-async[redis]') and pass redis.asyncio.Redis."
        )


class RedisPromptStore:
    """A prompt store shared by every process given the same Redis (or Valkey) server.

    ``AsyncPostHog(..., prompt_store=RedisPromptStore(redis.asyncio.Redis(...)))``. Clients
    of the same host and project share the stored prompts; ``prefix`` separates
    applications on one Redis. ``lock_timeout`` (>= 0.1 s): how long a refresh lock lives
    unless its holder, still fetching, extends it (and the longest anyone waits for its
    holder); ``command_timeout``: each Redis command's own limit; ``retry_interval``: how
    long a failing Redis is left alone before it is tried again. Redis Cluster is not
    supported. The SDK never closes the Redis client: it is yours.
    """

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "posthog_api",
        lock_timeout: float = 5.0,
        command_timeout: float = 0.25,
        retry_interval: float = 1.0,
    ) -> None:
        check_redis_client(redis, "RedisPromptStore")
        self.redis: Any = redis
        self.prefix = check_prefix(prefix, "RedisPromptStore")
        self.lock_timeout = check_seconds(lock_timeout, "lock_timeout", "RedisPromptStore")
        if self.lock_timeout < MIN_LOCK_TIMEOUT:
            raise ConfigurationError(
                f"RedisPromptStore: lock_timeout must be >= {MIN_LOCK_TIMEOUT:g} s (a lock "
                f"must outlive a few Redis round trips), got {lock_timeout!r}"
            )
        self.command_timeout = check_seconds(command_timeout, "command_timeout", "RedisPromptStore")
        self.retry_interval = check_seconds(retry_interval, "retry_interval", "RedisPromptStore")

    def __repr__(self) -> str:
        return f"RedisPromptStore(prefix={self.prefix!r}, lock_timeout={self.lock_timeout:g})"

    def namespace(self, host: str, project_id: str) -> str:
        """The key prefix of one host and project (hashed; a cluster hash tag)."""
        digest = hashlib.sha256(f"{host}\n{project_id}".encode()).hexdigest()[:16]
        return f"{self.prefix}:{{{digest}}}"

    def bind(self, host: str, project_id: str) -> SharedPrompts:
        """The store as one client's prompt cache uses it (see :class:`SharedPrompts`)."""
        return SharedPrompts(self, self.namespace(host, project_id))


class _StoreDown(Exception):
    """A Redis command failed or timed out (already logged and counted)."""


class _Refused(_StoreDown):
    """Redis answered with an error for this command (already logged and counted): a value
    of another type at the key, a full Redis refusing a write, a script error. The value is
    absent or not stored; Redis itself is fine."""


class _Silent(Exception):
    """The pub/sub connection did not answer its heartbeat PING in time."""


def _refusal(error: BaseException) -> bool:
    """Whether ``error`` is Redis's answer to one command (redis-py's or valkey-py's
    ``ResponseError`` and its kinds), not a broken connection or a timeout."""
    return any(kind.__name__ == "ResponseError" for kind in type(error).__mro__)


class SharedPrompts:
    """One prompt cache's view of a :class:`RedisPromptStore`: loads on in-process misses,
    announcements, the subscription, and the health of Redis. Never raises Redis errors."""

    def __init__(self, store: RedisPromptStore, namespace: str) -> None:
        self.store = store
        self.ns = namespace
        self.channel = f"{namespace}:events"
        self.origin = secrets.token_hex(8)  # this process's announcements, ignored on return
        self.local: Callable[[], float] = time.time  # this machine's clock
        self.wall: Callable[[], float] = self._now  # Redis's clock (replaceable by tests)
        self.heartbeat = 5.0  # seconds between PINGs on the pub/sub connection
        self._redis = store.redis
        self._write = store.redis.register_script(_WRITE)
        self._release = store.redis.register_script(_RELEASE)
        self._extend = store.redis.register_script(_EXTEND)
        self._cache: PromptCache | None = None
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()
        self._waiters: dict[tuple[str, str], asyncio.Event] = {}
        self._floors: dict[str | None, float] = {}  # copies older than this are ignored
        self._offset = 0.0  # Redis's clock minus this machine's
        self._clock_due = 0.0  # when to read Redis's clock again (monotonic)
        self._down = False
        self._retry_at = 0.0
        self._told = False  # a WARNING said this outage (an INFO says its end)
        self._quiet_until = 0.0  # no outage WARNING before (monotonic)
        self._refusals_quiet_until = 0.0  # no refusal WARNING before (monotonic)
        self._closed = False
        self._tasks: set[asyncio.Task[None]] = set()  # background announcements
        self.hits = self.errors = self.lock_waits = 0

    # -- wiring --------------------------------------------------------------------

    def attach(self, cache: PromptCache) -> None:
        """Called by the cache that owns this view (announcements drop its copies)."""
        self._cache = cache

    def _start(self) -> None:
        """Subscribe (once, in the running loop) to the announcements of other processes."""
        if self._listener is None and not self._closed:
            self._listener = asyncio.get_running_loop().create_task(
                self._listen(), name="posthog-prompt-store-listener"
            )

    async def subscribed(self, within: float = 5.0) -> bool:
        """Wait until announcements are received (for tests and benchmarks); True if so."""
        self._start()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await self._subscribed.wait()
        return self._subscribed.is_set()

    async def aclose(self) -> None:
        """Stop listening; the Redis client stays open (it is the user's)."""
        self._closed = True
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            # Not ``await listener``: a cancellation of this caller must not be swallowed.
            await asyncio.wait([listener], timeout=self.store.command_timeout * 4)
        for event in self._waiters.values():
            event.set()

    # -- clock ---------------------------------------------------------------------

    def _now(self) -> float:
        """Seconds since the epoch by Redis's clock: the ages every process computes agree
        whatever the clocks of their machines say."""
        return self.local() + self._offset

    async def _sync_clock(self) -> None:
        """Read Redis's clock (``TIME``) once a minute; raises ``_StoreDown``."""
        if time.monotonic() < self._clock_due:
            return
        self._clock_due = time.monotonic() + self.store.retry_interval
        before = self.local()
        with contextlib.suppress(_Refused):  # TIME denied (an ACL): this machine's clock
            seconds, micros = await self._call(self._redis.time)
            after = self.local()
            with contextlib.suppress(TypeError, ValueError):
                self._offset = float(seconds) + float(micros) / 1e6 - (before + after) / 2
        self._clock_due = time.monotonic() + _CLOCK_EVERY

    # -- health --------------------------------------------------------------------

    @property
    def usable(self) -> bool:
        """Whether Redis is tried now (not during ``retry_interval`` after a failure)."""
        return not self._down or time.monotonic() >= self._retry_at

    @property
    def down(self) -> bool:
        return self._down

    def _ok(self) -> None:
        if self._down:
            self._down = False
            if self._told:
                self._told = False
                logger.info("posthog_api: the prompt store's Redis answers again; using it")

    def _outage_warning(self, message: str, *args: object) -> bool:
        """Log an outage WARNING unless one was logged less than a minute ago."""
        now = time.monotonic()
        if now < self._quiet_until:
            return False
        self._quiet_until = now + _QUIET
        logger.warning(message, *args)
        return True

    def _failed(self, error: BaseException) -> None:
        """Redis failed (a broken connection, a timeout): off for ``retry_interval``."""
        self.errors += 1
        self._retry_at = time.monotonic() + self.store.retry_interval
        self._down = True
        if not self._told:  # once per outage, at most once a minute
            self._told = self._outage_warning(
                "posthog_api: the prompt store's Redis failed (%s); serving the in-process "
                "cache and fetching from PostHog directly, retrying Redis every %g s",
                self._detail(error),
                self.store.retry_interval,
            )

    def _refused(self, error: BaseException) -> None:
        """Redis refused one command: that value is absent or not stored, nothing more."""
        self.errors += 1
        now = time.monotonic()
        if now >= self._refusals_quiet_until:
            self._refusals_quiet_until = now + _QUIET
            logger.warning(
                "posthog_api: the prompt store's Redis refused a command (%s); that prompt "
                "is fetched from PostHog instead of stored, the store stays in use (at most "
                "one such line a minute)",
                self._detail(error),
            )

    def _detail(self, error: BaseException) -> str:
        return redis_error_detail(error, self.store.command_timeout)

    async def _call(self, command: Callable[[], Awaitable[T]]) -> T:
        """One Redis command within ``command_timeout``: Redis refusing it is ``_Refused``,
        any other failure ``_StoreDown`` (Redis switched off for a while)."""
        try:
            async with asyncio.timeout(self.store.command_timeout):
                result = await command()
        except Exception as error:
            if _refusal(error):
                self._ok()  # it answered
                self._refused(error)
                raise _Refused from None
            self._failed(error)
            raise _StoreDown from None
        self._ok()
        return result

    # -- reads -----------------------------------------------------------------------

    def _key(self, name: str) -> str:
        return f"{self.ns}:p:{name}"

    def _aged(self, name: str, slot: Slot, raw: object) -> Aged | None:
        found = decode(raw, name)
        if found is None:
            return None
        prompt, at = found
        floor = max(self._floors.get(name, -math.inf), self._floors.get(None, -math.inf))
        if at < floor:
            return None
        if (slot is None or type(slot) is int) and prompt.label is not None:
            prompt = labelled(prompt, None)
        if type(slot) is int and prompt.version != slot:
            return None
        if isinstance(slot, str):
            prompt = labelled(prompt, slot)
        return prompt, max(0.0, self.wall() - at)

    async def _read(self, name: str, slot: Slot) -> tuple[Aged | None, str]:
        """The stored copy (with its age) and the prompt's generation ('' when none, or
        when Redis refused the read: a value of another type at the key)."""
        try:
            raw, gen = await self._call(
                lambda: self._redis.hmget(self._key(name), _field(slot), "gen")
            )
        except _Refused:
            return None, ""
        return self._aged(name, slot, raw), _text(gen) or ""

    # -- the load of one key ---------------------------------------------------------

    async def load(
        self, name: str, slot: Slot, direct: Direct, background: bool, fresh_for: float,
        max_stale: float,
    ) -> Aged:  # fmt: skip
        """The prompt for an in-process miss (or, ``background``, an expired copy): the
        store's fresh copy, else PostHog's through ``direct`` by one process of the fleet.
        Returns it with its age; a stale copy (age >= ``fresh_for``) is for serving while
        another process refreshes. Raises only what ``direct`` raises."""
        if self._closed or not self.usable:
            return await direct(), 0.0
        self._start()
        try:
            await self._sync_clock()
            stored, gen = await self._read(name, slot)
        except _StoreDown:
            return await direct(), 0.0
        if stored is not None and stored[1] >= max_stale:
            stored = None  # too old to serve, as in process
        if stored is not None and stored[1] < fresh_for:
            self.hits += 1
            return stored
        field = _field(slot)
        wake = self._waiter(name, field)  # before the lock: an announcement may come first
        lock = f"{self.ns}:lock:{name}:{field}"
        token = secrets.token_hex(8)
        try:
            won = await self._call(
                lambda: self._redis.set(lock, token, nx=True, px=self._lock_ms())
            )
        except _StoreDown:
            return await direct(), 0.0
        if won:
            try:  # the last holder may have stored it between the read and the lock
                again, gen = await self._read(name, slot)
            except _StoreDown:
                return await direct(), 0.0
            if again is not None and again[1] < fresh_for:
                with contextlib.suppress(_StoreDown):
                    await self._call(lambda: self._release(keys=[lock], args=[token]))
                self.hits += 1
                return again
            return await self._refresh(name, slot, direct, lock, token, gen), 0.0
        self.lock_waits += 1
        if stored is not None and not background:
            return _stale(stored)  # the winner refreshes; the cache serves this meanwhile
        fresher = await self._wait_for(wake, name, slot, lock, stored, fresh_for)
        if fresher is not None and fresher[1] < fresh_for:
            self.hits += 1
            return fresher
        if stored is not None:
            return _stale(stored)  # the winner failed: still the stale copy, no request
        return await direct(), 0.0  # nothing stored and nobody stored it: fetch ourselves

    def _lock_ms(self) -> int:
        return max(1, int(self.store.lock_timeout * 1000))

    @contextlib.asynccontextmanager
    async def _holding(self, lock: str, token: str) -> AsyncIterator[None]:
        """Keep ``lock`` alive while the body runs (a fetch waiting for its turn in the
        rate budget, a slow PostHog): a third of its lifetime before it would expire, it is
        extended, as long as it is still ours. A process that died extends nothing."""
        keeper = asyncio.get_running_loop().create_task(
            self._keep(lock, token), name="posthog-prompt-store-lock"
        )
        try:
            yield
        finally:
            keeper.cancel()

    async def _keep(self, lock: str, token: str) -> None:
        while True:
            await asyncio.sleep(self.store.lock_timeout / 3)
            try:
                kept = await self._call(
                    lambda: self._extend(keys=[lock], args=[token, self._lock_ms()])
                )
            except _StoreDown:
                continue
            if not kept:
                return  # lost (expired while this process stalled): its write is refused

    def _waiter(self, name: str, field: str) -> asyncio.Event:
        event = self._waiters.get((name, field))
        if event is None or event.is_set():
            event = self._waiters[(name, field)] = asyncio.Event()
        return event

    async def _wait_for(
        self,
        wake: asyncio.Event,
        name: str,
        slot: Slot,
        lock: str,
        stored: Aged | None,
        fresh_for: float,
    ) -> Aged | None:
        """Wait for the lock's holder (an announcement, or a re-read finding a fresh copy),
        at most the lock's lifetime; the store's copy then, if any."""
        deadline = time.monotonic() + self.store.lock_timeout
        probe = 0
        found = stored
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return found
            pause = min(left, _PROBE[min(probe, len(_PROBE) - 1)])
            probe += 1
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(pause):
                    await wake.wait()
            try:
                found, _ = await self._read(name, slot)
                if found is not None and found[1] < fresh_for:
                    return found
                if wake.is_set() or not await self._call(lambda: self._redis.exists(lock)):
                    return found  # the holder is done (or died): no point waiting on
            except _StoreDown:
                return found

    async def _refresh(
        self, name: str, slot: Slot, direct: Direct, lock: str, token: str, gen: str
    ) -> Prompt:
        """The lock's holder: fetch from PostHog, store (unless a write came first, the lock
        was lost, or a newer copy is there), tell. The stored copy's age counts from when
        the fetch started: what PostHog said then may have changed since."""
        at = self.wall()
        try:
            async with self._holding(lock, token):
                prompt = await direct()
        except BaseException as error:
            if isinstance(error, NotFoundError) and not isinstance(error, ProjectNotFoundError):
                # The prompt (or its label, or version) is gone: for every process.
                await self._change(name, [] if slot is None else [(_field(slot), None)])
            await self._unlock(lock, token, name, [_field(slot)])
            raise
        pairs = self._pairs(prompt, slot, at)
        args = self._args("refresh", pairs, prompt.version, at, gen=gen, token=token)
        with contextlib.suppress(_StoreDown):
            await self._call(
                lambda: self._write(keys=[self._key(name), f"{self.ns}:gen", lock], args=args)
            )
        await self._unlock(lock, token, name, [field for field, _ in pairs])
        return prompt

    async def _unlock(self, lock: str, token: str, name: str, fields: list[str]) -> None:
        with contextlib.suppress(_StoreDown):
            await self._call(lambda: self._release(keys=[lock], args=[token]))
        await self._announce({"op": "stored", "name": name, "fields": fields})

    def _pairs(self, prompt: Prompt, slot: Slot, at: float) -> list[tuple[str, str | None]]:
        """The fields a prompt fetched from ``at`` on is stored under: its slot and its
        version (``done``, when the fetch ended, is now)."""
        done = self.wall()
        unlabelled = encode(labelled(prompt, None), at, done)
        pairs: list[tuple[str, str | None]] = [(f"v:{prompt.version}", unlabelled)]
        if slot is None:
            pairs.append(("latest", unlabelled))
        elif isinstance(slot, str):
            pairs.append((_field(slot), encode(labelled(prompt, slot), at, done)))
        return pairs

    def _args(
        self, mode: str, pairs: list[tuple[str, str | None]], version: int = 0,
        at: float = 0.0, *, gen: str = "-", ns_gen: str = "-", token: str = "-",
    ) -> list[str | int]:  # fmt: skip
        """The write script's arguments (see ``_WRITE``)."""
        stamps = [repr(at), repr(self.wall()), str(version)]
        return [mode, gen, ns_gen, self._expire_ms(), token, *stamps, *_flat(pairs)]

    def _expire_ms(self) -> int:
        cache = self._cache
        longest = 24 * 3600.0 if cache is None else max(cache.max_stale, cache.ttl)
        return max(1000, int(min(longest, 30 * 24 * 3600.0) * 1000))

    # -- writes made through this process --------------------------------------------

    async def changed(
        self, name: str, prompt: Prompt | None = None, *, drop: tuple[Slot, ...] = (),
        reset: bool = False,
    ) -> None:  # fmt: skip
        """A write made through this process (a publish, a label moved, an archive): the
        store gets ``prompt`` (as the latest: writes make one) and loses the fields
        in ``drop`` (``reset``: every field of the name), and every other process drops its
        copies of those keys. Never raises."""
        pairs: list[tuple[str, str | None]] = [(_field(slot), None) for slot in drop]
        if prompt is not None:
            pairs.extend(self._pairs(prompt, None, self.wall()))
        if reset:
            pairs = [(f, v) for f, v in pairs if v is not None]
        await self._change(name, pairs, reset=reset)

    async def _change(
        self, name: str, pairs: list[tuple[str, str | None]], *, reset: bool | None = None
    ) -> None:
        """Write ``pairs`` (no pairs: reset the name), bump the generations, announce."""
        reset = not pairs if reset is None else reset
        if self._closed:
            return
        if self.usable:
            with contextlib.suppress(_StoreDown):
                args = self._args("reset" if reset else "change", pairs)
                key = self._key(name)
                await self._call(lambda: self._write(keys=[key, f"{self.ns}:gen", key], args=args))
        fields = None if reset else [field for field, _ in pairs]
        await self._announce({"op": "drop", "name": name, "fields": fields})

    def forget(self, name: str | None) -> None:
        """``prompts.invalidate()`` in this process: store copies from before now are
        ignored here at once, and the store and the fleet are told in the background."""
        self._floors.pop(name, None)
        self._floors[name] = self.wall()
        while len(self._floors) > 1024:
            del self._floors[next(iter(self._floors))]
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop: this process's floor is all that can be done
        if name is not None:
            task = loop.create_task(self._change(name, []), name="posthog-prompt-store-forget")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _announce(self, message: dict[str, Any]) -> None:
        if self._closed or not self.usable:
            return
        message = {"format": FORMAT, "origin": self.origin, **message}
        text = json.dumps(message, separators=(",", ":"))
        with contextlib.suppress(_StoreDown):
            await self._call(lambda: self._redis.publish(self.channel, text))

    # -- bulk (prefetch) -----------------------------------------------------------------

    async def bulk(
        self, label: str | None, list_all: Callable[[], Awaitable[list[Prompt]]], fresh_for: float
    ) -> list[Aged]:
        """Every prompt of a list pass (the latest of each, or the ``label``'s versions):
        the store's when a pass stored them less than ``fresh_for`` ago, else one process
        lists them (``list_all``) and stores them for the others."""
        if self._closed or not self.usable:
            return [(p, 0.0) for p in await list_all()]
        self._start()
        which = label or "*"
        marker, lock = f"{self.ns}:bulk:{which}", f"{self.ns}:lock:bulk:{which}"
        try:
            await self._sync_clock()
            found = await self._bulk_read(marker, label, fresh_for)
            if found is not None:
                return found
            wake = self._waiter("*bulk", which)
            gen = _text(await self._call(lambda: self._redis.get(f"{self.ns}:gen"))) or ""
            token = secrets.token_hex(8)
            won = await self._call(
                lambda: self._redis.set(lock, token, nx=True, px=self._lock_ms())
            )
        except _StoreDown:
            return [(p, 0.0) for p in await list_all()]
        if not won:
            self.lock_waits += 1
            deadline = time.monotonic() + self.store.lock_timeout
            while time.monotonic() < deadline:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(min(0.2, deadline - time.monotonic())):
                        await wake.wait()
                try:
                    found = await self._bulk_read(marker, label, fresh_for)
                    if found is not None:
                        return found
                    if wake.is_set() or not await self._call(lambda: self._redis.exists(lock)):
                        break
                except _StoreDown:
                    break
            return [(p, 0.0) for p in await list_all()]
        at = self.wall()
        try:
            async with self._holding(lock, token):
                prompts = await list_all()
        except BaseException:
            with contextlib.suppress(_StoreDown):
                await self._call(lambda: self._release(keys=[lock], args=[token]))
            raise
        await self._bulk_write(prompts, label, gen, marker, lock, token, at)
        with contextlib.suppress(_StoreDown):
            await self._call(lambda: self._release(keys=[lock], args=[token]))
        await self._announce({"op": "stored", "name": "*bulk", "fields": [which]})
        return [(p, 0.0) for p in prompts]

    async def _bulk_read(
        self, marker: str, label: str | None, fresh_for: float
    ) -> list[Aged] | None:
        """The stored list pass, or None (none, stale, one prompt missing, or refused)."""
        with contextlib.suppress(_Refused):
            return await self._bulk_stored(marker, label, fresh_for)
        return None

    async def _bulk_stored(
        self, marker: str, label: str | None, fresh_for: float
    ) -> list[Aged] | None:
        raw = _text(await self._call(lambda: self._redis.get(marker)))
        try:
            data = json.loads(raw) if raw is not None else None
        except ValueError:
            data = None
        if type(data) is not dict or data.get("format") != FORMAT:
            return None
        at, names = _number(data.get("at")), data.get("names")
        if at is None or type(names) is not list:
            return None
        if at < self._floors.get(None, -math.inf) or self.wall() - at >= fresh_for:
            return None
        if not names:
            return []
        slot: Slot = label
        field = _field(slot)

        async def read_all() -> list[Any]:
            async with self._redis.pipeline(transaction=False) as pipe:
                for name in names:
                    pipe.hget(self._key(str(name)), field)
                return list(await pipe.execute())

        values = await self._call(read_all)
        found: list[Aged] = []
        for name, raw_value in zip(names, values, strict=True):
            aged = self._aged(str(name), slot, raw_value) if isinstance(name, str) else None
            if aged is None or aged[1] >= fresh_for:
                return None  # one missing or stale: list again
            found.append(aged)
        self.hits += len(found)
        return found

    async def _bulk_write(
        self, prompts: list[Prompt], label: str | None, gen: str, marker: str, lock: str,
        token: str, at: float,
    ) -> None:  # fmt: skip
        """Store a list pass started at ``at`` (each prompt as a refresh, while ``lock`` is
        still ours) and its marker."""
        marked = json.dumps(
            {"format": FORMAT, "at": at, "names": [p.name for p in prompts]},
            separators=(",", ":"),
        )

        async def write_all() -> None:
            async with self._redis.pipeline(transaction=False) as pipe:
                for prompt in prompts:
                    pairs = self._pairs(prompt, label, at)
                    await self._write(  # buffered in the pipeline
                        keys=[self._key(prompt.name), f"{self.ns}:gen", lock],
                        args=self._args(
                            "refresh", pairs, prompt.version, at, ns_gen=gen, token=token
                        ),
                        client=pipe,
                    )
                pipe.set(marker, marked, px=self._expire_ms())
                await pipe.execute()

        with contextlib.suppress(_StoreDown):
            await self._call(write_all)

    # -- announcements from other processes ----------------------------------------

    async def _listen(self) -> None:
        gap = silent = False
        while not self._closed:
            pubsub = self._redis.pubsub()
            try:
                async with asyncio.timeout(self.store.command_timeout * 4):
                    await pubsub.subscribe(self.channel)
                    while True:  # the confirmation: from here on nothing is missed
                        reply = await pubsub.get_message(timeout=self.store.command_timeout)
                        if reply is not None and _text(reply.get("type")) == "subscribe":
                            break
                self._ok()
                if gap and self._cache is not None:
                    self._cache.expire()  # announcements may have been missed meanwhile
                if silent:
                    logger.info("posthog_api: the prompt store's announcements are back")
                gap = silent = False
                self._subscribed.set()
                await self._receive(pubsub)
            except asyncio.CancelledError:
                raise
            except _Silent as error:
                gap = True
                self._subscribed.clear()
                if self._cache is not None:
                    self._cache.expire()  # from now: missed announcements are missed here
                silent = self._outage_warning(
                    "posthog_api: the prompt store's announcements stopped (%s); "
                    "reconnecting, and revalidating every in-process copy through the store",
                    error,
                )
            except Exception as error:
                gap = True
                self._subscribed.clear()
                if not self._closed:
                    self._failed(error)
            finally:
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(self.store.command_timeout):
                        await pubsub.aclose()
            if not self._closed:
                await asyncio.sleep(self.store.retry_interval)

    async def _receive(self, pubsub: Any) -> None:
        """Hear announcements until closed. Every ``heartbeat`` seconds a PING goes out;
        nothing heard within ``4 * command_timeout`` after it raises ``_Silent`` (a
        connection a NAT or load balancer dropped without a word)."""
        within = self.store.command_timeout * 4
        pinged = time.monotonic()
        answer_by = math.inf
        while not self._closed:  # (redis-py may swallow a cancellation)
            reply = await pubsub.get_message(
                ignore_subscribe_messages=True, timeout=min(0.25, self.heartbeat)
            )
            now = time.monotonic()
            if reply is not None:
                answer_by = math.inf  # the connection carries data: alive
                if _text(reply.get("type")) != "pong":
                    self._heard(reply.get("data"))
            elif now > answer_by:
                raise _Silent(f"no answer to a PING within {within:g} s")
            if now >= pinged + self.heartbeat:
                pinged = now
                if answer_by == math.inf:
                    async with asyncio.timeout(self.store.command_timeout):
                        await pubsub.ping(_PING)
                    answer_by = now + within

    def _heard(self, data: object) -> None:
        """One announcement: wake the waiters of its keys; a write drops our copies."""
        try:
            message = json.loads(_text(data) or "")
        except ValueError:
            return
        if type(message) is not dict or message.get("format") != FORMAT:
            return
        name, fields = message.get("name"), message.get("fields")
        if not isinstance(name, str) and name is not None:
            return
        if fields is not None and (
            type(fields) is not list or not all(isinstance(f, str) for f in fields)
        ):
            return
        for (waiting, field), event in list(self._waiters.items()):
            if waiting == name and (fields is None or field in fields):
                event.set()
                del self._waiters[(waiting, field)]
        if message.get("op") != "drop" or message.get("origin") == self.origin:
            return
        cache = self._cache
        if cache is None or name is None:
            return
        if fields is None:
            cache.invalidate(name)
            return
        for field in fields:
            kind, _, rest = field.partition(":")
            if field == "latest":
                cache.invalidate(name, latest=True)
            elif kind == "v" and rest.isdigit():
                cache.invalidate(name, int(rest))
            elif kind == "l" and rest:
                cache.invalidate(name, label=rest)


def _stale(stored: Aged) -> Aged:
    prompt, age = stored
    return prompt.with_source("stale"), age


def _flat(pairs: list[tuple[str, str | None]]) -> list[str]:
    return [item for field, value in pairs for item in (field, value or "")]
