"""``posthog.logs``: querying the logs product."""

from __future__ import annotations

from typing import Any

from posthog_api_client.models import JSONObject, LogAttributeTypeEnum, LogsQueryRequest
from posthog_api_client.types import UNSET

from ._base import Resource, build_body, enum_value, unset_if_none


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

    async def attributes(
        self, *, search: str | None = None, attribute_type: str | None = None
    ) -> JSONObject:
        """Attribute names seen in logs (``attribute_type`` log or resource)."""
        return await self._client._call(
            "logs_attributes_retrieve",
            JSONObject,
            search=unset_if_none(search),
            attribute_type=_attribute_type(attribute_type),
        )

    async def values(
        self,
        key: str | None = None,
        *,
        attribute_type: str | None = None,
        value: str | None = None,
    ) -> JSONObject:
        """Values seen for the attribute ``key`` (optionally only those containing ``value``)."""
        return await self._client._call(
            "logs_values_retrieve",
            JSONObject,
            key=unset_if_none(key),
            attribute_type=_attribute_type(attribute_type),
            value=unset_if_none(value),
        )


def _attribute_type(value: str | None) -> Any:
    if value is None:
        return UNSET
    return enum_value(LogAttributeTypeEnum, value, "attribute_type")
