"""``posthog.events``: the legacy events listing (prefer the query API for analysis)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
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
        properties: Iterable[dict[str, Any]] | None = None,
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
            "properties": unset_if_none(
                None if properties is None else [PropertyFilter.from_dict(p) for p in properties]
            ),
            "select": unset_if_none(None if select is None else list(select)),
            "where": unset_if_none(None if where is None else list(where)),
            "format_": UNSET if format is None else enum_value(EventsFormatEnum, format, "format"),
        }
        return AsyncPaginator(
            self._client,
            "events_list",
            PaginatedClickhouseEventList,
            params,
            page_size=page_size,
        )


def _when(value: datetime.datetime | str | None, what: str) -> datetime.datetime | None:
    if value is None or isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidRequestError(f"{what} must be a datetime or an ISO 8601 string, got {value!r}")
