from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.llm_prompt import LLMPrompt
from ...models.llm_prompt_request import LLMPromptRequest
from ...types import Response


def _get_kwargs(
    project_id: str,
    *,
    body: LLMPromptRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/projects/{project_id}/llm_prompts/".format(
            project_id=quote(str(project_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | LLMPrompt | None:
    if response.status_code == 201:
        response_201 = LLMPrompt.from_dict(response.json())

        return response_201

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
    *,
    client: AuthenticatedClient,
    body: LLMPromptRequest,
) -> Response[ErrorResponse | LLMPrompt]:
    """Create a prompt

     Creates a prompt under a new name. The first version is number 1 and is the latest. Creating a name
    that already has a live version is refused with a validation error on `name` (code `unique`); so is
    the reserved name `new`, a `version_description` over 400 characters or content over 1,000,000
    bytes.

    Args:
        project_id (str):
        body (LLMPromptRequest): The body that creates a prompt at version 1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LLMPrompt]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient,
    body: LLMPromptRequest,
) -> ErrorResponse | LLMPrompt | None:
    """Create a prompt

     Creates a prompt under a new name. The first version is number 1 and is the latest. Creating a name
    that already has a live version is refused with a validation error on `name` (code `unique`); so is
    the reserved name `new`, a `version_description` over 400 characters or content over 1,000,000
    bytes.

    Args:
        project_id (str):
        body (LLMPromptRequest): The body that creates a prompt at version 1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LLMPrompt
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    body: LLMPromptRequest,
) -> Response[ErrorResponse | LLMPrompt]:
    """Create a prompt

     Creates a prompt under a new name. The first version is number 1 and is the latest. Creating a name
    that already has a live version is refused with a validation error on `name` (code `unique`); so is
    the reserved name `new`, a `version_description` over 400 characters or content over 1,000,000
    bytes.

    Args:
        project_id (str):
        body (LLMPromptRequest): The body that creates a prompt at version 1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LLMPrompt]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient,
    body: LLMPromptRequest,
) -> ErrorResponse | LLMPrompt | None:
    """Create a prompt

     Creates a prompt under a new name. The first version is number 1 and is the latest. Creating a name
    that already has a live version is refused with a validation error on `name` (code `unique`); so is
    the reserved name `new`, a `version_description` over 400 characters or content over 1,000,000
    bytes.

    Args:
        project_id (str):
        body (LLMPromptRequest): The body that creates a prompt at version 1.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LLMPrompt
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            body=body,
        )
    ).parsed
