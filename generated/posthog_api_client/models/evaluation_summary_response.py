from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EvaluationSummaryResponse")


@_attrs_define
class EvaluationSummaryResponse:
    """What the summariser found.

    Attributes:
        overall_assessment (str):
        pass_patterns (list[EvaluationPattern]):
        fail_patterns (list[EvaluationPattern]):
        na_patterns (list[EvaluationPattern]):
        recommendations (list[str]):
        statistics (EvaluationSummaryStatistics):
    """

    overall_assessment: str
    pass_patterns: list[EvaluationPattern]
    fail_patterns: list[EvaluationPattern]
    na_patterns: list[EvaluationPattern]
    recommendations: list[str]
    statistics: EvaluationSummaryStatistics
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        overall_assessment = self.overall_assessment

        pass_patterns = []
        for pass_patterns_item_data in self.pass_patterns:
            pass_patterns_item = pass_patterns_item_data.to_dict()
            pass_patterns.append(pass_patterns_item)

        fail_patterns = []
        for fail_patterns_item_data in self.fail_patterns:
            fail_patterns_item = fail_patterns_item_data.to_dict()
            fail_patterns.append(fail_patterns_item)

        na_patterns = []
        for na_patterns_item_data in self.na_patterns:
            na_patterns_item = na_patterns_item_data.to_dict()
            na_patterns.append(na_patterns_item)

        recommendations = self.recommendations

        statistics = self.statistics.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "overall_assessment": overall_assessment,
                "pass_patterns": pass_patterns,
                "fail_patterns": fail_patterns,
                "na_patterns": na_patterns,
                "recommendations": recommendations,
                "statistics": statistics,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        overall_assessment = d.pop("overall_assessment")

        pass_patterns = []
        _pass_patterns = d.pop("pass_patterns")
        for pass_patterns_item_data in _pass_patterns:
            pass_patterns_item = EvaluationPattern.from_dict(pass_patterns_item_data)

            pass_patterns.append(pass_patterns_item)

        fail_patterns = []
        _fail_patterns = d.pop("fail_patterns")
        for fail_patterns_item_data in _fail_patterns:
            fail_patterns_item = EvaluationPattern.from_dict(fail_patterns_item_data)

            fail_patterns.append(fail_patterns_item)

        na_patterns = []
        _na_patterns = d.pop("na_patterns")
        for na_patterns_item_data in _na_patterns:
            na_patterns_item = EvaluationPattern.from_dict(na_patterns_item_data)

            na_patterns.append(na_patterns_item)

        recommendations = cast(list[str], d.pop("recommendations"))

        statistics = EvaluationSummaryStatistics.from_dict(d.pop("statistics"))

        evaluation_summary_response = cls(
            overall_assessment=overall_assessment,
            pass_patterns=pass_patterns,
            fail_patterns=fail_patterns,
            na_patterns=na_patterns,
            recommendations=recommendations,
            statistics=statistics,
        )

        evaluation_summary_response.additional_properties = d
        return evaluation_summary_response

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
from ..models.evaluation_pattern import EvaluationPattern  # noqa: E402
from ..models.evaluation_summary_statistics import EvaluationSummaryStatistics  # noqa: E402
