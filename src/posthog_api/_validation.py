"""Checks on arguments, done before anything is sent, and on the fields of responses.

httpx normalises a URL path, so an empty, ``.`` or ``..`` path segment would silently land
the request on another endpoint: names and ids are checked here, with errors that say what
was wrong and how to fix it.
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
_PROJECT_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: str.isdigit takes "²" and "٣"
_MAX_PROJECT_ID = 2**63 - 1  # PostHog's ids are 64-bit integers
_KEY_LIKE = re.compile(r"\s*ph[xcs]_", re.IGNORECASE)
PROJECT_ID_HELP = (
    "PostHog names a project by its number, an integer from 1 such as 12345. Next: copy it "
    "from PostHog's Settings > Project (Project ID), or from the app's URL after /project/, "
    "into project_id=... or POSTHOG_PROJECT_ID; or pass '@current' for the key's current "
    "project."
)
MAX_PROMPT_BYTES = 1_000_000
# The types of generated annotations: the Python types a value may have, and their word.
# A str for a UUID or a datetime is then checked to be one.
_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "str": ((str,), "a str"),
    "int": ((int,), "an int"),
    "bool": ((bool,), "a bool"),
    "float": ((int, float), "a number"),
    "None": ((type(None),), "null"),
    "list": ((list,), "a list"),
    "UUID": ((uuid.UUID, str), "a UUID"),
    "datetime.datetime": ((datetime.datetime, str), "a datetime"),
}


def project_id(value: object) -> str:
    """The project id as it goes into the URL: ``"@current"`` or a canonical decimal number.

    PostHog looks a project up by its integer id, so anything else (a project name, its
    UUID, an API key) could only ever answer "not found": better refused here, saying so.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidRequestError(
            f"project_id must be an int or a str such as '12345', got {type(value).__name__}. "
            + PROJECT_ID_HELP
        )
    if value == "@current":
        return value
    if isinstance(value, int):
        number = value
    elif _PROJECT_DIGITS.fullmatch(value):  # fullmatch: $ would take a trailing newline
        number = int(value)
    else:
        number = -1
    if 1 <= number <= _MAX_PROJECT_ID:
        return str(number)  # "007" and 7 are one project: one URL, one cache key
    if isinstance(value, str) and _KEY_LIKE.match(value):
        # Never echoed: it is a credential (and then the real project id is missing).
        raise InvalidRequestError(
            "project_id looks like an API key (phx_/phc_/phs_...), not a project id: the "
            "personal API key goes in api_key=... (POSTHOG_PERSONAL_API_KEY). " + PROJECT_ID_HELP
        )
    if isinstance(value, str):
        shown = _shown(value)
    else:  # no repr of a huge int: Python refuses to print one of over 4300 digits
        shown = repr(value) if value.bit_length() <= 64 else "(an int over 2**63 - 1)"
    raise InvalidRequestError(f"project_id {shown} is not a project id. {PROJECT_ID_HELP}")


def prompt_name(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"a prompt name must be a str ({PROMPT_NAME_RULE}), got {type(value).__name__}"
        )
    if not _PROMPT_NAME.fullmatch(value):  # $ alone would accept a trailing newline
        raise InvalidRequestError(
            f"prompt name {_cut(value, 60)!r} is not valid: use {PROMPT_NAME_RULE}"
        )
    if len(value) == 3 and value.lower() == "new":
        raise InvalidRequestError(
            "the prompt name 'new' is reserved by PostHog (in any letter case); choose another"
        )
    return value


LABEL_NAME_RULE = (
    "1 to 128 characters: lowercase letters, digits, '.', '_' and '-', starting and ending "
    "with a letter or digit, not 'latest' and not digits only (e.g. 'production', 'staging')"
)
_LABEL_NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?")


def label_name(value: object) -> str:
    """A prompt label's name by PostHog's rule, refused here rather than by a 400."""
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"a label name must be a str ({LABEL_NAME_RULE}), got {type(value).__name__}"
        )
    # fullmatch: $ would take a trailing newline. "latest" is what get() without a label
    # serves; a number would read as a version.
    if not _LABEL_NAME.fullmatch(value) or value == "latest" or value.isdigit():
        raise InvalidRequestError(f"label name {_shown(value)} is not valid: use {LABEL_NAME_RULE}")
    return value


MAX_VERSION_DESCRIPTION = 400


def prompt_config(value: object) -> dict[str, Any] | None:
    """A prompt's ``config``: a JSON object (model and agent parameters), or None to clear it."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidRequestError(
            f"config must be a JSON object (a dict of model and agent parameters) or None "
            f"to clear it, got {type(value).__name__}"
        )
    config = dict(value)
    bad = [key for key in config if not isinstance(key, str)]
    if bad:
        raise InvalidRequestError(f"config keys must be str, got {_shown(bad[0])}")
    return json_value(config, "config")  # type: ignore[no-any-return]


def version_description(value: object) -> str:
    """What a version is, for people reading the history: PostHog keeps 400 characters."""
    if not isinstance(value, str):
        raise InvalidRequestError(f"version_description must be a str, got {type(value).__name__}")
    if len(value) > MAX_VERSION_DESCRIPTION:
        raise InvalidRequestError(
            f"version_description is {len(value):,} characters; PostHog accepts at most "
            f"{MAX_VERSION_DESCRIPTION}. Shorten it."
        )
    return value


def prompt_edits(value: object) -> list[dict[str, str]]:
    """``edits`` for a publish: replacements ``{"old": ..., "new": ...}`` applied in order."""
    how = "a list of {'old': str, 'new': str} replacements, applied in order"
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        raise InvalidRequestError(f"edits must be {how}, got {type(value).__name__}")
    if not value:
        raise InvalidRequestError(f"edits is empty: pass {how}, or the new content as prompt=...")
    edits = []
    for index, edit in enumerate(value):
        if isinstance(edit, Mapping) and set(edit) != {"old", "new"}:
            keys = ", ".join(_shown(key) for key in list(edit)[:10])
            raise InvalidRequestError(
                f"edits[{index}]: each edit is {{'old': str, 'new': str}}; got keys {keys}"
                + (f" (and {len(edit) - 10} more)" if len(edit) > 10 else "")
            )
        if (
            not isinstance(edit, Mapping)
            or not isinstance(edit["old"], str)
            or not isinstance(edit["new"], str)
        ):
            raise InvalidRequestError(f"edits[{index}] is {_shown(edit)}; each edit must be {how}")
        if not edit["old"]:
            raise InvalidRequestError(
                f"edits[{index}]: 'old' is empty; it must be text found in the latest version"
            )
        edits.append({"old": edit["old"], "new": edit["new"]})
    return edits


def uuid_id(value: object, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return uuid.UUID(value)
    raise InvalidRequestError(
        f"{what} must be a UUID such as '497f6eca-6276-4993-bfeb-53cbbbba6f08', got {_shown(value)}"
    )


# PostHog's integer columns (ids, prompt versions) are 64-bit: a larger number names nothing.
MAX_INT64 = 2**63 - 1


def integer(
    value: object, what: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    if isinstance(value, bool) or not isinstance(value, int):  # inline: on every request
        raise InvalidRequestError(f"{what} must be an int, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise InvalidRequestError(f"{what} must be >= {minimum}, got {_int_shown(value)}")
    if maximum is not None and value > maximum:
        raise InvalidRequestError(f"{what} must be <= {maximum:,}, got {_int_shown(value)}")
    return value


def _int_shown(value: int) -> str:
    """An int for a message: a huge one by its size (str() of 10**5000 raises)."""
    return str(value) if value.bit_length() <= 64 else f"an int of {value.bit_length():,} bits"


def _of(value: object, types: tuple[type, ...]) -> bool:
    """Whether ``value`` is of ``types``, where a bool is no int (nor number)."""
    return isinstance(value, types) and (bool in types or not isinstance(value, bool))


def _require(value: object, types: tuple[type, ...], what: str, word: str) -> Any:
    if not _of(value, types):
        raise InvalidRequestError(f"{what} must be {word}, got {type(value).__name__}")
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


def _datetime(value: object, what: str) -> datetime.datetime:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = datetime.datetime.fromisoformat(value)
    if not isinstance(value, datetime.datetime):
        raise InvalidRequestError(
            f"{what} must be a datetime or an ISO 8601 string, got {_shown(value)}"
        )
    return value


def _refuse(value: object) -> Any:
    raise TypeError(f"{type(value).__name__} is not a JSON type")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _shown(value: object) -> str:
    """A short repr that never builds the repr of a huge value first."""
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:57]) + "..."
    if isinstance(value, (list, dict)) and len(value) > 10:
        return f"<{type(value).__name__} of {len(value)} items>"
    return _cut(repr(value), 60)


# -- request bodies ----------------------------------------------------------------


def body_dict(
    what: str, model: type[Any], fields: dict[str, Any], *, open_ended: bool = False
) -> dict[str, Any]:
    """Keyword arguments checked against a generated request model's field types, as a
    JSON-ready dict for ``model.from_dict``; unknown names and wrong types are refused."""
    import attrs

    fields_of = [f for f in attrs.fields(model) if f.init]
    spec = {f.name.rstrip("_"): str(f.type) for f in fields_of}
    out: dict[str, Any] = {}
    for key, value in fields.items():
        annotation = spec.get(key)
        if annotation is not None:
            out[key] = _check_field(f"{what}: {key}", value, annotation)
        elif open_ended:
            out[key] = json_value(value, f"{what}: {key}")
        else:
            allowed = ", ".join(sorted(spec))
            raise InvalidRequestError(f"{what}: unknown field {key!r}; expected one of {allowed}")
    required = [f.name.rstrip("_") for f in fields_of if f.default is attrs.NOTHING]
    missing = [name for name in required if name not in fields]
    if missing:
        raise InvalidRequestError(
            f"{what}: missing required field(s) {', '.join(missing)}; pass them as keyword "
            "arguments (or in body=...)"
        )
    return out


_SECRET = re.compile(r"key|secret|token|password", re.IGNORECASE)


def _check_field(what: str, value: Any, annotation: str) -> Any:
    options = [part.strip() for part in annotation.split("|") if part.strip() != "Unset"]
    if "Any" in options:
        return json_value(value, what)
    accepted: list[type] = []
    for option in options:
        # Not in _TYPES: a generated enum or model, whose JSON form is a str or a dict.
        accepted += _TYPES.get(option.partition("[")[0], ((str, dict), ""))[0]
    if not _of(value, tuple(accepted)):
        expected = " or ".join(o.replace("datetime.datetime", "datetime") for o in options)
        # A provider's api_key (or any secret-named field) is never echoed, even mistyped.
        shown = "" if _SECRET.search(what.rpartition(" ")[2]) else f" {_shown(value)}"
        raise InvalidRequestError(f"{what} must be {expected}, got {type(value).__name__}{shown}")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if "UUID" in options and isinstance(value, str):
        uuid_id(value, what)
    if "datetime.datetime" in options and isinstance(value, str):
        _datetime(value, what)
    if isinstance(value, (list, dict)):
        json_value(value, what)
    return value


# -- responses ---------------------------------------------------------------------

_RESPONSE_MINIMUM = {"version": 1, "latest_version": 1, "count": 0, "version_count": 0}
_NESTED = frozenset({"prompt", "results", "versions"})
# The response fields the facade reads. The generated parser takes their values as they
# come, so a "3" for a version would otherwise surface later, far from the response.
_RESPONSE_FIELDS = {"id", "name", "next_", "previous", "is_latest", "has_more"}.union(
    _NESTED, _RESPONSE_MINIMUM
)
_PLAIN, _NEST, _TEXT = range(3)
# A lone surrogate cannot be encoded, printed or written to a file: the CLI would fail on it.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Per model class: (attribute, exact types or None for any, minimum, kind). The types are
# exact: the parser passes on the values json.loads made, never a subclass.
_Row = tuple[str, frozenset[type] | None, int | None, int]
_plans: dict[type, tuple[_Row, ...]] = {}
_expected: dict[tuple[type, str], str] = {}  # "an int >= 1", only for messages


def _response_plan(cls: type) -> tuple[_Row, ...]:
    import attrs
    from posthog_api_client.types import Unset

    if not attrs.has(cls):
        return ()
    # A prompt version (LLMPrompt, LLMPromptPublic): its name and text must be real text.
    is_prompt = {"name", "prompt", "version"} <= {field.name for field in attrs.fields(cls)}
    plan = []
    for field in attrs.fields(cls):
        options = [part.strip() for part in str(field.type).split("|")]
        # A required UUID is left out: the parser built it with UUID(...), or failed.
        if field.name not in _RESPONSE_FIELDS or options == ["UUID"]:
            continue
        if field.name == "count" and "None" not in options:
            options.append("None")  # "count int or null": some lists do not count
        accepted: set[type] = set()
        words = []
        for option in options:
            types, word = _TYPES.get(option.partition("[")[0], ((), ""))
            if option == "Unset":
                accepted.add(Unset)
            elif not types:  # Any, a generated model or enum: the generated parser built it
                accepted.add(object)
            else:
                accepted.update(types)
                words.append(word)
        minimum = _RESPONSE_MINIMUM.get(field.name)
        if minimum is not None and words:
            words[0] += f" >= {minimum}"
        _expected[cls, field.name] = " or ".join(words)
        kind = _NEST if field.name in _NESTED else _PLAIN
        if is_prompt and field.name in ("name", "prompt"):
            kind = _TEXT
        exact = None if object in accepted else frozenset(accepted)
        plan.append((field.name, exact, minimum, kind))
    return tuple(plan)


def response_problem(model: object) -> str | None:
    """What is wrong with the fields the facade reads in a parsed response, or None.

    E.g. ``"results[3].version is str '3', expected an int >= 1"``. Nested prompts, results
    and versions are checked too, and a prompt's name and text must not hold a lone
    surrogate. It runs on every response: the happy path builds no strings.
    """
    plan = _plans.get(type(model))
    if plan is None:
        plan = _plans[type(model)] = _response_plan(type(model))
    # Separate ifs and 4-tuples: measurably faster than the combined forms.
    for attribute, exact, minimum, kind in plan:
        value = getattr(model, attribute)
        if exact is not None and type(value) not in exact:
            return _wrong_type(model, attribute, value)
        if minimum is not None and type(value) is int and value < minimum:
            return _wrong_type(model, attribute, value)
        if not kind:
            continue
        # A _NEST or _TEXT attribute is one of their names (no "_" added): shown as it is.
        if kind == _NEST:
            items = value if type(value) is list else [value]
            for item in items:
                problem = response_problem(item)  # None for what is not a model
                if problem is not None:  # no earlier item equals it: they were valid
                    at = f"[{value.index(item)}]" if items is value else ""
                    return f"{attribute}{at}.{problem}"
        elif not (type(value) is str and value.isascii()):
            if value is None:  # a prompt's text (a name is a str): PostHog never stores null
                return f"{attribute} is null, expected a JSON value, not null"
            where = _surrogate_in_json(value)
            if where is not None:
                return f"{attribute} holds {where} (not text: it cannot be printed or saved)"
    return None


def _wrong_type(model: object, attribute: str, value: object) -> str:
    expected = _expected[type(model), attribute]
    return f"{attribute.rstrip('_')} is {type(value).__name__} {_shown(value)}, expected {expected}"


def _surrogate_in_json(value: object) -> str | None:
    """Where a str, or any str in a JSON value, holds a lone surrogate ("a lone surrogate
    U+D800 at character 3"), or None. A C-level scan, and none at all for ASCII text."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):  # deeper than json.dumps goes
        return None
    found = None if text.isascii() else _SURROGATE.search(text)
    if found is None:
        return None
    at = f" at character {found.start()}" if text is value else ""
    return f"a lone surrogate U+{ord(found.group()):04X}{at}"


# -- JSON in query parameters --------------------------------------------------------


def json_query(value: object, what: str) -> str:
    """``value`` as compact JSON text for one query parameter the API reads with json.loads;
    what is not JSON (sets, NaN, cycles, dict keys that are not str) is refused."""
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
                    # (dumps already refused an int key too long to show)
                    raise InvalidRequestError(
                        f"{expected}: a dict key is {type(key).__name__} {_shown(key)}, not str "
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
    if param.kind == "json":
        return json_query(
            [_json_item(param.item, v, f"{what}[{i}]") for i, v in enumerate(value)], what
        )
    texts = [_scalar_text(param, item, f"{what}[{i}]") for i, item in enumerate(value)]
    return texts if param.explode else ",".join(texts)


def _json_item(item: str | None, value: object, what: str) -> object:
    """One item of a JSON array parameter: a str, or a dict (or model) fitting ``item``."""
    if item == "str":
        return _require(value, (str,), what, "a str")
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    fields: Mapping[str, Any] = _require(value, (Mapping,), what, "a dict")
    from posthog_api_client import models

    model = getattr(models, item or "")
    open_ended = any(a.name == "additional_properties" for a in model.__attrs_attrs__)
    return body_dict(what, model, dict(fields), open_ended=open_ended)


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
        return str(integer(value, what, minimum=param.minimum, maximum=param.maximum))
    if kind == "uuid":
        return str(uuid_id(value, what))
    if kind == "bool":
        if not isinstance(value, bool):
            raise InvalidRequestError(f"{what} must be True or False, got {_shown(value)}")
        return "true" if value else "false"
    if kind == "enum":
        member = getattr(value, "value", value)  # a generated enum member, or its value
        if member not in param.values:
            raise InvalidRequestError(
                f"{what} must be one of {', '.join(param.values)}, got {_shown(value)}"
            )
        return str(member)
    if kind == "datetime":
        return _datetime(value, what).isoformat()
    if kind == "number":
        real: float = _require(value, (int, float), what, "a number")
        if isinstance(real, int):  # exact, whatever its size (math.isfinite overflows)
            return str(real)
        if not math.isfinite(real):
            raise InvalidRequestError(f"{what} must be a finite number, got {value!r}")
        return repr(real)
    raise AssertionError(f"parameter kind {kind!r} unknown to this SDK version")


def extra_query(value: object) -> list[tuple[str, str]]:
    """``extra_query=`` as query pairs: str keys; str, int, float or bool values (or lists)."""
    given: Mapping[object, object] = _require(value, (Mapping,), "extra_query", "a dict")
    pairs: list[tuple[str, str]] = []
    for key, item in given.items():
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
