"""``RateBudget``: PostHog's per-key rate limits kept on this side, by every process at once.

PostHog counts each personal API key's requests over a sliding window (Django REST
framework's throttles: a log of request times; a request is refused when the last
``window`` seconds already hold ``count``): 480 a minute and 4,800 an hour for everything,
plus 30 a minute for prompt publishes. A token bucket of the same rate would let twice the
limit through in one window (a full bucket, then its refill), so the budget keeps the same
kind of log: each request reserves the earliest time at which every window it counts in
has room (plus a small ``margin`` for the way to the server), waits until then, and is sent.

With a Redis client the log lives in Redis (one sorted set per limit and key, updated by
one atomic Lua script using Redis's clock), shared by every process; without one it lives
in this process. The key is identified by a hash of the host and the key, never the key.

- A request whose turn is more than ``max_wait`` seconds away raises
  :class:`~posthog_api.RateLimitError` at once, before anything is sent (``retry_after``:
  the wait; ``response`` is None).
- A 429 from PostHog (its ``Retry-After``) drains the shortest window of the limits the
  request counted in, for every process: nothing is sent before the ``Retry-After`` (at
  most the longest window of those limits: no honest throttle asks for longer, and one
  bogus header must not stop every process for good), then requests resume at the
  limit's rate, not as a burst.
- A request given up while it waits for its turn (cancelled, a timeout around it) gives
  its reservation back: it sent nothing, so it must not delay the requests behind it.
- Background cache refreshes yield to the application's own calls: a refresh is sent only
  if it needs no wait and leaves ``refresh_reserve`` of every limit free; otherwise it is
  skipped and the stale copy stays served.
- Redis failing falls back to this process's own log (one WARNING; Redis is tried again
  ``retry_interval`` seconds later).
- ``on_wait(seconds, why)`` is told of every wait before it starts (a request's turn, with
  the limit it waits for; a 429's ``Retry-After``): the CLI shows it in its progress output.
"""

from __future__ import annotations

import asyncio
import bisect
import contextvars
import hashlib
import math
import secrets
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._errors import ConfigurationError, RateLimitError
from ._logging import logger
from ._redis_common import check_prefix, check_seconds, redis_error_detail

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["BUDGET_EXTENSION", "PUBLISH_OPERATION", "REFRESH", "RateBudget", "Ticket", "key_id"]

BUDGET_EXTENSION = "posthog_api.budget"  # in Request.extensions: the request's Ticket

PUBLISH_OPERATION = "llm_prompts_name_partial_update"  # PATCH name/{prompt_name}/
# Set by the prompt cache in its background refresh tasks: such requests yield.
REFRESH: contextvars.ContextVar[bool] = contextvars.ContextVar("posthog_api_refresh", default=False)

DEFAULT_LIMITS: tuple[tuple[int, float], ...] = ((480, 60.0), (4800, 3600.0))
DEFAULT_PUBLISH_LIMITS: tuple[tuple[int, float], ...] = ((30, 60.0),)

# KEYS: one sorted set per limit. ARGV: max wait (-1: none), the refresh reserve (-1: not a
# refresh), a unique member, then count, window, margin per limit. Returns {granted, wait,
# the limit waited for (1-based; 0: none)}: of the limits whose turn is the latest, the one
# of the smallest count (a publish queued behind publishes waits for the publish limit).
# Both scripts check every argument before writing anything: a value Redis cannot store
# (an infinite time, say) must fail the call whole, not after half its writes.
_CHECKS = """
local function finite(x, low) return x ~= nil and x >= low and x < math.huge end
local function limit_ok(count, window, margin)
  return finite(count, 1) and count == math.floor(count) and finite(window, 0)
    and window > 0 and finite(margin, 0)
end
"""
_ACQUIRE = (
    _CHECKS
    + """
local maxwait, reserve = tonumber(ARGV[1]), tonumber(ARGV[2])
if #KEYS == 0 or #ARGV ~= 3 + 3 * #KEYS or not finite(maxwait, -1) or not finite(reserve, -1)
    or reserve > 1 or ARGV[3] == '' then
  return redis.error_reply('posthog_api rate budget: bad arguments')
end
for i = 1, #KEYS do
  local count, window = tonumber(ARGV[1 + 3 * i]), tonumber(ARGV[2 + 3 * i])
  if not limit_ok(count, window, tonumber(ARGV[3 + 3 * i])) then
    return redis.error_reply('posthog_api rate budget: bad limit')
  end
end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local at, why = now, 0
local roomy = true
for i = 1, #KEYS do
  local count = tonumber(ARGV[1 + 3 * i])
  local window = tonumber(ARGV[2 + 3 * i])
  local margin = tonumber(ARGV[3 + 3 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window - margin)
  local size = redis.call('ZCARD', KEYS[i])
  if size > 0 then
    local turn = tonumber(redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')[2])
    if size >= count then
      local nth = redis.call('ZRANGE', KEYS[i], size - count, size - count, 'WITHSCORES')
      turn = math.max(turn, tonumber(nth[2]) + window + margin)
    end
    if turn > at or (turn == at and why > 0 and count < tonumber(ARGV[1 + 3 * why])) then
      at, why = turn, i
    end
  end
  if reserve >= 0 and count - size - 1 < math.ceil(count * reserve) then roomy = false end
end
local wait = at - now
if wait <= 0 then why = 0 end
if reserve >= 0 and (wait > 0 or not roomy) then return {0, tostring(wait), why} end
if maxwait >= 0 and wait > maxwait then return {0, tostring(wait), why} end
for i = 1, #KEYS do
  local window = tonumber(ARGV[2 + 3 * i])
  local margin = tonumber(ARGV[3 + 3 * i])
  redis.call('ZADD', KEYS[i], at, ARGV[3])
  redis.call('PEXPIRE', KEYS[i], math.ceil((wait + window + margin) * 1000) + 1000)
end
return {1, tostring(wait), why}
"""
)
# KEYS[1]: the drained limit's set. ARGV: Retry-After, count, window, margin, a unique tag.
# What the set holds up to the Retry-After is replaced (PostHog's full window holds the past
# requests; those due before it will be refused, and not counted): 429s in a row drain the
# window once, not once each.
_DRAIN = (
    _CHECKS
    + """
local pause, count = tonumber(ARGV[1]), tonumber(ARGV[2])
local window, margin = tonumber(ARGV[3]), tonumber(ARGV[4])
if #KEYS ~= 1 or not finite(pause, 0) or not limit_ok(count, window, margin)
    or (ARGV[5] or '') == '' then
  return redis.error_reply('posthog_api rate budget: bad arguments')
end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now + pause)
for k = 1, count do
  redis.call('ZADD', KEYS[1], now + pause - window + k * window / count, ARGV[5] .. ':' .. k)
end
redis.call('PEXPIRE', KEYS[1], math.ceil((pause + window + margin) * 1000) + 1000)
return 1
"""
)
# KEYS: the request's limits' sets; ARGV[1]: its member. A request given up before it was
# sent gives its reservation back.
_GIVE_BACK = """
for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 1
"""


class RefreshSkipped(RateLimitError):
    """A background cache refresh the budget did not send (it yields to the application):
    the cache keeps serving its stale copy, without a warning per prompt."""


def key_id(host: str, api_key: str) -> str:
    """What names a key's budget: a hash of the host and the key (never the key itself)."""
    return hashlib.sha256(f"posthog_api budget\n{host}\n{api_key}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class _Limit:
    count: int
    window: float
    margin: float
    name: str  # in the Redis key: "60s", "3600s", "publish-60s"


def _limits(value: object, option: str, kind: str) -> tuple[_Limit, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ConfigurationError(
            f"RateBudget: {option} must be a list of (count, window seconds) pairs such as "
            f"[(480, 60), (4800, 3600)], got {type(value).__name__}"
        )
    limits: list[_Limit] = []
    for pair in value:
        if not isinstance(pair, Sequence) or len(pair) != 2:
            raise ConfigurationError(
                f"RateBudget: each of {option} is a (count, window seconds) pair, got {pair!r}"
            )
        count, window = pair
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ConfigurationError(f"RateBudget: {option}: a count must be an int >= 1")
        if isinstance(window, bool) or not isinstance(window, int | float):
            raise ConfigurationError(f"RateBudget: {option}: a window must be seconds > 0")
        if not 0 < window <= sys.float_info.max:  # not NaN, nor an int no float holds
            raise ConfigurationError(f"RateBudget: {option}: a window must be seconds > 0")
        window = float(window)
        if any(x.window == window for x in limits):
            raise ConfigurationError(
                f"RateBudget: {option} has two limits over {window:g} s: the smaller count is "
                "the limit, so keep only that pair"
            )
        margin = min(1.0, 0.02 * window)
        limits.append(_Limit(count, window, margin, f"{kind}{_exact(window)}s"))
    return tuple(limits)


def _exact(window: float) -> str:
    """The window as its log's name says it: short ("60"), yet distinct for distinct
    windows (60.0000001 is not 60: each limit keeps a log of its own)."""
    short = f"{window:g}"
    return short if float(short) == window else repr(window)


class _Log:
    """One limit's request log in this process: sorted times (the budget's ``clock``)."""

    __slots__ = ("times",)

    def __init__(self) -> None:
        self.times: list[float] = []


class RateBudget:
    """PostHog's rate limits, kept by the client before sending (see the module doc).

    ``AsyncPostHog(rate_budget=RateBudget())`` keeps them in this process (the CLI's
    ``prompts push``, say); ``RateBudget(redis)`` with a ``redis.asyncio.Redis`` shares
    them with every process using the same Redis and ``prefix``;
    ``AsyncPostHog(prompt_store=RedisPromptStore(redis), rate_budget=True)`` does the
    latter with the store's Redis. ``limits`` (every request) and ``publish_limits``
    (prompt publishes, on top) are ``(count, window seconds)`` pairs, PostHog's by default;
    ``max_wait`` (seconds, ``math.inf`` for no bound) is the longest a request waits for its
    turn before :class:`~posthog_api.RateLimitError` is raised instead; ``refresh_reserve``
    is the share of each limit that background cache refreshes leave to the application;
    ``margin`` (seconds) is how late after its turn a request may still reach PostHog (the
    way there, a queue at the server): a window's next turn comes that much later (2 % of
    the window, at most 1 s, by default). ``on_wait(seconds, why)`` is told of each wait
    before it starts (``why``: the limit waited for, or PostHog's 429), to show it; ``clock``
    (seconds, monotonic) and ``sleep`` keep this process's log and its waits (simulated time
    in tests; Redis keeps its own clock).
    """

    def __init__(
        self,
        redis: Redis | None = None,
        *,
        prefix: str = "posthog_api",
        limits: Iterable[tuple[int, float]] = DEFAULT_LIMITS,
        publish_limits: Iterable[tuple[int, float]] = DEFAULT_PUBLISH_LIMITS,
        max_wait: float = 60.0,
        refresh_reserve: float = 0.1,
        margin: float | None = None,
        command_timeout: float = 0.25,
        retry_interval: float = 1.0,
        on_wait: Callable[[float, str], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        for option, value in (("on_wait", on_wait), ("clock", clock), ("sleep", sleep)):
            if not (callable(value) or (value is None and option == "on_wait")):
                raise ConfigurationError(
                    f"RateBudget: {option} must be a function, got {type(value).__name__}"
                )
        if redis is not None:
            from .prompts.store import check_redis_client

            check_redis_client(redis, "RateBudget")
        self.redis: Any = redis
        self.prefix = check_prefix(prefix, "RateBudget")
        self.limits = _limits(limits, "limits", "")
        self.publish_limits = _limits(publish_limits, "publish_limits", "publish-")
        if not self.limits:
            raise ConfigurationError("RateBudget: limits must hold at least one (count, window)")
        if margin is not None:
            seconds = check_seconds(margin, "margin", "RateBudget", positive=False)
            self.limits = tuple(_with_margin(x, seconds) for x in self.limits)
            self.publish_limits = tuple(_with_margin(x, seconds) for x in self.publish_limits)
        self.max_wait = check_seconds(
            max_wait, "max_wait", "RateBudget", positive=False, allow_inf=True
        )
        if isinstance(refresh_reserve, bool) or not isinstance(refresh_reserve, int | float):
            raise ConfigurationError("RateBudget: refresh_reserve must be a fraction from 0 to 1")
        if not 0 <= refresh_reserve <= 1:
            raise ConfigurationError("RateBudget: refresh_reserve must be a fraction from 0 to 1")
        self.refresh_reserve = float(refresh_reserve)
        self.command_timeout = check_seconds(command_timeout, "command_timeout", "RateBudget")
        self.retry_interval = check_seconds(
            retry_interval, "retry_interval", "RateBudget", positive=False
        )
        self.on_wait = on_wait
        self._clock = clock
        self._sleep = sleep
        self._logs: dict[tuple[str, str], _Log] = {}
        self._acquire = None if redis is None else redis.register_script(_ACQUIRE)
        self._drain = None if redis is None else redis.register_script(_DRAIN)
        self._give_back_script = None if redis is None else redis.register_script(_GIVE_BACK)
        self._down = False
        self._retry_at = 0.0
        self._warned_refresh = -math.inf
        self.waits = self.refused = self.skipped = self.drained = 0
        self.waited = 0.0  # seconds spent waiting for a turn, in all

    def __repr__(self) -> str:
        where = "in-process" if self.redis is None else f"redis, prefix={self.prefix!r}"
        shown = ", ".join(f"{x.count}/{x.window:g}s" for x in self.limits)
        return f"RateBudget({where}, limits=[{shown}], max_wait={self.max_wait:g})"

    @property
    def shared(self) -> bool:
        """Whether the budget is kept in Redis (and Redis answers)."""
        return self.redis is not None and not self._down

    # -- the request path ------------------------------------------------------------

    async def acquire(self, key: str, *, publish: bool = False, refresh: bool = False,
                      call: str = "the request") -> float:  # fmt: skip
        """Wait for this request's turn (seconds waited); raises :class:`RateLimitError`
        when it is more than ``max_wait`` away (or, for a ``refresh``, not now)."""
        limits = self.limits + (self.publish_limits if publish else ())
        granted, wait, why, held = await self._reserve(key, limits, refresh)
        if not granted:
            if refresh:
                self.skipped += 1
                raise self._skipped(call, wait)
            self.refused += 1
            raise self._refused(call, wait)
        if wait > 0:
            self.waits += 1
            self.waited += wait
            try:
                if self.on_wait is not None:
                    self.on_wait(wait, self._pacing(why))
                await self._sleep(wait)
            except BaseException:  # given up before sending (cancelled, say): not a request
                await self._give_back(key, limits, held)
                raise
        return wait

    async def throttled(
        self, key: str, retry_after: float | None, *, publish: bool = False
    ) -> None:
        """PostHog answered 429: drain the shortest window of the request's limits for
        every process sharing the budget (nothing sent before ``retry_after``). The window
        is then full, as PostHog says: its log up to ``retry_after`` is replaced by ``count``
        requests spread over the window ending then (not added to: a second 429 does not
        make the window fuller). The pause is at most the longest window the request counted
        in: a throttle never asks for more, and a bogus header must not block the key for
        every process for good (1 s without one, or an unreadable one)."""
        counted = self.limits + (self.publish_limits if publish else ())
        longest = max(x.window for x in counted)
        asked = None if retry_after is None else float(retry_after)
        if asked is None or math.isnan(asked):
            pause = 1.0
            said = "no Retry-After"
        else:
            pause = min(max(0.0, asked), longest)
            said = f"Retry-After: {asked:g} s"
            if pause < asked:
                said += f"; waiting {pause:g} s, the longest window"
        drained = self.publish_limits if publish and self.publish_limits else self.limits
        limit = min(drained, key=lambda x: x.window)
        self.drained += 1
        if self.on_wait is not None:
            self.on_wait(pause, f"PostHog answered 429, too many requests ({said})")
        if self._drain is not None and self._usable():
            tag = secrets.token_hex(6)
            try:
                async with asyncio.timeout(self.command_timeout):
                    await self._drain(
                        keys=[self._key(key, limit)],
                        args=[pause, limit.count, limit.window, limit.margin, tag],
                    )
                self._ok()
            except Exception as error:
                self._failed(error)
            else:
                return
        now = self._clock()
        log = self._log(key, limit)
        until = now + pause
        full = [until - limit.window + k * limit.window / limit.count
                for k in range(1, limit.count + 1)]  # fmt: skip
        log.times = full + log.times[bisect.bisect_right(log.times, until) :]

    # -- the shared log (Redis) and the local one ------------------------------------

    def _key(self, key: str, limit: _Limit) -> str:
        return f"{self.prefix}:budget:{{{key}}}:{limit.name}"

    async def _reserve(
        self, key: str, limits: tuple[_Limit, ...], refresh: bool
    ) -> tuple[bool, float, _Limit | None, str | float]:
        """Whether the request may go, in how many seconds, the limit it waits for, and
        what to give back if it is not sent after all (its member in Redis, or its time
        in this process's logs)."""
        if self._acquire is not None and self._usable():
            member = f"{time.time():.6f}:{secrets.token_hex(6)}"
            args: list[Any] = [
                -1 if self.max_wait == math.inf else self.max_wait,
                self.refresh_reserve if refresh else -1,
                member,
            ]
            for limit in limits:
                args.extend((limit.count, limit.window, limit.margin))
            try:
                async with asyncio.timeout(self.command_timeout):
                    granted, wait, why = await self._acquire(
                        keys=[self._key(key, x) for x in limits], args=args
                    )
                self._ok()
                index = int(why) - 1
                waits_for = limits[index] if 0 <= index < len(limits) else None
                return bool(int(granted)), max(0.0, float(wait)), waits_for, member
            except asyncio.CancelledError:  # the script may have run: take it back
                await self._give_back(key, limits, member)
                raise
            except Exception as error:
                self._failed(error)
        return self._reserve_here(key, limits, refresh)

    async def _give_back(self, key: str, limits: tuple[_Limit, ...], held: str | float) -> None:
        """Undo a reservation whose request was not sent (best effort: a Redis failing
        now leaves it to expire with its window)."""
        if not isinstance(held, str):
            for limit in limits:
                times = self._log(key, limit).times
                at = bisect.bisect_left(times, held)
                if at < len(times) and times[at] == held:
                    del times[at]
            return
        if self._give_back_script is None:
            return
        try:
            async with asyncio.timeout(self.command_timeout):
                await self._give_back_script(keys=[self._key(key, x) for x in limits], args=[held])
        except Exception as error:
            self._failed(error)

    def _log(self, key: str, limit: _Limit) -> _Log:
        log = self._logs.get((key, limit.name))
        if log is None:
            log = self._logs[(key, limit.name)] = _Log()
        return log

    def _reserve_here(
        self, key: str, limits: tuple[_Limit, ...], refresh: bool
    ) -> tuple[bool, float, _Limit | None, float]:
        """The Lua script's algorithm on this process's own logs."""
        now = self._clock()
        at = now
        why: _Limit | None = None
        roomy = True
        logs = [self._log(key, limit) for limit in limits]
        for limit, log in zip(limits, logs, strict=True):
            times = log.times
            cut = bisect.bisect_right(times, now - limit.window - limit.margin)
            if cut:
                del times[:cut]
            size = len(times)
            if size:
                turn = times[-1]
                if size >= limit.count:
                    turn = max(turn, times[size - limit.count] + limit.window + limit.margin)
                if turn > at or (turn == at and why is not None and limit.count < why.count):
                    at, why = turn, limit
            if refresh and limit.count - size - 1 < math.ceil(limit.count * self.refresh_reserve):
                roomy = False
        wait = at - now
        if wait <= 0:
            why = None
        if refresh and (wait > 0 or not roomy):
            return False, wait, why, at
        if self.max_wait != math.inf and wait > self.max_wait:
            return False, wait, why, at
        for log in logs:
            log.times.append(at)  # at >= every time in the log: still sorted
        return True, wait, why, at

    def _usable(self) -> bool:
        return not self._down or self._clock() >= self._retry_at

    def _ok(self) -> None:
        if self._down:
            self._down = False
            logger.info("posthog_api: the rate budget's Redis answers again; sharing it")

    def _failed(self, error: BaseException) -> None:
        self._retry_at = self._clock() + self.retry_interval
        if not self._down:
            self._down = True
            logger.warning(
                "posthog_api: the rate budget's Redis failed (%s); keeping the budget in "
                "this process until it answers (retried every %g s)",
                redis_error_detail(error, self.command_timeout),
                self.retry_interval,
            )

    # -- errors ----------------------------------------------------------------------

    def _describe(self) -> str:
        limits = ", ".join(f"{x.count:,} per {_window(x.window)}" for x in self.limits)
        if self.redis is None:
            return f"{limits}; kept in this process"
        return f"{limits}; shared through Redis by every process using it"

    def _pacing(self, limit: _Limit | None) -> str:
        """What a wait is for, as ``on_wait`` is told it."""
        if limit is None:  # cannot happen: a wait has a limit; said plainly all the same
            return "pacing to the API key's rate limits"
        publish = limit in self.publish_limits
        what = "prompt publishes" if publish else "requests"
        posthogs = (limit.count, limit.window) in (
            DEFAULT_PUBLISH_LIMITS if publish else DEFAULT_LIMITS
        )
        return f"pacing to {limit.count:,} {what} per {_window(limit.window)}" + (
            " (PostHog's limit)" if posthogs else ""
        )

    def _refused(self, call: str, wait: float) -> RateLimitError:
        return RateLimitError(
            f"{call}: the API key's rate budget ({self._describe()}) has no room for "
            f"{wait:.1f} s, longer than max_wait={self.max_wait:g} s, so nothing was sent "
            "(PostHog would answer 429). Next: send fewer requests (prompts.get is cached; "
            "prefetch() lists 100 prompts a request), retry after .retry_after seconds, or "
            "raise RateBudget(max_wait=...).",
            status_code=429,
            retry_after=wait,
        )

    def _skipped(self, call: str, wait: float) -> RefreshSkipped:
        now = self._clock()
        if now - self._warned_refresh >= 60.0:
            self._warned_refresh = now
            logger.warning(
                "posthog_api: the rate budget is nearly spent (%s): background prompt "
                "refreshes are skipped and stale copies served, leaving the rest to your calls",
                self._describe(),
            )
        return RefreshSkipped(
            f"{call}: a background prompt refresh was skipped: the rate budget "
            f"({self._describe()}) keeps its last {self.refresh_reserve:.0%} for the "
            "application's own calls; the cached copy stays served.",
            status_code=429,
            retry_after=max(wait, 1.0),
        )


def _with_margin(limit: _Limit, margin: float) -> _Limit:
    return _Limit(limit.count, limit.window, margin, limit.name)


def _window(seconds: float) -> str:
    for unit, size in (("hour", 3600.0), ("minute", 60.0)):
        if seconds == size:
            return unit
    return f"{seconds:g} s"


class Ticket:
    """What a request carries to the retry transport (``Request.extensions``): whose
    budget, which limits, and what to call it in an error."""

    __slots__ = ("budget", "call", "key", "publish", "refresh")

    def __init__(
        self, budget: RateBudget, key: str, publish: bool, refresh: bool, call: str
    ) -> None:
        self.budget = budget
        self.key = key
        self.publish = publish
        self.refresh = refresh
        self.call = call

    async def acquire(self) -> None:
        """Before each attempt: wait for its turn, or raise RateLimitError."""
        await self.budget.acquire(
            self.key, publish=self.publish, refresh=self.refresh, call=self.call
        )

    async def throttled(self, retry_after: float | None) -> None:
        """After a 429: drain the shared budget."""
        await self.budget.throttled(self.key, retry_after, publish=self.publish)
