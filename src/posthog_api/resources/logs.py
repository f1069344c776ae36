"""``posthog.logs``: querying the logs product."""

from __future__ import annotations

from typing import Any

from posthog_api_client.models import JSONObject, LogsQueryRequest

from ._base import Resource, build_body


class Logs(Resource):
    __slots__ = ()

    async def query(
        self, body: LogsQueryRequest | dict[str, Any] | None = None, **fields: Any
    ) -> JSONObject:
        request = build_body("logs.query", LogsQueryRequest, body, fields, open_ended=True)
        return await self._client._call("logs_query_create", JSONObject, body=request)

    async def sparkline(
        self, body: LogsQueryRequest | dict[str, Any] | None = None, **fields: Any
    ) -> JSONObject:
        request = build_body("logs.sparkline", LogsQueryRequest, body, fields, open_ended=True)
        return await self._client._call("logs_sparkline_create", JSONObject, body=request)

    async def attributes(self) -> JSONObject:
        return await self._client._call("logs_attributes_retrieve", JSONObject)

    async def values(self) -> JSONObject:
        return await self._client._call("logs_values_retrieve", JSONObject)
