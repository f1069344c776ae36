"""Async Python SDK for PostHog's LLM-analytics and environment REST API.

``import posthog_api`` is cheap: the client, the HTTP stack and the generated models load
on first use of the names below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    MethodNotAllowedError,
    MissingVariablesError,
    NotFoundError,
    PermissionDeniedError,
    PostHogError,
    ProjectNotFoundError,
    PromptNotFoundError,
    PromptVersionConflict,
    RateLimitError,
    ResponseValidationError,
    ScopeError,
)
from ._version import __version__

if TYPE_CHECKING:
    from ._budget import RateBudget
    from ._client import AsyncPostHog
    from ._pagination import AsyncPaginator, Page
    from .prompts import CompiledPrompt, Prompt, PromptDiff, PromptLabel
    from .prompts.store import RedisPromptStore

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPaginator",
    "AsyncPostHog",
    "AuthenticationError",
    "BadRequestError",
    "CompiledPrompt",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidRequestError",
    "MethodNotAllowedError",
    "MissingVariablesError",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "PostHogError",
    "ProjectNotFoundError",
    "Prompt",
    "PromptDiff",
    "PromptLabel",
    "PromptNotFoundError",
    "PromptVersionConflict",
    "RateBudget",
    "RateLimitError",
    "RedisPromptStore",
    "ResponseValidationError",
    "ScopeError",
    "__version__",
]

_LAZY = {
    "AsyncPostHog": "._client",
    "AsyncPaginator": "._pagination",
    "Page": "._pagination",
    "CompiledPrompt": ".prompts",
    "Prompt": ".prompts",
    "PromptDiff": ".prompts",
    "PromptLabel": ".prompts",
    "RateBudget": "._budget",
    "RedisPromptStore": ".prompts.store",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'posthog_api' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
