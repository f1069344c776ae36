"""``posthog.prompts``: named prompts with immutable versions.

The row-level operations are here; the name-based versioning API (cached ``get``,
compare-and-swap ``publish``, history, diffs) builds on them.
"""

from __future__ import annotations

from typing import Any

from posthog_api_client.models import (
    LLMPrompt,
    LLMPromptPublic,
    LLMPromptPublish,
    LLMPromptRequest,
    LLMPromptResolveResponse,
    PaginatedLLMPromptList,
    PatchedLLMPrompt,
)
from posthog_api_client.types import UNSET

from .. import _validation
from .._errors import InvalidRequestError
from .._pagination import AsyncPaginator
from ._base import Resource, unset_if_none


class Prompts(Resource):
    __slots__ = ()

    def list(
        self, *, search: str | None = None, page_size: int | None = None, concurrency: int = 1
    ) -> AsyncPaginator[LLMPrompt]:
        """The latest version of every live prompt name."""
        return AsyncPaginator(
            self._client,
            "llm_prompts_list",
            PaginatedLLMPromptList,
            {"search": unset_if_none(search)},
            page_size=page_size,
            concurrency=concurrency,
        )

    async def create(self, name: str, prompt: Any) -> LLMPrompt:
        """Create ``name`` at version 1."""
        body = LLMPromptRequest(
            name=_validation.prompt_name(name), prompt=_validation.prompt_content(prompt)
        )
        return await self._client._call("llm_prompts_create", LLMPrompt, body=body)

    async def fetch(self, name: str, version: int | None = None) -> LLMPromptPublic:
        """The latest (or a given) version by name, uncached, as the server sends it."""
        return await self._client._call(
            "llm_prompts_name_retrieve",
            LLMPromptPublic,
            prompt_name=_validation.prompt_name(name),
            version=UNSET
            if version is None
            else _validation.integer(version, "version", minimum=1),
        )

    async def resolve(
        self,
        name: str,
        *,
        version: int | None = None,
        version_id: Any = None,
        limit: int | None = None,
        offset: int | None = None,
        before_version: int | None = None,
    ) -> LLMPromptResolveResponse:
        """One version plus a page of the name's history (newest first)."""
        if offset is not None and before_version is not None:
            raise InvalidRequestError(
                "pass offset or before_version, not both (PostHog refuses the pair)"
            )
        return await self._client._call(
            "llm_prompts_resolve_name_retrieve",
            LLMPromptResolveResponse,
            prompt_name=_validation.prompt_name(name),
            version=_opt_int(version, "version", 1),
            version_id=UNSET
            if version_id is None
            else _validation.uuid_id(version_id, "version_id"),
            limit=50 if limit is None else _limit(limit),
            offset=_opt_int(offset, "offset", 0),
            before_version=_opt_int(before_version, "before_version", 1),
        )

    async def publish(self, name: str, prompt: Any, *, base_version: int) -> LLMPrompt:
        """Publish a new version; ``base_version`` must still be the latest."""
        body = LLMPromptPublish(
            prompt=_validation.prompt_content(prompt),
            base_version=_validation.integer(base_version, "base_version", minimum=1),
        )
        return await self._client._call(
            "llm_prompts_name_partial_update",
            LLMPrompt,
            prompt_name=_validation.prompt_name(name),
            body=body,
        )

    async def archive(self, name: str) -> None:
        """Soft-delete every version of ``name``; the name can then be created again."""
        await self._client._call(
            "llm_prompts_name_archive_create", None, prompt_name=_validation.prompt_name(name)
        )

    async def retrieve(self, id: Any) -> LLMPrompt:
        """One version row by its UUID."""
        return await self._client._call(
            "llm_prompts_retrieve", LLMPrompt, id=_validation.uuid_id(id, "prompt id")
        )

    async def update(self, id: Any, *, deleted: bool) -> LLMPrompt:
        """Patch one version row. Only ``deleted`` may change; content is versioned."""
        if not isinstance(deleted, bool):
            raise InvalidRequestError(f"deleted must be True or False, got {deleted!r}")
        return await self._client._call(
            "llm_prompts_partial_update",
            LLMPrompt,
            id=_validation.uuid_id(id, "prompt id"),
            body=PatchedLLMPrompt(deleted=deleted),
        )

    async def delete(self, id: Any) -> None:
        """Hard delete. PostHog always refuses it (``MethodNotAllowedError``); see archive."""
        await self._client._call(
            "llm_prompts_destroy", None, id=_validation.uuid_id(id, "prompt id")
        )


def _opt_int(value: int | None, what: str, minimum: int) -> Any:
    return UNSET if value is None else _validation.integer(value, what, minimum=minimum)


def _limit(value: int) -> int:
    value = _validation.integer(value, "limit", minimum=1)
    if value > 100:
        raise InvalidRequestError(f"limit must be at most 100, got {value}")
    return value
