from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, uuid_from_str

T = TypeVar("T", bound="LLMPrompt")


@_attrs_define
class LLMPrompt:
    """One version of a named prompt.

    Attributes:
        id (UUID):
        name (str): The prompt's name, shared by all of its versions.
        version (int): This row's version number, from 1.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        prompt (Any | Unset): The prompt content. PostHog sends it as a string (JSON content as JSON text); left out
            with `content=preview` or `none`.
        created_by (None | Unset | UserBasic):
        deleted (bool | Unset):
        is_latest (bool | Unset): Whether this is the newest live version of the name.
        latest_version (int | Unset): The highest version number of the name.
        version_count (int | Unset): How many live versions the name has.
        first_version_created_at (str | Unset): When version 1 of the name was created (PostHog publishes it as a plain
            string).
        config (None | PromptConfigType0 | Unset): Model and agent parameters versioned with the prompt (any JSON
            object), or null for none.
        version_description (None | str | Unset): What changed in this version, as its author wrote it.
        labels (list[str] | Unset): The labels pointing at this version.
        outline (Any | Unset): The markdown headings of the content (PostHog does not fix its shape).
        activity_item_id (None | str | Unset):
        prompt_size_bytes (int | Unset): The content's size in bytes.
        prompt_preview (str | Unset): The start of the content, sent with `content=preview`.
        all_labels (list[LLMPromptLabelRef] | Unset): In list rows, every label of the prompt and the version it points
            at.
    """

    id: UUID
    name: str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    prompt: Any | Unset = UNSET
    created_by: None | Unset | UserBasic = UNSET
    deleted: bool | Unset = UNSET
    is_latest: bool | Unset = UNSET
    latest_version: int | Unset = UNSET
    version_count: int | Unset = UNSET
    first_version_created_at: str | Unset = UNSET
    config: None | PromptConfigType0 | Unset = UNSET
    version_description: None | str | Unset = UNSET
    labels: list[str] | Unset = UNSET
    outline: Any | Unset = UNSET
    activity_item_id: None | str | Unset = UNSET
    prompt_size_bytes: int | Unset = UNSET
    prompt_preview: str | Unset = UNSET
    all_labels: list[LLMPromptLabelRef] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        prompt = self.prompt

        created_by: dict[str, Any] | None | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UserBasic):
            created_by = self.created_by.to_dict()
        else:
            created_by = self.created_by

        deleted = self.deleted

        is_latest = self.is_latest

        latest_version = self.latest_version

        version_count = self.version_count

        first_version_created_at = self.first_version_created_at

        config: dict[str, Any] | None | Unset
        if isinstance(self.config, Unset):
            config = UNSET
        elif isinstance(self.config, PromptConfigType0):
            config = self.config.to_dict()
        else:
            config = self.config

        version_description: None | str | Unset
        if isinstance(self.version_description, Unset):
            version_description = UNSET
        else:
            version_description = self.version_description

        labels: list[str] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels

        outline = self.outline

        activity_item_id: None | str | Unset
        if isinstance(self.activity_item_id, Unset):
            activity_item_id = UNSET
        else:
            activity_item_id = self.activity_item_id

        prompt_size_bytes = self.prompt_size_bytes

        prompt_preview = self.prompt_preview

        all_labels: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.all_labels, Unset):
            all_labels = []
            for all_labels_item_data in self.all_labels:
                all_labels_item = all_labels_item_data.to_dict()
                all_labels.append(all_labels_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if deleted is not UNSET:
            field_dict["deleted"] = deleted
        if is_latest is not UNSET:
            field_dict["is_latest"] = is_latest
        if latest_version is not UNSET:
            field_dict["latest_version"] = latest_version
        if version_count is not UNSET:
            field_dict["version_count"] = version_count
        if first_version_created_at is not UNSET:
            field_dict["first_version_created_at"] = first_version_created_at
        if config is not UNSET:
            field_dict["config"] = config
        if version_description is not UNSET:
            field_dict["version_description"] = version_description
        if labels is not UNSET:
            field_dict["labels"] = labels
        if outline is not UNSET:
            field_dict["outline"] = outline
        if activity_item_id is not UNSET:
            field_dict["activity_item_id"] = activity_item_id
        if prompt_size_bytes is not UNSET:
            field_dict["prompt_size_bytes"] = prompt_size_bytes
        if prompt_preview is not UNSET:
            field_dict["prompt_preview"] = prompt_preview
        if all_labels is not UNSET:
            field_dict["all_labels"] = all_labels

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = uuid_from_str(d.pop("id"))

        name = d.pop("name")

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        prompt = d.pop("prompt", UNSET)

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

        deleted = d.pop("deleted", UNSET)

        is_latest = d.pop("is_latest", UNSET)

        latest_version = d.pop("latest_version", UNSET)

        version_count = d.pop("version_count", UNSET)

        first_version_created_at = d.pop("first_version_created_at", UNSET)

        _config = d.pop("config", UNSET)
        config: None | PromptConfigType0 | Unset
        if _config is None or isinstance(_config, Unset):
            config = _config
        elif isinstance(_config, dict):
            try:
                componentsschemas_prompt_config_type_0 = PromptConfigType0.from_dict(
                    _config
                )
                config = componentsschemas_prompt_config_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                config = _config
        else:
            config = _config

        version_description = d.pop("version_description", UNSET)

        labels = cast(list[str], d.pop("labels", UNSET))

        outline = d.pop("outline", UNSET)

        activity_item_id = d.pop("activity_item_id", UNSET)

        prompt_size_bytes = d.pop("prompt_size_bytes", UNSET)

        prompt_preview = d.pop("prompt_preview", UNSET)

        _all_labels = d.pop("all_labels", UNSET)
        all_labels: list[LLMPromptLabelRef] | Unset = UNSET
        if _all_labels is not UNSET:
            all_labels = []
            for all_labels_item_data in _all_labels:
                all_labels_item = LLMPromptLabelRef.from_dict(all_labels_item_data)

                all_labels.append(all_labels_item)

        llm_prompt = cls(
            id=id,
            name=name,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
            prompt=prompt,
            created_by=created_by,
            deleted=deleted,
            is_latest=is_latest,
            latest_version=latest_version,
            version_count=version_count,
            first_version_created_at=first_version_created_at,
            config=config,
            version_description=version_description,
            labels=labels,
            outline=outline,
            activity_item_id=activity_item_id,
            prompt_size_bytes=prompt_size_bytes,
            prompt_preview=prompt_preview,
            all_labels=all_labels,
        )

        llm_prompt.additional_properties = d
        return llm_prompt

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
from ..models.llm_prompt_label_ref import LLMPromptLabelRef  # noqa: E402
from ..models.prompt_config_type_0 import PromptConfigType0  # noqa: E402
from ..models.user_basic import UserBasic  # noqa: E402
