from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.llm_prompt import LLMPrompt
from ...models.llm_prompt_publish import LLMPromptPublish
from ...models.prompt_version_conflict import PromptVersionConflict
from ...types import Response


def _get_kwargs(
    project_id: str,
    prompt_name: str,
    *,
    body: LLMPromptPublish,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/projects/{project_id}/llm_prompts/name/{prompt_name}/".format(
            project_id=quote(str(project_id), safe=""),
            prompt_name=quote(str(prompt_name), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | LLMPrompt | PromptVersionConflict | None:
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

    if response.status_code == 409:
        response_409 = PromptVersionConflict.from_dict(response.json())

        return response_409

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
) -> Response[ErrorResponse | LLMPrompt | PromptVersionConflict]:
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
    body: LLMPromptPublish,
) -> Response[ErrorResponse | LLMPrompt | PromptVersionConflict]:
    """Publish a new version of a prompt

     Compare-and-swap publishing. `base_version` must be the current latest version; the new content then
    becomes version `latest + 1` and the previous latest stops being the latest. When someone else
    published first the server answers 409 with the current latest version. Send exactly one of `prompt`
    or `edits` (replacements applied in order; a bad edit is a 400 naming `edit_index`), or `config`
    alone; `config` carries forward to the new version unless sent (`null` clears it). A 400 when the
    prompt would exceed 1,000,000 bytes or 2,000 versions.

    Args:
        project_id (str):
        prompt_name (str):
        body (LLMPromptPublish): The body that publishes a new version by name: `base_version` and
            exactly one of `prompt` or `edits`, or `config` alone.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LLMPrompt | PromptVersionConflict]
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
    body: LLMPromptPublish,
) -> ErrorResponse | LLMPrompt | PromptVersionConflict | None:
    """Publish a new version of a prompt

     Compare-and-swap publishing. `base_version` must be the current latest version; the new content then
    becomes version `latest + 1` and the previous latest stops being the latest. When someone else
    published first the server answers 409 with the current latest version. Send exactly one of `prompt`
    or `edits` (replacements applied in order; a bad edit is a 400 naming `edit_index`), or `config`
    alone; `config` carries forward to the new version unless sent (`null` clears it). A 400 when the
    prompt would exceed 1,000,000 bytes or 2,000 versions.

    Args:
        project_id (str):
        prompt_name (str):
        body (LLMPromptPublish): The body that publishes a new version by name: `base_version` and
            exactly one of `prompt` or `edits`, or `config` alone.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LLMPrompt | PromptVersionConflict
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
    body: LLMPromptPublish,
) -> Response[ErrorResponse | LLMPrompt | PromptVersionConflict]:
    """Publish a new version of a prompt

     Compare-and-swap publishing. `base_version` must be the current latest version; the new content then
    becomes version `latest + 1` and the previous latest stops being the latest. When someone else
    published first the server answers 409 with the current latest version. Send exactly one of `prompt`
    or `edits` (replacements applied in order; a bad edit is a 400 naming `edit_index`), or `config`
    alone; `config` carries forward to the new version unless sent (`null` clears it). A 400 when the
    prompt would exceed 1,000,000 bytes or 2,000 versions.

    Args:
        project_id (str):
        prompt_name (str):
        body (LLMPromptPublish): The body that publishes a new version by name: `base_version` and
            exactly one of `prompt` or `edits`, or `config` alone.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LLMPrompt | PromptVersionConflict]
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
    body: LLMPromptPublish,
) -> ErrorResponse | LLMPrompt | PromptVersionConflict | None:
    """Publish a new version of a prompt

     Compare-and-swap publishing. `base_version` must be the current latest version; the new content then
    becomes version `latest + 1` and the previous latest stops being the latest. When someone else
    published first the server answers 409 with the current latest version. Send exactly one of `prompt`
    or `edits` (replacements applied in order; a bad edit is a 400 naming `edit_index`), or `config`
    alone; `config` carries forward to the new version unless sent (`null` clears it). A 400 when the
    prompt would exceed 1,000,000 bytes or 2,000 versions.

    Args:
        project_id (str):
        prompt_name (str):
        body (LLMPromptPublish): The body that publishes a new version by name: `base_version` and
            exactly one of `prompt` or `edits`, or `config` alone.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LLMPrompt | PromptVersionConflict
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            prompt_name=prompt_name,
            client=client,
            body=body,
        )
    ).parsed
