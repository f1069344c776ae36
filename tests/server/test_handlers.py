"""The local server's handler table against the operation table.

Routes come from OPERATIONS and handlers from HANDLERS (keyed by operation id). An
operation added to the spec and regenerated gets its route at once and answers 501 until
someone writes its handler, so a spec change never needs an edit in src/ to keep the
server (and every other operation on it) running.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from posthog_api_client.operations import OPERATIONS, Operation, Param

from posthog_api.testing import ServerState, app, run_in_thread

KEY = "phx_handlers_all_scopes"
NO_SCOPES = "phx_handlers_no_scopes"
PROJECT = "1"

# Operations of the spec the local server deliberately does not implement (answer 501).
UNIMPLEMENTED: set[str] = set()

WIDGETS = Operation(
    "widgets_retrieve",
    "GET",
    "/api/projects/{project_id}/widgets/{id}/",
    "widgets",
    ("widget:read",),
    (200,),
    "widgets.retrieve",
    (Param("id", "id", "path", "int", required=True),),
)


def test_every_operation_has_a_handler_and_every_handler_an_operation() -> None:
    assert set(OPERATIONS) - set(app.HANDLERS) == UNIMPLEMENTED
    assert set(app.HANDLERS) - set(OPERATIONS) == set()


@pytest.fixture
def url_with_new_operation(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The server built from a table with one more operation than it has handlers for."""
    monkeypatch.setattr(app, "OPERATIONS", {**OPERATIONS, WIDGETS.operation_id: WIDGETS})
    state = ServerState(project_id=PROJECT, keys={KEY: ["*"], NO_SCOPES: []})
    with run_in_thread(state) as url:
        yield url


async def test_an_operation_without_a_handler_answers_501_in_drfs_shape(
    url_with_new_operation: str,
) -> None:
    async with httpx.AsyncClient(base_url=url_with_new_operation) as http:
        auth = {"Authorization": f"Bearer {KEY}"}
        response = await http.get(f"/api/projects/{PROJECT}/widgets/7/", headers=auth)
        assert response.status_code == 501
        assert response.json() == {
            "type": "server_error",
            "code": "not_implemented",
            "detail": "the local server does not implement widgets_retrieve: add a handler "
            "for it to HANDLERS in posthog_api/testing/app.py",
            "attr": None,
        }
        # Authentication and scopes are still checked first, as for every operation.
        anonymous = await http.get(f"/api/projects/{PROJECT}/widgets/7/")
        assert anonymous.status_code == 401
        no_scope = {"Authorization": f"Bearer {NO_SCOPES}"}
        refused = await http.get(f"/api/projects/{PROJECT}/widgets/7/", headers=no_scope)
        assert refused.status_code == 403
        assert "widget:read" in refused.json()["detail"]
        # The operations that have handlers are served as before.
        listed = await http.get(f"/api/projects/{PROJECT}/datasets/", headers=auth)
        assert listed.status_code == 200
        assert listed.json()["results"] == []
