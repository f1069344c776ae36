"""The scripts in scripts/ as modules, for tests that call their functions in process."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from .spec_util import ROOT

SCRIPTS = ROOT / "scripts"


def load(name: str) -> ModuleType:
    """``scripts/<name>.py`` imported (scripts/ put on sys.path, as running a script does)."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    return importlib.import_module(name)
