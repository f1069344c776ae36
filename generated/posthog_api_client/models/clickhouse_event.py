from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ClickhouseEvent")


@_attrs_define
class ClickhouseEvent:
    """One event as the legacy listing returns it. Every field is serialised as text.

    Attributes:
        id (str):
        distinct_id (str):
        properties (str):
        event (str):
        timestamp (str):
        person (str):
        elements (str):
        elements_chain (str):
    """

    id: str
    distinct_id: str
    properties: str
    event: str
    timestamp: str
    person: str
    elements: str
    elements_chain: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        distinct_id = self.distinct_id

        properties = self.properties

        event = self.event

        timestamp = self.timestamp

        person = self.person

        elements = self.elements

        elements_chain = self.elements_chain

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "distinct_id": distinct_id,
                "properties": properties,
                "event": event,
                "timestamp": timestamp,
                "person": person,
                "elements": elements,
                "elements_chain": elements_chain,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        distinct_id = d.pop("distinct_id")

        properties = d.pop("properties")

        event = d.pop("event")

        timestamp = d.pop("timestamp")

        person = d.pop("person")

        elements = d.pop("elements")

        elements_chain = d.pop("elements_chain")

        clickhouse_event = cls(
            id=id,
            distinct_id=distinct_id,
            properties=properties,
            event=event,
            timestamp=timestamp,
            person=person,
            elements=elements,
            elements_chain=elements_chain,
        )

        clickhouse_event.additional_properties = d
        return clickhouse_event

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
