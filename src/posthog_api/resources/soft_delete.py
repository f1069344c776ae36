"""``soft_delete`` on the namespaces whose rows PostHog never hard-deletes (a 405)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol, TypeVar
from uuid import UUID

from posthog_api_client.resources import dataset_items, datasets, evaluations

__all__ = ["DatasetItems", "Datasets", "Evaluations", "SoftDelete"]

Row = TypeVar("Row", covariant=True)


class _Updatable(Protocol[Row]):
    def update(self, id: UUID | str, *, deleted: bool) -> Awaitable[Row]: ...


class SoftDelete:
    """Adds ``soft_delete(id)`` to a namespace whose ``update`` takes ``deleted``."""

    __slots__ = ()

    async def soft_delete(self: _Updatable[Row], id: UUID | str) -> Row:
        """Mark the row deleted: PostHog refuses hard deletes (``delete`` is always a 405)."""
        return await self.update(id, deleted=True)


class Datasets(datasets.Datasets, SoftDelete):
    """Collections of test cases for LLM evaluation; ``soft_delete(id)`` removes one."""

    __slots__ = ()


class DatasetItems(dataset_items.DatasetItems, SoftDelete):
    """The individual cases inside a dataset; ``soft_delete(id)`` removes one."""

    __slots__ = ()


class Evaluations(evaluations.Evaluations, SoftDelete):
    """Rules that grade LLM generations (an LLM judge or Hog code); ``soft_delete(id)``
    removes one."""

    __slots__ = ()
