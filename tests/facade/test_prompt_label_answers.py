"""Answers about labels that the facade must not believe (a proxy, a server older than
labels, a broken field), over ``httpx.MockTransport``: nothing wrong is cached or served."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from posthog_api import InvalidRequestError, Prompt, ResponseValidationError

from .conftest import MakeClient

ROW: dict[str, Any] = {
    "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
    "name": "greet",
    "version": 3,
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
    "prompt": "Hello",
}


def answer(body: Any, status: int = 200) -> Any:
    return lambda request: httpx.Response(status, json=body)


async def test_a_label_fetch_answered_for_another_label_is_refused(
    make_client: MakeClient,
) -> None:
    h = make_client(answer({**ROW, "label": "staging"}))
    with pytest.raises(ResponseValidationError) as info:
        await h.client.prompts.get("greet", label="production")
    message = str(info.value)
    assert "the 200 response is prompt 'greet' version 3 label 'staging'" in message
    assert "not the 'greet' label 'production' that was asked for" in message
    assert info.value.body["label"] == "staging"  # type: ignore[index]
    assert h.client.prompts._cache.peek("greet", "production") is None


async def test_a_label_fetch_answered_for_another_prompt_is_refused(
    make_client: MakeClient,
) -> None:
    h = make_client(answer({**ROW, "name": "other", "label": "production"}))
    with pytest.raises(ResponseValidationError, match="prompt 'other' version 3"):
        await h.client.prompts.get("greet", label="production")


@pytest.mark.parametrize(
    "fields",
    [{}, {"labels": ["staging"]}, {"labels": []}, {"labels": "production"}],
    ids=["no-label-fields", "labelled-otherwise", "no-labels", "labels-not-a-list"],
)
async def test_a_label_fetch_whose_answer_does_not_carry_the_label_is_refused(
    make_client: MakeClient, fields: dict[str, Any]
) -> None:
    # A server ignoring ?label= (older than labels) answers its latest: never the label's.
    h = make_client(answer({**ROW, **fields}))
    for call in (h.client.prompts.get, h.client.prompts.fetch):
        with pytest.raises(ResponseValidationError) as info:
            await call("greet", label="production")
        message = str(info.value)
        assert "the 200 response is prompt 'greet' version 3 without that label" in message
        assert "ignores the label" in message
        assert "not the 'greet' label 'production' that was asked for" in message
        body = info.value.body
        assert isinstance(body, dict) and (body["name"], body["version"]) == ("greet", 3)
    assert h.requests[0].url.params["label"] == "production"
    assert len(h.client.prompts._cache) == 0  # neither as the label nor as version 3
    # The refusal is not served as the label later either: a fallback is, saying so.
    served = await h.client.prompts.get("greet", label="production", fallback="Hi")
    assert (served.source, served.label, served.prompt) == ("fallback", "production", "Hi")


@pytest.mark.parametrize(
    "fields",
    [{"label": "production"}, {"labels": ["staging", "production"]}],
    ids=["label-field", "labels-only"],
)
async def test_a_label_fetch_carrying_the_label_is_served_and_cached(
    make_client: MakeClient, fields: dict[str, Any]
) -> None:
    h = make_client(answer({**ROW, **fields}))
    served = await h.client.prompts.get("greet", label="production")
    assert (served.version, served.label, served.source) == (3, "production", "api")
    cached = await h.client.prompts.get("greet", label="production")
    assert (cached.version, cached.source) == (3, "cache")
    assert len(h.requests) == 1


async def test_set_label_answered_for_another_version_is_refused_and_not_cached(
    make_client: MakeClient,
) -> None:
    label = {"name": "production", "prompt_name": "greet", "version": 2}
    h = make_client(answer(label, 201))
    with pytest.raises(ResponseValidationError) as info:
        await h.client.prompts.set_label("greet", "production", 3)
    assert "the 201 response is label 'production' of prompt 'greet' at version 2" in str(
        info.value
    )
    assert "labels/production/" in (info.value.url or "")
    assert h.client.prompts._cache.peek("greet", "production") is None


async def test_prefetch_by_label_refuses_a_server_that_ignores_the_filter(
    make_client: MakeClient,
) -> None:
    # A server older than labels ignores ?label= and lists every latest version.
    page = {"count": 1, "next": None, "previous": None, "results": [ROW]}
    h = make_client(answer(page))
    with pytest.raises(ResponseValidationError) as info:
        await h.client.prompts.prefetch(label="production")
    assert "prompt 'greet' version 3 without that label" in str(info.value)
    assert h.client.prompts._cache.peek("greet", "production") is None
    assert len(h.client.prompts._cache) == 0


async def test_prefetch_by_label_takes_all_labels_when_labels_is_missing(
    make_client: MakeClient,
) -> None:
    row = {**ROW, "all_labels": [{"name": "production", "version": 3}]}
    page = {"count": 1, "next": None, "previous": None, "results": [row]}
    h = make_client(answer(page))
    assert await h.client.prompts.prefetch(label="production") == 1
    cached = h.client.prompts._cache.get_fresh("greet", "production")
    assert cached is not None and cached.label == "production"


async def test_labels_with_a_broken_entry_is_refused(make_client: MakeClient) -> None:
    body = {
        "prompt": ROW,
        "versions": [],
        "has_more": False,
        "labels": [{"name": "production", "version": "3"}],
    }
    h = make_client(answer(body))
    with pytest.raises(ResponseValidationError, match="a label"):
        await h.client.prompts.labels("greet")


def resolved(labels: list[dict[str, Any]], **prompt: Any) -> dict[str, Any]:
    return {"prompt": {**ROW, **prompt}, "versions": [], "has_more": False, "labels": labels}


async def test_labels_answered_about_another_prompt_is_refused(make_client: MakeClient) -> None:
    h = make_client(answer(resolved([{"name": "production", "version": 1}], name="other")))
    with pytest.raises(ResponseValidationError) as info:
        await h.client.prompts.labels("greet")
    message = str(info.value)
    assert "the 200 response is about prompt 'other'" in message
    assert "not the labels of prompt 'greet' that was asked for" in message


async def test_labels_naming_a_label_twice_is_refused(make_client: MakeClient) -> None:
    twice = [{"name": "production", "version": 1}, {"name": "production", "version": 3}]
    h = make_client(answer(resolved(twice)))
    with pytest.raises(ResponseValidationError) as info:
        await h.client.prompts.labels("greet")
    assert "label 'production' twice (versions 1 and 3)" in str(info.value)


@pytest.mark.parametrize("label", ["BAD NAME\n\x1b[31m", "Production", "latest", "42", ""])
async def test_labels_naming_a_label_posthog_refuses_is_refused(
    make_client: MakeClient, label: str
) -> None:
    h = make_client(answer(resolved([{"name": label, "version": 1}])))
    with pytest.raises(ResponseValidationError) as info:
        await h.client.prompts.labels("greet")
    message = str(info.value)
    assert f"a label named {label!r}, which breaks PostHog's label name rule" in message
    assert "\x1b" not in message  # a control character is shown escaped


async def test_labels_checks_the_name_before_sending(make_client: MakeClient) -> None:
    h = make_client(answer(resolved([])))
    with pytest.raises(InvalidRequestError, match="prompt name 'a b' is not valid"):
        await h.client.prompts.labels("a b")
    assert h.requests == []
    assert await h.client.prompts.labels("greet") == {}


async def test_labels_of_a_server_older_than_labels_is_empty(make_client: MakeClient) -> None:
    h = make_client(answer({"prompt": ROW, "versions": [], "has_more": False}))
    assert await h.client.prompts.labels("greet") == {}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, (None, None, ())),
        (
            {"config": {"model": "m"}, "version_description": "d", "labels": ["a", "b"]},
            ({"model": "m"}, "d", ("a", "b")),
        ),
        ({"config": ["m"], "version_description": 5, "labels": "a"}, (None, None, ())),
        (
            {"config": None, "version_description": None, "labels": [1, "a", None]},
            (None, None, ("a",)),
        ),
    ],
)
async def test_new_fields_are_parsed_defensively(
    make_client: MakeClient, fields: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    h = make_client(answer({**ROW, **fields}))
    served = await h.client.prompts.get("greet")
    assert (served.config, served.version_description, served.labels) == expected
    built = Prompt.from_api({**ROW, **fields})
    assert (built.config, built.version_description, built.labels) == expected


# -- writes answered about something else: refused, and nothing is cached -----------------


async def test_duplicate_answered_at_a_version_other_than_1_is_refused(
    make_client: MakeClient,
) -> None:
    h = make_client(answer({**ROW, "name": "copy", "version": 5}, 201))
    with pytest.raises(ResponseValidationError) as info:
        await h.client.prompts.duplicate("greet", "copy")
    message = str(info.value)
    assert "the 201 response is prompt 'copy' version 5" in message
    assert "not the 'copy' version 1 that was asked for" in message
    assert len(h.client.prompts._cache) == 0


async def test_publish_answered_for_another_prompt_is_refused_and_not_cached(
    make_client: MakeClient,
) -> None:
    h = make_client(answer({**ROW, "name": "other", "version": 9}))
    with pytest.raises(ResponseValidationError) as info:
        await h.client.prompts.publish("greet", "Hello again", base_version=3)
    message = str(info.value)
    assert "posthog.prompts.publish: the 200 response is prompt 'other' version 9" in message
    assert "not the 'greet' (the latest) that was asked for" in message
    assert len(h.client.prompts._cache) == 0


@pytest.mark.parametrize("version", [1, 3])
async def test_publish_answered_at_or_below_the_base_version_is_refused(
    make_client: MakeClient, version: int
) -> None:
    # Cached, it would overwrite that older version's copy with the new text.
    h = make_client(answer({**ROW, "version": version, "prompt": "Hello again"}))
    with pytest.raises(ResponseValidationError) as info:
        await h.client.prompts.publish("greet", "Hello again", base_version=3)
    assert f"is prompt 'greet' version {version}, not the version after 3" in str(info.value)
    assert len(h.client.prompts._cache) == 0


async def test_create_answered_for_another_prompt_or_version_is_refused(
    make_client: MakeClient,
) -> None:
    for wrong in ({"name": "other", "version": 1}, {"name": "greet", "version": 2}):
        h = make_client(answer({**ROW, **wrong}, 201))
        with pytest.raises(ResponseValidationError) as info:
            await h.client.prompts.create("greet", "Hello")
        assert "not the 'greet' version 1 that was asked for" in str(info.value)
        assert h.requests[0].url.path.endswith("/llm_prompts/")
        assert len(h.client.prompts._cache) == 0


@pytest.mark.parametrize("name", ["../../evil name", "new", "a" * 256, ""])
async def test_prefetch_refuses_a_row_named_against_the_prompt_name_rule(
    make_client: MakeClient, name: str
) -> None:
    rows = [{**ROW, "name": "fine", "labels": ["production"]}]
    rows.append({**ROW, "name": name, "labels": ["production"]})
    h = make_client(answer({"count": 2, "next": None, "previous": None, "results": rows}))
    with pytest.raises(ResponseValidationError) as info:
        await h.client.prompts.prefetch(label="production")
    assert "which breaks PostHog's prompt name rule" in str(info.value)
    assert h.client.prompts._cache.peek(name, "production") is None
    with pytest.raises(ResponseValidationError):
        await h.client.prompts.prefetch()
    assert h.client.prompts._cache.peek(name) is None
