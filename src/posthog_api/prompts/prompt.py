"""``Prompt``: one version of a named PostHog prompt, as ``posthog.prompts.get`` returns it."""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal, TypeAlias, cast

from posthog_api._errors import InvalidRequestError, MissingVariablesError
from posthog_api.prompts import template

__all__ = ["CompiledPrompt", "Prompt", "PromptSource"]

PromptSource = Literal["api", "cache", "stale", "fallback"]

CompiledPrompt: TypeAlias = str | list[Any] | dict[str, Any]
"""What :meth:`Prompt.compile` gives: a string for a text prompt; for a JSON prompt (a chat
template, say) a fresh list or dict of the same shape, its string values filled."""

_JSON = list[Any] | dict[str, Any]
# JSON's own whitespace, then the start of a list or object: only such texts are parsed.
_JSON_START = re.compile(r"[ \t\n\r]*[\[{]")
_JSON_FIRST = frozenset("[{ \t\n\r")  # a cheaper first test, for text prompts' sake


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


@lru_cache(maxsize=1024)
def _parse_json(text: str) -> _JSON | None:
    """The list or object a JSON-encoded prompt holds, or ``None`` when ``text`` is not one.

    Memoised per text, as :func:`.template._parse` is: the result is shared, never mutated.
    Too deep for Python's parser counts as not JSON (the prompt stays text).
    """
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, list | dict) else None


def _empty_like(value: _JSON) -> _JSON:
    return {} if isinstance(value, dict) else [None] * len(value)


def _fill(content: _JSON, variables: Mapping[str, Any]) -> tuple[_JSON, list[str]]:
    """A fresh copy of ``content`` with each string value compiled as a text (missing
    placeholders left as written), and the missing names in order of first use (depth
    first; with no variables, every name: the one walk of a JSON prompt).

    Iterative, with a stack of iterators, so any depth the JSON parser accepted is walked.
    A value's text replaces its placeholder inside the string: it is data, whatever its
    characters, and never becomes JSON syntax. Keys and non-string values are kept.
    """
    missing: dict[str, None] = {}
    root = _empty_like(content)
    stack: list[tuple[Iterator[tuple[Any, Any]], Any]] = []
    stack.append((iter(content.items() if isinstance(content, dict) else enumerate(content)), root))
    while stack:
        pairs, target = stack[-1]
        for key, value in pairs:
            if isinstance(value, str):
                for name in template.variables(value):
                    if name not in variables:
                        missing[name] = None
                # With no variables nothing is filled: the string is kept as written.
                target[key] = (
                    template.compile(value, variables, strict=False) if variables else value
                )
            elif isinstance(value, list | dict):
                target[key] = child = _empty_like(value)
                items = value.items() if isinstance(value, dict) else enumerate(value)
                stack.append((iter(items), child))
                break
            else:
                target[key] = value
        else:
            stack.pop()
    return root, list(missing)


@dataclass(frozen=True, slots=True, repr=False)
class Prompt:
    """One immutable version of a prompt.

    ``source``: ``"api"`` (just fetched), ``"cache"`` (fresh cached copy), ``"stale"`` (past
    its TTL, served while a refresh runs or the API fails) or ``"fallback"`` (the caller's).
    ``fetched_at`` is the ``time.time()`` of the fetch. Neither takes part in ``==``.

    ``config`` (model and agent parameters) and ``version_description`` are versioned with
    the content. ``labels`` are the labels on this version when it was fetched (the cached
    copies follow this client's own ``set_label`` and ``remove_label`` at once, other
    processes' changes when refetched), and ``label`` the one it was fetched by
    (``get(name, label=...)``), else None: labels move, so neither takes part in ``==``.
    Treat ``prompt`` and ``config`` as read-only: a cached prompt is shared by every caller.
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

    def _json(self) -> _JSON | None:
        """The content as a list or dict when it is JSON (a JSON value, or a string holding
        a JSON list or object, as PostHog sends it); ``None`` for a text prompt."""
        content = self.prompt
        if isinstance(content, str):
            if content[:1] in _JSON_FIRST and _JSON_START.match(content):
                return _parse_json(content)
            return None
        return content if isinstance(content, list | dict) else None

    @property
    def variables(self) -> list[str]:
        """The ``{{variable}}`` names, de-duplicated, in order of first use: in the text, or
        in the string values of a JSON prompt (depth first; keys are not templates)."""
        content = self._json()
        if content is None:
            return template.variables(self.text)
        return _fill(content, {})[1]

    def compile(
        self, variables: Mapping[str, Any] | None = None, /, *, strict: bool = True, **more: Any
    ) -> CompiledPrompt:
        """The prompt with its ``{{variables}}`` filled in (see :mod:`.template`), given as
        keywords or as a mapping (any name, ``strict`` included); ``strict`` raises
        :class:`~posthog_api.MissingVariablesError` naming every one not given, and
        ``strict=False`` leaves their placeholders as written.

        A text prompt gives a string (:meth:`compile_text` is typed so). A JSON prompt (a
        list or an object, sent as JSON or as a JSON-encoded string: a chat template) gives a
        fresh list or dict of the same shape whose string values are filled, each value's
        text inserted as data: quotes, newlines or ``"},{"role": ...`` in a value stay inside
        that string. Keys and non-string values are kept as written. A string that is not a
        JSON list or object (``{"n": {{n}}}``, say) is text, filled as text.
        """
        if variables is not None and not isinstance(variables, Mapping):
            raise InvalidRequestError(
                f"compile() takes the variables as a mapping or as keywords, got "
                f"{type(variables).__name__}"
            )
        if not isinstance(strict, bool):
            raise InvalidRequestError(f"strict must be True or False, got {type(strict).__name__}")
        given = {**(variables or {}), **more}
        content = self._json()
        if content is None:
            return template.compile(self.text, given, strict=strict)
        filled, missing = _fill(content, given)
        if strict and missing:
            raise MissingVariablesError(missing)
        return filled

    def compile_text(
        self, variables: Mapping[str, Any] | None = None, /, *, strict: bool = True, **more: Any
    ) -> str:
        """:meth:`compile` of a text prompt, typed as ``str`` (what an LLM call taking one
        string needs); a JSON prompt raises :class:`~posthog_api.InvalidRequestError` before
        anything is filled: compile it with :meth:`compile`, or :meth:`messages` for chat."""
        if self._json() is not None:
            raise InvalidRequestError(
                f"prompt {self.name!r} version {self.version} is JSON (a list or an object), "
                "not text, so it does not compile to one string: use compile() for its "
                "structure, or messages() for a chat prompt's messages"
            )
        return cast(str, self.compile(variables, strict=strict, **more))

    def messages(
        self, variables: Mapping[str, Any] | None = None, /, *, strict: bool = True, **more: Any
    ) -> list[dict[str, Any]]:
        """:meth:`compile` of a chat prompt (a JSON list of ``{"role": ..., "content": ...}``
        messages), typed as such; any other prompt raises
        :class:`~posthog_api.InvalidRequestError` before anything is filled."""
        content = self._json()
        if not (
            isinstance(content, list)
            and all(isinstance(m, dict) and isinstance(m.get("role"), str) for m in content)
        ):
            kind = "text" if content is None else "JSON that is not a list of messages"
            raise InvalidRequestError(
                f"prompt {self.name!r} version {self.version} is not a chat prompt (a JSON list "
                f'of {{"role": ..., "content": ...}} messages) but {kind}: use compile() for it'
            )
        return cast(list[dict[str, Any]], self.compile(variables, strict=strict, **more))

    def __repr__(self) -> str:
        label = "" if self.label is None else f", label={self.label!r}"
        return f"Prompt({self.name!r}, version={self.version}{label}, source={self.source!r})"
