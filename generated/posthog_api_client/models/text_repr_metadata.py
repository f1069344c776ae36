from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TextReprMetadata")


@_attrs_define
class TextReprMetadata:
    """
    Attributes:
        event_type (str | Unset):
        event_id (None | str | Unset):
        trace_id (None | str | Unset):
        rendering (str | Unset):
        char_count (int | Unset):
        truncated (bool | Unset):
        error (None | str | Unset):
    """

    event_type: str | Unset = UNSET
    event_id: None | str | Unset = UNSET
    trace_id: None | str | Unset = UNSET
    rendering: str | Unset = UNSET
    char_count: int | Unset = UNSET
    truncated: bool | Unset = UNSET
    error: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_type = self.event_type

        event_id: None | str | Unset
        if isinstance(self.event_id, Unset):
            event_id = UNSET
        else:
            event_id = self.event_id

        trace_id: None | str | Unset
        if isinstance(self.trace_id, Unset):
            trace_id = UNSET
        else:
            trace_id = self.trace_id

        rendering = self.rendering

        char_count = self.char_count

        truncated = self.truncated

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if event_type is not UNSET:
            field_dict["event_type"] = event_type
        if event_id is not UNSET:
            field_dict["event_id"] = event_id
        if trace_id is not UNSET:
            field_dict["trace_id"] = trace_id
        if rendering is not UNSET:
            field_dict["rendering"] = rendering
        if char_count is not UNSET:
            field_dict["char_count"] = char_count
        if truncated is not UNSET:
            field_dict["truncated"] = truncated
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_type = d.pop("event_type", UNSET)

        event_id = d.pop("event_id", UNSET)

        trace_id = d.pop("trace_id", UNSET)

        rendering = d.pop("rendering", UNSET)

        char_count = d.pop("char_count", UNSET)

        truncated = d.pop("truncated", UNSET)

        error = d.pop("error", UNSET)

        text_repr_metadata = cls(
            event_type=event_type,
            event_id=event_id,
            trace_id=trace_id,
            rendering=rendering,
            char_count=char_count,
            truncated=truncated,
            error=error,
        )

        text_repr_metadata.additional_properties = d
        return text_repr_metadata

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
