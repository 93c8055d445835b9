"""The OpenAPI schema says what every operation may answer besides success: the API's one
error shape for 400, 401, 403, 404, 405, 409 and 429, and 304 for a conditional GET."""

from typing import Any

from drf_spectacular import openapi
from rest_framework.permissions import SAFE_METHODS

from bzpeer.lib.api import SignedIn, StaffSession


class AutoSchema(openapi.AutoSchema):
    """Says which reads need nobody signed in: those whose view asks for no person."""

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        # A tuple, not SignedIn | StaffSession: DRF gives permission classes their own "|".
        people = (SignedIn, StaffSession)
        person = any(isinstance(p, people) for p in self.view.get_permissions())
        if not person and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


ERROR = {
    "type": "object",
    "required": ["status", "code", "message", "errors"],
    "properties": {
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "message": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "The messages of each field that is not valid.",
        },
    },
}
ERRORS = {
    "400": "The request is not valid; ``errors`` says which fields and why.",
    "401": "The token is not valid, or has expired.",
    "403": "Not allowed: sign in, use a read-write token, or be staff with two factors.",
    "404": "No such record, or not yours to see.",
    "405": "This address does not answer that method.",
    "409": "The site's rules refuse this request; ``message`` says which rule.",
    "429": "Too many requests: wait as long as Retry-After says.",
}


EMPTY = {"type": "string", "maxLength": 0}


def _blank_allowed(schema: Any) -> Any:
    """A text that may be blank is written by drf-spectacular as oneOf [the text, an empty
    string]; the text's own pattern already takes "", so "" would match both and break oneOf.
    The text alone says it."""
    if isinstance(schema, dict):
        options = schema.get("oneOf")
        if isinstance(options, list) and len(options) == 2 and EMPTY in options:
            text = next(o for o in options if o != EMPTY)
            if "pattern" in text and "minLength" not in text:
                return {k: v for k, v in schema.items() if k != "oneOf"} | text
        return {k: _blank_allowed(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_blank_allowed(v) for v in schema]
    return schema


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    result = _blank_allowed(result)
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(status, {"description": description, "content": error})
            if method == "get":
                responses.setdefault("304", {"description": "Not modified since the ETag sent."})
    return result
