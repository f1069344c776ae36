"""An int argument over its parameter's maximum is refused by the SDK's own error, however
large: the one check of ``_validation.integer`` (a huge int has no str() to quote)."""

from __future__ import annotations

import pytest

from posthog_api._errors import InvalidRequestError

from .conftest import Harness, MakeClient, match_operation, success_response


@pytest.fixture
def h(make_client: MakeClient) -> Harness:
    return make_client(lambda request: success_response(match_operation(request), request))


@pytest.mark.parametrize(
    ("limit", "shown"),
    [(101, "got 101"), (10**5000, "got an int of 16,610 bits")],
    ids=["just over", "too long to print"],
)
async def test_a_limit_over_the_maximum_is_refused_before_sending(
    h: Harness, limit: int, shown: str
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        await h.client.prompts.resolve("greet", limit=limit)
    assert "posthog.prompts.resolve: limit must be <= 100" in str(info.value)
    assert shown in str(info.value)
    assert h.requests == []


async def test_a_limit_at_the_maximum_is_sent(h: Harness) -> None:
    await h.client.prompts.resolve("greet", limit=100)
    assert [r.url.params["limit"] for r in h.requests] == ["100"]
