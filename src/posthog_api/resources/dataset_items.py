"""``posthog.dataset_items``: the cases inside a dataset."""

from __future__ import annotations

import datetime
from typing import Any

from posthog_api_client.models import (
    DatasetItem,
    DatasetItemRequest,
    PaginatedDatasetItemList,
    PatchedDatasetItem,
)
from posthog_api_client.types import UNSET

from .. import _validation
from .._pagination import AsyncPaginator
from ._base import NOT_GIVEN, Resource, build_body


class DatasetItems(Resource):
    __slots__ = ()

    def list(
        self,
        *,
        dataset: Any = None,
        page_size: int | None = None,
        concurrency: int = 1,
    ) -> AsyncPaginator[DatasetItem]:
        """Live items, of one dataset when ``dataset`` (its UUID) is given."""
        params = {"dataset": UNSET if dataset is None else _validation.uuid_id(dataset, "dataset")}
        return AsyncPaginator(
            self._client,
            "dataset_items_list",
            PaginatedDatasetItemList,
            params,
            page_size=page_size,
            concurrency=concurrency,
        )

    async def create(
        self,
        body: DatasetItemRequest | dict[str, Any] | None = None,
        *,
        dataset: Any = NOT_GIVEN,
        input: Any = NOT_GIVEN,
        output: Any = NOT_GIVEN,
        metadata: Any = NOT_GIVEN,
        ref_trace_id: str | None = NOT_GIVEN,
        ref_timestamp: datetime.datetime | str | None = NOT_GIVEN,
        ref_source_id: str | None = NOT_GIVEN,
        deleted: bool | None = NOT_GIVEN,
    ) -> DatasetItem:
        request = build_body(
            "dataset_items.create",
            DatasetItemRequest,
            body,
            _fields(
                dataset,
                input,
                output,
                metadata,
                ref_trace_id,
                ref_timestamp,
                ref_source_id,
                deleted,
            ),
        )
        return await self._client._call("dataset_items_create", DatasetItem, body=request)

    async def retrieve(self, id: Any) -> DatasetItem:
        return await self._client._call(
            "dataset_items_retrieve", DatasetItem, id=_validation.uuid_id(id, "dataset item id")
        )

    async def update(
        self,
        id: Any,
        body: PatchedDatasetItem | dict[str, Any] | None = None,
        *,
        dataset: Any = NOT_GIVEN,
        input: Any = NOT_GIVEN,
        output: Any = NOT_GIVEN,
        metadata: Any = NOT_GIVEN,
        ref_trace_id: str | None = NOT_GIVEN,
        ref_timestamp: datetime.datetime | str | None = NOT_GIVEN,
        ref_source_id: str | None = NOT_GIVEN,
        deleted: bool | None = NOT_GIVEN,
    ) -> DatasetItem:
        """Change the given fields (a PATCH)."""
        item_id = _validation.uuid_id(id, "dataset item id")
        request = build_body(
            "dataset_items.update",
            PatchedDatasetItem,
            body,
            _fields(
                dataset,
                input,
                output,
                metadata,
                ref_trace_id,
                ref_timestamp,
                ref_source_id,
                deleted,
            ),
        )
        return await self._client._call(
            "dataset_items_partial_update", DatasetItem, id=item_id, body=request
        )

    async def soft_delete(self, id: Any) -> DatasetItem:
        """Mark the item deleted (PostHog forbids hard deletes)."""
        return await self.update(id, deleted=True)

    async def delete(self, id: Any) -> None:
        """Hard delete. PostHog always refuses it (``MethodNotAllowedError``); see soft_delete."""
        await self._client._call(
            "dataset_items_destroy", None, id=_validation.uuid_id(id, "dataset item id")
        )


def _fields(
    dataset: Any,
    input: Any,
    output: Any,
    metadata: Any,
    ref_trace_id: Any,
    ref_timestamp: Any,
    ref_source_id: Any,
    deleted: Any,
) -> dict[str, Any]:
    """The keyword arguments of create/update as body fields (NOT_GIVEN ones drop later)."""
    return {
        "dataset": dataset,
        "input": input,
        "output": output,
        "metadata": metadata,
        "ref_trace_id": ref_trace_id,
        "ref_timestamp": ref_timestamp,
        "ref_source_id": ref_source_id,
        "deleted": deleted,
    }
