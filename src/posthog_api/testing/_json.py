"""Strict JSON reading for request bodies and JSON-valued query parameters.

Python's ``json`` reads ``NaN``, ``Infinity`` and ``1e999`` (as ``inf``), and lone
UTF-16 surrogates (``"\\ud800"``); none of them can be written back as JSON, so a
stored value holding one would break every later response that shows it. Very deep
nesting makes the parser (or, later, the encoder) raise ``RecursionError``. All of
these are refused here, before a handler sees the value, so nothing bad is stored.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ._errors import ApiError, envelope

# PostHog's documents do not state a nesting limit; real prompts, datasets and
# evaluation configs stay far below this, and it keeps every later encode well
# inside Python's recursion limit.
MAX_DEPTH = 100


class BadJSON(ValueError):
    """The text is not JSON this server can store and send back."""


def _refuse_constant(name: str) -> Any:
    raise BadJSON(f"Out of range float values are not JSON compliant: {name!r}")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise BadJSON(f"Out of range float values are not JSON compliant: {text!r}")
    return value


def loads(raw: str | bytes) -> Any:
    """Parse ``raw`` as JSON that can be sent back out; :class:`BadJSON` otherwise."""
    try:
        value = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise BadJSON(f"the value is nested more than {MAX_DEPTH} levels deep") from None
    except BadJSON:
        raise
    except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError, int digit limit
        raise BadJSON(str(error)) from None
    _check_tree(value)
    return value


def _check_tree(value: Any) -> None:
    """Depth and string checks without recursion (the value may be deep)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_text(node)
        elif isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                raise BadJSON(f"the value is nested more than {MAX_DEPTH} levels deep")
            if isinstance(node, dict):
                for key, item in node.items():
                    _check_text(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in node)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadJSON("a string holds a lone UTF-16 surrogate (\\ud800-\\udfff)") from None


def parse_body(raw: bytes) -> Any:
    """A request body, or DRF's 400 ``parse_error`` in PostHog's error envelope."""
    try:
        return loads(raw)
    except BadJSON as error:
        raise ApiError(
            400, envelope("invalid_request", "parse_error", f"JSON parse error - {error}")
        ) from None
