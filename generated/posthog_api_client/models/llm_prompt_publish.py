from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LLMPromptPublish")


@_attrs_define
class LLMPromptPublish:
    """The body that publishes a new version by name: `base_version` and exactly one of `prompt` or `edits`, or `config`
    alone.

        Attributes:
            base_version (int): The latest version the caller saw; must still be the latest.
            prompt (Any | Unset): The new content. Any JSON value up to 1,000,000 bytes as compact JSON.
            edits (list[LLMPromptEdit] | Unset): Replacements applied in order to the latest content, instead of `prompt`.
            config (None | PromptConfigType0 | Unset): Model and agent parameters versioned with the prompt (any JSON
                object), or null for none.
            version_description (str | Unset): What this version changes.
    """

    base_version: int
    prompt: Any | Unset = UNSET
    edits: list[LLMPromptEdit] | Unset = UNSET
    config: None | PromptConfigType0 | Unset = UNSET
    version_description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        base_version = self.base_version

        prompt = self.prompt

        edits: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.edits, Unset):
            edits = []
            for edits_item_data in self.edits:
                edits_item = edits_item_data.to_dict()
                edits.append(edits_item)

        config: dict[str, Any] | None | Unset
        if isinstance(self.config, Unset):
            config = UNSET
        elif isinstance(self.config, PromptConfigType0):
            config = self.config.to_dict()
        else:
            config = self.config

        version_description = self.version_description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "base_version": base_version,
            }
        )
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if edits is not UNSET:
            field_dict["edits"] = edits
        if config is not UNSET:
            field_dict["config"] = config
        if version_description is not UNSET:
            field_dict["version_description"] = version_description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        base_version = d.pop("base_version")

        prompt = d.pop("prompt", UNSET)

        _edits = d.pop("edits", UNSET)
        edits: list[LLMPromptEdit] | Unset = UNSET
        if _edits is not UNSET:
            edits = []
            for edits_item_data in _edits:
                edits_item = LLMPromptEdit.from_dict(edits_item_data)

                edits.append(edits_item)

        _config = d.pop("config", UNSET)
        config: None | PromptConfigType0 | Unset
        if _config is None or isinstance(_config, Unset):
            config = _config
        elif isinstance(_config, dict):
            try:
                componentsschemas_prompt_config_type_0 = PromptConfigType0.from_dict(
                    _config
                )
                config = componentsschemas_prompt_config_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                config = _config
        else:
            config = _config

        version_description = d.pop("version_description", UNSET)

        llm_prompt_publish = cls(
            base_version=base_version,
            prompt=prompt,
            edits=edits,
            config=config,
            version_description=version_description,
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


# Last, so that this module's class exists before a model it nests imports it back.
from ..models.llm_prompt_edit import LLMPromptEdit  # noqa: E402
from ..models.prompt_config_type_0 import PromptConfigType0  # noqa: E402
