from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EvaluationSummaryStatistics")


@_attrs_define
class EvaluationSummaryStatistics:
    """
    Attributes:
        total_analyzed (int):
        pass_count (int):
        fail_count (int):
        na_count (int):
    """

    total_analyzed: int
    pass_count: int
    fail_count: int
    na_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total_analyzed = self.total_analyzed

        pass_count = self.pass_count

        fail_count = self.fail_count

        na_count = self.na_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total_analyzed": total_analyzed,
                "pass_count": pass_count,
                "fail_count": fail_count,
                "na_count": na_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        total_analyzed = d.pop("total_analyzed")

        pass_count = d.pop("pass_count")

        fail_count = d.pop("fail_count")

        na_count = d.pop("na_count")

        evaluation_summary_statistics = cls(
            total_analyzed=total_analyzed,
            pass_count=pass_count,
            fail_count=fail_count,
            na_count=na_count,
        )

        evaluation_summary_statistics.additional_properties = d
        return evaluation_summary_statistics

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
