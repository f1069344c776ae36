"""``posthog.error_tracking``: registering symbol sets for upload."""

from __future__ import annotations

from typing import Any

from posthog_api_client.models import ErrorTrackingSymbolSetRequest, JSONObject

from ._base import Resource, build_body


class ErrorTracking(Resource):
    __slots__ = ()

    async def bulk_start_upload(
        self, body: ErrorTrackingSymbolSetRequest | dict[str, Any] | None = None, **fields: Any
    ) -> JSONObject:
        request = build_body(
            "error_tracking.bulk_start_upload",
            ErrorTrackingSymbolSetRequest,
            body,
            fields,
            open_ended=True,
        )
        return await self._client._call(
            "error_tracking_symbol_sets_bulk_start_upload_create", JSONObject, body=request
        )

    async def start_upload(
        self, body: JSONObject | dict[str, Any] | None = None, **fields: Any
    ) -> JSONObject:
        request = build_body(
            "error_tracking.start_upload", JSONObject, body, fields, open_ended=True
        )
        return await self._client._call(
            "error_tracking_symbol_sets_start_upload_create", JSONObject, body=request
        )
