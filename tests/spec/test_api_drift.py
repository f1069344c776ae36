"""make api-drift: PostHog's published schema against openapi/posthog.yaml.

Each upstream schema here is the project's own spec with deliberate changes, written out as
JSON (as PostHog serves it), and the report must name each change, and nothing else.
"""

from __future__ import annotations

import copy
import http.server
import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .script_modules import load
from .spec_util import ROOT, load_spec

api_drift = load("api_drift")

PROJECTS = "/api/projects/{project_id}/"
ENVIRONMENTS = "/api/environments/{project_id}/"
# The operations whose answers carry an LLMPrompt (the list answers a page of them).
LLM_PROMPT_OPS = {
    "llm_prompts_list",
    "llm_prompts_create",
    "llm_prompts_retrieve",
    "llm_prompts_partial_update",
    "llm_prompts_name_partial_update",
    "llm_prompts_name_archive_create",
    "llm_prompts_name_duplicate_create",
    "llm_prompts_resolve_name_retrieve",
}


@pytest.fixture
def upstream() -> dict[str, Any]:
    """A fresh copy of our spec, to change as PostHog might."""
    return copy.deepcopy(load_spec())


def schemas(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"]


def run(
    doc: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    """Exit status and JSON report of `api_drift.py <file> --json` on ``doc``."""
    path = tmp_path / "posthog-schema.json"
    path.write_text(json.dumps(doc))
    code = api_drift.main([str(path), "--json"])
    return code, json.loads(capsys.readouterr().out)


def differences(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """operationId -> its differences."""
    return {op["operation_id"]: op["differences"] for op in report["operations"]}


def only_difference(report: dict[str, Any], operation_id: str) -> dict[str, Any]:
    found = differences(report)[operation_id]
    assert len(found) == 1, found
    return found[0]


def test_the_unchanged_spec_reports_nothing(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run(upstream, tmp_path, capsys)
    assert code == 0
    assert report["drifted"] is False
    assert report["operations"] == [] and report["removed"] == [] and report["new_upstream"] == []
    assert report["summary"] == {
        "compared": len(list(api_drift.sw.iter_operations(upstream))),
        "differ": 0,
        "stricter": 0,
        "stricter_differences": 0,
        "removed": 0,
        "new_upstream": 0,
    }

    path = tmp_path / "same.json"
    path.write_text(json.dumps(upstream))
    assert api_drift.main([str(path)]) == 0
    text = capsys.readouterr().out
    assert "0 of 55 operations we model differ" in text
    assert "Nothing we model differs." in text


def test_a_response_field_upstream_removed_is_reported_where_it_is_used(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del schemas(upstream)["LLMPrompt"]["properties"]["version_description"]
    code, report = run(upstream, tmp_path, capsys)
    assert code == 1 and report["drifted"] is True
    assert set(differences(report)) == LLM_PROMPT_OPS
    listed = only_difference(report, "llm_prompts_list")
    assert listed["where"] == "response 200 results[].version_description"
    assert listed["kind"] == "removed"
    assert listed["schema"] == "LLMPrompt.version_description"
    assert listed["message"].endswith("upstream has no such response field")
    assert listed["stricter"] is False  # we do not require it


def test_an_enum_value_added_upstream_makes_ours_stricter(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schemas(upstream)["PromptContentEnum"]["enum"].append("summary")
    code, report = run(upstream, tmp_path, capsys)
    assert code == 1
    assert set(differences(report)) == {"llm_prompts_list", "llm_prompts_name_retrieve"}
    assert report["summary"] | {"compared": 0} == {
        "compared": 0,
        "differ": 2,
        "stricter": 2,  # operations
        "stricter_differences": 2,
        "removed": 0,
        "new_upstream": 0,
    }
    found = only_difference(report, "llm_prompts_list")
    assert (found["where"], found["kind"]) == ("query content", "enum")
    assert found["upstream"] == ["full", "none", "preview", "summary"]
    assert found["stricter"] is True
    assert "upstream adds summary" in found["message"]
    assert "STRICTER" in found["message"]


def test_a_type_changed_upstream(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schemas(upstream)["Dataset"]["properties"]["name"]["type"] = "integer"
    code, report = run(upstream, tmp_path, capsys)
    assert code == 1
    found = only_difference(report, "datasets_retrieve")
    assert found["where"] == "response 200 name"
    assert (found["kind"], found["ours"], found["upstream"]) == ("type", ["string"], ["integer"])
    assert found["stricter"] is True  # an integer answer does not parse as our string
    assert "type: ours string, upstream integer" in found["message"]


def test_a_route_moved_to_the_other_prefix_is_matched_and_reported(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = upstream["paths"]
    paths[ENVIRONMENTS + "datasets/"] = paths.pop(PROJECTS + "datasets/")
    code, report = run(upstream, tmp_path, capsys)
    assert code == 1
    assert set(differences(report)) == {"datasets_list", "datasets_create"}
    found = only_difference(report, "datasets_list")
    assert found["kind"] == "path"
    assert found["message"] == (
        "upstream serves it only under /api/environments/, ours under /api/projects/"
    )
    moved = next(op for op in report["operations"] if op["operation_id"] == "datasets_list")
    assert moved["matched_by"] == "route"
    assert moved["upstream_path"] == ENVIRONMENTS + "datasets/"
    assert report["removed"] == [] and report["new_upstream"] == []


def test_a_prefix_move_is_not_grouped_with_a_route_that_changed_as_well(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """datasets/ only moved to the other prefix; logs/values/ moved and was renamed: the
    text report must not fold the rename under the move (nor the move under the rename)."""
    paths = upstream["paths"]
    paths[ENVIRONMENTS + "datasets/"] = paths.pop(PROJECTS + "datasets/")
    paths[ENVIRONMENTS + "logs/values_v2/"] = paths.pop(PROJECTS + "logs/values/")
    path = tmp_path / "posthog-schema.json"
    path.write_text(json.dumps(upstream))
    assert api_drift.main([str(path)]) == 1
    text = capsys.readouterr().out
    assert "      in 2 operations: datasets_list, datasets_create\n" in text
    assert (
        f"  - route: ours {PROJECTS}logs/values/, upstream {ENVIRONMENTS}logs/values_v2/\n" in text
    )


def test_a_route_under_both_prefixes_upstream_is_no_drift(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = upstream["paths"]
    for path in [p for p in paths if p.startswith(PROJECTS)]:
        alias = copy.deepcopy(paths[path])
        for method in api_drift.sw.METHODS:
            if method in alias:
                alias[method]["operationId"] = "environments_" + alias[method]["operationId"]
        paths[ENVIRONMENTS + path[len(PROJECTS) :]] = alias
    code, report = run(upstream, tmp_path, capsys)
    assert (code, report["operations"], report["new_upstream"]) == (0, [], [])


def test_new_upstream_operations_in_our_areas_are_listed_and_exit_0(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def operation(operation_id: str) -> dict[str, Any]:
        return {"get": {"operationId": operation_id, "responses": {"200": {"description": "ok"}}}}

    paths = upstream["paths"]
    paths[PROJECTS + "llm_prompts/name/{prompt_name}/labels/"] = operation("labels_list")
    paths[ENVIRONMENTS + "logs/export/"] = operation("logs_export_retrieve")
    paths[PROJECTS + "dashboards/"] = operation("dashboards_list")  # not an area we cover
    code, report = run(upstream, tmp_path, capsys)
    assert code == 0 and report["drifted"] is False
    assert [op["operation_id"] for op in report["new_upstream"]] == [
        "logs_export_retrieve",
        "labels_list",
    ]

    path = tmp_path / "new.json"
    path.write_text(json.dumps(upstream))
    assert api_drift.main([str(path)]) == 0
    text = capsys.readouterr().out
    assert "New upstream operations in our resource areas (ours lacks them):" in text
    assert (
        "  - labels_list  GET /api/projects/{project_id}/llm_prompts/name/{prompt_name}/labels/"
        in text
    )
    assert "dashboards" not in text


def test_a_format_upstream_does_not_promise_makes_ours_stricter(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    props = schemas(upstream)["LLMPrompt"]["properties"]
    del props["created_at"]["format"]  # ours says date-time, upstream a plain string
    props["first_version_created_at"]["format"] = "date-time"  # upstream promises more
    code, report = run(upstream, tmp_path, capsys)
    assert code == 1
    found = {d["where"]: d for d in differences(report)["llm_prompts_create"]}
    stricter = found["response 201 created_at"]
    assert (stricter["kind"], stricter["ours"], stricter["upstream"]) == (
        "format",
        "date-time",
        None,
    )
    assert stricter["stricter"] is True
    assert stricter["message"] == (
        "response 201 created_at: format: ours date-time, upstream none -- ours is STRICTER "
        "than upstream: valid answers may fail to parse"
    )
    looser = found["response 201 first_version_created_at"]
    assert (looser["kind"], looser["ours"], looser["upstream"]) == ("format", None, "date-time")
    assert looser["stricter"] is False
    assert "STRICTER" not in looser["message"]


def test_an_operation_upstream_removed(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del upstream["paths"][PROJECTS + "logs/sparkline/"]
    code, report = run(upstream, tmp_path, capsys)
    assert code == 1 and report["operations"] == []
    assert report["removed"] == [
        {
            "operation_id": "logs_sparkline_create",
            "method": "POST",
            "path": PROJECTS + "logs/sparkline/",
        }
    ]


def test_an_operation_on_another_route_is_matched_by_operation_id(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = upstream["paths"]
    paths[PROJECTS + "logs/values_v2/"] = paths.pop(PROJECTS + "logs/values/")
    code, report = run(upstream, tmp_path, capsys)
    assert code == 1
    moved = report["operations"][0]
    assert (moved["operation_id"], moved["matched_by"]) == ("logs_values_retrieve", "operationId")
    assert [d["message"] for d in moved["differences"]] == [
        f"route: ours {PROJECTS}logs/values/, upstream {PROJECTS}logs/values_v2/"
    ]
    assert report["new_upstream"] == []  # the moved operation is ours, not new


def test_required_sets_that_differ(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schemas(upstream)["LLMPromptRequest"]["required"].append("version_description")
    schemas(upstream)["LLMPrompt"]["required"].remove("updated_at")
    code, report = run(upstream, tmp_path, capsys)
    assert code == 1
    found = {d["where"]: d for d in differences(report)["llm_prompts_create"]}
    body = found["body version_description"]
    assert (body["kind"], body["ours"], body["upstream"], body["stricter"]) == (
        "required",
        False,
        True,
        False,
    )
    answer = found["response 201 updated_at"]
    assert (answer["kind"], answer["ours"], answer["upstream"], answer["stricter"]) == (
        "required",
        True,
        False,
        True,
    )


def _as_openapi_30(node: Any) -> Any:
    """``type: [x, 'null']`` written the OpenAPI 3.0 way (``type: x, nullable: true``)."""
    if isinstance(node, list):
        return [_as_openapi_30(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _as_openapi_30(v) for k, v in node.items()}
    kind = out.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest = [k for k in kind if k != "null"]
        out["type"] = rest[0] if len(rest) == 1 else rest
        out["nullable"] = True
    return out


def test_openapi_30_nullable_reads_like_31_and_a_null_upstream_allows_is_reported(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older = _as_openapi_30(upstream)
    older["openapi"] = "3.0.3"
    code, report = run(older, tmp_path, capsys)
    assert (code, report["operations"]) == (0, [])

    schemas(older)["Dataset"]["properties"]["name"]["nullable"] = True
    code, report = run(older, tmp_path, capsys)
    found = only_difference(report, "datasets_retrieve")
    assert (found["where"], found["kind"], found["stricter"]) == (
        "response 200 name",
        "nullable",
        True,
    )


def test_the_text_report_gives_a_shared_schema_difference_once(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schemas(upstream)["LLMPrompt"]["properties"]["version"]["type"] = "string"
    schemas(upstream)["PromptVersionConflict"]["required"] = ["detail"]  # an error body: ignored
    path = tmp_path / "posthog-schema.json"
    path.write_text(json.dumps(upstream))
    assert api_drift.main([str(path)]) == 1
    text = capsys.readouterr().out
    line = (
        "  - LLMPrompt.version: type: ours integer, upstream string -- ours is STRICTER than "
        "upstream: valid answers may fail to parse"
    )
    assert text.count(line) == 1
    assert "      in 8 operations: llm_prompts_list, llm_prompts_create," in text
    assert "8 of 55 operations we model differ (8 where ours is STRICTER)" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{not json", "is not JSON or YAML"),
        ('{"openapi": "3.1.0"}', "is not an OpenAPI document"),
        (
            json.dumps(
                {
                    "paths": {
                        PROJECTS + "logs/values/": {
                            "get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}
                        }
                    }
                }
            ),
            "points at nothing",
        ),
    ],
)
def test_an_unreadable_upstream_exits_2(
    content: str | None, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "schema.json"
    if content is not None:
        path.write_text(content)
    assert api_drift.main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("api-drift: ") and message in captured.err


def test_no_upstream_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        api_drift.main([])
    assert exited.value.code == 2
    assert "usage: api_drift.py" in capsys.readouterr().err


def test_make_api_drift_without_upstream_prints_usage_and_exits_2() -> None:
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "api-drift"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "usage: make api-drift UPSTREAM=<schema file or URL> [JSON=1]" in result.stderr
    assert result.stdout == ""


def test_make_api_drift_passes_upstream_and_json_to_the_script() -> None:
    result = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "api-drift", "UPSTREAM=https://h/s?f=json&x=1",
         "JSON=1"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "scripts/api_drift.py --json 'https://h/s?f=json&x=1'" in result.stdout


# ------------------------------------------------------------------------------ download


class _Schema(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        if self.path.startswith("/api/schema/"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self.body)))
            self.end_headers()
            self.wfile.write(self.body)
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def schema_server() -> Iterator[str]:
    _Schema.body = json.dumps(load_spec()).encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Schema)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_upstream_may_be_a_url(schema_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert api_drift.main([f"{schema_server}/api/schema/?format=json"]) == 0
    assert "Nothing we model differs." in capsys.readouterr().out


def test_a_failed_download_exits_2(schema_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert api_drift.main([f"{schema_server}/missing.json"]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        f"api-drift: cannot download {schema_server}/missing.json: HTTP 404 Not Found\n",
    )
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert api_drift.main([f"http://127.0.0.1:{port}/schema.json"]) == 2
    assert "cannot download http://127.0.0.1:" in capsys.readouterr().err


# ------------------------------------------------------------------------------ big schema


def big_schema(paths: int = 1400) -> dict[str, Any]:
    """PostHog-sized: our spec plus ``paths`` generated routes (about 6 MB of JSON), a few of
    them in our resource areas, each with its own request and response component."""
    doc = copy.deepcopy(load_spec())
    areas = ["dashboards", "insights", "cohorts", "feature_flags", "experiments", "llm_prompts"]
    prose = "A field of a generated resource, described at PostHog's usual length. " * 3
    for i in range(paths):
        name = f"Resource{i}"
        props = {
            f"field_{j}": {"type": "string", "maxLength": 200, "description": prose}
            for j in range(12)
        }
        props["id"] = {"type": "integer", "readOnly": True}
        props["status"] = {"enum": ["draft", "live", "archived"], "type": "string"}
        doc["components"]["schemas"][name] = {
            "type": "object",
            "properties": props,
            "required": ["id"],
        }
        ref = {"$ref": f"#/components/schemas/{name}"}
        area = areas[i % len(areas)]
        prefix = PROJECTS if i % 2 else ENVIRONMENTS
        doc["paths"][f"{prefix}{area}/generated_{i}/{{id}}/"] = {
            "get": {
                "operationId": f"{area}_generated_{i}_retrieve",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {"description": prose, "content": {"application/json": {"schema": ref}}}
                },
            },
            "patch": {
                "operationId": f"{area}_generated_{i}_partial_update",
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": {
                    "200": {"description": prose, "content": {"application/json": {"schema": ref}}}
                },
            },
        }
    return doc


def test_a_posthog_sized_schema_takes_well_under_a_few_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = big_schema()
    schemas(doc)["LLMPrompt"]["properties"]["version"]["type"] = "string"
    path = tmp_path / "posthog-schema.json"
    path.write_text(json.dumps(doc))
    assert path.stat().st_size > 5_000_000 and len(doc["paths"]) > 1_400

    started = time.perf_counter()
    code = api_drift.main([str(path), "--json"])
    elapsed = time.perf_counter() - started
    report = json.loads(capsys.readouterr().out)
    assert elapsed < 3.0, f"{elapsed:.2f} s"
    assert code == 1
    assert set(differences(report)) == LLM_PROMPT_OPS
    new = report["new_upstream"]
    in_our_area = sum(1 for i in range(1400) if i % 6 == 5)  # the llm_prompts routes
    assert len(new) == 2 * in_our_area  # two methods each
    assert all("/llm_prompts/generated_" in op["path"] for op in new)


def test_drf_spectacular_blank_and_null_enums_read_as_one_enum(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PostHog's schema writes an optional choice as oneOf [the enum, BlankEnum, NullEnum]:
    the same type, nullable, plus the empty string, which ours does not allow."""
    schemas(upstream)["BlankEnum"] = {"enum": [""]}
    schemas(upstream)["NullEnum"] = {"enum": [None]}
    schemas(upstream)["UserBasic"]["properties"]["role_at_organization"] = {
        "oneOf": [
            {"$ref": "#/components/schemas/RoleAtOrganizationEnum"},
            {"$ref": "#/components/schemas/BlankEnum"},
            {"$ref": "#/components/schemas/NullEnum"},
        ]
    }
    code, report = run(upstream, tmp_path, capsys)
    assert code == 1
    found = only_difference(report, "datasets_retrieve")
    assert (found["where"], found["kind"], found["stricter"]) == (
        "response 200 created_by.role_at_organization",
        "enum",
        True,
    )
    assert found["schema"] == "RoleAtOrganizationEnum"  # where the values are written
    assert 'enum: upstream adds "" -- ours is STRICTER' in found["message"]


def test_a_recursive_upstream_schema_is_walked_once_per_level(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PostHog's property filters nest through oneOf; walking them must end, and quickly."""
    branches = [{"$ref": "#/components/schemas/Filter"}, {"$ref": "#/components/schemas/Leaf"}]
    schemas(upstream)["Leaf"] = {"type": "object", "properties": {"key": {"type": "string"}}}
    schemas(upstream)["Filter"] = {
        "type": "object",
        "properties": {
            name: {"type": "array", "items": {"oneOf": branches}} for name in ("and", "or", "not")
        },
    }
    schemas(upstream)["Dataset"]["properties"]["metadata"] = {"oneOf": branches}
    started = time.perf_counter()
    code, report = run(upstream, tmp_path, capsys)
    assert time.perf_counter() - started < 1.0
    assert code == 1
    found = {d["where"]: d for d in differences(report)["datasets_retrieve"]}
    assert found["response 200 metadata"]["kind"] == "type"  # any -> object
    added = {where for where, d in found.items() if d["kind"] == "added"}
    assert added == {"response 200 metadata.and", "response 200 metadata.key",
                     "response 200 metadata.not", "response 200 metadata.or"}  # fmt: skip

    sw = api_drift.sw
    op = next(o for o in sw.iter_operations(upstream) if o.operation_id == "datasets_retrieve")
    places = {path for _, path in sw.fields(op, sw.Walker(upstream)) if "metadata" in path}
    assert places == {"metadata", "metadata.key"} | {
        f"metadata.{name}{items}" for name in ("and", "or", "not") for items in ("", "[]")
    }  # Filter inside Filter is not walked again


def test_one_schema_at_two_statuses_of_one_operation_is_listed_at_both(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del schemas(upstream)["LLMPromptLabel"]["properties"]["created_at"]["format"]
    path = tmp_path / "posthog-schema.json"
    path.write_text(json.dumps(upstream))
    assert api_drift.main([str(path)]) == 1
    text = capsys.readouterr().out
    for status in ("200", "201"):  # the label is answered when moved and when created
        assert f"  - response {status} created_at: format: ours date-time, upstream none" in text
