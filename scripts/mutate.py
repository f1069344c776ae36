"""Mutation testing of the core: each module against its own targeted tests (``make mutate``).

mutmut reads one configuration per folder, so a run over several modules would test every
mutant against the union of their tests. Instead this script gives each module listed under
``[tool.mutmut.modules]`` in pyproject.toml its own folder, ``mutants/<module>/``, holding
links to ``src``/``tests`` and a pyproject.toml whose ``[tool.mutmut]`` names that module and
its tests, and runs ``mutmut run`` there from scratch (mutmut's cache does not retest a
survivor after a test is added). It then prints one table and exits 1 when any module kills
fewer than ``--min-score`` percent of its mutants.

Survivors judged equivalent (no test could tell them apart from the original) are listed in
``mutation-equivalent.toml`` with the mutated line and the reason; they leave the score. An
entry whose mutated line no longer matches (mutmut numbers mutants per function, so edits
shift the numbers) is ignored and reported as stale. The survivors of each module, with their
diffs, are written to ``mutants/<module>/survivors.txt``.

    python scripts/mutate.py [MODULE ...] [--jobs 2] [--min-score 90]
"""

from __future__ import annotations

import argparse
import ast
import difflib
import glob
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "mutants"
EQUIVALENT_FILE = ROOT / "mutation-equivalent.toml"
KILLED = {"killed", "timeout", "segfault", "caught by type check"}


@dataclass
class Module:
    name: str
    file: str
    tests: list[str]
    mutants: list[str]  # globs over mutant names; empty means every mutant of the file


@dataclass
class Result:
    module: Module
    status: dict[str, str] = field(default_factory=dict)
    equivalent: list[str] = field(default_factory=list)
    survivors: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    @property
    def killed(self) -> int:
        return sum(s in KILLED for s in self.status.values())

    @property
    def score(self) -> float:
        counted = len(self.status) - len(self.equivalent)
        return 100.0 if counted == 0 else 100.0 * self.killed / counted


def load_config() -> tuple[dict[str, Any], dict[str, Any], dict[str, Module]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    shared = dict(data["tool"]["mutmut"])
    table = shared.pop("modules")
    pytest_options = data["tool"]["pytest"]["ini_options"]
    modules = {
        name: Module(name, entry["file"], list(entry["tests"]), list(entry.get("mutants", [])))
        for name, entry in table.items()
    }
    return shared, pytest_options, modules


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def toml_table(name: str, values: dict[str, Any]) -> str:
    lines = [f"[{name}]"] + [f"{key} = {toml_value(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def test_files(module: Module) -> list[str]:
    """The module's test paths with globs expanded, so a new ``test_<area>_*.py`` is picked up."""
    found: list[str] = []
    for pattern in module.tests:
        matches = sorted(glob.glob(pattern, root_dir=ROOT)) if glob.has_magic(pattern) else []
        found.extend(matches or [pattern])
    missing = [path for path in found if not (ROOT / path).exists()]
    if missing:
        sys.exit(f"[tool.mutmut.modules.{module.name}] names missing tests: {', '.join(missing)}")
    return list(dict.fromkeys(found))


def prepare(module: Module, shared: dict[str, Any], pytest_options: dict[str, Any]) -> Path:
    """A fresh folder where ``mutmut run`` sees only this module and its tests."""
    folder = WORK / module.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    linked = {"tests", *shared.get("source_paths", ["src"]), *shared.get("also_copy", [])}
    for top in sorted({Path(p).parts[0] for p in linked}):
        if (ROOT / top).exists():
            (folder / top).symlink_to(ROOT / top)
    settings = dict(shared)
    settings["pytest_add_cli_args"] = [*shared.get("pytest_add_cli_args", []), "-p", "mutate"]
    settings["only_mutate"] = [module.file]
    settings["pytest_add_cli_args_test_selection"] = test_files(module)
    (folder / "pyproject.toml").write_text(
        "# Written by scripts/mutate.py from the repository's pyproject.toml.\n"
        + toml_table("tool.pytest.ini_options", pytest_options)
        + "\n"
        + toml_table("tool.mutmut", settings),
        "utf-8",
    )
    return folder


def mutmut(folder: Path, *args: str, log: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mutmut", *args]
    # `-p mutate` in the folder's config loads this file into pytest (the hook below).
    path = os.pathsep.join(filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    if log is None:
        return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
    with log.open("w") as out:
        return subprocess.run(command, cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """In mutmut's pytest runs, fastest tests first and loopback-server tests last.

    mutmut stops a mutant's run at its first failing test but passes the tests in no useful
    order; this way most mutants die within milliseconds. Durations come from the stats run.
    """
    try:
        durations = json.loads(Path("mutmut-stats.json").read_text("utf-8"))["duration_by_test"]
    except (OSError, ValueError, KeyError):
        durations = {}
    items.sort(
        key=lambda item: (
            "server" in getattr(item, "fixturenames", ()),
            durations.get(item.nodeid, 0.0),
        )
    )


def function_sources(path: Path) -> dict[str, str]:
    source = path.read_text("utf-8")
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and "__mutmut_" in node.name:
            found[node.name] = ast.get_source_segment(source, node) or ""
    return found


def diff_of(name: str, sources: dict[str, str]) -> list[str]:
    """The changed lines of one mutant (``-`` original, ``+`` mutant), like ``mutmut show``."""
    function = name.rpartition(".")[2]
    original_name = function.rpartition("__mutmut_")[0] + "__mutmut_orig"
    original = sources.get(original_name, "")
    mutant = sources.get(function, "").replace(function, original_name, 1)
    lines = difflib.unified_diff(original.splitlines(), mutant.splitlines(), lineterm="", n=0)
    return [line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def load_equivalent() -> dict[str, dict[str, str]]:
    if not EQUIVALENT_FILE.exists():
        return {}
    entries = tomllib.loads(EQUIVALENT_FILE.read_text("utf-8")).get("equivalent", [])
    return {entry["mutant"]: entry for entry in entries}


def run_module(
    module: Module, shared: dict[str, Any], pytest_options: dict[str, Any], jobs: int
) -> Result:
    started = time.monotonic()
    folder = prepare(module, shared, pytest_options)
    log = folder / "run.log"
    run = mutmut(folder, "run", "--max-children", str(jobs), *module.mutants, log=log)
    result = Result(module)
    if run.returncode != 0:
        # Usually a failing clean run of the module's tests: the tail says which.
        tail = log.read_text("utf-8", "replace").splitlines()[-15:]
        result.error = f"mutmut run failed (log: {log.relative_to(ROOT)}):\n" + "\n".join(tail)
        result.seconds = time.monotonic() - started
        return result
    listing = mutmut(folder, "results", "--all", "true")
    for line in listing.stdout.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and (not module.mutants or any(fnmatchcase(name, g) for g in module.mutants)):
            result.status[name] = status
    if not result.status:
        result.error = f"mutmut produced no mutants (log: {log.relative_to(ROOT)})"
        result.seconds = time.monotonic() - started
        return result

    equivalent = load_equivalent()
    sources = function_sources(folder / "mutants" / module.file)
    report = []
    for name, status in sorted(result.status.items()):
        if status in KILLED:
            continue
        diff = diff_of(name, sources)
        entry = equivalent.get(name)
        # The added lines identify a mutant; a mutant that only deletes, by what it deletes.
        sign = "+" if any(line.startswith("+") for line in diff) else "-"
        changed = "\n".join(line[1:].strip() for line in diff if line.startswith(sign))
        if entry and entry.get("change", "\0") in changed:
            result.equivalent.append(name)
            continue
        result.survivors.append(name)
        report.append(f"# {name}: {status}\n" + "\n".join(diff) + "\n")
    # Listed but not a matching survivor any more: killed, renumbered or gone.
    result.stale = [
        name
        for name in equivalent
        if name.startswith(module_prefix(module))
        and (not module.mutants or any(fnmatchcase(name, g) for g in module.mutants))
        and name not in result.equivalent
    ]
    (folder / "survivors.txt").write_text("\n".join(report), "utf-8")
    result.seconds = time.monotonic() - started
    return result


def module_prefix(module: Module) -> str:
    path = Path(module.file).with_suffix("")
    parts = path.parts[1:] if path.parts[0] in ("src", "source") else path.parts
    return ".".join(parts) + "."


def main() -> int:
    shared, pytest_options, modules = load_config()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"default: all of {', '.join(modules)}")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATE_JOBS", "2")))
    parser.add_argument("--min-score", type=float, default=90.0)
    args = parser.parse_args()
    unknown = [name for name in args.modules if name not in modules]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; known: {', '.join(modules)}")

    results = []
    for name in args.modules or list(modules):
        print(f"mutating {modules[name].file} against its tests ...", flush=True)
        results.append(run_module(modules[name], shared, pytest_options, args.jobs))

    header = (
        f"{'module':<10}{'mutants':>8}{'killed':>8}{'survived':>9}{'equiv.':>8}{'score':>9}"
        f"{'time':>7}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    failed = False
    for r in results:
        if r.error:
            failed = True
            print(f"{r.module.name:<10} error: see below")
            continue
        low = r.score < args.min_score
        failed |= low
        print(
            f"{r.module.name:<10}{len(r.status):>8}{r.killed:>8}{len(r.survivors):>9}"
            f"{len(r.equivalent):>8}{r.score:>8.1f}%{r.seconds:>6.0f}s"
            f"{'  < ' + str(args.min_score) if low else ''}"
        )
    print(
        f"\n{sum(r.seconds for r in results):.0f} s in all; "
        "score = killed / (mutants - equiv.), a timeout counts as killed"
    )
    for r in results:
        if r.error:
            print(f"\n{r.module.name}: {r.error}")
        if r.survivors:
            where = (WORK / r.module.name / "survivors.txt").relative_to(ROOT)
            print(f"\n{r.module.name}: {len(r.survivors)} survivors (diffs in {where})")
            for name in r.survivors:
                print(f"  {name}: {r.status[name]}")
        if r.stale:
            print(f"\n{r.module.name}: stale entries in {EQUIVALENT_FILE.name} (fix or remove):")
            for name in r.stale:
                print(f"  {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
