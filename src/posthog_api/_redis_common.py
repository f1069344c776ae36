"""What the Redis-backed parts (the prompt store, the rate budget) check and say alike.

Kept apart from both so that each imports it without importing the other.
"""

from __future__ import annotations

import math

from ._errors import ConfigurationError

__all__ = ["check_prefix", "check_seconds", "redis_error_detail"]


def check_prefix(prefix: object, who: str) -> str:
    """The key prefix: a non-empty printable str (it is part of every Redis key)."""
    if not isinstance(prefix, str) or not prefix or not prefix.isprintable():
        raise ConfigurationError(f"{who}: prefix must be a non-empty printable str, got {prefix!r}")
    return prefix


def check_seconds(
    value: object, option: str, who: str, *, positive: bool = True, allow_inf: bool = False
) -> float:
    """A duration option as float seconds: a number (not a bool), finite unless
    ``allow_inf``, and > 0 (``positive``) or >= 0. An int no float holds (10**400) is
    beyond every finite bound: infinite."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"{who}: {option} must be a finite number of seconds")
    try:
        seconds = float(value)
    except OverflowError:
        seconds = math.inf if value > 0 else -math.inf
    if math.isnan(seconds) or (seconds == math.inf and not allow_inf):
        raise ConfigurationError(f"{who}: {option} must be a finite number of seconds")
    if seconds <= 0 if positive else seconds < 0:
        bound = "> 0" if positive else ">= 0"
        shown = repr(value) if math.isfinite(seconds) else repr(seconds)
        raise ConfigurationError(f"{who}: {option} must be {bound}, got {shown}")
    return seconds


def redis_error_detail(error: BaseException, command_timeout: float) -> str:
    """A Redis failure as a log line shows it: a command timing out says which limit
    (its TimeoutError has no text of its own)."""
    text = str(error)[:200]
    if isinstance(error, TimeoutError) and not text:
        return f"no answer within command_timeout={command_timeout:g} s"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
