"""Form fields for people's text. Django's CharField already refuses NUL bytes; these also
refuse the control characters that break a page, an email header or a database column."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError

# Line breaks and tabs belong in a paragraph; no other control character belongs anywhere.
PARAGRAPH_CONTROLS = {"\n", "\r", "\t"}
LINE_SEPARATORS = {"\u2028", "\u2029", "\x85"}


def _controls(text: str) -> set[str]:
    return {c for c in text if unicodedata.category(c) == "Cc" or c in LINE_SEPARATORS}


def validate_single_line(text: str) -> None:
    found = _controls(text)
    if found & (PARAGRAPH_CONTROLS | LINE_SEPARATORS):
        raise ValidationError("Write this on one line: no line breaks or tabs.", code="line")
    if found:
        raise ValidationError("Remove the control characters from this text.", code="control")


def validate_paragraphs(text: str) -> None:
    if _controls(text) - PARAGRAPH_CONTROLS:
        raise ValidationError("Remove the control characters from this text.", code="control")


class LineField(forms.CharField):
    """One line of text: a name, a subject, a short reason."""

    default_validators = [validate_single_line]


class ParagraphsField(forms.CharField):
    """Free text in paragraphs: a message, a statement."""

    widget = forms.Textarea(attrs={"rows": 4})
    default_validators = [validate_paragraphs]
