from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.evaluation_type_enum import EvaluationTypeEnum
from ..models.output_type_enum import OutputTypeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedEvaluation")


@_attrs_define
class PatchedEvaluation:
    """Evaluation fields a patch may change.

    Attributes:
        name (str | Unset):
        description (str | Unset):
        enabled (bool | Unset):
        evaluation_type (EvaluationTypeEnum | Unset): `llm_judge`: an LLM grades the output; `hog`: Hog code does.
        evaluation_config (Any | Unset): Settings of the evaluator.
        output_type (OutputTypeEnum | Unset):
        output_config (Any | Unset): Settings of the output.
        conditions (Any | Unset): Which generations the evaluation applies to.
        model_configuration (None | PatchedEvaluationModelConfigurationType0 | Unset): The judge model's provider, model
            and parameters (any JSON object).
        deleted (bool | Unset):
    """

    name: str | Unset = UNSET
    description: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    evaluation_type: EvaluationTypeEnum | Unset = UNSET
    evaluation_config: Any | Unset = UNSET
    output_type: OutputTypeEnum | Unset = UNSET
    output_config: Any | Unset = UNSET
    conditions: Any | Unset = UNSET
    model_configuration: None | PatchedEvaluationModelConfigurationType0 | Unset = UNSET
    deleted: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        enabled = self.enabled

        evaluation_type: str | Unset = UNSET
        if not isinstance(self.evaluation_type, Unset):
            evaluation_type = self.evaluation_type.value

        evaluation_config = self.evaluation_config

        output_type: str | Unset = UNSET
        if not isinstance(self.output_type, Unset):
            output_type = self.output_type.value

        output_config = self.output_config

        conditions = self.conditions

        model_configuration: dict[str, Any] | None | Unset
        if isinstance(self.model_configuration, Unset):
            model_configuration = UNSET
        elif isinstance(
            self.model_configuration, PatchedEvaluationModelConfigurationType0
        ):
            model_configuration = self.model_configuration.to_dict()
        else:
            model_configuration = self.model_configuration

        deleted = self.deleted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if evaluation_type is not UNSET:
            field_dict["evaluation_type"] = evaluation_type
        if evaluation_config is not UNSET:
            field_dict["evaluation_config"] = evaluation_config
        if output_type is not UNSET:
            field_dict["output_type"] = output_type
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
        name = d.pop("name", UNSET)

        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        _evaluation_type = d.pop("evaluation_type", UNSET)
        evaluation_type: EvaluationTypeEnum | Unset
        if isinstance(_evaluation_type, Unset):
            evaluation_type = UNSET
        else:
            evaluation_type = EvaluationTypeEnum(_evaluation_type)

        evaluation_config = d.pop("evaluation_config", UNSET)

        _output_type = d.pop("output_type", UNSET)
        output_type: OutputTypeEnum | Unset
        if isinstance(_output_type, Unset):
            output_type = UNSET
        else:
            output_type = OutputTypeEnum(_output_type)

        output_config = d.pop("output_config", UNSET)

        conditions = d.pop("conditions", UNSET)

        _model_configuration = d.pop("model_configuration", UNSET)
        model_configuration: None | PatchedEvaluationModelConfigurationType0 | Unset
        if _model_configuration is None or isinstance(_model_configuration, Unset):
            model_configuration = _model_configuration
        elif isinstance(_model_configuration, dict):
            try:
                model_configuration_type_0 = (
                    PatchedEvaluationModelConfigurationType0.from_dict(
                        _model_configuration
                    )
                )
                model_configuration = model_configuration_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                model_configuration = _model_configuration
        else:
            model_configuration = _model_configuration

        deleted = d.pop("deleted", UNSET)

        patched_evaluation = cls(
            name=name,
            description=description,
            enabled=enabled,
            evaluation_type=evaluation_type,
            evaluation_config=evaluation_config,
            output_type=output_type,
            output_config=output_config,
            conditions=conditions,
            model_configuration=model_configuration,
            deleted=deleted,
        )

        patched_evaluation.additional_properties = d
        return patched_evaluation

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
from ..models.patched_evaluation_model_configuration_type_0 import (
    PatchedEvaluationModelConfigurationType0,  # noqa: E402
)
