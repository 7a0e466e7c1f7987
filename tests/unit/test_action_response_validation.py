"""Rasa's check of the action server's answers (components/action_response_validation.py): the same
verdicts and error as Rasa's own, with the JSON schema checked once instead of at every answer."""
from __future__ import annotations

import jsonschema
import pytest
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

import components.public_channels  # noqa: F401  (installs the validator, as every Rasa server does)
from components.action_response_validation import validate_action_result

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "age", "value": 42, "timestamp": None}],
     "responses": [{"text": "Vous avez 42 ans.", "buttons": [{"title": "Oui", "payload": "/affirm"}]}]},
    {"events": [{"event": "active_loop", "name": None}], "responses": [{"template": "utter_ask_age"}]},
]
INVALID = [
    {"events": [{"name": "age"}], "responses": []},  # an event without its type
    {"events": "slot", "responses": []},
    {"events": [{"event": "slot", "name": "age", "value": 1, "timestamp": "hier"}]},
]


def rasas_own(result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())


@pytest.mark.parametrize("result", VALID)
def test_a_valid_answer_passes_as_with_rasas_check(result):
    rasas_own(result)
    assert validate_action_result(None, result) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_answer_fails_with_rasas_error_and_advice(result):
    with pytest.raises(jsonschema.ValidationError) as rasa_error:
        rasas_own(result)
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response") as ours:
        validate_action_result(None, result)
    assert ours.value.message.startswith(rasa_error.value.message)


def test_rasas_remote_action_uses_it_once_the_channels_are_loaded():
    assert RemoteAction._validate_action_result is validate_action_result


def test_the_schema_is_checked_once_not_at_every_answer(monkeypatch):
    checks = []
    validator_class = validator_for(RemoteAction.action_response_format_spec())
    monkeypatch.setattr(validator_class, "check_schema", classmethod(lambda cls, schema: checks.append(1)))
    from components import action_response_validation
    action_response_validation._response_validator.cache_clear()
    for _ in range(50):
        validate_action_result(None, VALID[1])
    assert len(checks) == 1
    action_response_validation._response_validator.cache_clear()
