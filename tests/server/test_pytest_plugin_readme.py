"""The README's "Testing your code" example passes as a user's own test file, and the
plugin is declared so that installing the package is all a user does.

The example runs in a separate pytest, in a directory outside this repository (so none of
its conftest files or settings apply), with warnings as errors: a fixture that leaked a
socket, a task or an unregistered marker would fail it.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PLUGIN = "posthog_api.testing.pytest_plugin"
PYTHONPATH = f"{ROOT / 'src'}{os.pathsep}{ROOT / 'generated'}"
FIXTURES = ("posthog_server", "posthog_client", "posthog_live_server", "posthog_state")


def readme_example() -> str:
    """The first python block of the README's "Testing your code" section."""
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Testing your code\n")
    end = text.index("\n## ", start + 1)
    block = re.search(r"^```python\n(.*?)^```$", text[start:end], re.MULTILINE | re.DOTALL)
    assert block is not None, "the Testing your code section has no python block"
    return block.group(1)


def run_pytest(project: Path, *args: str, extra_path: str = "") -> subprocess.CompletedProcess[str]:
    """pytest in ``project`` with this checkout's sources, as a user's suite would run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "POSTHOG_"))}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (extra_path, PYTHONPATH) if p)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            # pytest-asyncio's own notice about a setting of the user's, not about us
            "-o",
            "asyncio_default_fixture_loop_scope=function",
            "-W",
            "error",
            *args,
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def user_project(tmp_path: Path) -> Path:
    """A user's project outside this repository, holding the README's example."""
    assert ROOT not in tmp_path.parents
    tests = tmp_path / "user-project" / "tests"
    tests.mkdir(parents=True)
    (tests / "test_greeting.py").write_text(readme_example(), encoding="utf-8")
    return tests.parent


def test_the_readme_example_passes_as_a_users_test_file(user_project: Path) -> None:
    out = run_pytest(user_project, "-p", PLUGIN, "tests/test_greeting.py")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 passed" in out.stdout


def test_the_entry_point_is_declared_in_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    # Named as the module, so that `-p posthog_api.testing.pytest_plugin` on an install
    # finds the entry point instead of registering the module a second time.
    assert project["entry-points"]["pytest11"] == {PLUGIN: PLUGIN}
    module = importlib.import_module(PLUGIN)
    for name in FIXTURES:
        assert callable(getattr(module, name)), name
    assert "starlette" in " ".join(project["optional-dependencies"]["server"])


def test_the_declared_entry_point_loads_the_plugin_with_and_without_p(
    user_project: Path, tmp_path: Path
) -> None:
    """As installed: pytest finds the entry point itself, and ``-p`` does not double it."""
    table = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    site = tmp_path / "site"
    # A distribution carrying only the declared entry points (another name than the real
    # one, which the venv may hold too, so that nothing else reads this stand-in).
    dist = site / "entry_points_of_posthog_api_async-0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: entry-points-of-posthog-api-async\nVersion: 0\n"
    )
    points = table["project"]["entry-points"]["pytest11"]
    (dist / "entry_points.txt").write_text(
        "[pytest11]\n" + "".join(f"{name} = {value}\n" for name, value in points.items())
    )
    for args in ((), ("-p", PLUGIN)):
        out = run_pytest(user_project, *args, "tests/test_greeting.py", extra_path=str(site))
        assert out.returncode == 0, f"{args}: {out.stdout}{out.stderr}"
        assert "3 passed" in out.stdout
