from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LLMPromptPublic")


@_attrs_define
class LLMPromptPublic:
    """One version of a named prompt, as served to applications by name.

    Attributes:
        id (UUID):
        name (str):
        prompt (Any): The prompt content. Any JSON value; usually a string.
        version (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        deleted (bool):
        is_latest (bool):
        latest_version (int):
        version_count (int):
        first_version_created_at (datetime.datetime):
    """

    id: UUID
    name: str
    prompt: Any
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    deleted: bool
    is_latest: bool
    latest_version: int
    version_count: int
    first_version_created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        prompt = self.prompt

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        deleted = self.deleted

        is_latest = self.is_latest

        latest_version = self.latest_version

        version_count = self.version_count

        first_version_created_at = self.first_version_created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "prompt": prompt,
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
                "deleted": deleted,
                "is_latest": is_latest,
                "latest_version": latest_version,
                "version_count": version_count,
                "first_version_created_at": first_version_created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        prompt = d.pop("prompt")

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        deleted = d.pop("deleted")

        is_latest = d.pop("is_latest")

        latest_version = d.pop("latest_version")

        version_count = d.pop("version_count")

        first_version_created_at = datetime.datetime.fromisoformat(
            d.pop("first_version_created_at")
        )

        llm_prompt_public = cls(
            id=id,
            name=name,
            prompt=prompt,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
            deleted=deleted,
            is_latest=is_latest,
            latest_version=latest_version,
            version_count=version_count,
            first_version_created_at=first_version_created_at,
        )

        llm_prompt_public.additional_properties = d
        return llm_prompt_public

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
