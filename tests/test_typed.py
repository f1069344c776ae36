"""Users' type checkers see the SDK's types: both packages carry the PEP 561 marker."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "marker", ["src/posthog_api/py.typed", "generated/posthog_api_client/py.typed"]
)
def test_each_package_has_a_py_typed_marker(marker: str) -> None:
    assert (ROOT / marker).is_file()


def test_the_built_wheel_ships_both_markers(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "posthog_api/py.typed" in names
    assert "posthog_api_client/py.typed" in names
