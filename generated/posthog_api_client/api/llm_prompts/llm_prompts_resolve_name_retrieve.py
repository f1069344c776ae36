from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.llm_prompt_resolve_response import LLMPromptResolveResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    prompt_name: str,
    *,
    before_version: int | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
    version: int | Unset = UNSET,
    version_id: UUID | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["before_version"] = before_version

    params["limit"] = limit

    params["offset"] = offset

    params["version"] = version

    json_version_id: str | Unset = UNSET
    if not isinstance(version_id, Unset):
        json_version_id = str(version_id)
    params["version_id"] = json_version_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/projects/{project_id}/llm_prompts/resolve/name/{prompt_name}/".format(
            project_id=quote(str(project_id), safe=""),
            prompt_name=quote(str(prompt_name), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | LLMPromptResolveResponse | None:
    if response.status_code == 200:
        response_200 = LLMPromptResolveResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | LLMPromptResolveResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    prompt_name: str,
    *,
    client: AuthenticatedClient,
    before_version: int | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
    version: int | Unset = UNSET,
    version_id: UUID | Unset = UNSET,
) -> Response[ErrorResponse | LLMPromptResolveResponse]:
    """Resolve a prompt with its version history

     One prompt version (the latest, or the one picked by `version` or `version_id`) together with a page
    of its version history, newest first. Page with `offset` or with `before_version`, never both.

    Args:
        project_id (str):
        prompt_name (str):
        before_version (int | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):
        version (int | Unset):
        version_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LLMPromptResolveResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        prompt_name=prompt_name,
        before_version=before_version,
        limit=limit,
        offset=offset,
        version=version,
        version_id=version_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    prompt_name: str,
    *,
    client: AuthenticatedClient,
    before_version: int | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
    version: int | Unset = UNSET,
    version_id: UUID | Unset = UNSET,
) -> ErrorResponse | LLMPromptResolveResponse | None:
    """Resolve a prompt with its version history

     One prompt version (the latest, or the one picked by `version` or `version_id`) together with a page
    of its version history, newest first. Page with `offset` or with `before_version`, never both.

    Args:
        project_id (str):
        prompt_name (str):
        before_version (int | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):
        version (int | Unset):
        version_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LLMPromptResolveResponse
    """

    return sync_detailed(
        project_id=project_id,
        prompt_name=prompt_name,
        client=client,
        before_version=before_version,
        limit=limit,
        offset=offset,
        version=version,
        version_id=version_id,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    prompt_name: str,
    *,
    client: AuthenticatedClient,
    before_version: int | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
    version: int | Unset = UNSET,
    version_id: UUID | Unset = UNSET,
) -> Response[ErrorResponse | LLMPromptResolveResponse]:
    """Resolve a prompt with its version history

     One prompt version (the latest, or the one picked by `version` or `version_id`) together with a page
    of its version history, newest first. Page with `offset` or with `before_version`, never both.

    Args:
        project_id (str):
        prompt_name (str):
        before_version (int | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):
        version (int | Unset):
        version_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LLMPromptResolveResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        prompt_name=prompt_name,
        before_version=before_version,
        limit=limit,
        offset=offset,
        version=version,
        version_id=version_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    prompt_name: str,
    *,
    client: AuthenticatedClient,
    before_version: int | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
    version: int | Unset = UNSET,
    version_id: UUID | Unset = UNSET,
) -> ErrorResponse | LLMPromptResolveResponse | None:
    """Resolve a prompt with its version history

     One prompt version (the latest, or the one picked by `version` or `version_id`) together with a page
    of its version history, newest first. Page with `offset` or with `before_version`, never both.

    Args:
        project_id (str):
        prompt_name (str):
        before_version (int | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):
        version (int | Unset):
        version_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LLMPromptResolveResponse
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            prompt_name=prompt_name,
            client=client,
            before_version=before_version,
            limit=limit,
            offset=offset,
            version=version,
            version_id=version_id,
        )
    ).parsed
