"""``posthog.persisted_folders``: folders pinned in the project tree."""

from __future__ import annotations

from typing import Any

from posthog_api_client.models import (
    PaginatedPersistedFolderList,
    PersistedFolder,
    PersistedFolderRequest,
)

from .._pagination import AsyncPaginator
from ._base import NOT_GIVEN, Resource, build_body


class PersistedFolders(Resource):
    __slots__ = ()

    def list(
        self, *, page_size: int | None = None, concurrency: int = 1
    ) -> AsyncPaginator[PersistedFolder]:
        return AsyncPaginator(
            self._client,
            "persisted_folder_list",
            PaginatedPersistedFolderList,
            {},
            page_size=page_size,
            concurrency=concurrency,
        )

    async def create(
        self,
        body: PersistedFolderRequest | dict[str, Any] | None = None,
        *,
        type: str = NOT_GIVEN,
        protocol: str = NOT_GIVEN,
        path: str = NOT_GIVEN,
    ) -> PersistedFolder:
        """Create a folder; ``type`` is home, pinned or custom_products."""
        request = build_body(
            "persisted_folders.create",
            PersistedFolderRequest,
            body,
            {"type": type, "protocol": protocol, "path": path},
        )
        return await self._client._call("persisted_folder_create", PersistedFolder, body=request)
