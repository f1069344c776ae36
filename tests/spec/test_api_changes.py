"""make api-changes: what a change to the spec and the Python API breaks, and its labelling.

The spec classifications run on in-memory copies of openapi/posthog.yaml; the git side (BASE,
griffe on the Python surface, CHANGELOG.md and the version) runs in a small temporary
repository; and this repository's own breaking changes must be labelled.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .script_modules import load
from .spec_util import ROOT, SPEC_PATH, load_spec

api_changes = load("api_changes")

PROJECTS = "/api/projects/{project_id}/"
ENVIRONMENTS = "/api/environments/{project_id}/"
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
       "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"]  # fmt: skip

Edit = Callable[[dict[str, Any]], None]


def schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return doc["components"]["schemas"][name]


def changes_after(edit: Edit) -> list[Any]:
    head = copy.deepcopy(load_spec())
    edit(head)
    return api_changes.spec_changes(load_spec(), head)


def only(found: list[Any]) -> Any:
    assert len(found) == 1, [(c.operation.operation_id, c.change) for c in found]
    return found[0]


def of(found: list[Any], operation_id: str) -> list[Any]:
    return [c for c in found if c.operation.operation_id == operation_id]


# --------------------------------------------------------------------- spec, classified


def _add_query(required: bool) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        params = doc["paths"][PROJECTS + "logs/values/"]["get"]["parameters"]
        params.append({"name": "since", "in": "query", "required": required,
                       "schema": {"type": "string"}})  # fmt: skip

    return edit


def _set(name: str, field: str, key: str, value: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, name)["properties"][field][key] = value

    return edit


def _required(name: str, fields: list[str]) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, name)["required"] = fields

    return edit


def _add_field(name: str, field: str, required: bool) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, name)["properties"][field] = {"type": "string"}
        if required:
            schema(doc, name)["required"].append(field)

    return edit


def _drop_field(name: str, field: str) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        del schema(doc, name)["properties"][field]

    return edit


def _enum(name: str, values: list[str]) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        schema(doc, name)["enum"] = values

    return edit


@pytest.mark.parametrize(
    ("edit", "operation_id", "where", "kind", "breaking", "message"),
    [
        pytest.param(_add_query(True), "logs_values_retrieve", "query since", "added", True,
                     "parameter added, required", id="new required parameter"),
        pytest.param(_add_query(False), "logs_values_retrieve", "query since", "added", False,
                     "parameter added", id="new optional parameter"),
        pytest.param(_add_field("DatasetRequest", "kind", True), "datasets_create", "body kind",
                     "added", True, "body field added, required", id="new required body field"),
        pytest.param(_add_field("DatasetRequest", "kind", False), "datasets_create",
                     "body kind", "added", False, "body field added", id="new optional field"),
        pytest.param(_required("DatasetRequest", []), "datasets_create", "body name",
                     "required", False, "no longer required", id="request field optional"),
        pytest.param(_required("PatchedDataset", ["name"]), "datasets_partial_update",
                     "body name", "required", True, "now required", id="request field required"),
        pytest.param(_drop_field("DatasetRequest", "metadata"), "datasets_create",
                     "body metadata", "removed", True, "body field removed",
                     id="request field removed"),
        pytest.param(_drop_field("Dataset", "metadata"), "datasets_retrieve",
                     "response 200 metadata", "removed", True, "response field removed",
                     id="response field removed"),
        pytest.param(_add_field("Dataset", "kind", False), "datasets_retrieve",
                     "response 200 kind", "added", False, "response field added",
                     id="response field added"),
        pytest.param(_required("Dataset", ["id", "created_at", "updated_at", "created_by", "team"]),
                     "datasets_retrieve", "response 200 name",
                     "required", True, "no longer required", id="response field optional"),
        pytest.param(_set("Dataset", "name", "type", "integer"), "datasets_retrieve",
                     "response 200 name", "type", True, "type string -> integer",
                     id="type changed"),
        pytest.param(_set("Dataset", "name", "format", "uuid"), "datasets_retrieve",
                     "response 200 name", "format", True, "format none -> uuid",
                     id="format added"),
        pytest.param(_set("Dataset", "name", "description", "Its name."), "datasets_retrieve",
                     "response 200 name", "description", False, "description changed",
                     id="description changed"),
        pytest.param(_enum("LogAttributeTypeEnum", ["log"]), "logs_values_retrieve",
                     "query attribute_type", "enum", True, "enum values removed: resource",
                     id="enum value removed"),
        pytest.param(_enum("LogAttributeTypeEnum", ["log", "resource", "span"]),
                     "logs_values_retrieve", "query attribute_type", "enum", False,
                     "enum values added: span", id="enum value added"),
    ],
)  # fmt: skip
def test_a_spec_change_is_classified(
    edit: Edit, operation_id: str, where: str, kind: str, breaking: bool, message: str
) -> None:
    found = only(of(changes_after(edit), operation_id))
    assert (found.change.place, found.change.kind, found.breaking) == (where, kind, breaking)
    assert api_changes.describe(found.change) == message


def test_the_same_spec_has_no_changes() -> None:
    assert changes_after(lambda doc: None) == []


def test_an_operation_removed_renamed_moved_or_added() -> None:
    def edit(doc: dict[str, Any]) -> None:
        paths = doc["paths"]
        del paths[PROJECTS + "logs/sparkline/"]
        paths[PROJECTS + "logs/values/"]["get"]["operationId"] = "logs_values_list"
        paths[ENVIRONMENTS + "datasets/"] = paths.pop(PROJECTS + "datasets/")
        paths[PROJECTS + "logs/export/"] = {
            "get": {
                "operationId": "logs_export_retrieve",
                "responses": {"204": {"description": "ok"}},
            }
        }
        paths[PROJECTS + "llm_prompts/{id}/"]["get"]["deprecated"] = False

    found = changes_after(edit)
    summary = {(c.operation.operation_id, c.change.kind, c.breaking) for c in found}
    assert summary == {
        ("logs_sparkline_create", "operation removed", True),
        ("logs_values_list", "operation_id", True),
        ("datasets_list", "path", True),
        ("datasets_create", "path", True),
        ("logs_export_retrieve", "operation added", False),
        ("llm_prompts_retrieve", "deprecated", False),
    }
    moved = of(found, "datasets_list")[0].change
    assert api_changes.describe(moved) == "moved from /api/projects/ to /api/environments/"
    renamed = of(found, "logs_values_list")[0].change
    assert api_changes.describe(renamed) == (
        "renamed: operationId logs_values_retrieve -> logs_values_list"
    )


def test_a_scope_the_key_now_needs_is_breaking_one_it_no_longer_needs_is_not() -> None:
    def more(doc: dict[str, Any]) -> None:
        op = doc["paths"][PROJECTS + "logs/values/"]["get"]
        op["security"] = [{"PersonalAPIKeyAuth": ["logs:read", "logs:write"]}]

    def fewer(doc: dict[str, Any]) -> None:
        op = doc["paths"][PROJECTS + "logs/values/"]["get"]
        op["security"] = [{"PersonalAPIKeyAuth": []}]

    assert only(changes_after(more)).breaking is True
    assert only(changes_after(fewer)).breaking is False


def test_the_text_report_groups_a_shared_schema_change() -> None:
    report = api_changes.Report("v0.3.1", "abc1234")
    report.spec = changes_after(_required("LLMPrompt", ["id", "name", "version"]))
    text = api_changes.render_text(report)
    assert "  - LLMPrompt.created_at: no longer required\n      in 8 operations: " in text
    assert "Breaking for SDK users (2):" in text  # created_at and updated_at


# ---------------------------------------------------------------------- labelling rules


FLAGGED = "## [Unreleased]\n\n### Changed\n\n- **Breaking:** a thing.\n\n## [0.3.1]\n"
UNFLAGGED = "## [Unreleased]\n\n### Added\n\n- A thing.\n\n## [0.3.1]\n"


@pytest.mark.parametrize(
    ("breaking", "base", "now", "changelog", "problem"),
    [
        (False, "0.3.1", "0.3.1", None, None),
        (True, "0.3.1", "0.3.1", FLAGGED, None),
        (True, "0.3.1", "0.3.1", FLAGGED.replace("- **Breaking:** a", "### Breaking\n\n- a"),
         None),
        (True, "0.3.1", "0.3.1", UNFLAGGED, "section flags no breaking change"),
        (True, "0.3.1", "0.3.1", "# Changelog\n", "has no '## [Unreleased]' section"),
        (True, "0.3.1", "0.3.1", None, "CHANGELOG.md is missing"),
        (True, "0.3.1", "0.4.0", "## [0.4.0] - 2026-12-01\n\n- **Breaking:** a thing.\n", None),
        (True, "0.3.1", "0.3.2", "## [0.3.2]\n\n- **Breaking:** a thing.\n", "call for 0.4.0"),
        (True, "0.3.1", "0.4.0", FLAGGED, "has no '## [0.4.0]' section"),
        (True, "1.2.0", "1.3.0", "## [1.3.0]\n\n- **Breaking:** a thing.\n", "call for 2.0.0"),
        (True, "1.2.0", "2.0.0", "## [2.0.0]\n\n- **Breaking:** a thing.\n", None),
    ],
)  # fmt: skip
def test_breaking_changes_are_labelled_by_the_changelog_or_the_version(
    breaking: bool, base: str, now: str, changelog: str | None, problem: str | None
) -> None:
    problems = api_changes.label_problems(breaking, base, now, changelog)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_an_unlabelled_breaking_change_says_how_to_label_it() -> None:
    problems = api_changes.label_problems(True, "0.3.1", "0.3.1", UNFLAGGED)
    assert problems == [
        "CHANGELOG.md's '## [Unreleased]' section flags no breaking change: add an entry "
        "starting '**Breaking:**' for each",
        "(or bump src/posthog_api/_version.py to 0.4.0 with a '## [0.4.0]' section)",
    ]


# ------------------------------------------------------------- a temporary repository

PACKAGE = '''"""A stand-in for the SDK's public surface."""

from ._version import __version__

__all__ = ["Client", "__version__", "connect"]


class Client:
    def __init__(self, host: str, *, timeout: float = 5.0) -> None:
        self.host = host

    def fetch(self, name: str, version: int | None = None) -> str:
        return name


def connect(host: str) -> Client:
    return Client(host)


def _helper(value: int) -> int:
    return value
'''


def git(repo: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose last release, v0.3.1, has our spec and a small posthog_api."""
    root = tmp_path / "repo"
    (root / "openapi").mkdir(parents=True)
    shutil.copy(SPEC_PATH, root / "openapi" / "posthog.yaml")
    package = root / "src" / "posthog_api"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(PACKAGE)
    (package / "_version.py").write_text('__version__ = "0.3.1"\n')
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n\n## [0.3.1]\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "release 0.3.1")
    git(root, "tag", "v0.3.1")
    return root


def edit_spec(repo: Path, edit: Edit) -> None:
    doc = copy.deepcopy(load_spec())
    edit(doc)
    (repo / "openapi" / "posthog.yaml").write_text(json.dumps(doc))  # JSON is YAML


def edit_package(repo: Path, old: str, new: str) -> None:
    path = repo / "src" / "posthog_api" / "__init__.py"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def report(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = api_changes.main(["--repo", str(repo), "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_nothing_changed_since_the_release(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, found = report(repo, capsys)
    assert code == 0
    assert (found["base"], found["breaking"], found["spec"], found["python"]) == (
        "v0.3.1",
        False,
        [],
        [],
    )


def test_a_breaking_spec_change_fails_until_labelled(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_spec(repo, _drop_field("Dataset", "metadata"))
    code, found = report(repo, capsys)
    assert code == 1 and found["breaking"] is True and found["labelled"] is False
    assert {(c["operation_id"], c["where"]) for c in found["spec"] if c["breaking"]} >= {
        ("datasets_retrieve", "response 200 metadata")
    }

    (repo / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n### Removed\n\n"
        "- **Breaking:** `metadata` is no longer in dataset answers.\n\n## [0.3.1]\n"
    )
    assert report(repo, capsys)[0] == 0


def test_a_release_labels_by_its_version(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit_spec(repo, _drop_field("Dataset", "metadata"))
    version = repo / "src" / "posthog_api" / "_version.py"
    changelog = "# Changelog\n\n## [Unreleased]\n\n## [{v}] - 2026-12-01\n\n- **Breaking:** x\n"
    version.write_text('__version__ = "0.3.2"\n')
    (repo / "CHANGELOG.md").write_text(changelog.format(v="0.3.2"))
    code, found = report(repo, capsys)
    assert code == 1
    assert found["problems"][0].endswith("call for 0.4.0")

    version.write_text('__version__ = "0.4.0"\n')
    (repo / "CHANGELOG.md").write_text(changelog.format(v="0.4.0"))
    assert report(repo, capsys)[0] == 0


def test_the_python_surface_is_compared_with_griffe(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_package(
        repo, "def fetch(self, name: str, version", "def fetch(self, name: str, *, version"
    )
    edit_package(repo, "def connect(host: str)", "def connect(host: str, port: int)")
    edit_package(repo, "def _helper(value: int)", "def _helper()")  # private: not API
    (repo / "src" / "posthog_api" / "_version.py").write_text('__version__ = "0.3.2"\n')
    code, found = report(repo, capsys)
    messages = sorted(c["message"] for c in found["python"])
    assert messages == [
        "posthog_api.Client.fetch(version): parameter kind was changed",
        "posthog_api.connect(port): parameter was added as required",
    ]
    assert code == 1 and found["breaking"] is True  # 0.3.2 is not a breaking bump


def test_removing_a_public_name_is_breaking(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit_package(repo, '"Client", "__version__", "connect"', '"Client", "__version__"')
    edit_package(repo, "def connect(host: str) -> Client:\n    return Client(host)\n", "")
    code, found = report(repo, capsys)
    assert [c["message"] for c in found["python"]] == [
        "posthog_api.connect: public object was removed"
    ]
    assert code == 1


def test_base_defaults_to_the_last_tag_else_the_previous_commit(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_spec(repo, _add_field("Dataset", "kind", False))
    git(repo, "commit", "-qam", "an addition")
    assert api_changes.default_base(repo) == "v0.3.1"
    assert report(repo, capsys)[1]["spec"] != []  # the commit since the tag

    git(repo, "tag", "-d", "v0.3.1")
    assert api_changes.default_base(repo) == "HEAD~1"
    code, found = report(repo, capsys, "--base", "HEAD")
    assert (code, found["spec"]) == (0, [])


def test_a_bad_base_exits_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert api_changes.main(["--repo", str(repo), "--base", "no-such-ref"]) == 2
    assert "'no-such-ref' is not a commit" in capsys.readouterr().err
    git(repo, "tag", "-d", "v0.3.1")  # one commit, no tag: nothing to compare with
    assert api_changes.main(["--repo", str(repo)]) == 2
    assert "pass BASE=<git ref>" in capsys.readouterr().err


def test_make_api_changes_passes_base_to_the_script() -> None:
    result = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "api-changes", "BASE=v0.1.0"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "scripts/api_changes.py --base 'v0.1.0'" in result.stdout


# ------------------------------------------------------------------- this repository


def test_this_repository_labels_its_breaking_changes() -> None:
    """The gate: against the last release tag (else the commit before HEAD), a breaking
    change to the spec or the Python API is flagged in CHANGELOG.md or by the version."""
    found = api_changes.build_report(ROOT, None)
    assert found.problems == [], api_changes.render_text(found)


def _before_the_move_to_projects() -> str:
    """The last commit whose spec had the /api/environments/ routes."""
    moved = api_changes.git(
        ROOT, "log", "-1", "--format=%H", "-S", "/api/environments/{project_id}/llm_prompts/",
        "--", "openapi/posthog.yaml",
    ).strip()  # fmt: skip
    assert moved, "the history lacks the commit that moved the spec to /api/projects/"
    return f"{moved}~1"


def test_the_unreleased_breaking_spec_changes_are_found_and_flagged() -> None:
    base = _before_the_move_to_projects()
    base_doc = api_changes.sw.parse_document(api_changes.show(ROOT, base, api_changes.SPEC), base)
    found = api_changes.spec_changes(base_doc, api_changes.sw.read_document(SPEC_PATH))
    breaking = {
        (c.change.origin or c.change.place, api_changes.describe(c.change))
        for c in found
        if c.breaking
    }
    assert ("operation", "moved from /api/environments/ to /api/projects/") in breaking
    assert ("LLMPrompt.prompt", "no longer required") in breaking
    assert ("LLMPromptPublic.prompt", "no longer required") in breaking
    added = {c.operation.operation_id for c in found if c.change.kind == "operation added"}
    assert added >= {"llm_prompts_name_labels_update", "llm_prompts_name_duplicate_create"}
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert api_changes.label_problems(True, "0.1.0", "0.1.0", changelog) == []


def test_one_schema_at_two_statuses_of_one_operation_is_listed_at_both() -> None:
    def edit(doc: dict[str, Any]) -> None:
        del schema(doc, "LLMPromptLabel")["properties"]["created_at"]["format"]

    report = api_changes.Report("v0.3.1", "abc1234")
    report.spec = changes_after(edit)
    text = api_changes.render_text(report)
    label = "llm_prompts_name_labels_update  PUT /api/projects/{project_id}/llm_prompts/name/"
    for status in ("200", "201"):
        assert (
            f"{label}{{prompt_name}}/labels/{{label_name}}/: response {status} created_at" in text
        )
    assert "Breaking for SDK users (2):" in text
