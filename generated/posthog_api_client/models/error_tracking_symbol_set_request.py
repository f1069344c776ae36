from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorTrackingSymbolSetRequest")


@_attrs_define
class ErrorTrackingSymbolSetRequest:
    """A symbol set to register for upload.

    Attributes:
        ref (str | Unset): The identifier of the symbol set (for example a chunk id).
        storage_ptr (None | str | Unset): Where the uploaded file is stored.
        failure_reason (None | str | Unset): Why processing the set failed, if it did.
    """

    ref: str | Unset = UNSET
    storage_ptr: None | str | Unset = UNSET
    failure_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ref = self.ref

        storage_ptr: None | str | Unset
        if isinstance(self.storage_ptr, Unset):
            storage_ptr = UNSET
        else:
            storage_ptr = self.storage_ptr

        failure_reason: None | str | Unset
        if isinstance(self.failure_reason, Unset):
            failure_reason = UNSET
        else:
            failure_reason = self.failure_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if ref is not UNSET:
            field_dict["ref"] = ref
        if storage_ptr is not UNSET:
            field_dict["storage_ptr"] = storage_ptr
        if failure_reason is not UNSET:
            field_dict["failure_reason"] = failure_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ref = d.pop("ref", UNSET)

        storage_ptr = d.pop("storage_ptr", UNSET)

        failure_reason = d.pop("failure_reason", UNSET)

        error_tracking_symbol_set_request = cls(
            ref=ref,
            storage_ptr=storage_ptr,
            failure_reason=failure_reason,
        )

        error_tracking_symbol_set_request.additional_properties = d
        return error_tracking_symbol_set_request

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
