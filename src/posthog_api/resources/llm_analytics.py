"""``posthog.llm_analytics``: provider keys, models, summaries and text renderings."""

from __future__ import annotations

from typing import Any

from posthog_api_client.models import (
    EvaluationSummaryRequest,
    EvaluationSummaryResponse,
    JSONObject,
    LLMProviderKey,
    PaginatedLLMProviderKeyList,
    ProviderKeyValidationRequest,
    SetActiveKeyRequest,
    SummarizeRequest,
    SummarizeResponse,
    TextReprRequest,
    TextReprResponse,
)
from posthog_api_client.models.provider_enum import ProviderEnum
from posthog_api_client.types import UNSET

from .._pagination import AsyncPaginator
from ._base import NOT_GIVEN, Resource, build_body, enum_value


class LLMAnalytics(Resource):
    __slots__ = ()

    def provider_keys(
        self, *, page_size: int | None = None, concurrency: int = 1
    ) -> AsyncPaginator[LLMProviderKey]:
        """Stored LLM provider keys (their secrets only ever masked)."""
        return AsyncPaginator(
            self._client,
            "llm_analytics_provider_keys_list",
            PaginatedLLMProviderKeyList,
            {},
            page_size=page_size,
            concurrency=concurrency,
        )

    async def validate_provider_key(
        self, body: ProviderKeyValidationRequest | dict[str, Any] | None = None, **fields: Any
    ) -> JSONObject:
        """Check a provider key (``provider``, ``api_key``) without storing it."""
        request = build_body(
            "llm_analytics.validate_provider_key",
            ProviderKeyValidationRequest,
            body,
            fields,
            open_ended=True,
        )
        return await self._client._call(
            "llm_analytics_provider_key_validations_create", JSONObject, body=request
        )

    async def models(self, provider: str | None = None) -> JSONObject:
        """The models a provider (openai, anthropic, gemini, openrouter, fireworks) offers."""
        return await self._client._call(
            "llm_analytics_models_retrieve",
            JSONObject,
            provider=UNSET if provider is None else enum_value(ProviderEnum, provider, "provider"),
        )

    async def evaluation_config(self) -> JSONObject:
        return await self._client._call("llm_analytics_evaluation_config_retrieve", JSONObject)

    async def set_active_key(
        self, body: SetActiveKeyRequest | dict[str, Any] | None = None, **fields: Any
    ) -> JSONObject:
        """Choose which stored provider key evaluations use (``key_id``)."""
        request = build_body(
            "llm_analytics.set_active_key", SetActiveKeyRequest, body, fields, open_ended=True
        )
        return await self._client._call(
            "llm_analytics_evaluation_config_set_active_key_create", JSONObject, body=request
        )

    async def evaluation_summary(
        self,
        body: EvaluationSummaryRequest | dict[str, Any] | None = None,
        *,
        evaluation_id: Any = NOT_GIVEN,
        filter: str = NOT_GIVEN,
        generation_ids: list[str] = NOT_GIVEN,
        force_refresh: bool = NOT_GIVEN,
    ) -> EvaluationSummaryResponse:
        """An LLM-written summary of an evaluation's passing and failing runs."""
        request = build_body(
            "llm_analytics.evaluation_summary",
            EvaluationSummaryRequest,
            body,
            {
                "evaluation_id": evaluation_id,
                "filter": filter,
                "generation_ids": generation_ids,
                "force_refresh": force_refresh,
            },
        )
        return await self._client._call(
            "llm_analytics_evaluation_summary_create", EvaluationSummaryResponse, body=request
        )

    async def summarize(
        self,
        body: SummarizeRequest | dict[str, Any] | None = None,
        *,
        summarize_type: str = NOT_GIVEN,
        data: Any = NOT_GIVEN,
        mode: str = NOT_GIVEN,
        force_refresh: bool = NOT_GIVEN,
    ) -> SummarizeResponse:
        """Summarise a trace (``summarize_type="trace"``) or one event (``"event"``)."""
        request = build_body(
            "llm_analytics.summarize",
            SummarizeRequest,
            body,
            {
                "summarize_type": summarize_type,
                "data": data,
                "mode": mode,
                "force_refresh": force_refresh,
            },
        )
        return await self._client._call(
            "llm_analytics_summarization_create", SummarizeResponse, body=request
        )

    async def text_repr(
        self,
        body: TextReprRequest | dict[str, Any] | None = None,
        *,
        event_type: str = NOT_GIVEN,
        data: dict[str, Any] = NOT_GIVEN,
        options: dict[str, Any] = NOT_GIVEN,
    ) -> TextReprResponse:
        """Render an ``$ai_generation``/``$ai_span``/``$ai_embedding``/``$ai_trace`` as text."""
        request = build_body(
            "llm_analytics.text_repr",
            TextReprRequest,
            body,
            {"event_type": event_type, "data": data, "options": options},
        )
        return await self._client._call(
            "llm_analytics_text_repr_create", TextReprResponse, body=request
        )
