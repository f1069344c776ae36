"""`make mutate` keeps working: its modules, their tests and the equivalent-mutant list agree.

mutmut itself is not installed by CI; this only checks the configuration that
scripts/mutate.py reads, so a renamed test file or module breaks here, not at the next run.
"""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _mutmut() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return config["tool"]["mutmut"]


def test_every_module_and_its_tests_exist() -> None:
    config = _mutmut()
    modules = config["modules"]
    assert {"request", "retries", "paging", "cache", "scopes"} <= set(modules)
    for name, entry in modules.items():
        assert (ROOT / entry["file"]).is_file(), name
        assert entry["file"] in config["only_mutate"], name
        for pattern in entry["tests"]:
            assert glob.glob(pattern, root_dir=ROOT), f"{name}: {pattern} matches no test file"


def test_equivalent_mutants_belong_to_a_module_and_say_why() -> None:
    modules = _mutmut()["modules"].values()
    prefixes = {".".join(Path(entry["file"]).with_suffix("").parts[1:]) + "." for entry in modules}
    listed = tomllib.loads((ROOT / "mutation-equivalent.toml").read_text("utf-8"))["equivalent"]
    names = [entry["mutant"] for entry in listed]
    assert len(names) == len(set(names)), "a mutant is listed twice"
    for entry in listed:
        assert any(entry["mutant"].startswith(p) for p in prefixes), entry["mutant"]
        assert entry["change"].strip() and len(entry["why"].split()) >= 5, entry["mutant"]
