"""Every module of the generated client imports, and every operation module is complete."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import posthog_api_client
import pytest
from posthog_api_client.operations import OPERATIONS

from .spec_util import ROOT

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(posthog_api_client.__path__, prefix="posthog_api_client.")
)
FUNCTIONS = ("asyncio_detailed", "asyncio", "sync_detailed", "sync")


def test_the_imported_package_is_the_committed_tree() -> None:
    assert Path(posthog_api_client.__file__).resolve().parent == (
        ROOT / "generated" / "posthog_api_client"
    )


def test_walk_finds_every_operation_module() -> None:
    ops = {name for name in MODULES if name.count(".") == 3 and ".api." in name}
    expected = {f"posthog_api_client.api.{op.tag}.{op_id}" for op_id, op in OPERATIONS.items()}
    assert ops == expected


@pytest.mark.parametrize("name", MODULES)
def test_module_imports(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__name__ == name


@pytest.mark.parametrize("op_id", sorted(OPERATIONS))
def test_operation_module_has_the_four_entry_points(op_id: str) -> None:
    module = importlib.import_module(f"posthog_api_client.api.{OPERATIONS[op_id].tag}.{op_id}")
    for name in FUNCTIONS:
        function = getattr(module, name)
        assert callable(function)
        assert inspect.iscoroutinefunction(function) is name.startswith("asyncio")
        assert "client" in inspect.signature(function).parameters
