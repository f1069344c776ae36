"""The workflow the README's "When the API changes" describes, end to end.

A copy of the spec gets one new operation (a new tag, ``widgets``, with a retrieve), the
real generator (``make generate`` with SPEC and PKG pointed at temporary folders) writes a
package from it, and a fresh interpreter that imports that package instead of generated/
calls ``posthog.widgets.retrieve(...)`` through the unchanged facade in src/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from .generator import generate
from .spec_util import ROOT, SPEC_PATH

NEW_TAG = """\
  - name: widgets
    description: Widgets on a project's dashboards.
"""
NEW_PATH = """\
  /api/projects/{project_id}/widgets/{id}/:
    parameters:
      - $ref: '#/components/parameters/ProjectId'
      - name: id
        in: path
        required: true
        description: The widget's numeric id.
        schema:
          type: integer
          minimum: 1
    get:
      operationId: widgets_retrieve
      summary: Get a widget
      tags: [widgets]
      security:
        - PersonalAPIKeyAuth: ['widget:read']
      parameters:
        - name: expand
          in: query
          required: false
          description: Also return the widget's data.
          schema:
            type: boolean
      responses:
        '200':
          description: The widget.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/JSONObject'
        '401': {$ref: '#/components/responses/Unauthorized'}
        '404': {$ref: '#/components/responses/NotFound'}
"""

# Runs in a fresh interpreter whose posthog_api_client is the regenerated one.
CALLER = """
import asyncio, json, sys
import httpx
import posthog_api_client
from posthog_api import AsyncPostHog, ScopeError

sent = []

def handler(request):
    sent.append({"method": request.method, "url": str(request.url)})
    return httpx.Response(200, json={"id": 7, "title": "Daily generations"})

def client(**options):
    return AsyncPostHog(
        api_key="phx_workflow_test_key", project_id=42, host="https://ph.example",
        transport=httpx.MockTransport(handler), **options,
    )

async def main():
    posthog = client()
    limited = client(scopes=["dataset:read"])
    try:
        widget = await posthog.widgets.retrieve(7, expand=True)
        try:
            await limited.widgets.retrieve(7)
            refused = None
        except ScopeError as error:
            refused = str(error)
    finally:
        await limited.aclose()
        await posthog.aclose()
    print(json.dumps({
        "package": posthog_api_client.__file__,
        "type": type(widget).__name__,
        "widget": widget.to_dict(),
        "sent": sent,
        "refused": refused,
    }))

asyncio.run(main())
"""


def _spec_with_widgets(folder: Path) -> Path:
    text = SPEC_PATH.read_text()
    assert text.count("\ntags:\n") == 1 and text.count("\npaths:\n") == 1
    text = text.replace("\ntags:\n", "\ntags:\n" + NEW_TAG)
    text = text.replace("\npaths:\n", "\npaths:\n" + NEW_PATH)
    path = folder / "posthog.yaml"
    path.write_text(text)
    return path


def test_a_new_operation_in_the_spec_is_callable_after_make_generate(tmp_path: Path) -> None:
    assert "widgets" not in SPEC_PATH.read_text()
    # Nothing in src/ knows about widgets: the namespace comes from generation alone.
    assert not [p for p in (ROOT / "src").rglob("*.py") if "widgets" in p.read_text()]

    package = generate(_spec_with_widgets(tmp_path), tmp_path / "out" / "posthog_api_client")
    assert (package / "resources" / "widgets.py").is_file()

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package.parent), str(ROOT / "src")])}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CALLER)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert Path(out["package"]).is_relative_to(package)
    assert out["type"] == "JSONObject"
    assert out["widget"] == {"id": 7, "title": "Daily generations"}
    assert out["sent"] == [
        {"method": "GET", "url": "https://ph.example/api/projects/42/widgets/7/?expand=true"}
    ]
    # The scope the new operation declares is checked before anything is sent.
    assert out["refused"] is not None and "widget:read" in out["refused"]
