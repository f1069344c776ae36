from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.user_basic import UserBasic


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
        from ..models.user_basic import UserBasic  # noqa: PLC0415

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
        from ..models.user_basic import UserBasic  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        is_latest = d.pop("is_latest")

        def _parse_created_by(data: object) -> None | Unset | UserBasic:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                created_by_type_0 = UserBasic.from_dict(data)

                return created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UserBasic, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

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
