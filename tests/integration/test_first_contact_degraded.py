"""Issue 12, "degraded modes make a sound", over loopback.

A fallback served by ``prompts.get`` and a stale copy served after a failed refresh log one
WARNING per prompt per cooldown on the ``posthog_api`` logger, naming the error class and,
for a configuration problem (401, 403, a wrong project), what to check; never the key.
``prompts.stats().to_dict()`` is JSON for a health endpoint.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from .conftest import BAD_KEY, KEY, MakeClient, Server, clocked, until

FALLBACK = "You are a helpful assistant."
NO_PROMPT_KEY = "phx_integration_datasets_only_secret_0a1b2c3d"


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "posthog_api" and r.levelno == logging.WARNING
    ]


@pytest.fixture(autouse=True)
def _capture(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="posthog_api")


# -- configuration problems: the fallback is served, and it says why -------------------------


@pytest.mark.parametrize(
    ("options", "error_class", "to_check"),
    [
        ({"api_key": BAD_KEY}, "AuthenticationError", "POSTHOG_PERSONAL_API_KEY"),
        ({"api_key": NO_PROMPT_KEY}, "ScopeError", "scope"),
        ({"project_id": "999"}, "ProjectNotFoundError", "POSTHOG_PROJECT_ID"),
    ],
)
async def test_a_configuration_problem_serves_the_fallback_with_one_warning_per_cooldown(
    make_client: MakeClient,
    server: Server,
    caplog: pytest.LogCaptureFixture,
    options: dict[str, Any],
    error_class: str,
    to_check: str,
) -> None:
    server.state.add_key(NO_PROMPT_KEY, ["dataset:read"])
    client, clock = clocked(make_client, prompt_cache_error_cooldown=5, **options)

    first = await client.prompts.get("support-bot", fallback=FALLBACK)
    assert (first.source, first.prompt) == ("fallback", FALLBACK)  # the service stays up
    (warning,) = _warnings(caplog)
    assert "'support-bot'" in warning and "fallback" in warning
    assert "configuration problem" in warning
    assert error_class in warning and to_check in warning
    for key in (KEY, BAD_KEY, NO_PROMPT_KEY):
        assert key not in caplog.text

    for _ in range(5):  # within the cooldown: served again, nothing sent, nothing logged
        assert (await client.prompts.get("support-bot", fallback=FALLBACK)).source == "fallback"
    assert len(_warnings(caplog)) == 1
    assert len(server.log("GET")) == 1

    clock.advance(5)  # the next cooldown: one more request, one more warning
    assert (await client.prompts.get("support-bot", fallback=FALLBACK)).source == "fallback"
    assert len(_warnings(caplog)) == 2
    assert len(server.log("GET")) == 2


async def test_each_prompt_gets_its_own_warning(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(api_key=BAD_KEY)
    for name in ("a", "b", "a", "b"):
        await client.prompts.get(name, fallback=FALLBACK)
    warnings = _warnings(caplog)
    assert len(warnings) == 2
    assert "'a'" in warnings[0] and "'b'" in warnings[1]


async def test_an_outage_fallback_warns_with_the_error_class(
    make_client: MakeClient, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(max_retries=0)
    server.state.faults.fail_next(1, status=503)
    served = await client.prompts.get("support-bot", fallback=lambda: FALLBACK)
    assert served.source == "fallback"
    (warning,) = _warnings(caplog)
    assert "InternalServerError" in warning and "'support-bot'" in warning
    assert "configuration problem" not in warning


async def test_a_missing_prompt_without_fallback_raises_and_logs_nothing(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client()
    with pytest.raises(Exception, match="was not found"):
        await client.prompts.get("support-bot")
    assert _warnings(caplog) == []


async def test_a_fresh_or_cached_prompt_logs_nothing(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client()
    await client.prompts.create("bot", "text")
    for _ in range(3):
        assert (await client.prompts.get("bot", fallback=FALLBACK)).prompt == "text"
    assert _warnings(caplog) == []


# -- a stale copy after a failed refresh ----------------------------------------------------


async def test_a_stale_copy_after_a_failed_refresh_warns_once_per_cooldown(
    make_client: MakeClient, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    client, clock = clocked(make_client, max_retries=0, prompt_cache_error_cooldown=5)
    await client.prompts.create("bot", "the text")
    assert (await client.prompts.get("bot")).prompt == "the text"

    server.state.faults.fail_rate(1.0, status=500)
    clock.advance(61)  # past prompt_cache_ttl
    assert (await client.prompts.get("bot")).source == "stale"
    await until(lambda: client.prompts.stats().refresh_errors == 1)
    (warning,) = _warnings(caplog)
    assert "'bot'" in warning and "cached copy" in warning and "refresh failed" in warning
    assert "InternalServerError" in warning
    assert KEY not in caplog.text

    for _ in range(5):  # in the cooldown: stale, no refresh, no new warning
        assert (await client.prompts.get("bot")).source == "stale"
    assert len(_warnings(caplog)) == 1

    clock.advance(5)
    assert (await client.prompts.get("bot")).source == "stale"
    await until(lambda: client.prompts.stats().refresh_errors == 2)
    assert len(_warnings(caplog)) == 2

    server.state.faults.reset()
    clock.advance(5)
    await client.prompts.get("bot")
    await until(lambda: client._prompt_cache._inflight == {})
    assert (await client.prompts.get("bot")).source == "cache"
    assert len(_warnings(caplog)) == 2  # healthy again: silent


async def test_a_revoked_key_during_a_refresh_says_what_to_check(
    make_client: MakeClient, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    client, clock = clocked(make_client)
    await client.prompts.create("bot", "the text")
    await client.prompts.get("bot")
    with server.state.lock:
        del server.state.keys[KEY]
    clock.advance(61)
    assert (await client.prompts.get("bot")).source == "stale"
    await until(lambda: client.prompts.stats().refresh_errors == 1)
    (warning,) = _warnings(caplog)
    assert "AuthenticationError" in warning and "POSTHOG_PERSONAL_API_KEY" in warning
    assert KEY not in caplog.text


# -- stats for a health endpoint ------------------------------------------------------------


async def test_stats_to_dict_is_json_for_a_health_endpoint(make_client: MakeClient) -> None:
    client = make_client(api_key=BAD_KEY)
    await client.prompts.get("support-bot", fallback=FALLBACK)
    await client.prompts.get("support-bot", fallback=FALLBACK)
    stats = client.prompts.stats()
    body = json.loads(json.dumps(stats.to_dict()))
    assert body == {
        "hits": 0,
        "misses": 2,
        "coalesced": 0,
        "refreshes": 0,
        "refresh_errors": 0,
        "stale_served": 0,
        "evictions": 0,
        "size": 0,
        "fallbacks_served": 2,
        "store_hits": 0,  # the shared store's counters (no store here)
        "store_waits": 0,
        "store_errors": 0,
    }
    assert body["fallbacks_served"] == stats.fallbacks_served
