"""`make demo` (examples/quickstart.py) writes to the embedded local server even with
POSTHOG_* set in the shell; only `--real` or POSTHOG_DEMO_REAL=1 sends it to that PostHog.

A second local server on loopback stands in for the user's real project: the demo runs as
`make demo` runs it, in its own process, and the stand-in's request log says where it wrote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from posthog_api.testing import ServerState, run_in_thread

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "quickstart.py"
KEY = "phx_users_real_project_key"


@pytest.fixture
def real_project() -> Iterator[tuple[ServerState, dict[str, str]]]:
    """The user's project (a stand-in), and the POSTHOG_* of a shell pointed at it."""
    state = ServerState(project_id="42", keys={KEY: ["*"]})
    with run_in_thread(state) as url:
        yield (
            state,
            {
                "POSTHOG_HOST": url,
                "POSTHOG_PROJECT_ID": "42",
                "POSTHOG_PERSONAL_API_KEY": KEY,
            },
        )


def clean_env(**variables: str) -> dict[str, str]:
    """This process's environment without any POSTHOG_*, plus ``variables``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("POSTHOG_")}
    env.update(variables, PYTHONPATH=os.pathsep.join(sys.path))
    return env


def run_demo(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """``python examples/quickstart.py ARGS`` with ``variables`` set."""
    return subprocess.run(
        [sys.executable, str(DEMO), *args],
        capture_output=True,
        text=True,
        env=clean_env(**variables),
        timeout=120,
        check=False,
    )


def make_demo(
    tmp_path: Path, *make_args: str, **variables: str
) -> subprocess.CompletedProcess[str]:
    """``make demo MAKE_ARGS`` as the Makefile has it, with this interpreter as its Python and
    an up-to-date install stamp (so it installs nothing)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    stamp = tmp_path / "installed"
    stamp.touch()
    command = ["make", "-s", "-C", str(ROOT), "demo", f"PY={sys.executable}", f"STAMP={stamp}"]
    return subprocess.run(
        [*command, *make_args],
        capture_output=True,
        text=True,
        env=clean_env(**variables),
        timeout=120,
        check=False,
    )


def test_make_demo_with_posthog_variables_set_writes_only_to_the_local_server(
    real_project: tuple[ServerState, dict[str, str]], tmp_path: Path
) -> None:
    state, variables = real_project
    done = make_demo(tmp_path, **variables)
    assert done.returncode == 0, done.stderr
    assert "POSTHOG_HOST, POSTHOG_PERSONAL_API_KEY, POSTHOG_PROJECT_ID ignored" in done.stdout
    assert "pass --real or set POSTHOG_DEMO_REAL=1" in done.stdout
    assert "local PostHog API server at http://127.0.0.1:" in done.stdout
    assert "archived support-bot-" in done.stdout  # the whole tour ran, locally
    assert state.request_count() == 0 and state.prompts == []
    assert KEY not in done.stdout + done.stderr


@pytest.mark.parametrize("how", ["--real", "POSTHOG_DEMO_REAL=1", "make demo POSTHOG_DEMO_REAL=1"])
def test_real_or_posthog_demo_real_runs_against_the_posthog_of_the_variables(
    real_project: tuple[ServerState, dict[str, str]], tmp_path: Path, how: str
) -> None:
    state, variables = real_project
    if how == "--real":
        done = run_demo("--real", **variables)
    elif how == "POSTHOG_DEMO_REAL=1":  # in the shell
        done = run_demo(**variables, POSTHOG_DEMO_REAL="1")
    else:
        done = make_demo(tmp_path, "POSTHOG_DEMO_REAL=1", **variables)
    assert done.returncode == 0, done.stderr
    assert f"running against {variables['POSTHOG_HOST']}, project 42" in done.stdout
    assert "local PostHog API server" not in done.stdout
    assert state.request_count("POST") > 0
    created = {row["name"] for row in state.prompts}
    assert len(created) == 1 and created.pop().startswith("support-bot-")
    assert all(row["deleted"] for row in state.datasets.values())  # cleaned up after itself


def test_real_without_the_variables_is_refused(
    real_project: tuple[ServerState, dict[str, str]],
) -> None:
    state, variables = real_project
    done = run_demo("--real", POSTHOG_HOST=variables["POSTHOG_HOST"])
    assert done.returncode == 2
    assert done.stderr == ("error: --real needs POSTHOG_PERSONAL_API_KEY, POSTHOG_PROJECT_ID set\n")
    assert state.request_count() == 0
