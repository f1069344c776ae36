"""Every operation of the spec is reachable through its namespace method.

The calls come from the generated operation table (``Operation.call`` names the method,
its ``params`` the path arguments) and the spec (the body's required fields), so an
operation added to the spec is called here without a test edit. What a namespace has
beyond its operations is a short explicit list, tested with its own module.
"""

from __future__ import annotations

import inspect
from urllib.parse import unquote

import httpx
import pytest
from posthog_api_client.operations import OPERATIONS
from posthog_api_client.resources import NAMESPACES
from spec.examples import argument, arguments

from posthog_api._pagination import AsyncPaginator

from .conftest import MakeClient, match_operation, success_response

# Public methods that are not one operation each (helpers written in src/ on top of the
# generated namespaces); their own tests cover them.
EXTRAS: dict[str, set[str]] = {
    "datasets": {"soft_delete"},
    "dataset_items": {"soft_delete"},
    "evaluations": {"soft_delete"},
    "prompts": {
        "diff",
        "get",
        "invalidate",
        "labels",
        "prefetch",
        "publish_if_changed",
        "publish_with",
        "stats",
        "versions",
    },
}
# Generated operation methods that src/ replaces with a method of another signature (the
# prompts library takes a name and the prompt, returns Prompt, reads through its cache);
# this test calls the generated method, tests/prompts/ the replacement.
REPLACED: dict[str, set[str]] = {
    "prompts": {
        "archive",
        "create",
        "duplicate",
        "fetch",
        "publish",
        "remove_label",
        "resolve",
        "set_label",
        "update",
    },
}


def _public_methods(cls: type) -> set[str]:
    return {
        name for name, _ in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")
    }


def _generated_methods(namespace: str) -> set[str]:
    return {
        op.call.partition(".")[2]
        for op in OPERATIONS.values()
        if op.call.partition(".")[0] == namespace
    }


async def test_every_namespace_of_the_spec_is_on_the_client(make_client: MakeClient) -> None:
    client = make_client(lambda r: httpx.Response(500)).client
    assert set(NAMESPACES) == {op.call.partition(".")[0] for op in OPERATIONS.values()}
    for name, generated in NAMESPACES.items():
        assert isinstance(getattr(client, name), generated), name


@pytest.mark.parametrize("namespace", sorted(NAMESPACES))
async def test_public_methods_are_operations_or_listed_extras(
    make_client: MakeClient, namespace: str
) -> None:
    cls = type(getattr(make_client(lambda r: httpx.Response(500)).client, namespace))
    generated = _generated_methods(namespace)
    public = _public_methods(cls)
    assert generated <= public
    assert public - generated == EXTRAS.get(namespace, set())
    replaced = {m for m in generated if getattr(cls, m) is not getattr(NAMESPACES[namespace], m)}
    assert replaced == REPLACED.get(namespace, set())


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
async def test_every_operation_is_reachable(make_client: MakeClient, operation_id: str) -> None:
    operation = OPERATIONS[operation_id]
    h = make_client(lambda request: success_response(match_operation(request), request))
    namespace, method = operation.call.split(".")
    target = getattr(h.client, namespace)
    if method in REPLACED.get(namespace, set()):
        call = getattr(NAMESPACES[namespace], method).__get__(target)
    else:
        call = getattr(target, method)
    args, kwargs = arguments(operation)
    result = call(*args, **kwargs)
    if isinstance(result, AsyncPaginator):
        page = await result
        assert page.results == []
    else:
        await result

    assert [match_operation(r) for r in h.requests] == [operation_id]
    sent = h.requests[0]
    path = unquote(sent.url.path)
    # The request went to this project's path, with every path argument filled in.
    assert f"/{h.client.project_id}/" in path
    assert "{" not in path
    for param in operation.params:
        if param.location == "path":
            assert f"/{argument(param)}/" in path, param.name
        elif param.required:
            assert sent.url.params.get(param.wire) is not None, param.wire
