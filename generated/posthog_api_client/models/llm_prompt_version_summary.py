from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, uuid_from_str

T = TypeVar("T", bound="LLMPromptVersionSummary")


@_attrs_define
class LLMPromptVersionSummary:
    """One entry of a prompt's version history.

    Attributes:
        id (UUID):
        version (int):
        created_at (datetime.datetime):
        is_latest (bool):
        created_by (None | Unset | UserBasic):
    """

    id: UUID
    version: int
    created_at: datetime.datetime
    is_latest: bool
    created_by: None | Unset | UserBasic = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        version = self.version

        created_at = self.created_at.isoformat()

        is_latest = self.is_latest

        created_by: dict[str, Any] | None | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UserBasic):
            created_by = self.created_by.to_dict()
        else:
            created_by = self.created_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "version": version,
                "created_at": created_at,
                "is_latest": is_latest,
            }
        )
        if created_by is not UNSET:
            field_dict["created_by"] = created_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = uuid_from_str(d.pop("id"))

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        is_latest = d.pop("is_latest")

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

        llm_prompt_version_summary = cls(
            id=id,
            version=version,
            created_at=created_at,
            is_latest=is_latest,
            created_by=created_by,
        )

        llm_prompt_version_summary.additional_properties = d
        return llm_prompt_version_summary

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
