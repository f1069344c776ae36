from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MaxToolsInsightRequest")


@_attrs_define
class MaxToolsInsightRequest:
    """The question to turn into an insight.

    Attributes:
        query_description (str): What the insight should show, in words.
        insight_type (str | Unset): The kind of insight, such as `trends` or `funnel`.
    """

    query_description: str
    insight_type: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        query_description = self.query_description

        insight_type = self.insight_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "query_description": query_description,
            }
        )
        if insight_type is not UNSET:
            field_dict["insight_type"] = insight_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        query_description = d.pop("query_description")

        insight_type = d.pop("insight_type", UNSET)

        max_tools_insight_request = cls(
            query_description=query_description,
            insight_type=insight_type,
        )

        max_tools_insight_request.additional_properties = d
        return max_tools_insight_request

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
