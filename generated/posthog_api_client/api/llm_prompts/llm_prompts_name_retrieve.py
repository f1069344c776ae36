from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.llm_prompt_public import LLMPromptPublic
from ...models.prompt_content_enum import PromptContentEnum
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    prompt_name: str,
    *,
    version: int | Unset = UNSET,
    label: str | Unset = UNSET,
    content: PromptContentEnum | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["version"] = version

    params["label"] = label

    json_content: str | Unset = UNSET
    if not isinstance(content, Unset):
        json_content = content.value

    params["content"] = json_content

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/projects/{project_id}/llm_prompts/name/{prompt_name}/".format(
            project_id=quote(str(project_id), safe=""),
            prompt_name=quote(str(prompt_name), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | LLMPromptPublic | None:
    if response.status_code == 200:
        response_200 = LLMPromptPublic.from_dict(response.json())

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
) -> Response[ErrorResponse | LLMPromptPublic]:
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
    version: int | Unset = UNSET,
    label: str | Unset = UNSET,
    content: PromptContentEnum | Unset = UNSET,
) -> Response[ErrorResponse | LLMPromptPublic]:
    """Get a prompt by name

     The latest version of the named prompt, the version given by `version`, or the version a label
    points at. `version` and `label` together are a 400 ("Use either version or label, not both."); a
    label the prompt does not have is a 404. The path also accepts a version's UUID in place of the name
    (answering with that prompt's latest version); a prompt literally named like that UUID wins.

    Args:
        project_id (str):
        prompt_name (str):
        version (int | Unset):
        label (str | Unset): A prompt label such as `production`: lowercase letters, digits, `.`,
            `_` and `-`, starting and ending with a letter or digit, at most 128 characters, not
            `latest` and not digits only.
        content (PromptContentEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LLMPromptPublic]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        prompt_name=prompt_name,
        version=version,
        label=label,
        content=content,
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
    version: int | Unset = UNSET,
    label: str | Unset = UNSET,
    content: PromptContentEnum | Unset = UNSET,
) -> ErrorResponse | LLMPromptPublic | None:
    """Get a prompt by name

     The latest version of the named prompt, the version given by `version`, or the version a label
    points at. `version` and `label` together are a 400 ("Use either version or label, not both."); a
    label the prompt does not have is a 404. The path also accepts a version's UUID in place of the name
    (answering with that prompt's latest version); a prompt literally named like that UUID wins.

    Args:
        project_id (str):
        prompt_name (str):
        version (int | Unset):
        label (str | Unset): A prompt label such as `production`: lowercase letters, digits, `.`,
            `_` and `-`, starting and ending with a letter or digit, at most 128 characters, not
            `latest` and not digits only.
        content (PromptContentEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LLMPromptPublic
    """

    return sync_detailed(
        project_id=project_id,
        prompt_name=prompt_name,
        client=client,
        version=version,
        label=label,
        content=content,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    prompt_name: str,
    *,
    client: AuthenticatedClient,
    version: int | Unset = UNSET,
    label: str | Unset = UNSET,
    content: PromptContentEnum | Unset = UNSET,
) -> Response[ErrorResponse | LLMPromptPublic]:
    """Get a prompt by name

     The latest version of the named prompt, the version given by `version`, or the version a label
    points at. `version` and `label` together are a 400 ("Use either version or label, not both."); a
    label the prompt does not have is a 404. The path also accepts a version's UUID in place of the name
    (answering with that prompt's latest version); a prompt literally named like that UUID wins.

    Args:
        project_id (str):
        prompt_name (str):
        version (int | Unset):
        label (str | Unset): A prompt label such as `production`: lowercase letters, digits, `.`,
            `_` and `-`, starting and ending with a letter or digit, at most 128 characters, not
            `latest` and not digits only.
        content (PromptContentEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | LLMPromptPublic]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        prompt_name=prompt_name,
        version=version,
        label=label,
        content=content,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    prompt_name: str,
    *,
    client: AuthenticatedClient,
    version: int | Unset = UNSET,
    label: str | Unset = UNSET,
    content: PromptContentEnum | Unset = UNSET,
) -> ErrorResponse | LLMPromptPublic | None:
    """Get a prompt by name

     The latest version of the named prompt, the version given by `version`, or the version a label
    points at. `version` and `label` together are a 400 ("Use either version or label, not both."); a
    label the prompt does not have is a 404. The path also accepts a version's UUID in place of the name
    (answering with that prompt's latest version); a prompt literally named like that UUID wins.

    Args:
        project_id (str):
        prompt_name (str):
        version (int | Unset):
        label (str | Unset): A prompt label such as `production`: lowercase letters, digits, `.`,
            `_` and `-`, starting and ending with a letter or digit, at most 128 characters, not
            `latest` and not digits only.
        content (PromptContentEnum | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | LLMPromptPublic
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            prompt_name=prompt_name,
            client=client,
            version=version,
            label=label,
            content=content,
        )
    ).parsed
