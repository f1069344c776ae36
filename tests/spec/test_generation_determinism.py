"""The generator is deterministic and the committed generated/ tree is what it produces.

This is `make check-generated` inside pytest: a plain `pytest` run also catches a spec
edit without regeneration, or a hand edit of generated/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .spec_util import ROOT

BIN = ROOT / ".venv" / "bin"
COMMITTED = ROOT / "generated" / "posthog_api_client"
EXCLUDED = {"__pycache__", ".ruff_cache"}


def _generate(target: Path) -> Path:
    """What `make generate` writes, but into ``target``."""
    package = target / "posthog_api_client"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    steps = [
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            "openapi/posthog.yaml",
            "--config",
            "generator-config.yml",
            "--custom-template-path",
            "templates",
            "--meta",
            "none",
            "--fail-on-warning",
            "--overwrite",
            "--output-path",
            str(package),
        ],
        [sys.executable, "scripts/gen_operations.py", "openapi/posthog.yaml", str(package)],
        [
            str(BIN / "ruff"),
            "format",
            "--isolated",
            "--no-cache",
            "--quiet",
            str(package / "operations.py"),
        ],
    ]
    for step in steps:
        result = subprocess.run(step, cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, f"{step[0]} failed:\n{result.stdout}\n{result.stderr}"
    (package / "py.typed").touch()
    return package


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
    if not (BIN / "openapi-python-client").exists():
        pytest.fail(f"the pinned generator is not installed in {BIN}; run `make install`")
    first = _generate(tmp_path_factory.mktemp("first"))
    second = _generate(tmp_path_factory.mktemp("second"))
    return first, second


def test_two_generations_are_byte_identical(generated_twice: tuple[Path, Path]) -> None:
    first, second = (_tree(p) for p in generated_twice)
    assert "operations.py" in first
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
