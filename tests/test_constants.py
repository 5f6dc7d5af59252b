"""Each shared name has one definition; the places that must spell it out agree with it."""

from __future__ import annotations

import typing

from cac_director import constants
from cac_director.config.models import KIND_MODELS
from cac_director.pulumi_provider import stack_settings


def test_every_kind_model_takes_exactly_the_api_version() -> None:
    for model in KIND_MODELS.values():
        assert typing.get_args(model.model_fields["apiVersion"].annotation) == (constants.API_VERSION,)


def test_stack_settings_use_the_one_namespace() -> None:
    assert stack_settings.NAMESPACE == constants.CONFIG_NAMESPACE
    assert constants.INSTANCE_KEY.split(":") == [constants.CONFIG_NAMESPACE, "instance"]
