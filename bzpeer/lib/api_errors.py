"""The API's one error shape. Apart from bzpeer.lib.api, which the REST framework's settings
load while its views module is still importing."""

from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def error_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error in one shape: ``{"status", "code", "message", "errors"}``, where
    ``errors`` maps a field to its messages (empty when the error is not about fields)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    fields: dict[str, list[str]] = {}
    message, code = "", "error"
    if isinstance(detail, dict):
        for field, errors in detail.items():
            items = errors if isinstance(errors, list) else [errors]
            fields[str(field)] = [str(e) for e in items]
        message = fields.pop("non_field_errors", [""])[0] or "Some fields are not valid."
        code = "invalid"
    elif isinstance(detail, list):
        message, code = " ".join(str(d) for d in detail), "invalid"
    else:
        message = str(detail)
        code = str(getattr(detail, "code", None) or getattr(exc, "default_code", "error"))
    response.data = {
        "status": response.status_code,
        "code": str(code),
        "message": message,
        "errors": fields,
    }
    return response
