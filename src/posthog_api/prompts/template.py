"""PostHog's prompt template syntax: ``{{name}}`` placeholders.

A placeholder is ``{{``, optional spaces/tabs, a name (letters, digits, ``_``, ``.``, ``-``),
optional spaces/tabs, ``}}``; anything else is literal (JSON braces, ``{{ }}``, ``{{a b}}``,
``{{x``), and ``{{{x}}}`` is ``{`` + ``{{x}}`` + ``}``. Substitution is single-pass. Values:
``str`` as is, ``None`` as "" (and counts as given), ``dict``/``list``/``tuple`` as JSON,
anything else via ``str()``. Strict mode raises :class:`~posthog_api.MissingVariablesError`
naming every missing variable once, in order of first use; ``strict=False`` leaves their
placeholders as written. A text is parsed once (memoised). These functions fill a text as
text; :meth:`~posthog_api.Prompt.compile` of a JSON prompt applies them to each of its string
values, so there a value is data inside a string, never JSON syntax.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from posthog_api._errors import MissingVariablesError

__all__ = ["compile", "render_value", "variables"]

_PLACEHOLDER = re.compile(r"(\{\{[ \t]*([A-Za-z0-9_.\-]+)[ \t]*\}\})")


@lru_cache(maxsize=1024)
def _parse(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``text`` split as literal, placeholder, name, ..., literal; and the unique names."""
    parts = tuple(_PLACEHOLDER.split(text))
    return parts, tuple(dict.fromkeys(parts[2::3]))


def variables(text: str) -> list[str]:
    """The names of the ``{{variables}}`` in ``text``, de-duplicated, in order of first use."""
    return list(_parse(text)[1])


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
    parts, names = _parse(text)
    if not names:
        return text
    if strict:
        missing = [name for name in names if name not in variables]
        if missing:
            raise MissingVariablesError(missing)
    out = list(parts)
    for i in range(2, len(parts), 3):  # each name: its placeholder is just before it
        if parts[i] in variables:
            out[i - 1] = render_value(variables[parts[i]])
        out[i] = ""
    return "".join(out)
