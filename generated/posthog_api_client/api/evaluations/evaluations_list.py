from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.order_by_enum import OrderByEnum
from ...models.paginated_evaluation_list import PaginatedEvaluationList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    *,
    enabled: bool | Unset = UNSET,
    id_in: list[UUID] | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    order_by: list[OrderByEnum] | Unset = UNSET,
    search: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["enabled"] = enabled

    json_id_in: list[str] | Unset = UNSET
    if not isinstance(id_in, Unset):
        json_id_in = []
        for id_in_item_data in id_in:
            id_in_item = str(id_in_item_data)
            json_id_in.append(id_in_item)

    params["id__in"] = json_id_in

    params["limit"] = limit

    params["offset"] = offset

    json_order_by: list[str] | Unset = UNSET
    if not isinstance(order_by, Unset):
        json_order_by = []
        for order_by_item_data in order_by:
            order_by_item = order_by_item_data.value
            json_order_by.append(order_by_item)

    params["order_by"] = json_order_by

    params["search"] = search

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/projects/{project_id}/evaluations/".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PaginatedEvaluationList | None:
    if response.status_code == 200:
        response_200 = PaginatedEvaluationList.from_dict(response.json())

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
) -> Response[ErrorResponse | PaginatedEvaluationList]:
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
    enabled: bool | Unset = UNSET,
    id_in: list[UUID] | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    order_by: list[OrderByEnum] | Unset = UNSET,
    search: str | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedEvaluationList]:
    """List evaluations

    Args:
        project_id (str):
        enabled (bool | Unset):
        id_in (list[UUID] | Unset):
        limit (int | Unset):
        offset (int | Unset):
        order_by (list[OrderByEnum] | Unset):
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedEvaluationList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        enabled=enabled,
        id_in=id_in,
        limit=limit,
        offset=offset,
        order_by=order_by,
        search=search,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient,
    enabled: bool | Unset = UNSET,
    id_in: list[UUID] | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    order_by: list[OrderByEnum] | Unset = UNSET,
    search: str | Unset = UNSET,
) -> ErrorResponse | PaginatedEvaluationList | None:
    """List evaluations

    Args:
        project_id (str):
        enabled (bool | Unset):
        id_in (list[UUID] | Unset):
        limit (int | Unset):
        offset (int | Unset):
        order_by (list[OrderByEnum] | Unset):
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedEvaluationList
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        enabled=enabled,
        id_in=id_in,
        limit=limit,
        offset=offset,
        order_by=order_by,
        search=search,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    enabled: bool | Unset = UNSET,
    id_in: list[UUID] | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    order_by: list[OrderByEnum] | Unset = UNSET,
    search: str | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedEvaluationList]:
    """List evaluations

    Args:
        project_id (str):
        enabled (bool | Unset):
        id_in (list[UUID] | Unset):
        limit (int | Unset):
        offset (int | Unset):
        order_by (list[OrderByEnum] | Unset):
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedEvaluationList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        enabled=enabled,
        id_in=id_in,
        limit=limit,
        offset=offset,
        order_by=order_by,
        search=search,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient,
    enabled: bool | Unset = UNSET,
    id_in: list[UUID] | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    order_by: list[OrderByEnum] | Unset = UNSET,
    search: str | Unset = UNSET,
) -> ErrorResponse | PaginatedEvaluationList | None:
    """List evaluations

    Args:
        project_id (str):
        enabled (bool | Unset):
        id_in (list[UUID] | Unset):
        limit (int | Unset):
        offset (int | Unset):
        order_by (list[OrderByEnum] | Unset):
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedEvaluationList
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            enabled=enabled,
            id_in=id_in,
            limit=limit,
            offset=offset,
            order_by=order_by,
            search=search,
        )
    ).parsed
