"""Run `make generate` on any spec, into any folder: the tests regenerate what a user would.

The Makefile is the one description of the generation steps (openapi-python-client with
generator-config.yml and templates/, then scripts/gen_sdk.py and the ruff fix/format of
its output). The tests run that target with ``SPEC`` and ``PKG`` overridden rather than
repeating its commands, so a test cannot pass with steps the Makefile no longer runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .spec_util import ROOT

BIN = ROOT / ".venv" / "bin"
# `make generate` first (re)installs the venv when pyproject.toml is newer than this stamp;
# the tests run inside that venv already, so make is told to take it as up to date.
STAMP = ".venv/.installed"


def generate(spec: Path, package: Path) -> Path:
    """Write the package `make generate` writes for ``spec`` into ``package``; return it."""
    make = shutil.which("make")
    if make is None or not (BIN / "openapi-python-client").exists():
        pytest.fail(f"`make` and the pinned generator in {BIN} are needed; run `make install`")
    # An outer `make test` passes its own variables and flags down through these.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run(
        [make, "-s", "-o", STAMP, "generate", f"SPEC={spec}", f"PKG={package}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"make generate failed:\n{result.stdout}\n{result.stderr}"
    return package
