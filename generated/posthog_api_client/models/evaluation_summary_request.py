from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.evaluation_summary_filter_enum import EvaluationSummaryFilterEnum
from ..types import UNSET, Unset, uuid_from_str

T = TypeVar("T", bound="EvaluationSummaryRequest")


@_attrs_define
class EvaluationSummaryRequest:
    """Which evaluation's results to summarise.

    Attributes:
        evaluation_id (UUID): The evaluation whose runs are analysed.
        filter_ (EvaluationSummaryFilterEnum | Unset): Which runs to analyse. Default: EvaluationSummaryFilterEnum.ALL.
        generation_ids (list[str] | Unset): Only these generations; all recent ones when empty.
        force_refresh (bool | Unset): Recompute instead of serving a cached summary. Default: False.
    """

    evaluation_id: UUID
    filter_: EvaluationSummaryFilterEnum | Unset = EvaluationSummaryFilterEnum.ALL
    generation_ids: list[str] | Unset = UNSET
    force_refresh: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        evaluation_id = str(self.evaluation_id)

        filter_: str | Unset = UNSET
        if not isinstance(self.filter_, Unset):
            filter_ = self.filter_.value

        generation_ids: list[str] | Unset = UNSET
        if not isinstance(self.generation_ids, Unset):
            generation_ids = self.generation_ids

        force_refresh = self.force_refresh

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "evaluation_id": evaluation_id,
            }
        )
        if filter_ is not UNSET:
            field_dict["filter"] = filter_
        if generation_ids is not UNSET:
            field_dict["generation_ids"] = generation_ids
        if force_refresh is not UNSET:
            field_dict["force_refresh"] = force_refresh

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        evaluation_id = uuid_from_str(d.pop("evaluation_id"))

        _filter_ = d.pop("filter", UNSET)
        filter_: EvaluationSummaryFilterEnum | Unset
        if isinstance(_filter_, Unset):
            filter_ = UNSET
        else:
            filter_ = EvaluationSummaryFilterEnum(_filter_)

        generation_ids = cast(list[str], d.pop("generation_ids", UNSET))

        force_refresh = d.pop("force_refresh", UNSET)

        evaluation_summary_request = cls(
            evaluation_id=evaluation_id,
            filter_=filter_,
            generation_ids=generation_ids,
            force_refresh=force_refresh,
        )

        evaluation_summary_request.additional_properties = d
        return evaluation_summary_request

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
