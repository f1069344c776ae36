from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LLMPromptResolveResponse")


@_attrs_define
class LLMPromptResolveResponse:
    """A resolved prompt version with a page of the name's history.

    Attributes:
        prompt (LLMPrompt): One version of a named prompt.
        versions (list[LLMPromptVersionSummary]): Newest first.
        has_more (bool): Whether older versions exist beyond this page.
        labels (list[LLMPromptLabelRef] | Unset): Every label of the prompt and the version it points at.
    """

    prompt: LLMPrompt
    versions: list[LLMPromptVersionSummary]
    has_more: bool
    labels: list[LLMPromptLabelRef] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt.to_dict()

        versions = []
        for versions_item_data in self.versions:
            versions_item = versions_item_data.to_dict()
            versions.append(versions_item)

        has_more = self.has_more

        labels: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = []
            for labels_item_data in self.labels:
                labels_item = labels_item_data.to_dict()
                labels.append(labels_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
                "versions": versions,
                "has_more": has_more,
            }
        )
        if labels is not UNSET:
            field_dict["labels"] = labels

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prompt = LLMPrompt.from_dict(d.pop("prompt"))

        versions = []
        _versions = d.pop("versions")
        for versions_item_data in _versions:
            versions_item = LLMPromptVersionSummary.from_dict(versions_item_data)

            versions.append(versions_item)

        has_more = d.pop("has_more")

        _labels = d.pop("labels", UNSET)
        labels: list[LLMPromptLabelRef] | Unset = UNSET
        if _labels is not UNSET:
            labels = []
            for labels_item_data in _labels:
                labels_item = LLMPromptLabelRef.from_dict(labels_item_data)

                labels.append(labels_item)

        llm_prompt_resolve_response = cls(
            prompt=prompt,
            versions=versions,
            has_more=has_more,
            labels=labels,
        )

        llm_prompt_resolve_response.additional_properties = d
        return llm_prompt_resolve_response

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


# Last, so that this module's class exists before a model it nests imports it back.
from ..models.llm_prompt import LLMPrompt  # noqa: E402
from ..models.llm_prompt_label_ref import LLMPromptLabelRef  # noqa: E402
from ..models.llm_prompt_version_summary import LLMPromptVersionSummary  # noqa: E402
