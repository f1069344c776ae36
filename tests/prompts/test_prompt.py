"""``Prompt``: immutability, text/variables/compile, sources, building from the API."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from posthog_api._errors import MissingVariablesError
from posthog_api.prompts import Prompt


def make(prompt: object = "Hi {{name}}, {{ plan }}.", **kwargs: object) -> Prompt:
    fields: dict[str, object] = {"name": "support-bot", "version": 3, "id": "u-3"}
    fields.update(kwargs)
    return Prompt(prompt=prompt, **fields)  # type: ignore[arg-type]


def test_is_frozen_and_slotted() -> None:
    p = make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.version = 4  # type: ignore[misc]
    assert not hasattr(p, "__dict__")


def test_defaults() -> None:
    p = make()
    assert p.source == "api"
    assert p.created_at is None
    assert p.is_latest is None
    assert p.fetched_at == 0.0


def test_with_source_copies_and_shares_the_content() -> None:
    content = {"messages": [{"role": "system", "content": "{{x}}"}]}
    p = make(content, fetched_at=123.0)
    cached = p.with_source("cache")
    assert cached is not p
    assert cached.source == "cache"
    assert p.source == "api"
    assert cached.prompt is content
    assert cached.fetched_at == 123.0
    assert cached == p  # source and fetched_at do not take part in ==
    assert p.with_source("api") is p


def test_equality_uses_content_and_version() -> None:
    assert make() == make(source="cache", fetched_at=9.0)
    assert make() != make(version=4)
    assert make() != make("other")


def test_text_of_a_string_is_itself() -> None:
    p = make("plain")
    assert p.text is p.prompt


def test_text_of_json_is_compact() -> None:
    p = make({"a": [1, 2], "b": "é {{x}}"})
    assert p.text == '{"a":[1,2],"b":"é {{x}}"}'
    assert p.variables == ["x"]
    assert make(None).text == "null"


def test_variables_and_compile() -> None:
    p = make("Hi {{name}}, {{ plan }} and {{name}} again.")
    assert p.variables == ["name", "plan"]
    assert p.compile(name="Ada", plan="Pro") == "Hi Ada, Pro and Ada again."


def test_compile_strict_by_default_names_every_missing() -> None:
    p = make("{{a}} {{b}} {{c}}")
    with pytest.raises(MissingVariablesError) as info:
        p.compile(b=1)
    assert info.value.missing == ("a", "c")


def test_compile_non_strict_leaves_missing() -> None:
    assert make("{{a}} {{b}}").compile(strict=False, b="B") == "{{a}} B"


def test_compile_accepts_names_that_are_not_identifiers_and_self() -> None:
    p = make("{{user.name}} {{self}}")
    assert p.compile(**{"user.name": "Ada", "self": "me"}) == "Ada me"


def test_repr_is_short() -> None:
    p = make("x" * 10_000, source="stale")
    assert repr(p) == "Prompt('support-bot', version=3, source='stale')"


def test_from_api_parses_every_field() -> None:
    data = {
        "id": "0b6f2d4e-0000-4000-8000-000000000001",
        "name": "support-bot",
        "prompt": "Hi {{name}}",
        "version": 4,
        "created_at": "2025-01-02T03:04:05.123456Z",
        "updated_at": "2025-01-02T03:04:06Z",
        "deleted": False,
        "is_latest": True,
        "latest_version": 4,
        "version_count": 4,
        "first_version_created_at": "2024-12-01T00:00:00+00:00",
        "created_by": None,
    }
    p = Prompt.from_api(data, fetched_at=1000.5)
    assert p.name == "support-bot"
    assert p.version == 4
    assert p.id == data["id"]
    assert p.prompt == "Hi {{name}}"
    assert p.created_at == datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    assert p.updated_at == datetime(2025, 1, 2, 3, 4, 6, tzinfo=UTC)
    assert p.is_latest is True
    assert p.latest_version == 4
    assert p.version_count == 4
    assert p.first_version_created_at == datetime(2024, 12, 1, tzinfo=UTC)
    assert p.source == "api"
    assert p.fetched_at == 1000.5


def test_from_api_tolerates_missing_optional_fields() -> None:
    p = Prompt.from_api(
        {"id": "x", "name": "n", "version": 1, "prompt": ["a"], "created_at": "bad date"},
        source="fallback",
    )
    assert p.created_at is None
    assert p.is_latest is None
    assert p.latest_version is None
    assert p.source == "fallback"
    assert p.fetched_at > 0
