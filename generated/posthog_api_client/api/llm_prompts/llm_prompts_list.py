from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.paginated_llm_prompt_list import PaginatedLLMPromptList
from ...models.prompt_content_enum import PromptContentEnum
from ...models.prompt_order_by_enum import PromptOrderByEnum
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    *,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    search: str | Unset = UNSET,
    label: str | Unset = UNSET,
    content: PromptContentEnum | Unset = UNSET,
    created_by_id: int | Unset = UNSET,
    order_by: PromptOrderByEnum | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    params["search"] = search

    params["label"] = label

    json_content: str | Unset = UNSET
    if not isinstance(content, Unset):
        json_content = content.value

    params["content"] = json_content

    params["created_by_id"] = created_by_id

    json_order_by: str | Unset = UNSET
    if not isinstance(order_by, Unset):
        json_order_by = order_by.value

    params["order_by"] = json_order_by

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/projects/{project_id}/llm_prompts/".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | PaginatedLLMPromptList | None:
    if response.status_code == 200:
        response_200 = PaginatedLLMPromptList.from_dict(response.json())

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
) -> Response[ErrorResponse | PaginatedLLMPromptList]:
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
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    search: str | Unset = UNSET,
    label: str | Unset = UNSET,
    content: PromptContentEnum | Unset = UNSET,
    created_by_id: int | Unset = UNSET,
    order_by: PromptOrderByEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedLLMPromptList]:
    """List prompts

     Lists the latest live version of every prompt in the project, one row per name.

    Args:
        project_id (str):
        limit (int | Unset):
        offset (int | Unset):
        search (str | Unset):
        label (str | Unset): A prompt label such as `production`: lowercase letters, digits, `.`,
            `_` and `-`, starting and ending with a letter or digit, at most 128 characters, not
            `latest` and not digits only.
        content (PromptContentEnum | Unset):
        created_by_id (int | Unset):
        order_by (PromptOrderByEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedLLMPromptList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        limit=limit,
        offset=offset,
        search=search,
        label=label,
        content=content,
        created_by_id=created_by_id,
        order_by=order_by,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    search: str | Unset = UNSET,
    label: str | Unset = UNSET,
    content: PromptContentEnum | Unset = UNSET,
    created_by_id: int | Unset = UNSET,
    order_by: PromptOrderByEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedLLMPromptList | None:
    """List prompts

     Lists the latest live version of every prompt in the project, one row per name.

    Args:
        project_id (str):
        limit (int | Unset):
        offset (int | Unset):
        search (str | Unset):
        label (str | Unset): A prompt label such as `production`: lowercase letters, digits, `.`,
            `_` and `-`, starting and ending with a letter or digit, at most 128 characters, not
            `latest` and not digits only.
        content (PromptContentEnum | Unset):
        created_by_id (int | Unset):
        order_by (PromptOrderByEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedLLMPromptList
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        limit=limit,
        offset=offset,
        search=search,
        label=label,
        content=content,
        created_by_id=created_by_id,
        order_by=order_by,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    search: str | Unset = UNSET,
    label: str | Unset = UNSET,
    content: PromptContentEnum | Unset = UNSET,
    created_by_id: int | Unset = UNSET,
    order_by: PromptOrderByEnum | Unset = UNSET,
) -> Response[ErrorResponse | PaginatedLLMPromptList]:
    """List prompts

     Lists the latest live version of every prompt in the project, one row per name.

    Args:
        project_id (str):
        limit (int | Unset):
        offset (int | Unset):
        search (str | Unset):
        label (str | Unset): A prompt label such as `production`: lowercase letters, digits, `.`,
            `_` and `-`, starting and ending with a letter or digit, at most 128 characters, not
            `latest` and not digits only.
        content (PromptContentEnum | Unset):
        created_by_id (int | Unset):
        order_by (PromptOrderByEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | PaginatedLLMPromptList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        limit=limit,
        offset=offset,
        search=search,
        label=label,
        content=content,
        created_by_id=created_by_id,
        order_by=order_by,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    search: str | Unset = UNSET,
    label: str | Unset = UNSET,
    content: PromptContentEnum | Unset = UNSET,
    created_by_id: int | Unset = UNSET,
    order_by: PromptOrderByEnum | Unset = UNSET,
) -> ErrorResponse | PaginatedLLMPromptList | None:
    """List prompts

     Lists the latest live version of every prompt in the project, one row per name.

    Args:
        project_id (str):
        limit (int | Unset):
        offset (int | Unset):
        search (str | Unset):
        label (str | Unset): A prompt label such as `production`: lowercase letters, digits, `.`,
            `_` and `-`, starting and ending with a letter or digit, at most 128 characters, not
            `latest` and not digits only.
        content (PromptContentEnum | Unset):
        created_by_id (int | Unset):
        order_by (PromptOrderByEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | PaginatedLLMPromptList
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            limit=limit,
            offset=offset,
            search=search,
            label=label,
            content=content,
            created_by_id=created_by_id,
            order_by=order_by,
        )
    ).parsed
