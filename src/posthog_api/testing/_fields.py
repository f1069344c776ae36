"""Request-body validation in the manner of DRF serializers.

The server must refuse what PostHog refuses, with the same ``attr`` and ``code``;
a small declarative field list per body keeps that close to the spec's schemas.
Unknown fields are ignored, as DRF does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ._errors import invalid, required

_MISSING: Any = object()


@dataclass(frozen=True)
class Field:
    """One body field: its kind and the limits the spec puts on it.

    ``kind`` is one of ``str``, ``bool``, ``int``, ``uuid``, ``datetime``, ``json``
    (any JSON value), ``object`` (a JSON object) or ``list``.
    """

    name: str
    kind: str = "str"
    required: bool = False
    nullable: bool = False
    allow_blank: bool = True
    max_length: int | None = None
    choices: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_items: int | None = None


def expect_object(body: Any) -> dict[str, Any]:
    """DRF's answer when a serializer is given something other than an object."""
    if not isinstance(body, dict):
        kind = "list" if isinstance(body, list) else type(body).__name__
        raise invalid(
            "non_field_errors",
            f"Invalid data. Expected a dictionary, but got {kind}.",
        )
    return body


def clean(body: Any, fields: Sequence[Field], *, partial: bool = False) -> dict[str, Any]:
    """Check ``body`` against ``fields``; return only the known fields that were sent."""
    data = expect_object(body)
    out: dict[str, Any] = {}
    for field in fields:
        if field.name not in data:
            if field.required and not partial:
                raise required(field.name)
            continue
        out[field.name] = check(field, data[field.name])
    return out


def check(field: Field, value: Any) -> Any:
    """Validate one value; return it in its stored form."""
    name = field.name
    if value is None:
        if field.nullable:
            return None
        raise invalid(name, "This field may not be null.", "null")
    kind = field.kind
    if kind == "str":
        return _check_str(field, value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise invalid(name, "Must be a valid boolean.")
    if kind == "int":
        return check_int(name, value, field.minimum, field.maximum)
    if kind == "uuid":
        return check_uuid(name, value)
    if kind == "datetime":
        return check_datetime(name, value)
    if kind == "object":
        if isinstance(value, dict):
            return value
        raise invalid(name, f'Expected a dictionary of items but got type "{_type(value)}".')
    if kind == "list":
        if not isinstance(value, list):
            raise invalid(name, f'Expected a list of items but got type "{_type(value)}".')
        if field.max_items is not None and len(value) > field.max_items:
            raise invalid(
                name,
                f"Ensure this field has no more than {field.max_items} elements.",
                "max_length",
            )
        return value
    return value  # "json": any value


def _check_str(field: Field, value: Any) -> str:
    name = field.name
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise invalid(name, "Not a valid string.")
    text = str(value).strip()
    if field.choices is not None:
        if text not in field.choices:
            raise invalid(name, f'"{text}" is not a valid choice.', "invalid_choice")
        return text
    if not text and not field.allow_blank:
        raise invalid(name, "This field may not be blank.", "blank")
    if field.max_length is not None and len(text) > field.max_length:
        raise invalid(
            name,
            f"Ensure this field has no more than {field.max_length} characters.",
            "max_length",
        )
    return text


def _type(value: Any) -> str:
    return {dict: "dict", list: "list", str: "str", bool: "bool", int: "int", float: "float"}.get(
        type(value), type(value).__name__
    )


def check_int(name: str, value: Any, minimum: int | None, maximum: int | None) -> int:
    """An integer (or its decimal text) within bounds."""
    if isinstance(value, bool):
        raise invalid(name, "A valid integer is required.")
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise invalid(name, "A valid integer is required.") from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise invalid(name, "A valid integer is required.")
    if minimum is not None and value < minimum:
        raise invalid(
            name, f"Ensure this value is greater than or equal to {minimum}.", "min_value"
        )
    if maximum is not None and value > maximum:
        raise invalid(name, f"Ensure this value is less than or equal to {maximum}.", "max_value")
    return value


def check_uuid(name: str, value: Any) -> str:
    """A UUID, returned in canonical lower-case form."""
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    raise invalid(name, "Must be a valid UUID.")


def check_datetime(name: str, value: Any) -> str:
    """An ISO 8601 timestamp, returned as sent (normalised to ``Z`` for UTC)."""
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=dt.UTC)
            return format_time(parsed)
        except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved to UTC
            pass
    raise invalid(
        name,
        "Datetime has wrong format. Use one of these formats instead: "
        "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
    )


def format_time(moment: dt.datetime) -> str:
    """DRF's rendering of an aware datetime: ISO 8601 with ``Z`` for UTC."""
    text = moment.astimezone(dt.UTC).isoformat()
    return text.replace("+00:00", "Z")
