from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.llm_prompt import LLMPrompt
from ...models.llm_prompt_archive_request import LLMPromptArchiveRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    prompt_name: str,
    *,
    body: LLMPromptArchiveRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/projects/{project_id}/llm_prompts/name/{prompt_name}/archive/".format(
            project_id=quote(str(project_id), safe=""),
            prompt_name=quote(str(prompt_name), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorResponse | LLMPrompt | None:
    if response.status_code == 200:
        response_200 = LLMPrompt.from_dict(response.json())

        return response_200

    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | ErrorResponse | LLMPrompt]:
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
    body: LLMPromptArchiveRequest | Unset = UNSET,
) -> Response[Any | ErrorResponse | LLMPrompt]:
    """Archive a prompt

     Soft-deletes every version of the name and removes every label. The server answers 204 with no body;
    afterwards the name is free and can be created again from version 1. A body is accepted but ignored.

    Args:
        project_id (str):
        prompt_name (str):
        body (LLMPromptArchiveRequest | Unset): Accepted by the archive endpoint and ignored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse | LLMPrompt]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        prompt_name=prompt_name,
        body=body,
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
    body: LLMPromptArchiveRequest | Unset = UNSET,
) -> Any | ErrorResponse | LLMPrompt | None:
    """Archive a prompt

     Soft-deletes every version of the name and removes every label. The server answers 204 with no body;
    afterwards the name is free and can be created again from version 1. A body is accepted but ignored.

    Args:
        project_id (str):
        prompt_name (str):
        body (LLMPromptArchiveRequest | Unset): Accepted by the archive endpoint and ignored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse | LLMPrompt
    """

    return sync_detailed(
        project_id=project_id,
        prompt_name=prompt_name,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    prompt_name: str,
    *,
    client: AuthenticatedClient,
    body: LLMPromptArchiveRequest | Unset = UNSET,
) -> Response[Any | ErrorResponse | LLMPrompt]:
    """Archive a prompt

     Soft-deletes every version of the name and removes every label. The server answers 204 with no body;
    afterwards the name is free and can be created again from version 1. A body is accepted but ignored.

    Args:
        project_id (str):
        prompt_name (str):
        body (LLMPromptArchiveRequest | Unset): Accepted by the archive endpoint and ignored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse | LLMPrompt]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        prompt_name=prompt_name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    prompt_name: str,
    *,
    client: AuthenticatedClient,
    body: LLMPromptArchiveRequest | Unset = UNSET,
) -> Any | ErrorResponse | LLMPrompt | None:
    """Archive a prompt

     Soft-deletes every version of the name and removes every label. The server answers 204 with no body;
    afterwards the name is free and can be created again from version 1. A body is accepted but ignored.

    Args:
        project_id (str):
        prompt_name (str):
        body (LLMPromptArchiveRequest | Unset): Accepted by the archive endpoint and ignored.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse | LLMPrompt
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            prompt_name=prompt_name,
            client=client,
            body=body,
        )
    ).parsed
