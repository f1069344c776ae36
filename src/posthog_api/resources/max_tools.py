"""``posthog.max_tools``: tools of PostHog's AI assistant."""

from __future__ import annotations

from typing import Any

from posthog_api_client.models import JSONObject, MaxToolsInsightRequest

from ._base import Resource, build_body


class MaxTools(Resource):
    __slots__ = ()

    async def create_and_query_insight(
        self, body: MaxToolsInsightRequest | dict[str, Any] | None = None, **fields: Any
    ) -> JSONObject:
        """Turn a question (``query_description``) into an insight and run it.

        Needs both ``insight:read`` and ``query:read``.
        """
        request = build_body(
            "max_tools.create_and_query_insight",
            MaxToolsInsightRequest,
            body,
            fields,
            open_ended=True,
        )
        return await self._client._call(
            "max_tools_create_and_query_insight_create", JSONObject, body=request
        )
