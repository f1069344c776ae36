"""Every public class and method a user meets has a docstring, so ``help()`` answers.

The walk covers what ``posthog_api`` exports (the client, ``Prompt``, the paginators, the
errors), the class of every namespace on a client (``posthog.datasets`` ...), the prompts
library, and ``posthog_api.testing``. A method is checked where it is defined, so one
inherited from the generated namespace is checked once, on the generated class.
"""

from __future__ import annotations

import inspect
import pydoc
from collections.abc import Iterator
from typing import Any

import pytest
from posthog_api_client import resources as generated

import posthog_api
import posthog_api.prompts
import posthog_api.testing
from posthog_api import AsyncPostHog
from posthog_api._pagination import CursorPage, CursorPaginator
from posthog_api.resources import Prompts

OURS = ("posthog_api", "posthog_api_client")


def _namespace_classes() -> list[type]:
    client = AsyncPostHog(api_key="phx_docstrings", project_id="1")
    return [type(getattr(client, attribute)) for attribute in generated.NAMESPACES]


def _exported(module: Any) -> list[Any]:
    return [getattr(module, name) for name in module.__all__ if not name.startswith("__")]


def public_objects() -> list[Any]:
    """The classes and functions a user reaches, without duplicates, in a stable order."""
    found: dict[int, Any] = {}
    for obj in [
        *_exported(posthog_api),
        *_namespace_classes(),
        generated.Namespace,
        Prompts,
        CursorPage,
        CursorPaginator,
        *_exported(posthog_api.prompts),
        *_exported(posthog_api.testing),
    ]:
        if inspect.isclass(obj) or inspect.isfunction(obj):
            found.setdefault(id(obj), obj)
    return list(found.values())


def _doc(obj: Any) -> str:
    return (obj.__doc__ or "").strip()


def members(cls: type) -> Iterator[tuple[str, Any]]:
    """(qualified name, object) of every public method and property ``cls`` defines or
    inherits from a class of this project, each from the class that defines it."""
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        for owner in cls.__mro__:
            if name in vars(owner):
                break
        else:  # pragma: no cover - dir() lists only names found along the MRO
            continue
        if not owner.__module__.startswith(OURS):
            continue
        attribute = vars(owner)[name]
        if isinstance(attribute, (staticmethod, classmethod)):
            attribute = attribute.__func__
        if isinstance(attribute, property):
            attribute = attribute.fget
        if inspect.isfunction(attribute):
            yield f"{owner.__module__}.{owner.__qualname__}.{name}", attribute


def undocumented() -> list[str]:
    missing: set[str] = set()
    for obj in public_objects():
        if not _doc(obj):
            missing.add(f"{obj.__module__}.{obj.__qualname__}")
        if inspect.isclass(obj):
            missing.update(qualname for qualname, member in members(obj) if not _doc(member))
    return sorted(missing)


def test_the_walk_reaches_every_kind_of_public_object() -> None:
    objects = public_objects()
    names = {obj.__qualname__ for obj in objects}
    # The client, a src namespace, a generated one, Prompt, a paginator, an error, testing.
    assert {"AsyncPostHog", "Datasets", "Logs", "Prompt", "AsyncPaginator"} <= names
    assert {"PromptNotFoundError", "ServerState", "Faults"} <= names
    assert len(_namespace_classes()) >= 10
    members_of_client = {name.rsplit(".", 1)[-1] for name, _ in members(AsyncPostHog)}
    assert {"aclose", "with_options"} <= members_of_client


def test_every_public_class_and_method_has_a_docstring() -> None:
    assert undocumented() == []


@pytest.mark.parametrize("attribute", sorted(generated.NAMESPACES))
def test_help_on_a_namespace_says_what_it_is_and_what_each_method_does(attribute: str) -> None:
    """``help(posthog.datasets)``: the namespace's purpose first, then each method's."""
    client = AsyncPostHog(api_key="phx_docstrings", project_id="1")
    namespace = getattr(client, attribute)
    text = pydoc.render_doc(namespace, renderer=pydoc.plaintext)
    head, _, body = text.partition(" |  Method resolution order:")
    assert _doc(type(namespace)).split("\n")[0] in head
    methods = list(members(type(namespace)))
    assert methods
    for qualname, method in methods:
        name = qualname.rsplit(".", 1)[-1]
        assert f"{name}(self" in body
        assert _doc(method).split("\n")[0] in body
