from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.persisted_folder_type_enum import PersistedFolderTypeEnum
from ..types import UNSET, Unset, uuid_from_str

T = TypeVar("T", bound="PersistedFolder")


@_attrs_define
class PersistedFolder:
    """A folder kept in the project tree.

    Attributes:
        id (UUID):
        type_ (PersistedFolderTypeEnum):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        protocol (str | Unset):
        path (str | Unset):
    """

    id: UUID
    type_: PersistedFolderTypeEnum
    created_at: datetime.datetime
    updated_at: datetime.datetime
    protocol: str | Unset = UNSET
    path: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        type_ = self.type_.value

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        protocol = self.protocol

        path = self.path

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if protocol is not UNSET:
            field_dict["protocol"] = protocol
        if path is not UNSET:
            field_dict["path"] = path

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = uuid_from_str(d.pop("id"))

        type_ = PersistedFolderTypeEnum(d.pop("type"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        protocol = d.pop("protocol", UNSET)

        path = d.pop("path", UNSET)

        persisted_folder = cls(
            id=id,
            type_=type_,
            created_at=created_at,
            updated_at=updated_at,
            protocol=protocol,
            path=path,
        )

        persisted_folder.additional_properties = d
        return persisted_folder

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
