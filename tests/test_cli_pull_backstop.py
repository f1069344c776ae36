"""The pull's second line of defence: a name that is a path is refused even if a looser
name rule ever let it through (today ``_validation.prompt_name`` refuses it first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from posthog_api._errors import ResponseValidationError
from posthog_api.cli._prompts import _plan


@pytest.mark.parametrize("name", ["../x", "/etc/x", "a/b", "./x", "a/../b"])
def test_a_path_never_becomes_a_file_to_write(tmp_path: Path, name: str) -> None:
    root = tmp_path.resolve()
    with pytest.raises(ResponseValidationError, match="is not a file name inside"):
        _plan(root, root, {"fine": (1, "ok"), name: (1, "outside")})
    assert list(tmp_path.iterdir()) == []


def test_plain_names_are_planned_inside_the_folder(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    (planned,) = _plan(root, root, {"greet": (2, {"a": 1})})
    assert (planned.target, planned.other) == (root / "greet.json", root / "greet.txt")
