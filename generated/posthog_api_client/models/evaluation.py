from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.evaluation_type_enum import EvaluationTypeEnum
from ..models.output_type_enum import OutputTypeEnum
from ..types import UNSET, Unset, uuid_from_str

T = TypeVar("T", bound="Evaluation")


@_attrs_define
class Evaluation:
    """A rule that grades LLM generations.

    Attributes:
        id (UUID):
        name (str):
        evaluation_type (EvaluationTypeEnum): `llm_judge`: an LLM grades the output; `hog`: Hog code does.
        output_type (OutputTypeEnum):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        created_by (None | UserBasic):
        description (str | Unset):
        enabled (bool | Unset):
        evaluation_config (Any | Unset): Settings of the evaluator (the judge prompt, or the Hog source).
        output_config (Any | Unset): Settings of the output.
        conditions (Any | Unset): Which generations the evaluation applies to.
        model_configuration (EvaluationModelConfigurationType0 | None | Unset): The judge model's provider, model and
            parameters (any JSON object).
        deleted (bool | Unset):
    """

    id: UUID
    name: str
    evaluation_type: EvaluationTypeEnum
    output_type: OutputTypeEnum
    created_at: datetime.datetime
    updated_at: datetime.datetime
    created_by: None | UserBasic
    description: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    evaluation_config: Any | Unset = UNSET
    output_config: Any | Unset = UNSET
    conditions: Any | Unset = UNSET
    model_configuration: EvaluationModelConfigurationType0 | None | Unset = UNSET
    deleted: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        evaluation_type = self.evaluation_type.value

        output_type = self.output_type.value

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        created_by: dict[str, Any] | None
        if isinstance(self.created_by, UserBasic):
            created_by = self.created_by.to_dict()
        else:
            created_by = self.created_by

        description = self.description

        enabled = self.enabled

        evaluation_config = self.evaluation_config

        output_config = self.output_config

        conditions = self.conditions

        model_configuration: dict[str, Any] | None | Unset
        if isinstance(self.model_configuration, Unset):
            model_configuration = UNSET
        elif isinstance(self.model_configuration, EvaluationModelConfigurationType0):
            model_configuration = self.model_configuration.to_dict()
        else:
            model_configuration = self.model_configuration

        deleted = self.deleted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "evaluation_type": evaluation_type,
                "output_type": output_type,
                "created_at": created_at,
                "updated_at": updated_at,
                "created_by": created_by,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if evaluation_config is not UNSET:
            field_dict["evaluation_config"] = evaluation_config
        if output_config is not UNSET:
            field_dict["output_config"] = output_config
        if conditions is not UNSET:
            field_dict["conditions"] = conditions
        if model_configuration is not UNSET:
            field_dict["model_configuration"] = model_configuration
        if deleted is not UNSET:
            field_dict["deleted"] = deleted

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = uuid_from_str(d.pop("id"))

        name = d.pop("name")

        evaluation_type = EvaluationTypeEnum(d.pop("evaluation_type"))

        output_type = OutputTypeEnum(d.pop("output_type"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

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

        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        evaluation_config = d.pop("evaluation_config", UNSET)

        output_config = d.pop("output_config", UNSET)

        conditions = d.pop("conditions", UNSET)

        _model_configuration = d.pop("model_configuration", UNSET)
        model_configuration: EvaluationModelConfigurationType0 | None | Unset
        if _model_configuration is None or isinstance(_model_configuration, Unset):
            model_configuration = _model_configuration
        elif isinstance(_model_configuration, dict):
            try:
                model_configuration_type_0 = (
                    EvaluationModelConfigurationType0.from_dict(_model_configuration)
                )
                model_configuration = model_configuration_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                model_configuration = _model_configuration
        else:
            model_configuration = _model_configuration

        deleted = d.pop("deleted", UNSET)

        evaluation = cls(
            id=id,
            name=name,
            evaluation_type=evaluation_type,
            output_type=output_type,
            created_at=created_at,
            updated_at=updated_at,
            created_by=created_by,
            description=description,
            enabled=enabled,
            evaluation_config=evaluation_config,
            output_config=output_config,
            conditions=conditions,
            model_configuration=model_configuration,
            deleted=deleted,
        )

        evaluation.additional_properties = d
        return evaluation

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
from ..models.evaluation_model_configuration_type_0 import (
    EvaluationModelConfigurationType0,  # noqa: E402
)
from ..models.user_basic import UserBasic  # noqa: E402
