from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LLMPromptPublish")


@_attrs_define
class LLMPromptPublish:
    """The body that publishes a new version by name.

    Attributes:
        prompt (Any): The new content. Any JSON value up to 1,000,000 bytes as compact JSON.
        base_version (int): The latest version the caller saw; must still be the latest.
    """

    prompt: Any
    base_version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        base_version = self.base_version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
                "base_version": base_version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        base_version = d.pop("base_version")

        llm_prompt_publish = cls(
            prompt=prompt,
            base_version=base_version,
        )

        llm_prompt_publish.additional_properties = d
        return llm_prompt_publish

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
