from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LLMPromptRequest")


@_attrs_define
class LLMPromptRequest:
    """The body that creates a prompt at version 1.

    Attributes:
        name (str): Letters, digits, `_` and `-` only. The name `new` is reserved in any letter case.
        prompt (Any): The prompt content. Any JSON value up to 1,000,000 bytes as compact JSON.
        config (None | PromptConfigType0 | Unset): Model and agent parameters versioned with the prompt (any JSON
            object), or null for none.
        version_description (str | Unset): What this version is, for people reading the history.
        deleted (bool | Unset):
    """

    name: str
    prompt: Any
    config: None | PromptConfigType0 | Unset = UNSET
    version_description: str | Unset = UNSET
    deleted: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        prompt = self.prompt

        config: dict[str, Any] | None | Unset
        if isinstance(self.config, Unset):
            config = UNSET
        elif isinstance(self.config, PromptConfigType0):
            config = self.config.to_dict()
        else:
            config = self.config

        version_description = self.version_description

        deleted = self.deleted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "prompt": prompt,
            }
        )
        if config is not UNSET:
            field_dict["config"] = config
        if version_description is not UNSET:
            field_dict["version_description"] = version_description
        if deleted is not UNSET:
            field_dict["deleted"] = deleted

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        prompt = d.pop("prompt")

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

        deleted = d.pop("deleted", UNSET)

        llm_prompt_request = cls(
            name=name,
            prompt=prompt,
            config=config,
            version_description=version_description,
            deleted=deleted,
        )

        llm_prompt_request.additional_properties = d
        return llm_prompt_request

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
from ..models.prompt_config_type_0 import PromptConfigType0  # noqa: E402
