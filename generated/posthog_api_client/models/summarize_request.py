from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.summarize_mode_enum import SummarizeModeEnum
from ..models.summarize_type_enum import SummarizeTypeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="SummarizeRequest")


@_attrs_define
class SummarizeRequest:
    """What to summarise.

    Attributes:
        summarize_type (SummarizeTypeEnum):
        data (Any): For a trace: `{trace, hierarchy}`; for an event: `{event}`.
        mode (SummarizeModeEnum | Unset): `minimal`: three to five points; `detailed`: five to ten. Default:
            SummarizeModeEnum.MINIMAL.
        force_refresh (bool | Unset): Recompute instead of serving a cached summary. Default: False.
        model (str | Unset): The LLM to summarise with; the server picks one when omitted.
    """

    summarize_type: SummarizeTypeEnum
    data: Any
    mode: SummarizeModeEnum | Unset = SummarizeModeEnum.MINIMAL
    force_refresh: bool | Unset = False
    model: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        summarize_type = self.summarize_type.value

        data = self.data

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        force_refresh = self.force_refresh

        model = self.model

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "summarize_type": summarize_type,
                "data": data,
            }
        )
        if mode is not UNSET:
            field_dict["mode"] = mode
        if force_refresh is not UNSET:
            field_dict["force_refresh"] = force_refresh
        if model is not UNSET:
            field_dict["model"] = model

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        summarize_type = SummarizeTypeEnum(d.pop("summarize_type"))

        data = d.pop("data")

        _mode = d.pop("mode", UNSET)
        mode: SummarizeModeEnum | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = SummarizeModeEnum(_mode)

        force_refresh = d.pop("force_refresh", UNSET)

        model = d.pop("model", UNSET)

        summarize_request = cls(
            summarize_type=summarize_type,
            data=data,
            mode=mode,
            force_refresh=force_refresh,
            model=model,
        )

        summarize_request.additional_properties = d
        return summarize_request

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
