from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SummarizeResponse")


@_attrs_define
class SummarizeResponse:
    """
    Attributes:
        summary (JSONObject | str): The summary: a JSON object on today's server (title, points with `[Lnn]` line
            references); older servers sent markdown text.
        text_repr (str | Unset): The numbered text rendering the summary's line references point into.
        metadata (SummarizeResponseMetadata | Unset): Facts about the run, such as the model and the length of the
            rendered text.
    """

    summary: JSONObject | str
    text_repr: str | Unset = UNSET
    metadata: SummarizeResponseMetadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        summary: dict[str, Any] | str
        if isinstance(self.summary, JSONObject):
            summary = self.summary.to_dict()
        else:
            summary = self.summary

        text_repr = self.text_repr

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "summary": summary,
            }
        )
        if text_repr is not UNSET:
            field_dict["text_repr"] = text_repr
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _summary = d.pop("summary")
        summary: JSONObject | str
        if isinstance(_summary, dict):
            try:
                summary_type_0 = JSONObject.from_dict(_summary)
                summary = summary_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                summary = _summary
        else:
            summary = _summary

        text_repr = d.pop("text_repr", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: SummarizeResponseMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = SummarizeResponseMetadata.from_dict(_metadata)

        summarize_response = cls(
            summary=summary,
            text_repr=text_repr,
            metadata=metadata,
        )

        summarize_response.additional_properties = d
        return summarize_response

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
from ..models.json_object import JSONObject  # noqa: E402
from ..models.summarize_response_metadata import SummarizeResponseMetadata  # noqa: E402
