from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.evaluation_type_enum import EvaluationTypeEnum
from ..models.output_type_enum import OutputTypeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="EvaluationRequest")


@_attrs_define
class EvaluationRequest:
    """The body that creates an evaluation.

    Attributes:
        name (str):
        evaluation_type (EvaluationTypeEnum): `llm_judge`: an LLM grades the output; `hog`: Hog code does.
        output_type (OutputTypeEnum):
        description (str | Unset):
        enabled (bool | Unset):
        evaluation_config (Any | Unset): Settings of the evaluator (the judge prompt, or the Hog source).
        output_config (Any | Unset): Settings of the output.
        conditions (Any | Unset): Which generations the evaluation applies to.
        model_configuration (EvaluationRequestModelConfigurationType0 | None | Unset): The judge model's provider, model
            and parameters (any JSON object).
        deleted (bool | Unset):
    """

    name: str
    evaluation_type: EvaluationTypeEnum
    output_type: OutputTypeEnum
    description: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    evaluation_config: Any | Unset = UNSET
    output_config: Any | Unset = UNSET
    conditions: Any | Unset = UNSET
    model_configuration: EvaluationRequestModelConfigurationType0 | None | Unset = UNSET
    deleted: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        evaluation_type = self.evaluation_type.value

        output_type = self.output_type.value

        description = self.description

        enabled = self.enabled

        evaluation_config = self.evaluation_config

        output_config = self.output_config

        conditions = self.conditions

        model_configuration: dict[str, Any] | None | Unset
        if isinstance(self.model_configuration, Unset):
            model_configuration = UNSET
        elif isinstance(
            self.model_configuration, EvaluationRequestModelConfigurationType0
        ):
            model_configuration = self.model_configuration.to_dict()
        else:
            model_configuration = self.model_configuration

        deleted = self.deleted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "evaluation_type": evaluation_type,
                "output_type": output_type,
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
        name = d.pop("name")

        evaluation_type = EvaluationTypeEnum(d.pop("evaluation_type"))

        output_type = OutputTypeEnum(d.pop("output_type"))

        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        evaluation_config = d.pop("evaluation_config", UNSET)

        output_config = d.pop("output_config", UNSET)

        conditions = d.pop("conditions", UNSET)

        _model_configuration = d.pop("model_configuration", UNSET)
        model_configuration: EvaluationRequestModelConfigurationType0 | None | Unset
        if _model_configuration is None or isinstance(_model_configuration, Unset):
            model_configuration = _model_configuration
        elif isinstance(_model_configuration, dict):
            try:
                model_configuration_type_0 = (
                    EvaluationRequestModelConfigurationType0.from_dict(
                        _model_configuration
                    )
                )
                model_configuration = model_configuration_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                model_configuration = _model_configuration
        else:
            model_configuration = _model_configuration

        deleted = d.pop("deleted", UNSET)

        evaluation_request = cls(
            name=name,
            evaluation_type=evaluation_type,
            output_type=output_type,
            description=description,
            enabled=enabled,
            evaluation_config=evaluation_config,
            output_config=output_config,
            conditions=conditions,
            model_configuration=model_configuration,
            deleted=deleted,
        )

        evaluation_request.additional_properties = d
        return evaluation_request

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
from ..models.evaluation_request_model_configuration_type_0 import (
    EvaluationRequestModelConfigurationType0,  # noqa: E402
)
