"""The request path's edges that `make mutate` showed untested: the JSON body's encoding and
its errors, a success status the operation does not declare, an empty 200, per-call
options on a list, the SDK's bounded pool, and what a ``with_options`` copy takes from its
original (the user's transport, its own max_retries) or refuses (an unknown option)."""

from __future__ import annotations

import math

import httpx
import pytest
from posthog_api_client.models import DatasetRequest

from posthog_api import (
    AsyncPostHog,
    ConfigurationError,
    InternalServerError,
    InvalidRequestError,
    ResponseValidationError,
)

from .conftest import API_KEY, HOST, MakeClient, json_response, success_response

ARCHIVE = "posthog.prompts.archive"


async def test_a_body_is_sent_as_compact_utf8_json(make_client: MakeClient) -> None:
    harness = make_client(lambda request: success_response("datasets_create", request))
    await harness.client.datasets.create(name="café ☕", metadata={"a": 1.5, "b": [1, 2]})
    sent = harness.recorder.last
    assert sent.content == '{"name":"café ☕","metadata":{"a":1.5,"b":[1,2]}}'.encode()
    assert sent.headers["Content-Type"] == "application/json"


async def test_a_model_body_is_sent_as_its_fields(make_client: MakeClient) -> None:
    harness = make_client(lambda request: success_response("datasets_create", request))
    await harness.client.datasets.create(DatasetRequest(name="evals", description="d"))
    assert harness.recorder.last.content == b'{"name":"evals","description":"d"}'


async def test_a_model_body_holding_nan_is_refused_before_sending(
    make_client: MakeClient,
) -> None:
    harness = make_client(lambda request: success_response("datasets_create", request))
    body = DatasetRequest(name="evals", metadata={"score": math.nan})
    with pytest.raises(InvalidRequestError) as info:
        await harness.client.datasets.create(body)
    message = str(info.value)
    assert message.startswith("posthog.datasets.create: the body is not JSON: ")
    assert "Out of range float" in message
    assert harness.requests == []  # NaN is not JSON: PostHog would refuse it, so never sent


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"body": DatasetRequest(name="a"), "name": "b"}, "pass either body=... or keyword"),
        ({"body": 3}, "body must be a DatasetRequest or a dict, got int"),
        ({"body": {"name": 1}}, "name must be str"),
    ],
)
async def test_body_errors_name_the_call_and_send_nothing(
    make_client: MakeClient, kwargs: dict[str, object], words: str
) -> None:
    harness = make_client(lambda request: success_response("datasets_create", request))
    with pytest.raises(InvalidRequestError) as info:
        await harness.client.datasets.create(**kwargs)  # type: ignore[arg-type]
    assert str(info.value).startswith("posthog.datasets.create")
    assert words in str(info.value)
    assert harness.requests == []


async def test_an_undeclared_success_status_names_the_declared_ones(
    make_client: MakeClient,
) -> None:
    harness = make_client(lambda request: json_response(201, {}))
    with pytest.raises(ResponseValidationError) as info:
        await harness.client.prompts.archive("greet")
    assert str(info.value).startswith(
        f"{ARCHIVE}: the server answered 201 where 200 or 204 was expected"
    )
    assert info.value.status_code == 201


async def test_an_empty_200_is_a_response_validation_error_not_none(
    make_client: MakeClient,
) -> None:
    harness = make_client(lambda request: httpx.Response(200, content=b""))
    with pytest.raises(ResponseValidationError, match="the 200 response could not be parsed"):
        await harness.client.datasets.retrieve("00000000-0000-0000-0000-000000000001")
    # while a 204 without a body is the answer of an operation that returns nothing
    harness = make_client(lambda request: httpx.Response(204))
    assert await harness.client.prompts.archive("greet") is None


async def test_with_options_refuses_unknown_options_naming_them_and_the_known_ones(
    make_client: MakeClient,
) -> None:
    harness = make_client(lambda request: json_response(200, {}))
    with pytest.raises(ConfigurationError) as info:
        harness.client.with_options(zzz=1, bogus=2)
    message = str(info.value)
    assert message.startswith("with_options() got unknown option(s) bogus, zzz; it accepts ")
    assert "api_key, project_id, host, scopes, timeout, max_retries, headers, " in message
    assert message.endswith("prompt_cache_pinned_ttl, prompt_store, rate_budget")


class ClosableTransport(httpx.MockTransport):
    """A user's transport that records being closed."""

    closed = False

    async def aclose(self) -> None:
        self.closed = True


async def test_a_copy_of_a_copy_on_another_host_still_sends_through_the_users_transport() -> None:
    hosts: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return success_response("datasets_list", request)

    transport = ClosableTransport(answer)
    client = AsyncPostHog(api_key=API_KEY, project_id="1", host=HOST, transport=transport)
    copy = client.with_options(timeout=5.0).with_options(host="https://us.posthog.example")
    await copy.datasets.list()
    assert hosts == ["us.posthog.example"]  # reached the given transport, not a new pool

    await copy.aclose()  # the transport is the user's (and the original's): left open
    assert not transport.closed
    await client.datasets.list()
    assert hosts == ["us.posthog.example", "eu.posthog.example"]
    await client.aclose()  # the client it was given to closes it, as httpx does
    assert transport.closed


async def test_a_bad_extra_headers_option_is_named_in_the_error(make_client: MakeClient) -> None:
    harness = make_client(lambda request: success_response("datasets_retrieve", request))
    with pytest.raises(InvalidRequestError) as info:
        await harness.client.datasets.retrieve(
            "00000000-0000-0000-0000-000000000001", extra_headers={"X-Bad": "\n"}
        )
    assert str(info.value).startswith("extra_headers: the value of X-Bad must be a str")
    assert harness.requests == []


async def test_a_list_sends_its_per_call_timeout(make_client: MakeClient) -> None:
    harness = make_client(lambda request: success_response("datasets_list", request))
    await harness.client.datasets.list(timeout=2.5)
    assert harness.recorder.last.extensions["timeout"] == {
        "connect": 2.5,
        "read": 2.5,
        "write": 2.5,
        "pool": 2.5,
    }


async def test_the_sdks_own_pool_is_bounded() -> None:
    """However many calls run at once, at most 100 connections to PostHog, 20 kept alive."""
    async with AsyncPostHog(api_key=API_KEY, project_id="1", host=HOST) as client:
        pool = client._transport.inner
        assert isinstance(pool, httpx.AsyncHTTPTransport)
        assert (pool._pool._max_connections, pool._pool._max_keepalive_connections) == (100, 20)
        copy = client.with_options(host="https://us.posthog.example")  # a pool of its own
        pool = copy._transport.inner
        assert isinstance(pool, httpx.AsyncHTTPTransport)
        assert (pool._pool._max_connections, pool._pool._max_keepalive_connections) == (100, 20)
        await copy.aclose()


async def test_a_copy_on_another_host_keeps_its_max_retries() -> None:
    sent: list[httpx.Request] = []

    def unavailable(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(503, json={"detail": "down"})

    transport = httpx.MockTransport(unavailable)
    async with AsyncPostHog(api_key=API_KEY, project_id="1", host=HOST, transport=transport) as c:
        copy = c.with_options(host="https://us.posthog.example", max_retries=0)
        assert copy.max_retries == 0
        with pytest.raises(InternalServerError):
            await copy.datasets.list()
        assert len(sent) == 1  # no retry: the copy's own max_retries=0


async def test_extra_query_repeating_an_argument_is_refused_naming_it(
    make_client: MakeClient,
) -> None:
    harness = make_client(lambda request: success_response("datasets_list", request))
    with pytest.raises(InvalidRequestError) as info:
        harness.client.datasets.list(
            search="q", order_by=["name"], extra_query={"search": "r", "order_by": "x", "x": "1"}
        )
    assert str(info.value) == (
        "posthog.datasets.list: extra_query sends order_by, search again, which the call's own "
        "arguments already send; pass it once"
    )
    assert harness.requests == []


async def test_a_url_too_long_to_build_says_what_to_shorten(make_client: MakeClient) -> None:
    harness = make_client(lambda request: success_response("datasets_list", request))
    with pytest.raises(InvalidRequestError) as info:
        await harness.client.datasets.list(search="x" * 100_000)
    assert str(info.value) == (
        "posthog.datasets.list: the request's URL cannot be built (URL component 'query' "
        "too long). Next: shorten the arguments sent in the URL."
    )
    assert harness.requests == []
