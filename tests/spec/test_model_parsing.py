"""The generated models read the datetimes and UUIDs PostHog sends, and refuse the rest.

Datetimes go through ``datetime.fromisoformat`` (since Python 3.11 it reads ``Z`` and any
offset); UUIDs through the generated ``types.uuid_from_str`` (``templates/``: what ``UUID()``
gives, at about half its cost). A value that does not parse makes ``from_dict`` raise
``ValueError`` or ``TypeError``, which the facade reports as a ``ResponseValidationError``.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import pickle
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from posthog_api_client import types
from posthog_api_client.models import DatasetItem, PaginatedDatasetItemList

from posthog_api import AsyncPostHog, ResponseValidationError
from posthog_api.testing import ServerState, run_in_thread
from posthog_api.testing.resources import insert

EXAMPLES = json.loads(Path(__file__).with_name("page_examples.json").read_text())
UTC = dt.UTC
MOMENT = dt.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
SECOND = MOMENT.replace(microsecond=0)


def _item(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(EXAMPLES["dataset_items_retrieve_200"]["body"])
    body.update(fields)
    return body


# What PostHog (DRF) renders, and the offsets a proxy or an older server may send.
FORMS = [
    ("2026-01-02T03:04:05.123456Z", MOMENT),
    ("2026-01-02T03:04:05.123456+00:00", MOMENT),
    ("2026-01-02T03:04:05Z", SECOND),
    ("2026-01-02T03:04:05+00:00", SECOND),
    ("2026-01-02T05:34:05.123456+02:30", MOMENT),
    ("2026-01-01T22:04:05-05:00", SECOND),
]


@pytest.mark.parametrize(("text", "moment"), FORMS, ids=[text for text, _ in FORMS])
def test_every_datetime_form_posthog_sends_parses_to_the_same_instant(
    text: str, moment: dt.datetime
) -> None:
    # created_at is required, updated_at nullable, ref_timestamp nullable and optional:
    # three different shapes of generated code.
    item = DatasetItem.from_dict(_item(created_at=text, updated_at=text, ref_timestamp=text))
    for value in (item.created_at, item.updated_at, item.ref_timestamp):
        assert isinstance(value, dt.datetime)
        assert value.utcoffset() is not None  # aware: never a naive local time
        assert value == moment
    assert DatasetItem.from_dict(item.to_dict()) == item


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2026-13-02T03:04:05Z",
        "2026-01-02T24:00:00Z",
        "2026-01-02T03:04:05ZZ",
        "2026-01-02T03:04:05.123456z",
        "2026-01-02T03:04:05+25:00",
    ],
)
def test_a_datetime_that_is_not_one_refuses_with_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        DatasetItem.from_dict(_item(created_at=text))


@pytest.mark.parametrize("value", [1767323045, 1767323045.5, None, ["2026-01-02T03:04:05Z"]])
def test_a_datetime_that_is_not_a_string_refuses_with_type_error(value: object) -> None:
    with pytest.raises(TypeError):
        DatasetItem.from_dict(_item(created_at=value))


def test_a_page_parses_its_rows_datetimes_and_uuids() -> None:
    page = copy.deepcopy(EXAMPLES["dataset_items_list_200"]["body"])
    page["results"] = [
        _item(id=str(uuid.UUID(int=n)), created_at=f"2026-01-02T03:04:{n:02d}.5Z") for n in range(3)
    ]
    parsed = PaginatedDatasetItemList.from_dict(page)
    assert [row.id for row in parsed.results] == [uuid.UUID(int=n) for n in range(3)]
    assert [row.created_at for row in parsed.results] == [
        dt.datetime(2026, 1, 2, 3, 4, n, 500000, tzinfo=UTC) for n in range(3)
    ]
    assert all(type(row.dataset) is uuid.UUID for row in parsed.results)
    assert type(parsed.results[0].created_by.uuid) is uuid.UUID  # type: ignore[union-attr]


def test_the_facade_reports_a_garbage_datetime_as_a_response_validation_error() -> None:
    key = "phx_parsing_secret_0a1b2c3d"
    state = ServerState(project_id="1", keys={key: ["*"]})
    with state.lock:
        dataset = insert(
            state,
            state.datasets,
            {"name": "d", "description": None, "metadata": None, "deleted": False},
        )
        dataset["created_at"] = "yesterday"  # what a broken proxy or server could send

    async def retrieve(url: str) -> None:
        client = AsyncPostHog(api_key=key, project_id="1", host=url, max_retries=0)
        try:
            await client.datasets.retrieve(dataset["id"])
        finally:
            await client.aclose()

    with run_in_thread(state) as url, pytest.raises(ResponseValidationError) as info:
        asyncio.run(retrieve(url))
    assert "yesterday" in str(info.value)
    assert key not in str(info.value)


# -- UUIDs -----------------------------------------------------------------------------

SAMPLE = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"


def test_the_fast_uuid_path_is_the_one_in_use_on_this_python() -> None:
    # The import-time probe falls back to UUID() if the uuid module changes how it builds
    # its objects; on the Pythons we support it must not, or parsing silently slows down.
    assert types.uuid_from_str is not uuid.UUID


@pytest.mark.parametrize(
    "text",
    [SAMPLE, SAMPLE.upper(), SAMPLE.replace("-", ""), "{" + SAMPLE + "}", "urn:uuid:" + SAMPLE],
)
def test_uuid_from_str_gives_what_uuid_gives(text: str) -> None:
    made, real = types.uuid_from_str(text), uuid.UUID(text)
    assert type(made) is uuid.UUID
    assert (made, str(made), hash(made), made.is_safe) == (
        real,
        str(real),
        hash(real),
        real.is_safe,
    )
    assert pickle.loads(pickle.dumps(made)) == real
    assert copy.deepcopy(made) == real
    with pytest.raises(TypeError):
        made.int = 0  # type: ignore[misc]  # immutable like any UUID


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not-a-uuid",
        SAMPLE[:-1] + "g",  # 32 digits, one not hex
        SAMPLE.replace("4", "-"),  # 36 characters, too few digits
        SAMPLE + "0",
        123,
        None,
        b"0f1e2d3c4b5a49688776a5b4c3d2e1f0",
    ],
)
def test_uuid_from_str_refuses_what_uuid_refuses_with_the_same_error(value: object) -> None:
    with pytest.raises(Exception) as real:
        uuid.UUID(value)  # type: ignore[arg-type]
    with pytest.raises(real.type) as made:
        types.uuid_from_str(value)
    assert str(made.value) == str(real.value)


@given(st.uuids())
def test_uuid_from_str_round_trips_any_uuid(value: uuid.UUID) -> None:
    assert types.uuid_from_str(str(value)) == value
    assert types.uuid_from_str(value.hex.upper()) == value


NOISE = "0123456789abcdefABCDEFxg-_ +{}:urnid"


@st.composite
def near_uuids(draw: st.DrawFn) -> str:
    """A UUID's text with up to three characters replaced, inserted or dropped."""
    text = str(draw(st.uuids()))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text) - 1))
        edit = draw(st.sampled_from(["replace", "insert", "drop"]))
        char = draw(st.sampled_from(NOISE))
        if edit == "replace":
            text = text[:at] + char + text[at + 1 :]
        elif edit == "insert":
            text = text[:at] + char + text[at:]
        else:
            text = text[:at] + text[at + 1 :]
    return text


def _outcome(parse: Any, text: str) -> object:
    try:
        return parse(text)
    except ValueError as exc:
        return ("ValueError", str(exc))


@given(near_uuids())
def test_uuid_from_str_agrees_with_uuid_on_text_near_a_uuid(text: str) -> None:
    assert _outcome(types.uuid_from_str, text) == _outcome(uuid.UUID, text)
