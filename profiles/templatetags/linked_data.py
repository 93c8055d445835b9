"""``{{ data|json_ld }}``: a dict as a JSON-LD script element, escaped as Django's json_script
escapes (no ``</script>``, ``<!--`` or ``&`` can end or change it)."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data: dict[str, object]) -> SafeString:
    text = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))
