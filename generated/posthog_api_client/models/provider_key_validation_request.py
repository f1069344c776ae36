from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provider_enum import ProviderEnum

T = TypeVar("T", bound="ProviderKeyValidationRequest")


@_attrs_define
class ProviderKeyValidationRequest:
    """A provider key to check without saving it.

    Attributes:
        provider (ProviderEnum):
        api_key (str):
    """

    provider: ProviderEnum
    api_key: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        provider = self.provider.value

        api_key = self.api_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "provider": provider,
                "api_key": api_key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        provider = ProviderEnum(d.pop("provider"))

        api_key = d.pop("api_key")

        provider_key_validation_request = cls(
            provider=provider,
            api_key=api_key,
        )

        provider_key_validation_request.additional_properties = d
        return provider_key_validation_request

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
