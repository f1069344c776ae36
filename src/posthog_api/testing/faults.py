"""Faults on demand: latency, rate limiting, server errors and dropped connections.

Retry logic, timeouts and benchmarks need a server that misbehaves in controlled,
repeatable ways. Every random choice comes from a seeded RNG so a failing test
replays the same way, and :meth:`Faults.reset` puts everything back to normal.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    """What the server does to one request before (or instead of) handling it."""

    delay: float = 0.0
    drop: bool = False
    throttle: int | None = None  # the Retry-After seconds of a 429
    error: int | None = None  # the status of an injected server error


class Faults:
    """The fault switches of one server; safe to change from any thread at any time."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self.reset(seed)

    def reset(self, seed: int | None = None) -> None:
        """Turn every fault off (and optionally re-seed the RNG)."""
        with self._lock:
            if seed is not None:
                self._seed = seed
            self._rng = random.Random(self._seed)
            self.latency = 0.0
            self._throttle_next = 0
            self._throttle_after: int | None = None
            self._throttle_seen = 0
            self._throttle_rate = 0.0
            self.retry_after = 12
            self._rate_count: int | None = None
            self._rate_window = 60.0
            self._rate_log: deque[float] = deque()
            self.rate_limited = 0  # requests answered 429 by limit_rate
            self._error_next = 0
            self._error_rate = 0.0
            self._error_status = 500
            self._error_methods: frozenset[str] | None = None
            self._drop_next = 0
            self._drop_rate = 0.0
            self._drop_methods: frozenset[str] | None = None

    # ------------------------------------------------------------ switches
    def set_latency(self, seconds: float) -> None:
        """Delay every request by ``seconds`` (with ``asyncio.sleep``, not blocking the loop)."""
        if seconds < 0:
            raise ValueError("latency must be >= 0")
        self.latency = seconds

    def throttle_next(self, count: int, retry_after: int = 12) -> None:
        """Answer the next ``count`` requests with 429 and ``Retry-After: retry_after``."""
        with self._lock:
            self._throttle_next = count
            self.retry_after = retry_after

    def throttle_after(self, allowed: int | None, retry_after: int = 12) -> None:
        """Let ``allowed`` more requests through, then answer 429 to all until reset.

        ``None`` turns this limit off.
        """
        with self._lock:
            self._throttle_after = allowed
            self._throttle_seen = 0
            self.retry_after = retry_after

    def throttle_rate(self, rate: float, retry_after: int = 12, seed: int | None = None) -> None:
        """Answer a fraction ``rate`` of requests with 429 and ``Retry-After: retry_after``."""
        _check_rate(rate)
        with self._lock:
            self._throttle_rate = rate
            self.retry_after = retry_after
            if seed is not None:
                self._rng = random.Random(seed)

    def limit_rate(self, count: int | None, window: float = 60.0) -> None:
        """Let at most ``count`` requests through in any ``window`` seconds, as PostHog's
        throttles count them (a log of the requests let through: Django REST framework's
        sliding window); the others get 429 with ``Retry-After``: the whole seconds until the
        oldest leaves the window. Counts every request, whatever its key; ``None``: off."""
        if count is not None and (count < 1 or not window > 0):
            raise ValueError("limit_rate needs a count >= 1 and a window > 0 seconds")
        with self._lock:
            self._rate_count = count
            self._rate_window = float(window)
            self._rate_log = deque()
            self.rate_limited = 0

    def fail_next(
        self, count: int, status: int = 500, methods: Iterable[str] | None = None
    ) -> None:
        """Answer the next ``count`` requests (of ``methods``, if given) with ``status``."""
        with self._lock:
            self._error_next = count
            self._error_status = status
            self._error_methods = _methods(methods)

    def fail_rate(
        self,
        rate: float,
        status: int = 500,
        methods: Iterable[str] | None = None,
        seed: int | None = None,
    ) -> None:
        """Answer a fraction ``rate`` of requests (of ``methods``) with ``status``."""
        _check_rate(rate)
        with self._lock:
            self._error_rate = rate
            self._error_status = status
            self._error_methods = _methods(methods)
            if seed is not None:
                self._rng = random.Random(seed)

    def drop_next(self, count: int, methods: Iterable[str] | None = None) -> None:
        """Close the connection of the next ``count`` requests without answering."""
        with self._lock:
            self._drop_next = count
            self._drop_methods = _methods(methods)

    def drop_rate(
        self, rate: float, methods: Iterable[str] | None = None, seed: int | None = None
    ) -> None:
        """Drop the connection of a fraction ``rate`` of requests."""
        _check_rate(rate)
        with self._lock:
            self._drop_rate = rate
            self._drop_methods = _methods(methods)
            if seed is not None:
                self._rng = random.Random(seed)

    @property
    def active(self) -> bool:
        """Whether any fault is switched on."""
        return bool(
            self.latency
            or self._throttle_next
            or self._throttle_after is not None
            or self._throttle_rate
            or self._rate_count is not None
            or self._error_next
            or self._error_rate
            or self._drop_next
            or self._drop_rate
        )

    # ------------------------------------------------------------ decision
    def decide(self, method: str) -> Decision:
        """Pick this request's fate; consumes the 'next N' counters."""
        method = method.upper()
        with self._lock:
            delay = self.latency
            drop_applies = self._drop_methods is None or method in self._drop_methods
            if drop_applies and self._drop_next > 0:
                self._drop_next -= 1
                return Decision(delay=delay, drop=True)
            if drop_applies and self._drop_rate and self._rng.random() < self._drop_rate:
                return Decision(delay=delay, drop=True)
            if self._throttle_next > 0:
                self._throttle_next -= 1
                return Decision(delay=delay, throttle=self.retry_after)
            if self._throttle_after is not None:
                self._throttle_seen += 1
                if self._throttle_seen > self._throttle_after:
                    return Decision(delay=delay, throttle=self.retry_after)
            if self._throttle_rate and self._rng.random() < self._throttle_rate:
                return Decision(delay=delay, throttle=self.retry_after)
            if self._rate_count is not None:
                now = time.monotonic()
                log = self._rate_log
                while log and log[0] <= now - self._rate_window:
                    log.popleft()
                if len(log) >= self._rate_count:
                    self.rate_limited += 1
                    wait = log[0] + self._rate_window - now
                    return Decision(delay=delay, throttle=max(1, math.ceil(wait)))
                log.append(now)
            error_applies = self._error_methods is None or method in self._error_methods
            if error_applies and self._error_next > 0:
                self._error_next -= 1
                return Decision(delay=delay, error=self._error_status)
            if error_applies and self._error_rate and self._rng.random() < self._error_rate:
                return Decision(delay=delay, error=self._error_status)
            return Decision(delay=delay)

    def __repr__(self) -> str:
        return (
            f"Faults(latency={self.latency}, throttle_next={self._throttle_next}, "
            f"throttle_after={self._throttle_after}, throttle_rate={self._throttle_rate}, "
            f"limit_rate={self._rate_count}/{self._rate_window:g}s, "
            f"error_next={self._error_next}, "
            f"error_rate={self._error_rate}, drop_next={self._drop_next}, "
            f"drop_rate={self._drop_rate})"
        )


def _methods(methods: Iterable[str] | None) -> frozenset[str] | None:
    return None if methods is None else frozenset(m.upper() for m in methods)


def _check_rate(rate: float) -> None:
    if not 0.0 <= rate <= 1.0:
        raise ValueError("rate must be between 0 and 1")
