"""prefetch with a shared store checks the listed rows as prefetch without one does: a row
no get could ask for (a name against PostHog's rule) is refused, never stored in Redis.
The hostile list answer comes from ``httpx.MockTransport``; Redis is real, on loopback."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from posthog_api import AsyncPostHog, RedisPromptStore, ResponseValidationError

ROW: dict[str, Any] = {
    "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
    "name": "fine",
    "version": 3,
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
    "prompt": "Hello",
    "labels": ["production"],
}


@pytest.mark.parametrize("label", [None, "production"])
async def test_prefetch_through_the_store_refuses_a_row_named_against_the_rule(
    redis_client: Any, store_prefix: str, label: str | None
) -> None:
    rows = [ROW, {**ROW, "name": "../../evil name"}]
    page = {"count": 2, "next": None, "previous": None, "results": rows}
    http = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda _: httpx.Response(200, json=page))
    )
    store = RedisPromptStore(redis_client, prefix=store_prefix)
    client = AsyncPostHog(
        api_key="phx_TESTKEY_0123456789abcdef", project_id="4242", http_client=http,
        prompt_store=store,
    )  # fmt: skip
    try:
        with pytest.raises(ResponseValidationError) as info:
            await client.prompts.prefetch(label=label)
        assert "which breaks PostHog's prompt name rule" in str(info.value)
        assert len(client.prompts._cache) == 0
        assert await redis_client.keys(f"{store_prefix}:*:p:*") == []  # nothing stored
    finally:
        await client.aclose()
        await http.aclose()
