"""``posthog.datasets``: collections of test cases for LLM evaluation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from posthog_api_client.models import Dataset, DatasetRequest, PaginatedDatasetList, PatchedDataset

from .. import _validation
from .._pagination import AsyncPaginator
from ._base import NOT_GIVEN, Resource, build_body, order_by_param, unset_if_none, uuids


class Datasets(Resource):
    __slots__ = ()

    def list(
        self,
        *,
        search: str | None = None,
        order_by: Iterable[str] | str | None = None,
        id_in: Iterable[Any] | None = None,
        page_size: int | None = None,
        concurrency: int = 1,
    ) -> AsyncPaginator[Dataset]:
        """Live datasets, newest pages first as the server orders them."""
        params = {
            "search": unset_if_none(search),
            "order_by": order_by_param(order_by),
            "id_in": uuids(id_in, "id_in"),
        }
        return AsyncPaginator(
            self._client,
            "datasets_list",
            PaginatedDatasetList,
            params,
            page_size=page_size,
            concurrency=concurrency,
        )

    async def create(
        self,
        body: DatasetRequest | dict[str, Any] | None = None,
        *,
        name: str = NOT_GIVEN,
        description: str | None = NOT_GIVEN,
        metadata: Any = NOT_GIVEN,
        deleted: bool | None = NOT_GIVEN,
    ) -> Dataset:
        request = build_body(
            "datasets.create",
            DatasetRequest,
            body,
            {"name": name, "description": description, "metadata": metadata, "deleted": deleted},
        )
        return await self._client._call("datasets_create", Dataset, body=request)

    async def retrieve(self, id: Any) -> Dataset:
        return await self._client._call(
            "datasets_retrieve", Dataset, id=_validation.uuid_id(id, "dataset id")
        )

    async def update(
        self,
        id: Any,
        body: PatchedDataset | dict[str, Any] | None = None,
        *,
        name: str = NOT_GIVEN,
        description: str | None = NOT_GIVEN,
        metadata: Any = NOT_GIVEN,
        deleted: bool | None = NOT_GIVEN,
    ) -> Dataset:
        """Change the given fields (a PATCH)."""
        dataset_id = _validation.uuid_id(id, "dataset id")
        request = build_body(
            "datasets.update",
            PatchedDataset,
            body,
            {"name": name, "description": description, "metadata": metadata, "deleted": deleted},
        )
        return await self._client._call(
            "datasets_partial_update", Dataset, id=dataset_id, body=request
        )

    async def soft_delete(self, id: Any) -> Dataset:
        """Mark the dataset deleted (PostHog forbids hard deletes)."""
        return await self.update(id, deleted=True)

    async def delete(self, id: Any) -> None:
        """Hard delete. PostHog always refuses it (``MethodNotAllowedError``); see soft_delete."""
        await self._client._call("datasets_destroy", None, id=_validation.uuid_id(id, "dataset id"))
