"""What every API view shares: cursor pages, throttles, the token scope and staff
permissions, text fields, conditional GETs (the error shape: bzpeer.lib.api_errors). Knows no
app."""

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework import exceptions, pagination, permissions, serializers, throttling
from rest_framework.request import Request
from rest_framework.response import Response

from bzpeer.lib.staff import is_staff_session


class Refused(exceptions.APIException):
    """A well-formed request the site's rules refuse (a daily limit, a claimed record, ...):
    409, with the rule's own words."""

    status_code = 409
    default_code = "refused"
    default_detail = "The site's rules refuse this."


class _TextOnly:
    """JSON strings only: the REST framework would take 0 or 1.5 for text."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


# The same rules as bzpeer.lib.forms, as patterns, so the schema states them too.
ONE_LINE = RegexValidator(
    r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$",
    "Write this on one line, without control characters.",
    code="line",
)
PARAGRAPHS = RegexValidator(
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]*$",
    "Remove the control characters from this text.",
    code="control",
)


class LineCharField(_TextOnly, serializers.CharField):
    """One line of text (no line breaks or control characters), as the pages' LineField. Not
    trimmed before it is checked: Python's strip() takes control characters with the spaces,
    which would let "\\x1e" through; the services tidy spacing."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        self.validators.append(ONE_LINE)


class ParagraphsCharField(_TextOnly, serializers.CharField):
    """Free text in paragraphs, as the pages' ParagraphsField."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        self.validators.append(PARAGRAPHS)


class SlugText(_TextOnly, serializers.SlugField):
    """A record's slug, as a JSON string."""


class EmailText(_TextOnly, serializers.EmailField):
    """An email address, as a JSON string."""


class UUIDText(_TextOnly, serializers.UUIDField):
    """An id, as a JSON string (the REST framework would take an integer for a UUID)."""


class WholeNumber(serializers.IntegerField):
    """A JSON integer: not "5", not 5.0, not true."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


def query(
    request: Request, serializer_class: "type[serializers.Serializer[Any]]"
) -> dict[str, Any]:
    """The request's query parameters, checked by ``serializer_class``: 400 when not valid,
    or when one of them is given twice."""
    names = [str(name) for name in serializer_class().fields.keys()]
    twice = [n for n in names if len(request.query_params.getlist(n)) > 1]
    if twice:
        raise exceptions.ValidationError({name: ["Give this once."] for name in twice})
    checked = serializer_class(data=request.query_params)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


class CursorPage(pagination.CursorPagination):
    """Cursor pages: 25 by default, up to 100 with ``page_size``; views set ``ordering``."""

    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering: str | tuple[str, ...] = "-id"

    def get_page_size(self, request: Request) -> int:
        text = request.query_params.get(self.page_size_query_param)
        if text is None:
            return self.page_size
        if not text.isdigit() or int(text[:6]) < 1:
            raise exceptions.ValidationError({"page_size": ["A whole number from 1 to 100."]})
        return min(int(text[:6]), self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "default": 25}
        return parameters


class NewestFirst(CursorPage):
    """Most recently made first (rows made in the same microsecond: by id)."""

    ordering = ("-created_at", "-id")


class OldestFirst(CursorPage):
    ordering = ("created_at", "id")


class _SettingsRate(throttling.SimpleRateThrottle):
    """Rates from settings.API_THROTTLE_RATES, read at each request (tests may change them)."""

    def get_rate(self) -> str | None:
        rates: dict[str, str] = settings.API_THROTTLE_RATES
        return rates.get(self.scope or "")


class ClientThrottle(_SettingsRate):
    """Per client address, for every request without a token."""

    scope = "client"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.auth is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(_SettingsRate):
    """Per token, for every request made with one."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class TokenScope(permissions.BasePermission):
    """Anyone reads; writing needs a signed-in session or a read-write token."""

    message = "This token is read-only."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            self.message = SignedIn.message
            return False
        return request.auth is None or bool(getattr(request.auth, "can_write", False))


class SignedIn(permissions.IsAuthenticated):
    message = "Sign in, or send a token: Authorization: Bearer <token>."


class StaffSession(permissions.BasePermission):
    """Staff powers: a staff account's session that passed two-factor authentication (never a
    token)."""

    message = "Staff only, signed in with two-factor authentication (tokens never act as staff)."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.auth is None and is_staff_session(request._request)


def conditional(
    request: Request, *, version: str, modified: datetime | None, build: Callable[[], Response]
) -> Response:
    """A detail answer with ``ETag`` and ``Last-Modified``: 304 when the client holds this
    ``version`` already (``build`` is not called then)."""
    etag = '"' + hashlib.sha256(version.encode()).hexdigest()[:32] + '"'
    stamp = int(modified.timestamp()) if modified else None
    unchanged = get_conditional_response(request._request, etag=etag, last_modified=stamp)
    response = Response(status=unchanged.status_code) if unchanged is not None else build()
    response["ETag"] = etag
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    return response
