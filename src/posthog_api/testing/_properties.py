"""The legacy events list's ``properties`` filter, read as PostHog reads it.

The parameter is JSON text: a list of property filters (``{"key", "value",
"operator", "type"}``) that must all match, or a group ``{"type": "AND"|"OR",
"values": [...]}`` that may nest. Items that are not objects are dropped and any
other JSON is ignored, as PostHog does; text that is not JSON is a 400.

This server keeps events only, so it filters on event properties and on the
``person`` object's properties; other filter types (cohorts, groups, elements,
HogQL) and regex operators are refused with a 400 that says so, rather than
silently answering as if they matched.
"""

from __future__ import annotations

from typing import Any

from ._errors import ApiError, envelope, invalid
from ._json import BadJSON, loads
from .state import Row

_MISSING: Any = object()
_SUPPORTED_TYPES = ("event", "person")


def unparsable() -> ApiError:
    """PostHog's answer to ``properties`` that are not JSON."""
    return ApiError(
        400, envelope("validation_error", "invalid_input", "Properties are unparsable!")
    )


def parse(raw: str | None) -> Any:
    """The filter tree from the query parameter, or None when there is none."""
    if not raw:
        return None
    try:
        parsed = loads(raw)
    except BadJSON:
        raise unparsable() from None
    if isinstance(parsed, dict) and isinstance(parsed.get("values"), list):
        _check(parsed)
        return parsed
    if isinstance(parsed, list):
        group = {"type": "AND", "values": [p for p in parsed if isinstance(p, dict)]}
        _check(group)
        return group
    return None


def _check(node: dict[str, Any]) -> None:
    """Refuse, up front, filters this server cannot evaluate."""
    if isinstance(node.get("values"), list):
        for child in node["values"]:
            if isinstance(child, dict):
                _check(child)
        return
    kind = node.get("type") or "event"
    if kind not in _SUPPORTED_TYPES:
        raise invalid(
            "properties",
            f"The local server filters only event and person properties, not {_brief(kind)}.",
            "invalid_input",
        )
    if not isinstance(node.get("key"), str):
        raise invalid("properties", "Each property filter needs a string 'key'.", "invalid_input")
    operator = node.get("operator") or "exact"
    if not isinstance(operator, str) or operator not in _OPERATORS:
        raise invalid(
            "properties", f"Unsupported property operator {_brief(operator)}.", "invalid_input"
        )


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def matches(row: Row, node: dict[str, Any] | None) -> bool:
    """Whether an event row passes the filter tree (None passes everything)."""
    if node is None:
        return True
    values = node.get("values")
    if isinstance(values, list):
        children = [child for child in values if isinstance(child, dict)]
        if str(node.get("type", "AND")).upper() == "OR":
            return any(matches(row, child) for child in children) if children else True
        return all(matches(row, child) for child in children)
    if node.get("type") == "person":
        person = row.get("person")
        source = person.get("properties", {}) if isinstance(person, dict) else {}
    else:
        source = row.get("properties") or {}
    actual = source.get(node.get("key"), _MISSING) if isinstance(source, dict) else _MISSING
    test = _OPERATORS[node.get("operator") or "exact"]
    return bool(test(actual, node.get("value")))


def _same(actual: Any, wanted: Any) -> bool:
    # PostHog compares as text: "1" matches 1, and a list of values matches any of them.
    if isinstance(wanted, list):
        return any(_same(actual, one) for one in wanted)
    return actual is not _MISSING and (actual == wanted or _text(actual) == _text(wanted))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _contains(actual: Any, wanted: Any) -> bool:
    return actual is not _MISSING and _text(wanted).lower() in _text(actual).lower()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is _MISSING:
        return None
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _compare(actual: Any, wanted: Any, sign: int, strict: bool) -> bool:
    left, right = _number(actual), _number(wanted)
    if left is None or right is None:
        return False
    if left == right:
        return not strict
    return (left - right) * sign > 0


_OPERATORS: dict[str, Any] = {
    "exact": _same,
    "is_not": lambda actual, wanted: not _same(actual, wanted),
    "icontains": _contains,
    "not_icontains": lambda actual, wanted: not _contains(actual, wanted),
    "is_set": lambda actual, wanted: actual is not _MISSING,
    "is_not_set": lambda actual, wanted: actual is _MISSING,
    "gt": lambda actual, wanted: _compare(actual, wanted, 1, True),
    "gte": lambda actual, wanted: _compare(actual, wanted, 1, False),
    "lt": lambda actual, wanted: _compare(actual, wanted, -1, True),
    "lte": lambda actual, wanted: _compare(actual, wanted, -1, False),
}
