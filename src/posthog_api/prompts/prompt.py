"""``Prompt``: one version of a named PostHog prompt, as ``posthog.prompts.get`` returns it."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from posthog_api._errors import InvalidRequestError
from posthog_api.prompts import template

__all__ = ["Prompt", "PromptSource"]

PromptSource = Literal["api", "cache", "stale", "fallback"]


def _parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:  # "" or a malformed date
        return None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict_or_none(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def label_names(value: Any) -> tuple[str, ...]:
    """A ``labels`` field as a tuple of names: what is not a list of str is taken as none."""
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


@dataclass(frozen=True, slots=True, repr=False)
class Prompt:
    """One immutable version of a prompt.

    ``source``: ``"api"`` (just fetched), ``"cache"`` (fresh cached copy), ``"stale"`` (past
    its TTL, served while a refresh runs or the API fails) or ``"fallback"`` (the caller's).
    ``fetched_at`` is the ``time.time()`` of the fetch. Neither takes part in ``==``.

    ``config`` (model and agent parameters) and ``version_description`` are versioned with
    the content. ``labels`` are the labels on this version when it was fetched, and
    ``label`` the one it was fetched by (``get(name, label=...)``), else None: labels move,
    so neither takes part in ``==``. Treat ``prompt`` and ``config`` as read-only: a cached
    prompt is shared by every caller.
    """

    name: str
    version: int
    id: str
    prompt: Any
    created_at: datetime | None = None
    updated_at: datetime | None = None
    is_latest: bool | None = None
    latest_version: int | None = None
    version_count: int | None = None
    first_version_created_at: datetime | None = None
    source: PromptSource = field(default="api", compare=False)
    fetched_at: float = field(default=0.0, compare=False)
    config: dict[str, Any] | None = field(default=None, hash=False)
    version_description: str | None = None
    labels: tuple[str, ...] = field(default=(), compare=False)
    label: str | None = field(default=None, compare=False)

    @classmethod
    def from_api(
        cls,
        data: Mapping[str, Any],
        *,
        source: PromptSource = "api",
        fetched_at: float | None = None,
    ) -> Prompt:
        """Build from an ``LLMPrompt``/``LLMPromptPublic`` JSON object of the API."""
        is_latest = data.get("is_latest")
        return cls(
            name=str(data["name"]),
            version=int(data["version"]),
            id=str(data["id"]),
            prompt=data.get("prompt"),
            created_at=_parse_datetime(data.get("created_at")),
            updated_at=_parse_datetime(data.get("updated_at")),
            is_latest=is_latest if isinstance(is_latest, bool) else None,
            latest_version=_int_or_none(data.get("latest_version")),
            version_count=_int_or_none(data.get("version_count")),
            first_version_created_at=_parse_datetime(data.get("first_version_created_at")),
            source=source,
            fetched_at=time.time() if fetched_at is None else fetched_at,
            config=_dict_or_none(data.get("config")),
            version_description=_str_or_none(data.get("version_description")),
            labels=label_names(data.get("labels")),
            label=_str_or_none(data.get("label")),
        )

    def with_source(self, source: PromptSource) -> Prompt:
        """A copy of this prompt marked with another ``source`` (everything else shared)."""
        return self if source == self.source else dataclasses.replace(self, source=source)

    @property
    def text(self) -> str:
        """The prompt as text: the string itself, or compact JSON for any other value."""
        if isinstance(self.prompt, str):
            return self.prompt
        return json.dumps(self.prompt, ensure_ascii=False, separators=(",", ":"))

    @property
    def variables(self) -> list[str]:
        """The ``{{variable}}`` names in :attr:`text`, de-duplicated, in order of first use."""
        return template.variables(self.text)

    def compile(
        self, variables: Mapping[str, Any] | None = None, /, *, strict: bool = True, **more: Any
    ) -> str:
        """:attr:`text` with its ``{{variables}}`` filled in (see :mod:`.template`), given as
        keywords or as a mapping (any name, ``strict`` included); ``strict`` raises
        :class:`~posthog_api.MissingVariablesError` for any not given. A JSON prompt fills
        its compact JSON text, inserting values as is (not escaped)."""
        if variables is not None and not isinstance(variables, Mapping):
            raise InvalidRequestError(
                f"compile() takes the variables as a mapping or as keywords, got "
                f"{type(variables).__name__}"
            )
        if not isinstance(strict, bool):
            raise InvalidRequestError(f"strict must be True or False, got {type(strict).__name__}")
        return template.compile(self.text, {**(variables or {}), **more}, strict=strict)

    def __repr__(self) -> str:
        label = "" if self.label is None else f", label={self.label!r}"
        return f"Prompt({self.name!r}, version={self.version}{label}, source={self.source!r})"
