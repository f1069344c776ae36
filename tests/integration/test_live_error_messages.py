"""Error messages as a user reads them, for answers the local server really sends over loopback.

Word for word: which call, the server's detail, how many attempts, what to do next.
"""

from __future__ import annotations

import pytest

from posthog_api import InternalServerError, RateLimitError, ScopeError

from .conftest import PROJECT, READ_ONLY_KEY, MakeClient, Server

DATASETS = f"/api/projects/{PROJECT}/datasets/"


async def test_a_retried_server_error_says_how_often_and_to_try_later(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(max_retries=1)
    server.state.faults.fail_next(2, status=503)
    with pytest.raises(InternalServerError) as info:
        await client.datasets.list()
    assert [r.status for r in server.log()] == [503, 503]
    assert info.value.status_code == 503
    assert str(info.value) == (
        f"posthog.datasets.list (GET {DATASETS}) failed with 503: A server error occurred "
        "(after 2 attempts). Next: try again later."
    )


async def test_the_servers_scope_answer_names_the_scope(
    make_client: MakeClient, server: Server
) -> None:
    client = make_client(api_key=READ_ONLY_KEY)
    with pytest.raises(ScopeError) as info:
        await client.datasets.create(name="x")
    assert info.value.missing == ("dataset:write",)
    assert info.value.granted is None
    assert len(server.log()) == 1  # a 403 is not retried
    assert str(info.value) == (
        f"posthog.datasets.create (POST {DATASETS}) failed with 403: API key missing required "
        "scope 'dataset:write'. Next: give the API key the scope it needs, or use a key with "
        "access to this project."
    )


async def test_a_429_carries_the_servers_wait(make_client: MakeClient, server: Server) -> None:
    client = make_client(max_retries=0)
    server.state.faults.throttle_next(1, retry_after=7)
    with pytest.raises(RateLimitError) as info:
        await client.datasets.list()
    assert info.value.retry_after == 7.0
    assert str(info.value) == (
        f"posthog.datasets.list (GET {DATASETS}) failed with 429: Request was throttled. Expected "
        "available in 7 seconds. Next: slow down; the SDK already retried within max_retries."
    )
