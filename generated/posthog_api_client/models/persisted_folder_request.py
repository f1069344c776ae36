from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.persisted_folder_type_enum import PersistedFolderTypeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PersistedFolderRequest")


@_attrs_define
class PersistedFolderRequest:
    """The body that creates a persisted folder.

    Attributes:
        type_ (PersistedFolderTypeEnum):
        protocol (str | Unset):
        path (str | Unset):
    """

    type_: PersistedFolderTypeEnum
    protocol: str | Unset = UNSET
    path: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        protocol = self.protocol

        path = self.path

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
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
        type_ = PersistedFolderTypeEnum(d.pop("type"))

        protocol = d.pop("protocol", UNSET)

        path = d.pop("path", UNSET)

        persisted_folder_request = cls(
            type_=type_,
            protocol=protocol,
            path=path,
        )

        persisted_folder_request.additional_properties = d
        return persisted_folder_request

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
