"""scripts/gen_sdk.py refuses a spec it would turn into a broken SDK, and says what to fix.

Two operations that would get the same method, or a parameter or body field named like
one of the SDK's own arguments (``timeout``, ``body`` ...), would otherwise generate a
method that silently drops or shadows one of them.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from .spec_util import ROOT, load_spec

Edit = Callable[[dict[str, Any]], None]


def _same_name(spec: dict[str, Any]) -> None:
    spec["paths"]["/api/projects/{project_id}/datasets/{id}/"]["get"]["x-sdk-name"] = "list"


def _timeout_query_param(spec: dict[str, Any]) -> None:
    spec["paths"]["/api/projects/{project_id}/datasets/"]["get"]["parameters"].append(
        {"name": "timeout", "in": "query", "schema": {"type": "integer"}}
    )


def _body_field(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["DatasetRequest"]["properties"]["body"] = {"type": "string"}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            _same_name,
            "datasets_list and datasets_retrieve would both be datasets.list: "
            "give one an x-sdk-name",
        ),
        (
            _timeout_query_param,
            "datasets_list: the argument name 'timeout' is taken by the SDK; "
            "rename the parameter or field in the spec",
        ),
        (
            _body_field,
            "datasets_create: the argument name 'body' is taken by the SDK; "
            "rename the parameter or field in the spec",
        ),
    ],
    ids=["two-operations-one-method", "reserved-query-param", "reserved-body-field"],
)
def test_refused_with_what_to_fix_and_nothing_written(
    tmp_path: Path, edit: Edit, message: str
) -> None:
    spec = copy.deepcopy(load_spec())
    edit(spec)
    spec_path = tmp_path / "posthog.yaml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False))
    out = tmp_path / "out"
    out.mkdir()
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_sdk.py"), str(spec_path), str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr == f"{spec_path}: {message}\n"
    assert list(out.iterdir()) == []
