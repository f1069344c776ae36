"""Checks on arguments, done before anything is sent.

httpx normalises a URL path, so an empty, ``.`` or ``..`` path segment would silently
land the request on another endpoint; names and ids are therefore checked here, with
errors that say what was wrong and how to fix it.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._errors import InvalidRequestError

if TYPE_CHECKING:
    from posthog_api_client.operations import Param

PROMPT_NAME_RULE = "1 to 255 characters, only letters, digits, '_' and '-'"
_PROMPT_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,255}$")
_PROJECT_ID = re.compile(r"^(@current|[A-Za-z0-9_-]{1,64})$")
_NOT_POSITIVE = re.compile(r"-\d+|0+")
MAX_PROMPT_BYTES = 1_000_000


def project_id(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidRequestError(
            f"project_id must be a string or int such as '12345', got {type(value).__name__}"
        )
    text = str(value)
    if not _PROJECT_ID.fullmatch(text) or _NOT_POSITIVE.fullmatch(text):
        # fullmatch: $ alone would accept a trailing newline. PostHog numbers projects
        # from 1, so 0 and -1 name none (and -1 would reach the server as a path).
        shown = text if len(text) <= 70 else text[:67] + "..."
        raise InvalidRequestError(
            f"project_id {shown!r} is not a project id: use the number (1 or more) shown in "
            "your PostHog project settings (or '@current')"
        )
    return text


def prompt_name(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"a prompt name must be a str ({PROMPT_NAME_RULE}), got {type(value).__name__}"
        )
    if not _PROMPT_NAME.fullmatch(value):  # $ alone would accept a trailing newline
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise InvalidRequestError(f"prompt name {shown!r} is not valid: use {PROMPT_NAME_RULE}")
    if len(value) == 3 and value.lower() == "new":
        raise InvalidRequestError(
            "the prompt name 'new' is reserved by PostHog (in any letter case); choose another"
        )
    return value


def uuid_id(value: object, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    raise InvalidRequestError(
        f"{what} must be a UUID such as '497f6eca-6276-4993-bfeb-53cbbbba6f08', got {shown}"
    )


def integer(value: object, what: str, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequestError(f"{what} must be an int, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise InvalidRequestError(f"{what} must be >= {minimum}, got {value}")
    return value


def json_value(value: object, what: str) -> Any:
    """Refuse values that cannot be sent as JSON (sets, objects, NaN...)."""
    try:
        json.dumps(value, allow_nan=False, default=_refuse)
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(f"{what} must be JSON-serialisable: {exc}") from None
    return value


def prompt_content(value: object) -> Any:
    if value is None:
        raise InvalidRequestError(
            "prompt must not be None: PostHog stores a prompt's content as a non-null "
            "JSON value (usually a str)"
        )
    json_value(value, "prompt")
    size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
    if size > MAX_PROMPT_BYTES:
        raise InvalidRequestError(
            f"the prompt is {size:,} bytes as compact JSON; PostHog accepts at most "
            f"{MAX_PROMPT_BYTES:,}. Shorten it or split it into several prompts."
        )
    return value


def _refuse(value: object) -> Any:
    raise TypeError(f"{type(value).__name__} is not a JSON type")


# -- request bodies ----------------------------------------------------------------

_SIMPLE = {
    "str": (str,),
    "bool": (bool,),
    "int": (int,),
    "float": (int, float),
    "UUID": (str, uuid.UUID),
    "datetime.datetime": (str, datetime.datetime),
    "None": (type(None),),
}


def body_dict(
    what: str, model: type[Any], fields: dict[str, Any], *, open_ended: bool = False
) -> dict[str, Any]:
    """Check keyword arguments against a generated request model's field types.

    Returns a JSON-ready dict for ``model.from_dict``. Unknown names and wrong types are
    refused with the field's name and the expected type.
    """
    import attrs

    fields_of = [f for f in attrs.fields(model) if f.init]
    spec = {f.name.rstrip("_"): str(f.type) for f in fields_of}
    required = [f.name.rstrip("_") for f in fields_of if f.default is attrs.NOTHING]
    out: dict[str, Any] = {}
    for key, value in fields.items():
        annotation = spec.get(key)
        if annotation is None:
            if open_ended:
                out[key] = json_value(value, f"{what}: {key}")
                continue
            allowed = ", ".join(sorted(spec))
            raise InvalidRequestError(f"{what}: unknown field {key!r}; expected one of {allowed}")
        out[key] = _check_field(what, key, value, annotation)
    missing = [name for name in required if name not in fields]
    if missing:
        raise InvalidRequestError(
            f"{what}: missing required field(s) {', '.join(missing)}; pass them as keyword "
            "arguments (or in body=...)"
        )
    return out


def _check_field(what: str, key: str, value: Any, annotation: str) -> Any:
    options = [part.strip() for part in annotation.split("|") if part.strip() != "Unset"]
    if "Any" in options:
        return json_value(value, f"{what}: {key}")
    accepted: list[type] = []
    for option in options:
        if option in _SIMPLE:
            accepted.extend(_SIMPLE[option])
        elif option.startswith("list["):
            accepted.append(list)
        else:  # a generated enum or model: its JSON form is a str or a dict
            accepted.extend((str, dict))
    if isinstance(value, bool) and bool not in accepted:
        accepted_ok = False
    else:
        accepted_ok = isinstance(value, tuple(accepted))
    if not accepted_ok:
        expected = " or ".join(o.replace("datetime.datetime", "datetime") for o in options)
        raise InvalidRequestError(
            f"{what}: {key} must be {expected}, got {type(value).__name__} {_short(value)}"
        )
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if "UUID" in options and isinstance(value, str):
        uuid_id(value, f"{what}: {key}")
    if "datetime.datetime" in options and isinstance(value, str):
        try:
            datetime.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidRequestError(
                f"{what}: {key} must be an ISO 8601 date-time, got {_short(value)}"
            ) from None
    if isinstance(value, (list, dict)):
        json_value(value, f"{what}: {key}")
    return value


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- responses ---------------------------------------------------------------------

# The response fields the facade reads. The generated parser takes their values as they
# come, so a "3" for a version would otherwise surface later, far from the response.
_RESPONSE_FIELDS = frozenset(
    {
        "id",
        "name",
        "version",
        "prompt",
        "count",
        "next_",
        "previous",
        "results",
        "versions",
        "latest_version",
        "version_count",
        "is_latest",
        "has_more",
    }
)
_RESPONSE_MINIMUM = {"version": 1, "latest_version": 1, "count": 0, "version_count": 0}
_NESTED = frozenset({"prompt", "results", "versions"})
_RESPONSE_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "str": ((str,), "a str"),
    "int": ((int,), "an int"),
    "bool": ((bool,), "a bool"),
    "float": ((int, float), "a number"),
    "UUID": ((uuid.UUID,), "a UUID"),
    "None": ((type(None),), "null"),
}

# Per model class: (attribute, shown name, accepted types or None for any, expected, minimum).
_Plan = tuple[tuple[str, str, tuple[type, ...] | None, str, int | None], ...]
_plans: dict[type, _Plan] = {}
# The same plan for the common case, where every value has exactly an accepted type:
# (attribute, exact types or None, minimum, kind). Anything it flags is described by the
# full check, which also accepts subclasses. It leaves out what the generated parser
# guarantees (a required UUID is built by UUID(...), or the parse fails).
_Quick = tuple[tuple[str, frozenset[type] | None, int | None, int], ...]
_quick: dict[type, _Quick] = {}
_kinds: dict[type, tuple[int, ...]] = {}  # per plan row, for the full check
_PLAIN, _NEST, _TEXT, _PROMPT_TEXT = 0, 1, 2, 3
# A lone surrogate cannot be encoded, printed or written to a file: the CLI would fail on it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _response_plan(cls: type) -> _Plan:
    import attrs
    from posthog_api_client.types import Unset

    names = {field.name for field in attrs.fields(cls)}
    # A prompt version (LLMPrompt, LLMPromptPublic): its name and text must be real text.
    is_prompt = {"name", "prompt", "version"} <= names
    rows = []
    quick = []
    kinds = []
    for field in attrs.fields(cls):
        if field.name not in _RESPONSE_FIELDS:
            continue
        shown = field.name.rstrip("_")
        options = [part.strip() for part in str(field.type).split("|")]
        if shown == "count" and "None" not in options:
            options.append("None")  # "count int or null": some lists do not count
        accepted: list[type] | None = []
        words: list[str] = []
        for option in options:
            if option == "Unset":
                accepted.append(Unset)  # type: ignore[union-attr]
            elif option in _RESPONSE_TYPES:
                types, word = _RESPONSE_TYPES[option]
                accepted.extend(types)  # type: ignore[union-attr]
                words.append(word)
            elif option.startswith("list["):
                accepted.append(list)  # type: ignore[union-attr]
                words.append("a list")
            else:  # Any, a generated model or enum: the generated parser built it
                accepted = None
                break
        minimum = _RESPONSE_MINIMUM.get(shown)
        if minimum is not None and words:
            words[0] += f" >= {minimum}"
        if accepted is None and shown == "prompt" and "Any" in options:
            words = ["a JSON value, not null"]  # PostHog never stores a null prompt
        rows.append(
            (
                field.name,
                shown,
                None if accepted is None else tuple(accepted),
                " or ".join(words),
                minimum,
            )
        )
        kind = _NEST if shown in _NESTED else _PLAIN
        if is_prompt and shown in ("name", "prompt"):
            kind = _PROMPT_TEXT if accepted is None else _TEXT
        kinds.append(kind)
        if options != ["UUID"]:
            exact = None if accepted is None else frozenset(accepted)
            quick.append((field.name, exact, minimum, kind))
    plan = _plans[cls] = tuple(rows)
    _quick[cls] = tuple(quick)
    _kinds[cls] = tuple(kinds)
    return plan


def response_problem(model: object) -> str | None:
    """What is wrong with the fields the facade reads in a parsed response, or None.

    E.g. ``"results[3].version is str '3', expected an int >= 1"``. Nested prompts,
    results and versions are checked too, and a prompt's name and text must not hold a
    lone surrogate (not text: it can be neither printed nor saved). It runs on every
    response: the happy path is a type lookup per field and builds no strings.
    """
    quick = _quick.get(type(model))
    if quick is None:
        import attrs

        if not attrs.has(type(model)):
            return None
        _response_plan(type(model))
        quick = _quick[type(model)]
    for attribute, exact, minimum, kind in quick:
        value = getattr(model, attribute)
        if exact is not None and type(value) not in exact:
            return _describe(model)
        if minimum is not None and type(value) is int and value < minimum:
            return _describe(model)
        if kind:
            if kind == _NEST:
                if type(value) is list:
                    for item in value:
                        if response_problem(item) is not None:
                            return _describe(model)
                elif (
                    value is not None
                    and hasattr(type(value), "__attrs_attrs__")
                    and response_problem(value) is not None
                ):
                    return _describe(model)
            elif type(value) is str:  # a name, or a prompt's text
                if not value.isascii() and _SURROGATE.search(value):
                    return _describe(model)
            elif kind == _PROMPT_TEXT and (value is None or _surrogate_in_json(value)):
                return _describe(model)
    return None


def _describe(model: object) -> str | None:
    """The full check behind :func:`response_problem`, saying what is wrong (or None)."""
    plan = _plans[type(model)]
    for (attribute, shown, accepted, expected, minimum), kind in zip(
        plan, _kinds[type(model)], strict=True
    ):
        value = getattr(model, attribute)
        if accepted is not None:
            wrong = (isinstance(value, bool) and bool not in accepted) or not isinstance(
                value, accepted
            )
            if wrong or (minimum is not None and type(value) is int and value < minimum):
                shown_value = f"{type(value).__name__} {_shown(value)}"
                return f"{shown} is {shown_value}, expected {expected}"
        elif value is None and shown == "prompt":
            return f"{shown} is null, expected {expected}"
        if kind in (_TEXT, _PROMPT_TEXT):
            where = _surrogate_in_json(value)
            if where is not None:
                return f"{shown} holds {where} (not text: it cannot be printed or saved)"
        if shown in _NESTED:
            if type(value) is list:
                for index, item in enumerate(value):
                    problem = response_problem(item)
                    if problem is not None:  # the path is built on this path only
                        return f"{shown}[{index}].{problem}"
            elif value is not None and hasattr(type(value), "__attrs_attrs__"):
                problem = response_problem(value)
                if problem is not None:
                    return f"{shown}.{problem}"
    return None


def _surrogate_in_json(value: object) -> str | None:
    """Where a str, or any str in a JSON value, holds a lone surrogate ("a lone surrogate
    U+D800 at character 3"), or None. A C-level scan, and none at all for ASCII text."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, (dict, list)):
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):  # not JSON the parser made
            return None
    else:
        return None
    if text.isascii():
        return None
    found = _SURROGATE.search(text)
    if found is None:
        return None
    at = f" at character {found.start()}" if text is value else ""
    return f"a lone surrogate U+{ord(found.group()):04X}{at}"


def _shown(value: object) -> str:
    """A short repr that never builds the repr of a huge value first."""
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:57]) + "..."
    if isinstance(value, (list, dict)) and len(value) > 10:
        return f"<{type(value).__name__} of {len(value)} items>"
    return _short(value)


# -- JSON in query parameters --------------------------------------------------------


def json_query(value: object, what: str) -> str:
    """``value`` as compact JSON text for one query parameter the API reads with json.loads.

    Refuses what is not JSON (sets, objects, NaN, infinities, cycles, dict keys that are
    not str) before sending.
    """
    expected = (
        f"{what} must hold only JSON values (str, int, finite float, bool, None, "
        "list, dict with str keys)"
    )
    try:
        text = json.dumps(value, separators=(",", ":"), allow_nan=False, default=_refuse)
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(f"{expected}: {exc}") from None
    except RecursionError:
        raise InvalidRequestError(f"{what} is nested too deeply to send as JSON") from None
    # json.dumps turns int, float, bool and None keys into text (1 and True, equal keys,
    # become one), so the server would see other keys than the caller wrote. The value is
    # acyclic and of bounded depth here: dumps refused the rest.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            for key, member in item.items():
                if not isinstance(key, str):
                    try:
                        shown = f" {_short(key)}"
                    except ValueError:  # an int too long for str()
                        shown = ""
                    raise InvalidRequestError(
                        f"{expected}: a dict key is {type(key).__name__}{shown}, not str "
                        "(it would be sent as text, silently); write the key as a str"
                    )
                pending.append(member)
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
    return text


# -- path and query parameters, by the generated operation table ----------------------


def param_text(param: Param, value: object, what: str) -> str | list[str]:
    """A path or query argument checked against its ``Param`` and encoded as text.

    An array is one comma-joined text (``explode`` false), or a list of texts sent as a
    repeated parameter; a lone str is one item. A ``json`` parameter is one compact JSON
    text (PostHog reads it with json.loads), its items checked by ``param.item``.
    """
    if not param.array:
        return _scalar_text(param, value, what)
    if param.kind != "json" and isinstance(value, str):
        value = [value]  # one sort key, one id: unambiguous once each item is checked
    if isinstance(value, (str, bytes, bytearray, Mapping, set, frozenset)) or not isinstance(
        value, Iterable
    ):
        raise InvalidRequestError(
            f"{what} must be a list (in order), got {type(value).__name__}; wrap a single "
            "value in a list" + (" (the SDK encodes it as JSON)" if param.kind == "json" else "")
        )
    items = list(value)
    if param.kind == "json":
        return json_query(
            [_json_item(param.item, v, f"{what}[{i}]") for i, v in enumerate(items)], what
        )
    texts = [_scalar_text(param, item, f"{what}[{i}]") for i, item in enumerate(items)]
    return texts if param.explode else ",".join(texts)


def _json_item(item: str | None, value: object, what: str) -> object:
    """One item of a JSON array parameter: a str, or a dict (or model) fitting ``item``."""
    if item == "str":
        if not isinstance(value, str):
            raise InvalidRequestError(f"{what} must be a str, got {type(value).__name__}")
        return value
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        raise InvalidRequestError(f"{what} must be a dict, got {type(value).__name__}")
    from posthog_api_client import models

    model = getattr(models, item or "")
    open_ended = any(a.name == "additional_properties" for a in model.__attrs_attrs__)
    return body_dict(what, model, dict(value), open_ended=open_ended)


def _scalar_text(param: Param, value: object, what: str) -> str:
    kind = param.kind
    if kind == "str":
        if not isinstance(value, str):
            raise InvalidRequestError(f"{what} must be a str, got {type(value).__name__}")
        if param.max_length is not None and len(value) > param.max_length:
            raise InvalidRequestError(
                f"{what} must be at most {param.max_length} characters, got {len(value)}"
            )
        if param.pattern is not None and not re.fullmatch(param.pattern, value):
            raise InvalidRequestError(
                f"{what} {_shown(value)} does not match {param.pattern} (the API refuses it)"
            )
        return value
    if kind == "int":
        number = integer(value, what, minimum=param.minimum)
        if param.maximum is not None and number > param.maximum:
            raise InvalidRequestError(f"{what} must be <= {param.maximum}, got {number}")
        return str(number)
    if kind == "uuid":
        return str(uuid_id(value, what))
    if kind == "bool":
        if not isinstance(value, bool):
            raise InvalidRequestError(f"{what} must be True or False, got {_shown(value)}")
        return "true" if value else "false"
    if kind == "enum":
        text = getattr(value, "value", value)  # a generated enum member, or its value
        if text not in param.values:
            raise InvalidRequestError(
                f"{what} must be one of {', '.join(param.values)}, got {_shown(value)}"
            )
        return str(text)
    if kind == "datetime":
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = datetime.datetime.fromisoformat(value)
        if not isinstance(value, datetime.datetime):
            raise InvalidRequestError(
                f"{what} must be a datetime or an ISO 8601 string, got {_shown(value)}"
            )
        return value.isoformat()
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidRequestError(f"{what} must be a number, got {type(value).__name__}")
        if not math.isfinite(value):
            raise InvalidRequestError(f"{what} must be a finite number, got {value!r}")
        return repr(value) if isinstance(value, float) else str(value)
    raise AssertionError(f"parameter kind {kind!r} unknown to this SDK version")


def extra_query(value: object) -> list[tuple[str, str]]:
    """``extra_query=`` as query pairs: str keys; str, int, float or bool values (or lists)."""
    if not isinstance(value, Mapping):
        raise InvalidRequestError(f"extra_query must be a dict, got {type(value).__name__}")
    pairs: list[tuple[str, str]] = []
    for key, item in value.items():
        if not isinstance(key, str):
            raise InvalidRequestError(f"extra_query keys must be str, got {_shown(key)}")
        for one in item if isinstance(item, (list, tuple)) else [item]:
            if isinstance(one, bool):
                pairs.append((key, "true" if one else "false"))
            elif isinstance(one, (str, int, float)):
                pairs.append((key, str(one)))
            else:
                raise InvalidRequestError(
                    f"extra_query[{key!r}] must be a str, int, float or bool (or a list of "
                    f"them), got {type(one).__name__}"
                )
    return pairs
