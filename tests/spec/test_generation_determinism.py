"""The generator is deterministic and the committed generated/ tree is what it produces.

This is `make check-generated` inside pytest: a plain `pytest` run also catches a spec
edit without regeneration, or a hand edit of generated/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .generator import generate
from .spec_util import ROOT, SPEC_PATH

# Two full generations (~7 s): `make test` runs check-generated itself, so this runs with
# the slow tests (`make test-slow`, a step of .ci/run).
pytestmark = pytest.mark.slow

COMMITTED = ROOT / "generated" / "posthog_api_client"
EXCLUDED = {"__pycache__", ".ruff_cache"}


def _tree(root: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if EXCLUDED & set(rel.parts) or not path.is_file():
            continue
        files[rel.as_posix()] = path.read_bytes()
    return files


@pytest.fixture(scope="module")
def generated_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = generate(SPEC_PATH, tmp_path_factory.mktemp("first") / "posthog_api_client")
    second = generate(SPEC_PATH, tmp_path_factory.mktemp("second") / "posthog_api_client")
    return first, second


def test_two_generations_are_byte_identical(generated_twice: tuple[Path, Path]) -> None:
    first, second = (_tree(p) for p in generated_twice)
    assert "operations.py" in first
    assert "resources/__init__.py" in first
    assert "py.typed" in first
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_committed_tree_matches_a_fresh_generation(generated_twice: tuple[Path, Path]) -> None:
    fresh = _tree(generated_twice[0])
    committed = _tree(COMMITTED)
    assert sorted(committed) == sorted(fresh), (
        "generated/ has other files than the generator writes: run `make generate`"
    )
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], (
        "generated/ is stale or was edited by hand: run `make generate` and commit it"
    )
