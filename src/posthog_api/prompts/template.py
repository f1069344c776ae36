"""PostHog's prompt template syntax: ``{{name}}`` placeholders.

Rules (shared by :func:`variables`, :func:`compile` and ``Prompt.compile``):

* A placeholder is ``{{`` + optional spaces/tabs + a name + optional spaces/tabs + ``}}``.
  A name is one or more letters, digits, ``_``, ``.`` or ``-`` (``{{ user.first-name }}``).
* Anything else is literal text: single braces (JSON such as ``{"a": 1}``), ``{{ }}``,
  ``{{a b}}`` and unclosed ``{{x`` are left exactly as written.
* ``{{{x}}}`` is a literal ``{`` followed by the placeholder ``{{x}}`` and a literal ``}``,
  so with ``x="v"`` it renders ``{v}`` (handy for templating inside JSON-like text).
* Substitution is single-pass: a value that itself contains ``{{y}}`` is inserted verbatim
  and never expanded again.
* Values: ``str`` as is; ``None`` renders as the empty string and counts as *provided*
  (strict mode does not complain about it); ``dict``/``list``/``tuple`` render as JSON
  (``ensure_ascii=False``); anything else (numbers, bools, ...) via ``str()``.
* Strict mode raises :class:`~posthog_api.MissingVariablesError` naming every missing
  variable once, in order of first appearance; ``strict=False`` leaves the placeholders of
  missing variables untouched (spacing included).

A text is parsed once: the split into literal pieces and names is memoised by text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from posthog_api._errors import MissingVariablesError

__all__ = ["compile", "render_value", "variables"]

_PLACEHOLDER = re.compile(r"\{\{[ \t]*([A-Za-z0-9_.\-]+)[ \t]*\}\}")


class _Template:
    """A parsed text: ``literals[i]`` precedes placeholder ``i``; one more literal ends it."""

    __slots__ = ("literals", "names", "raw", "unique")

    def __init__(self, text: str) -> None:
        literals: list[str] = []
        names: list[str] = []
        raw: list[str] = []
        pos = 0
        for match in _PLACEHOLDER.finditer(text):
            literals.append(text[pos : match.start()])
            names.append(match.group(1))
            raw.append(match.group(0))
            pos = match.end()
        literals.append(text[pos:])
        self.literals: tuple[str, ...] = tuple(literals)
        self.names: tuple[str, ...] = tuple(names)
        self.raw: tuple[str, ...] = tuple(raw)
        self.unique: tuple[str, ...] = tuple(dict.fromkeys(names))


@lru_cache(maxsize=1024)
def _parse(text: str) -> _Template:
    return _Template(text)


def variables(text: str) -> list[str]:
    """The names of the ``{{variables}}`` in ``text``, de-duplicated, in order of first use."""
    return list(_parse(text).unique)


def render_value(value: Any) -> str:
    """How one variable's value is written into the text (see the module's rules)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def compile(text: str, variables: Mapping[str, Any], *, strict: bool = True) -> str:
    """Fill the ``{{placeholders}}`` of ``text`` from ``variables`` in one pass.

    Raises :class:`MissingVariablesError` (listing every missing name) when ``strict`` and
    some placeholder has no entry in ``variables``.
    """
    template = _parse(text)
    names = template.names
    if not names:
        return text
    if strict:
        missing = [name for name in template.unique if name not in variables]
        if missing:
            raise MissingVariablesError(missing)
    literals = template.literals
    raw = template.raw
    parts: list[str] = [literals[0]]
    append = parts.append
    for i, name in enumerate(names):
        if name in variables:
            append(render_value(variables[name]))
        else:
            append(raw[i])
        append(literals[i + 1])
    return "".join(parts)
