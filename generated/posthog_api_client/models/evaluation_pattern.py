from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EvaluationPattern")


@_attrs_define
class EvaluationPattern:
    """A pattern found among evaluation runs.

    Attributes:
        title (str):
        description (str):
        frequency (str): How often the pattern shows, in words (such as `common`).
        example_reasoning (str):
        example_generation_ids (list[str]):
    """

    title: str
    description: str
    frequency: str
    example_reasoning: str
    example_generation_ids: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        title = self.title

        description = self.description

        frequency = self.frequency

        example_reasoning = self.example_reasoning

        example_generation_ids = self.example_generation_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "title": title,
                "description": description,
                "frequency": frequency,
                "example_reasoning": example_reasoning,
                "example_generation_ids": example_generation_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        title = d.pop("title")

        description = d.pop("description")

        frequency = d.pop("frequency")

        example_reasoning = d.pop("example_reasoning")

        example_generation_ids = cast(list[str], d.pop("example_generation_ids"))

        evaluation_pattern = cls(
            title=title,
            description=description,
            frequency=frequency,
            example_reasoning=example_reasoning,
            example_generation_ids=example_generation_ids,
        )

        evaluation_pattern.additional_properties = d
        return evaluation_pattern

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
