"""Rasa checks each answer of the action server against a JSON schema, and that cost a quarter of
the Rasa server's CPU time.

Rasa 3.6 (RemoteAction._validate_action_result) calls `jsonschema.validate(result, schema)`, which
first checks the schema itself against the JSON Schema meta-schema, on every call; jsonschema's
documentation says to build the validator once when the schema is known to be valid. py-spy on the
benchmark at 10 concurrent conversations put 26 % of the Rasa process's samples in that function,
25 % in the schema check alone. `install()` keeps Rasa's exact check (same schema, same validator
class, the same best-matching error with Rasa's advice appended) with the validator built once.
It is installed by components/public_channels.py, which every Rasa server of this project imports.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _response_validator():
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)  # what jsonschema.validate picks
    validator_class.check_schema(schema)  # once, not per answer
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result


__all__ = ["install", "validate_action_result", "ValidationError"]
