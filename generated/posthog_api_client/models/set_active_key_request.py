from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import uuid_from_str

T = TypeVar("T", bound="SetActiveKeyRequest")


@_attrs_define
class SetActiveKeyRequest:
    """Which stored provider key evaluations should use.

    Attributes:
        key_id (None | UUID):
    """

    key_id: None | UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key_id: None | str
        if isinstance(self.key_id, UUID):
            key_id = str(self.key_id)
        else:
            key_id = self.key_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key_id": key_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _key_id = d.pop("key_id")
        key_id: None | UUID
        if _key_id is None:
            key_id = _key_id
        elif isinstance(_key_id, str):
            try:
                key_id_type_0 = uuid_from_str(_key_id)
                key_id = key_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                key_id = _key_id
        else:
            key_id = _key_id

        set_active_key_request = cls(
            key_id=key_id,
        )

        set_active_key_request.additional_properties = d
        return set_active_key_request

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
