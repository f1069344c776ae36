from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import uuid_from_str

T = TypeVar("T", bound="EvaluationRunRequest")


@_attrs_define
class EvaluationRunRequest:
    """What to run; the server validates it before queueing.

    Attributes:
        evaluation_id (UUID): The evaluation to run.
        target_event_id (str): The event to evaluate.
        timestamp (datetime.datetime): When the target event happened.
    """

    evaluation_id: UUID
    target_event_id: str
    timestamp: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        evaluation_id = str(self.evaluation_id)

        target_event_id = self.target_event_id

        timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "evaluation_id": evaluation_id,
                "target_event_id": target_event_id,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        evaluation_id = uuid_from_str(d.pop("evaluation_id"))

        target_event_id = d.pop("target_event_id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        evaluation_run_request = cls(
            evaluation_id=evaluation_id,
            target_event_id=target_event_id,
            timestamp=timestamp,
        )

        evaluation_run_request.additional_properties = d
        return evaluation_run_request

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
