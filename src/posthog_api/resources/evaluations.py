"""``posthog.evaluations`` and ``posthog.evaluation_runs``: grading LLM generations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from posthog_api_client.models import (
    Evaluation,
    EvaluationRequest,
    EvaluationRunRequest,
    JSONObject,
    PaginatedEvaluationList,
    PatchedEvaluation,
)

from .. import _validation
from .._errors import InvalidRequestError
from .._pagination import AsyncPaginator
from ._base import NOT_GIVEN, Resource, build_body, order_by_param, unset_if_none, uuids


class Evaluations(Resource):
    __slots__ = ()

    def list(
        self,
        *,
        enabled: bool | None = None,
        search: str | None = None,
        order_by: Iterable[str] | str | None = None,
        id_in: Iterable[Any] | None = None,
        page_size: int | None = None,
        concurrency: int = 1,
    ) -> AsyncPaginator[Evaluation]:
        if enabled is not None and not isinstance(enabled, bool):
            raise InvalidRequestError(f"enabled must be True, False or None, got {enabled!r}")
        params = {
            "enabled": unset_if_none(enabled),
            "search": unset_if_none(search),
            "order_by": order_by_param(order_by),
            "id_in": uuids(id_in, "id_in"),
        }
        return AsyncPaginator(
            self._client,
            "evaluations_list",
            PaginatedEvaluationList,
            params,
            page_size=page_size,
            concurrency=concurrency,
        )

    async def create(
        self,
        body: EvaluationRequest | dict[str, Any] | None = None,
        *,
        name: str = NOT_GIVEN,
        evaluation_type: str = NOT_GIVEN,
        output_type: str = NOT_GIVEN,
        description: str = NOT_GIVEN,
        enabled: bool = NOT_GIVEN,
        evaluation_config: Any = NOT_GIVEN,
        output_config: Any = NOT_GIVEN,
        conditions: Any = NOT_GIVEN,
        deleted: bool = NOT_GIVEN,
    ) -> Evaluation:
        """Create an evaluation (``evaluation_type`` llm_judge or hog; ``output_type`` boolean)."""
        request = build_body(
            "evaluations.create",
            EvaluationRequest,
            body,
            {
                "name": name,
                "evaluation_type": evaluation_type,
                "output_type": output_type,
                "description": description,
                "enabled": enabled,
                "evaluation_config": evaluation_config,
                "output_config": output_config,
                "conditions": conditions,
                "deleted": deleted,
            },
        )
        return await self._client._call("evaluations_create", Evaluation, body=request)

    async def retrieve(self, id: Any) -> Evaluation:
        return await self._client._call(
            "evaluations_retrieve", Evaluation, id=_validation.uuid_id(id, "evaluation id")
        )

    async def update(
        self,
        id: Any,
        body: PatchedEvaluation | dict[str, Any] | None = None,
        **fields: Any,
    ) -> Evaluation:
        """Change the given fields (a PATCH): name, description, enabled, configs, deleted..."""
        evaluation_id = _validation.uuid_id(id, "evaluation id")
        request = build_body("evaluations.update", PatchedEvaluation, body, fields)
        return await self._client._call(
            "evaluations_partial_update", Evaluation, id=evaluation_id, body=request
        )

    async def soft_delete(self, id: Any) -> Evaluation:
        """Mark the evaluation deleted (PostHog forbids hard deletes)."""
        return await self.update(id, deleted=True)

    async def delete(self, id: Any) -> None:
        """Hard delete. PostHog always refuses it (``MethodNotAllowedError``); see soft_delete."""
        await self._client._call(
            "evaluations_destroy", None, id=_validation.uuid_id(id, "evaluation id")
        )


class EvaluationRuns(Resource):
    __slots__ = ()

    async def create(
        self, body: EvaluationRunRequest | dict[str, Any] | None = None, **fields: Any
    ) -> JSONObject:
        """Queue a run of an evaluation (``evaluation_id``, ``target_event_id``, ...)."""
        request = build_body(
            "evaluation_runs.create", EvaluationRunRequest, body, fields, open_ended=True
        )
        return await self._client._call("evaluation_runs_create", JSONObject, body=request)
