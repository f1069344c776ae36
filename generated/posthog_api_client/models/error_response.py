from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorResponse")


@_attrs_define
class ErrorResponse:
    """The error envelope. Most errors carry all four fields; some endpoints send only `detail`.

    Attributes:
        detail (str): A readable explanation.
        type_ (str | Unset): The error family: validation_error, authentication_error, invalid_request, throttled_error
            or server_error.
        code (str | Unset): A machine-readable error code, such as `permission_denied` or `unique`.
        attr (None | str | Unset): The request field at fault, for validation errors.
    """

    detail: str
    type_: str | Unset = UNSET
    code: str | Unset = UNSET
    attr: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        detail = self.detail

        type_ = self.type_

        code = self.code

        attr: None | str | Unset
        if isinstance(self.attr, Unset):
            attr = UNSET
        else:
            attr = self.attr

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "detail": detail,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if code is not UNSET:
            field_dict["code"] = code
        if attr is not UNSET:
            field_dict["attr"] = attr

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        detail = d.pop("detail")

        type_ = d.pop("type", UNSET)

        code = d.pop("code", UNSET)

        attr = d.pop("attr", UNSET)

        error_response = cls(
            detail=detail,
            type_=type_,
            code=code,
            attr=attr,
        )

        error_response.additional_properties = d
        return error_response

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
