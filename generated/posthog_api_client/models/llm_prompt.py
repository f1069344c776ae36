from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, uuid_from_str

T = TypeVar("T", bound="LLMPrompt")


@_attrs_define
class LLMPrompt:
    """One version of a named prompt.

    Attributes:
        id (UUID):
        name (str): The prompt's name, shared by all of its versions.
        prompt (Any): The prompt content. Any JSON value; usually a string.
        version (int): This row's version number, from 1.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        created_by (None | Unset | UserBasic):
        deleted (bool | Unset):
        is_latest (bool | Unset): Whether this is the newest live version of the name.
        latest_version (int | Unset): The highest version number of the name.
        version_count (int | Unset): How many live versions the name has.
        first_version_created_at (datetime.datetime | Unset): When version 1 of the name was created.
    """

    id: UUID
    name: str
    prompt: Any
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    created_by: None | Unset | UserBasic = UNSET
    deleted: bool | Unset = UNSET
    is_latest: bool | Unset = UNSET
    latest_version: int | Unset = UNSET
    version_count: int | Unset = UNSET
    first_version_created_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        prompt = self.prompt

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        created_by: dict[str, Any] | None | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UserBasic):
            created_by = self.created_by.to_dict()
        else:
            created_by = self.created_by

        deleted = self.deleted

        is_latest = self.is_latest

        latest_version = self.latest_version

        version_count = self.version_count

        first_version_created_at: str | Unset = UNSET
        if not isinstance(self.first_version_created_at, Unset):
            first_version_created_at = self.first_version_created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "prompt": prompt,
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if deleted is not UNSET:
            field_dict["deleted"] = deleted
        if is_latest is not UNSET:
            field_dict["is_latest"] = is_latest
        if latest_version is not UNSET:
            field_dict["latest_version"] = latest_version
        if version_count is not UNSET:
            field_dict["version_count"] = version_count
        if first_version_created_at is not UNSET:
            field_dict["first_version_created_at"] = first_version_created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = uuid_from_str(d.pop("id"))

        name = d.pop("name")

        prompt = d.pop("prompt")

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

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

        deleted = d.pop("deleted", UNSET)

        is_latest = d.pop("is_latest", UNSET)

        latest_version = d.pop("latest_version", UNSET)

        version_count = d.pop("version_count", UNSET)

        _first_version_created_at = d.pop("first_version_created_at", UNSET)
        first_version_created_at: datetime.datetime | Unset
        if isinstance(_first_version_created_at, Unset):
            first_version_created_at = UNSET
        else:
            first_version_created_at = datetime.datetime.fromisoformat(
                _first_version_created_at
            )

        llm_prompt = cls(
            id=id,
            name=name,
            prompt=prompt,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
            created_by=created_by,
            deleted=deleted,
            is_latest=is_latest,
            latest_version=latest_version,
            version_count=version_count,
            first_version_created_at=first_version_created_at,
        )

        llm_prompt.additional_properties = d
        return llm_prompt

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
