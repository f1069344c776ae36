import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.events_format_enum import EventsFormatEnum
from ...models.paginated_clickhouse_event_list import PaginatedClickhouseEventList
from ...models.property_filter import PropertyFilter
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    *,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    distinct_id: str | Unset = UNSET,
    event: str | Unset = UNSET,
    format_: EventsFormatEnum | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    person_id: int | Unset = UNSET,
    properties: list[PropertyFilter] | Unset = UNSET,
    select: list[str] | Unset = UNSET,
    where: list[str] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_after: str | Unset = UNSET
    if not isinstance(after, Unset):
        json_after = after.isoformat()
    params["after"] = json_after

    json_before: str | Unset = UNSET
    if not isinstance(before, Unset):
        json_before = before.isoformat()
    params["before"] = json_before

    params["distinct_id"] = distinct_id

    params["event"] = event

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params["limit"] = limit

    params["offset"] = offset

    params["person_id"] = person_id

    json_properties: list[dict[str, Any]] | Unset = UNSET
    if not isinstance(properties, Unset):
        json_properties = []
        for properties_item_data in properties:
            properties_item = properties_item_data.to_dict()
            json_properties.append(properties_item)

    params["properties"] = json_properties

    json_select: list[str] | Unset = UNSET
    if not isinstance(select, Unset):
        json_select = select

    params["select"] = json_select

    json_where: list[str] | Unset = UNSET
    if not isinstance(where, Unset):
        json_where = where

    params["where"] = json_where

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/projects/{project_id}/events/".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PaginatedClickhouseEventList | None:
    if response.status_code == 200:
        response_200 = PaginatedClickhouseEventList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | PaginatedClickhouseEventList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    distinct_id: str | Unset = UNSET,
    event: str | Unset = UNSET,
    format_: EventsFormatEnum | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    person_id: int | Unset = UNSET,
    properties: list[PropertyFilter] | Unset = UNSET,
    select: list[str] | Unset = UNSET,
    where: list[str] | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedClickhouseEventList]:
    """List events (legacy)

     Kept for backwards compatibility only. It filters and lists raw events; for ad-hoc analysis use the
    query API and for bulk export use batch exports.

    Args:
        project_id (str):
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        distinct_id (str | Unset):
        event (str | Unset):
        format_ (EventsFormatEnum | Unset):
        limit (int | Unset):
        offset (int | Unset):
        person_id (int | Unset):
        properties (list[PropertyFilter] | Unset):
        select (list[str] | Unset):
        where (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedClickhouseEventList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        after=after,
        before=before,
        distinct_id=distinct_id,
        event=event,
        format_=format_,
        limit=limit,
        offset=offset,
        person_id=person_id,
        properties=properties,
        select=select,
        where=where,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    distinct_id: str | Unset = UNSET,
    event: str | Unset = UNSET,
    format_: EventsFormatEnum | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    person_id: int | Unset = UNSET,
    properties: list[PropertyFilter] | Unset = UNSET,
    select: list[str] | Unset = UNSET,
    where: list[str] | Unset = UNSET,
) -> ErrorResponse | PaginatedClickhouseEventList | None:
    """List events (legacy)

     Kept for backwards compatibility only. It filters and lists raw events; for ad-hoc analysis use the
    query API and for bulk export use batch exports.

    Args:
        project_id (str):
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        distinct_id (str | Unset):
        event (str | Unset):
        format_ (EventsFormatEnum | Unset):
        limit (int | Unset):
        offset (int | Unset):
        person_id (int | Unset):
        properties (list[PropertyFilter] | Unset):
        select (list[str] | Unset):
        where (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedClickhouseEventList
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        after=after,
        before=before,
        distinct_id=distinct_id,
        event=event,
        format_=format_,
        limit=limit,
        offset=offset,
        person_id=person_id,
        properties=properties,
        select=select,
        where=where,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    distinct_id: str | Unset = UNSET,
    event: str | Unset = UNSET,
    format_: EventsFormatEnum | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    person_id: int | Unset = UNSET,
    properties: list[PropertyFilter] | Unset = UNSET,
    select: list[str] | Unset = UNSET,
    where: list[str] | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedClickhouseEventList]:
    """List events (legacy)

     Kept for backwards compatibility only. It filters and lists raw events; for ad-hoc analysis use the
    query API and for bulk export use batch exports.

    Args:
        project_id (str):
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        distinct_id (str | Unset):
        event (str | Unset):
        format_ (EventsFormatEnum | Unset):
        limit (int | Unset):
        offset (int | Unset):
        person_id (int | Unset):
        properties (list[PropertyFilter] | Unset):
        select (list[str] | Unset):
        where (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedClickhouseEventList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        after=after,
        before=before,
        distinct_id=distinct_id,
        event=event,
        format_=format_,
        limit=limit,
        offset=offset,
        person_id=person_id,
        properties=properties,
        select=select,
        where=where,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient,
    after: datetime.datetime | Unset = UNSET,
    before: datetime.datetime | Unset = UNSET,
    distinct_id: str | Unset = UNSET,
    event: str | Unset = UNSET,
    format_: EventsFormatEnum | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    person_id: int | Unset = UNSET,
    properties: list[PropertyFilter] | Unset = UNSET,
    select: list[str] | Unset = UNSET,
    where: list[str] | Unset = UNSET,
) -> ErrorResponse | PaginatedClickhouseEventList | None:
    """List events (legacy)

     Kept for backwards compatibility only. It filters and lists raw events; for ad-hoc analysis use the
    query API and for bulk export use batch exports.

    Args:
        project_id (str):
        after (datetime.datetime | Unset):
        before (datetime.datetime | Unset):
        distinct_id (str | Unset):
        event (str | Unset):
        format_ (EventsFormatEnum | Unset):
        limit (int | Unset):
        offset (int | Unset):
        person_id (int | Unset):
        properties (list[PropertyFilter] | Unset):
        select (list[str] | Unset):
        where (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedClickhouseEventList
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            after=after,
            before=before,
            distinct_id=distinct_id,
            event=event,
            format_=format_,
            limit=limit,
            offset=offset,
            person_id=person_id,
            properties=properties,
            select=select,
            where=where,
        )
    ).parsed
