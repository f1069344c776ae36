from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LogsQueryRequest")


@_attrs_define
class LogsQueryRequest:
    """A logs query; the server validates its fields.

    Attributes:
        query (LogsQueryRequestQuery | Unset): The query (date range, filters, ordering, limit).
    """

    query: LogsQueryRequestQuery | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        query: dict[str, Any] | Unset = UNSET
        if not isinstance(self.query, Unset):
            query = self.query.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if query is not UNSET:
            field_dict["query"] = query

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _query = d.pop("query", UNSET)
        query: LogsQueryRequestQuery | Unset
        if isinstance(_query, Unset):
            query = UNSET
        else:
            query = LogsQueryRequestQuery.from_dict(_query)

        logs_query_request = cls(
            query=query,
        )

        logs_query_request.additional_properties = d
        return logs_query_request

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
from ..models.logs_query_request_query import LogsQueryRequestQuery  # noqa: E402
