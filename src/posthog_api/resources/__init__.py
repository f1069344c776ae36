"""The namespaces of ``AsyncPostHog``: the generated ones, extended where src adds a method.

``attach`` sets one attribute per generated ``NAMESPACES`` entry (a new tag of the spec needs
no edit here); the classes annotated on :class:`Namespaces` replace the generated class of
their attribute with one adding what is not one operation (``soft_delete``, prompts).
"""

# No `from __future__ import annotations`: EXTENDED reads the annotations as classes.
from typing import TYPE_CHECKING

from posthog_api_client import resources as generated

from .prompts import Prompts
from .soft_delete import DatasetItems, Datasets, Evaluations

if TYPE_CHECKING:
    from .._client import AsyncPostHog

__all__ = ["EXTENDED", "DatasetItems", "Datasets", "Evaluations", "Namespaces", "Prompts", "attach"]


class Namespaces(generated.Namespaces):
    """The generated namespace attributes, re-annotated where src extends the class."""

    datasets: Datasets
    dataset_items: DatasetItems
    evaluations: Evaluations
    prompts: Prompts


# attribute -> the src class that replaces the generated one
EXTENDED: dict[str, type[generated.Namespace]] = dict(Namespaces.__annotations__)


def attach(client: "AsyncPostHog") -> None:
    """Give ``client`` one instance of every namespace (``client.datasets`` ...)."""
    for attribute, namespace in generated.NAMESPACES.items():
        setattr(client, attribute, EXTENDED.get(attribute, namespace)(client))
