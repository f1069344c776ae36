from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provider_enum import ProviderEnum
from ..models.provider_key_state_enum import ProviderKeyStateEnum
from ..types import UNSET, Unset, uuid_from_str

T = TypeVar("T", bound="LLMProviderKey")


@_attrs_define
class LLMProviderKey:
    """An API key for an LLM provider, stored for evaluations. The secret is never returned.

    Attributes:
        id (UUID):
        provider (ProviderEnum):
        name (str):
        state (ProviderKeyStateEnum):
        api_key_masked (str): The secret with all but a few characters hidden.
        created_at (datetime.datetime):
        error_message (None | str | Unset):
        api_key (str | Unset): The provider secret; only ever sent, never returned.
        set_as_active (bool | Unset):  Default: False.
        created_by (None | Unset | UserBasic):
        last_used_at (datetime.datetime | None | Unset):
    """

    id: UUID
    provider: ProviderEnum
    name: str
    state: ProviderKeyStateEnum
    api_key_masked: str
    created_at: datetime.datetime
    error_message: None | str | Unset = UNSET
    api_key: str | Unset = UNSET
    set_as_active: bool | Unset = False
    created_by: None | Unset | UserBasic = UNSET
    last_used_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        provider = self.provider.value

        name = self.name

        state = self.state.value

        api_key_masked = self.api_key_masked

        created_at = self.created_at.isoformat()

        error_message: None | str | Unset
        if isinstance(self.error_message, Unset):
            error_message = UNSET
        else:
            error_message = self.error_message

        api_key = self.api_key

        set_as_active = self.set_as_active

        created_by: dict[str, Any] | None | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UserBasic):
            created_by = self.created_by.to_dict()
        else:
            created_by = self.created_by

        last_used_at: None | str | Unset
        if isinstance(self.last_used_at, Unset):
            last_used_at = UNSET
        elif isinstance(self.last_used_at, datetime.datetime):
            last_used_at = self.last_used_at.isoformat()
        else:
            last_used_at = self.last_used_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "provider": provider,
                "name": name,
                "state": state,
                "api_key_masked": api_key_masked,
                "created_at": created_at,
            }
        )
        if error_message is not UNSET:
            field_dict["error_message"] = error_message
        if api_key is not UNSET:
            field_dict["api_key"] = api_key
        if set_as_active is not UNSET:
            field_dict["set_as_active"] = set_as_active
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if last_used_at is not UNSET:
            field_dict["last_used_at"] = last_used_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = uuid_from_str(d.pop("id"))

        provider = ProviderEnum(d.pop("provider"))

        name = d.pop("name")

        state = ProviderKeyStateEnum(d.pop("state"))

        api_key_masked = d.pop("api_key_masked")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        error_message = d.pop("error_message", UNSET)

        api_key = d.pop("api_key", UNSET)

        set_as_active = d.pop("set_as_active", UNSET)

        _created_by = d.pop("created_by", UNSET)
        created_by: None | Unset | UserBasic
        if _created_by is None or isinstance(_created_by, Unset):
            created_by = _created_by
        elif isinstance(_created_by, dict):
            try:
                created_by_type_0 = UserBasic.from_dict(_created_by)
                created_by = created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                created_by = _created_by
        else:
            created_by = _created_by

        _last_used_at = d.pop("last_used_at", UNSET)
        last_used_at: datetime.datetime | None | Unset
        if _last_used_at is None or isinstance(_last_used_at, Unset):
            last_used_at = _last_used_at
        elif isinstance(_last_used_at, str):
            try:
                last_used_at_type_0 = datetime.datetime.fromisoformat(_last_used_at)
                last_used_at = last_used_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                last_used_at = _last_used_at
        else:
            last_used_at = _last_used_at

        llm_provider_key = cls(
            id=id,
            provider=provider,
            name=name,
            state=state,
            api_key_masked=api_key_masked,
            created_at=created_at,
            error_message=error_message,
            api_key=api_key,
            set_as_active=set_as_active,
            created_by=created_by,
            last_used_at=last_used_at,
        )

        llm_provider_key.additional_properties = d
        return llm_provider_key

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
