"""Duration options given as an int too large for a float are refused (or, where no bound
is allowed, read as infinity) with the SDK's ConfigurationError, never Python's
OverflowError from float(): the same rule as the client's own timeout."""

from __future__ import annotations

import math

import pytest

from posthog_api import ConfigurationError, RateBudget

HUGE = 10**400  # no float holds it


@pytest.mark.parametrize(
    ("option", "match"),
    [
        ({"command_timeout": HUGE}, "command_timeout must be a finite number of seconds"),
        ({"retry_interval": HUGE}, "retry_interval must be a finite number of seconds"),
        ({"margin": HUGE}, "margin must be a finite number of seconds"),
        ({"limits": [(5, HUGE)]}, "a window must be seconds > 0"),
        ({"publish_limits": [(5, HUGE)]}, "a window must be seconds > 0"),
    ],
    ids=["command_timeout", "retry_interval", "margin", "limits", "publish_limits"],
)
def test_a_duration_no_float_holds_is_refused(option: dict[str, object], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        RateBudget(**option)  # type: ignore[arg-type]


def test_max_wait_without_bound_takes_a_huge_int_as_infinity() -> None:
    assert RateBudget(max_wait=HUGE).max_wait == math.inf  # type: ignore[arg-type]


def test_the_prompt_store_refuses_it_alike() -> None:
    redis = pytest.importorskip("redis.asyncio")
    from posthog_api import RedisPromptStore

    with pytest.raises(ConfigurationError, match="command_timeout must be a finite number"):
        RedisPromptStore(redis.Redis(), command_timeout=HUGE)
