"""Prompt values, templates, diffs and the prompt cache (transport-independent pieces)."""

from posthog_api.prompts.cache import CacheStats, PromptCache
from posthog_api.prompts.diff import PromptDiff, diff_prompts
from posthog_api.prompts.label import PromptLabel
from posthog_api.prompts.prompt import CompiledPrompt, Prompt, PromptSource
from posthog_api.prompts.template import compile, render_value, variables

__all__ = [
    "CacheStats",
    "CompiledPrompt",
    "Prompt",
    "PromptCache",
    "PromptDiff",
    "PromptLabel",
    "PromptSource",
    "compile",
    "diff_prompts",
    "render_value",
    "variables",
]
