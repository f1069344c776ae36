from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.text_repr_event_type_enum import TextReprEventTypeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="TextReprRequest")


@_attrs_define
class TextReprRequest:
    """An LLM event to render.

    Attributes:
        event_type (TextReprEventTypeEnum):
        data (TextReprRequestData): The event; a trace carries `trace` and `hierarchy`.
        options (TextReprOptions | Unset): Rendering options; every one has a default.
    """

    event_type: TextReprEventTypeEnum
    data: TextReprRequestData
    options: TextReprOptions | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_type = self.event_type.value

        data = self.data.to_dict()

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_type": event_type,
                "data": data,
            }
        )
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_type = TextReprEventTypeEnum(d.pop("event_type"))

        data = TextReprRequestData.from_dict(d.pop("data"))

        _options = d.pop("options", UNSET)
        options: TextReprOptions | Unset
        if isinstance(_options, Unset):
            options = UNSET
        else:
            options = TextReprOptions.from_dict(_options)

        text_repr_request = cls(
            event_type=event_type,
            data=data,
            options=options,
        )

        text_repr_request.additional_properties = d
        return text_repr_request

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
from ..models.text_repr_options import TextReprOptions  # noqa: E402
from ..models.text_repr_request_data import TextReprRequestData  # noqa: E402
