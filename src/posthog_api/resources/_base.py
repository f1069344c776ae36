"""What every resource namespace shares: the client, and building request bodies."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from .. import _validation
from .._errors import InvalidRequestError

if TYPE_CHECKING:
    from .._client import AsyncPostHog

M = TypeVar("M")
E = TypeVar("E", bound=Enum)


class NotGiven:
    """Marks a keyword argument the caller did not pass (None can be a real value)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = NotGiven()


class Resource:
    """A namespace of operations on one resource area (``posthog.datasets`` ...)."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncPostHog) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


def build_body(
    what: str,
    model: type[M],
    body: Any,
    fields: dict[str, Any],
    *,
    open_ended: bool = False,
) -> M:
    """A generated request model from either a ready model, a dict, or keyword fields.

    Field names and types are checked against the model before anything is sent.
    ``open_ended`` models (free-form JSON bodies) accept names the spec does not list.
    """
    given = {k: v for k, v in fields.items() if v is not NOT_GIVEN}
    if isinstance(body, model):
        if given:
            raise InvalidRequestError(f"{what}: pass either body=... or keyword fields, not both")
        return body
    if body is not None and body is not NOT_GIVEN:
        if not isinstance(body, dict):
            raise InvalidRequestError(
                f"{what}: body must be a {model.__name__} or a dict, got {type(body).__name__}"
            )
        given = {**body, **given}
    checked = _validation.body_dict(what, model, given, open_ended=open_ended)
    return model.from_dict(checked)  # type: ignore[attr-defined, no-any-return]


def uuids(values: Iterable[Any] | None, what: str) -> list[Any] | Any:
    """Ids for an ``id__in`` filter, sent as one comma-separated value.

    PostHog's filter reads a single comma-separated value; the generated client would
    repeat the parameter once per item, so the facade joins them into one item.
    """
    from posthog_api_client.types import UNSET

    if values is None:
        return UNSET
    if isinstance(values, (str, bytes)):
        raise InvalidRequestError(f"{what} must be a list of UUIDs, not one string")
    ids = [str(_validation.uuid_id(v, what)) for v in values]
    return [",".join(ids)] if ids else UNSET


ORDER_KEYS = ("created_at", "-created_at", "updated_at", "-updated_at", "name", "-name")


def order_by_param(values: Iterable[str] | str | None) -> list[Any] | Any:
    """Sort keys, checked, and sent as one comma-separated value (see ``uuids``)."""
    from posthog_api_client.models.order_by_enum import OrderByEnum
    from posthog_api_client.types import UNSET

    if values is None:
        return UNSET
    keys = [values] if isinstance(values, str) else list(values)
    for key in keys:
        if key not in ORDER_KEYS:
            raise InvalidRequestError(f"order_by key {key!r} is not one of {', '.join(ORDER_KEYS)}")
    return [OrderByEnum(",".join(keys))] if keys else UNSET


def unset_if_none(value: Any) -> Any:
    from posthog_api_client.types import UNSET

    return UNSET if value is None else value


def enum_value(enum: type[E], value: object, what: str) -> E:
    """A generated enum member from a user's string, refusing values the spec does not list."""
    allowed = [member.value for member in enum]
    if value not in allowed:
        raise InvalidRequestError(f"{what} must be one of {', '.join(allowed)}, got {value!r}")
    return enum(value)
