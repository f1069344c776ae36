"""``posthog.events``: the legacy events listing (prefer the query API for analysis)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from posthog_api_client.models import ClickhouseEvent, PaginatedClickhouseEventList, PropertyFilter
from posthog_api_client.models.events_format_enum import EventsFormatEnum
from posthog_api_client.types import UNSET

from .. import _validation
from .._errors import InvalidRequestError
from .._pagination import AsyncPaginator
from ._base import Resource, enum_value, unset_if_none


class Events(Resource):
    __slots__ = ()

    def list(
        self,
        *,
        event: str | None = None,
        after: datetime.datetime | str | None = None,
        before: datetime.datetime | str | None = None,
        distinct_id: int | None = None,
        person_id: int | None = None,
        properties: Iterable[Mapping[str, Any] | PropertyFilter] | None = None,
        select: Iterable[str] | None = None,
        where: Iterable[str] | None = None,
        format: str | None = None,
        page_size: int | None = None,
    ) -> AsyncPaginator[ClickhouseEvent]:
        """Events, newest first; pages follow the server's time-based ``next`` links."""
        params: dict[str, Any] = {
            "event": unset_if_none(event),
            "after": unset_if_none(_when(after, "after")),
            "before": unset_if_none(_when(before, "before")),
            "distinct_id": unset_if_none(
                None if distinct_id is None else _validation.integer(distinct_id, "distinct_id")
            ),
            "person_id": unset_if_none(
                None if person_id is None else _validation.integer(person_id, "person_id")
            ),
            # PostHog reads these three with json.loads: each goes out as one parameter
            # holding compact JSON text, never as a Python repr or repeated parameters.
            "properties": unset_if_none(_property_filters(properties)),
            "select": unset_if_none(_expressions(select, "select")),
            "where": unset_if_none(_expressions(where, "where")),
            "format_": UNSET if format is None else enum_value(EventsFormatEnum, format, "format"),
        }
        return AsyncPaginator(
            self._client,
            "events_list",
            PaginatedClickhouseEventList,
            params,
            page_size=page_size,
        )


class _EncodedFilters(str):
    """The property filters, already JSON text, in the form the generated code sends.

    The generated ``events_list`` calls ``to_dict()`` on each item of ``properties`` and
    lets httpx send the list; a one-item list whose item is this text sends exactly one
    ``properties=<JSON>`` parameter.
    """

    __slots__ = ()

    def to_dict(self) -> str:
        return str(self)


_FILTER_EXAMPLE = '[{"key": "$browser", "value": "Chrome", "operator": "exact"}]'


def _property_filters(value: object) -> list[_EncodedFilters] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        raise InvalidRequestError(
            f"properties must be a list of property filters such as {_FILTER_EXAMPLE}, "
            "got a dict; wrap a single filter in a list"
        )
    items = _sequence(value, "properties", f"a list of property filters such as {_FILTER_EXAMPLE}")
    filters: list[Any] = []
    for index, item in enumerate(items):
        if isinstance(item, PropertyFilter):
            item = item.to_dict()
        if not isinstance(item, Mapping):
            raise InvalidRequestError(
                f"properties[{index}] must be a dict such as {_FILTER_EXAMPLE[1:-1]}, "
                f"got {type(item).__name__}"
            )
        for field in ("key", "operator", "type"):
            if field in item and not isinstance(item[field], str):
                raise InvalidRequestError(
                    f"properties[{index}][{field!r}] must be a str, "
                    f"got {type(item[field]).__name__}"
                )
        filters.append(dict(item))
    return [_EncodedFilters(_validation.json_query(filters, "properties"))]


def _expressions(value: object, what: str) -> list[str] | None:
    if value is None:
        return None
    items = _sequence(value, what, 'a list of HogQL expressions such as ["event", "timestamp"]')
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise InvalidRequestError(
                f"{what}[{index}] must be a str (a HogQL expression), got {type(item).__name__}"
            )
    return [_validation.json_query(items, what)]


def _sequence(value: object, what: str, expected: str) -> list[Any]:
    """The items of a list-like argument; a str, bytes, set or dict is refused, not iterated.

    Iterating a dict would send its keys and silently drop its values.
    """
    if isinstance(value, Mapping):
        raise InvalidRequestError(
            f"{what} must be {expected}, got {type(value).__name__} (iterating a mapping "
            "would send only its keys)"
        )
    if isinstance(value, (str, bytes, bytearray)):
        raise InvalidRequestError(
            f"{what} must be {expected}, got {type(value).__name__}; wrap a single value "
            "in a list (the SDK encodes it as JSON)"
        )
    if isinstance(value, (set, frozenset)) or not isinstance(value, Iterable):
        raise InvalidRequestError(
            f"{what} must be {expected} (in order), got {type(value).__name__}"
        )
    return list(value)


def _when(value: datetime.datetime | str | None, what: str) -> datetime.datetime | None:
    if value is None or isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidRequestError(f"{what} must be a datetime or an ISO 8601 string, got {value!r}")
