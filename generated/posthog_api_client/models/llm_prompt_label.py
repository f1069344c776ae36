from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LLMPromptLabel")


@_attrs_define
class LLMPromptLabel:
    """A movable name pointing at one version of one prompt.

    Attributes:
        name (str):
        prompt_name (str):
        version (int):
        id (str | Unset):
        created_by (None | Unset | UserBasic):
        created_at (datetime.datetime | Unset):
        updated_at (datetime.datetime | Unset):
    """

    name: str
    prompt_name: str
    version: int
    id: str | Unset = UNSET
    created_by: None | Unset | UserBasic = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        prompt_name = self.prompt_name

        version = self.version

        id = self.id

        created_by: dict[str, Any] | None | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UserBasic):
            created_by = self.created_by.to_dict()
        else:
            created_by = self.created_by

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "prompt_name": prompt_name,
                "version": version,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        prompt_name = d.pop("prompt_name")

        version = d.pop("version")

        id = d.pop("id", UNSET)

        _created_by = d.pop("created_by", UNSET)
        created_by: None | Unset | UserBasic
        if _created_by is None or isinstance(_created_by, Unset):
            created_by = _created_by
        elif isinstance(_created_by, dict):
            try:
                created_by_type_0 = UserBasic.from_dict(_created_by)
                created_by = created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                created_by = _created_by
        else:
            created_by = _created_by

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        llm_prompt_label = cls(
            name=name,
            prompt_name=prompt_name,
            version=version,
            id=id,
            created_by=created_by,
            created_at=created_at,
            updated_at=updated_at,
        )

        llm_prompt_label.additional_properties = d
        return llm_prompt_label

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
from ..models.user_basic import UserBasic  # noqa: E402
