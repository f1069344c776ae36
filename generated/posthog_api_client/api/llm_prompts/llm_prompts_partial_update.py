from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.llm_prompt import LLMPrompt
from ...models.patched_llm_prompt import PatchedLLMPrompt
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    id: UUID,
    *,
    body: PatchedLLMPrompt | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/projects/{project_id}/llm_prompts/{id}/".format(
            project_id=quote(str(project_id), safe=""),
            id=quote(str(id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | LLMPrompt | None:
    if response.status_code == 200:
        response_200 = LLMPrompt.from_dict(response.json())

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
) -> Response[ErrorResponse | LLMPrompt]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: PatchedLLMPrompt | Unset = UNSET,
) -> Response[ErrorResponse | LLMPrompt]:
    """Update a prompt version by id

     Only `deleted` is meant to change here (a soft delete). Content and name are versioned: changing
    `prompt` or `name` in place is refused with 400; publish a new version by name instead. PostHog's
    newest server no longer routes the by-id prompt paths (404); archive by name instead.

    Args:
        project_id (str):
        id (UUID):
        body (PatchedLLMPrompt | Unset): Fields of one prompt row that a patch may send. Only
            `deleted` is accepted in practice; content and name changes are refused.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LLMPrompt]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: PatchedLLMPrompt | Unset = UNSET,
) -> ErrorResponse | LLMPrompt | None:
    """Update a prompt version by id

     Only `deleted` is meant to change here (a soft delete). Content and name are versioned: changing
    `prompt` or `name` in place is refused with 400; publish a new version by name instead. PostHog's
    newest server no longer routes the by-id prompt paths (404); archive by name instead.

    Args:
        project_id (str):
        id (UUID):
        body (PatchedLLMPrompt | Unset): Fields of one prompt row that a patch may send. Only
            `deleted` is accepted in practice; content and name changes are refused.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LLMPrompt
    """

    return sync_detailed(
        project_id=project_id,
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: PatchedLLMPrompt | Unset = UNSET,
) -> Response[ErrorResponse | LLMPrompt]:
    """Update a prompt version by id

     Only `deleted` is meant to change here (a soft delete). Content and name are versioned: changing
    `prompt` or `name` in place is refused with 400; publish a new version by name instead. PostHog's
    newest server no longer routes the by-id prompt paths (404); archive by name instead.

    Args:
        project_id (str):
        id (UUID):
        body (PatchedLLMPrompt | Unset): Fields of one prompt row that a patch may send. Only
            `deleted` is accepted in practice; content and name changes are refused.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LLMPrompt]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: PatchedLLMPrompt | Unset = UNSET,
) -> ErrorResponse | LLMPrompt | None:
    """Update a prompt version by id

     Only `deleted` is meant to change here (a soft delete). Content and name are versioned: changing
    `prompt` or `name` in place is refused with 400; publish a new version by name instead. PostHog's
    newest server no longer routes the by-id prompt paths (404); archive by name instead.

    Args:
        project_id (str):
        id (UUID):
        body (PatchedLLMPrompt | Unset): Fields of one prompt row that a patch may send. Only
            `deleted` is accepted in practice; content and name changes are refused.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LLMPrompt
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            id=id,
            client=client,
            body=body,
        )
    ).parsed
