from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, uuid_from_str

T = TypeVar("T", bound="DatasetItem")


@_attrs_define
class DatasetItem:
    """One test case of a dataset.

    Attributes:
        id (UUID):
        dataset (UUID): The dataset this item belongs to.
        created_at (datetime.datetime):
        updated_at (datetime.datetime | None):
        created_by (None | UserBasic):
        team (int):
        input_ (Any | Unset): The input of the case (any JSON).
        output (Any | Unset): The expected output (any JSON).
        metadata (Any | Unset): Free-form JSON kept with the item.
        ref_trace_id (None | str | Unset): The trace this case was taken from, if any.
        ref_timestamp (datetime.datetime | None | Unset):
        ref_source_id (None | str | Unset):
        deleted (bool | None | Unset):
    """

    id: UUID
    dataset: UUID
    created_at: datetime.datetime
    updated_at: datetime.datetime | None
    created_by: None | UserBasic
    team: int
    input_: Any | Unset = UNSET
    output: Any | Unset = UNSET
    metadata: Any | Unset = UNSET
    ref_trace_id: None | str | Unset = UNSET
    ref_timestamp: datetime.datetime | None | Unset = UNSET
    ref_source_id: None | str | Unset = UNSET
    deleted: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        dataset = str(self.dataset)

        created_at = self.created_at.isoformat()

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        created_by: dict[str, Any] | None
        if isinstance(self.created_by, UserBasic):
            created_by = self.created_by.to_dict()
        else:
            created_by = self.created_by

        team = self.team

        input_ = self.input_

        output = self.output

        metadata = self.metadata

        ref_trace_id: None | str | Unset
        if isinstance(self.ref_trace_id, Unset):
            ref_trace_id = UNSET
        else:
            ref_trace_id = self.ref_trace_id

        ref_timestamp: None | str | Unset
        if isinstance(self.ref_timestamp, Unset):
            ref_timestamp = UNSET
        elif isinstance(self.ref_timestamp, datetime.datetime):
            ref_timestamp = self.ref_timestamp.isoformat()
        else:
            ref_timestamp = self.ref_timestamp

        ref_source_id: None | str | Unset
        if isinstance(self.ref_source_id, Unset):
            ref_source_id = UNSET
        else:
            ref_source_id = self.ref_source_id

        deleted: bool | None | Unset
        if isinstance(self.deleted, Unset):
            deleted = UNSET
        else:
            deleted = self.deleted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "dataset": dataset,
                "created_at": created_at,
                "updated_at": updated_at,
                "created_by": created_by,
                "team": team,
            }
        )
        if input_ is not UNSET:
            field_dict["input"] = input_
        if output is not UNSET:
            field_dict["output"] = output
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if ref_trace_id is not UNSET:
            field_dict["ref_trace_id"] = ref_trace_id
        if ref_timestamp is not UNSET:
            field_dict["ref_timestamp"] = ref_timestamp
        if ref_source_id is not UNSET:
            field_dict["ref_source_id"] = ref_source_id
        if deleted is not UNSET:
            field_dict["deleted"] = deleted

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = uuid_from_str(d.pop("id"))

        dataset = uuid_from_str(d.pop("dataset"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        _updated_at = d.pop("updated_at")
        updated_at: datetime.datetime | None
        if _updated_at is None:
            updated_at = _updated_at
        elif isinstance(_updated_at, str):
            try:
                updated_at_type_0 = datetime.datetime.fromisoformat(_updated_at)
                updated_at = updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                updated_at = _updated_at
        else:
            updated_at = _updated_at

        _created_by = d.pop("created_by")
        created_by: None | UserBasic
        if _created_by is None:
            created_by = _created_by
        elif isinstance(_created_by, dict):
            try:
                created_by_type_0 = UserBasic.from_dict(_created_by)
                created_by = created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                created_by = _created_by
        else:
            created_by = _created_by

        team = d.pop("team")

        input_ = d.pop("input", UNSET)

        output = d.pop("output", UNSET)

        metadata = d.pop("metadata", UNSET)

        ref_trace_id = d.pop("ref_trace_id", UNSET)

        _ref_timestamp = d.pop("ref_timestamp", UNSET)
        ref_timestamp: datetime.datetime | None | Unset
        if _ref_timestamp is None or isinstance(_ref_timestamp, Unset):
            ref_timestamp = _ref_timestamp
        elif isinstance(_ref_timestamp, str):
            try:
                ref_timestamp_type_0 = datetime.datetime.fromisoformat(_ref_timestamp)
                ref_timestamp = ref_timestamp_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                ref_timestamp = _ref_timestamp
        else:
            ref_timestamp = _ref_timestamp

        ref_source_id = d.pop("ref_source_id", UNSET)

        deleted = d.pop("deleted", UNSET)

        dataset_item = cls(
            id=id,
            dataset=dataset,
            created_at=created_at,
            updated_at=updated_at,
            created_by=created_by,
            team=team,
            input_=input_,
            output=output,
            metadata=metadata,
            ref_trace_id=ref_trace_id,
            ref_timestamp=ref_timestamp,
            ref_source_id=ref_source_id,
            deleted=deleted,
        )

        dataset_item.additional_properties = d
        return dataset_item

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
from ..models.user_basic import UserBasic  # noqa: E402
