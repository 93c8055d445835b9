"""The works app's pages: a work (also as BibTeX, RIS, CSL-JSON and JSON-LD), a researcher's
works as citations, and a record's owner adding or hiding one of theirs."""

import json
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from profiles.models import Researcher
from profiles.views import get_researcher_for_owner
from works import citations
from works.models import BYLINE_SHOWN, Work, byline_prefetch
from works.services import authorship_hide

EXPORT_CHUNK = 500

# The citation formats, by file extension: their media type (also asked for in Accept).
EXPORTS = {
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "json": "application/vnd.citationstyles.csl+json",
}
EXPORT_LABELS = {"bib": "BibTeX", "ris": "RIS", "json": "CSL-JSON"}
JSON_LD = "application/ld+json"
_BY_TYPE = {media_type: ext for ext, media_type in EXPORTS.items()}


def export_formats() -> list[tuple[str, tuple[str, str]]]:
    """(extension, (media type, label)) of each format, for the pages' links."""
    return [(ext, (EXPORTS[ext], EXPORT_LABELS[ext])) for ext in EXPORTS]


def asked_for(request) -> str | None:
    """The citation format (an EXPORTS key, or JSON_LD) the request's Accept header prefers
    to the page, as doi.org answers; None for the page itself."""
    preferred = request.get_preferred_type(["text/html", *EXPORTS.values(), JSON_LD])
    if preferred in (None, "text/html"):
        return None
    return _BY_TYPE.get(preferred, JSON_LD)


def export_response(items: Iterable[citations.Citable], ext: str, filename: str = ""):
    """The works in one citation format; a file download when ``filename`` is given."""
    if ext == "bib":
        response = StreamingHttpResponse(citations.to_bibtex(items))
    elif ext == "ris":
        response = StreamingHttpResponse(citations.to_ris(chunk) for chunk in _chunks(items))
    else:
        response = StreamingHttpResponse(_json_array(citations.to_csl(i) for i in items))
    response["Content-Type"] = f"{EXPORTS[ext]}; charset=utf-8"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}.{ext}"'
    patch_vary_headers(response, ["Accept"])
    return response


def _chunks(items: Iterable[citations.Citable]) -> Iterator[list[citations.Citable]]:
    chunk: list[citations.Citable] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == EXPORT_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _json_array(entries: Iterable[dict]) -> Iterator[str]:
    yield "["
    for n, entry in enumerate(entries):
        yield ("," if n else "") + json.dumps(entry, ensure_ascii=False)
    yield "]"


def researcher_works_export(request, slug, ext):
    """Every work on a researcher's public list, newest first, as BibTeX, RIS or CSL-JSON;
    read in chunks, so a researcher with thousands of works costs a few queries a chunk."""
    researcher = get_object_or_404(Researcher, slug=slug)
    works = (
        Work.objects.by_researcher(researcher)
        .newest_first()
        .select_related("venue")
        .prefetch_related(byline_prefetch(), "identifiers")
    )
    items = (
        citations.citable(w, site_url=settings.SITE_URL)
        for w in works.iterator(chunk_size=EXPORT_CHUNK)
    )
    return export_response(items, ext, filename=f"{researcher.slug}-works")


def _work(public_id, byline_limit: int | None):
    return get_object_or_404(Work.objects.in_full(byline_limit), public_id=public_id)


def work_cite(request, public_id, ext):
    """One work, with every author, as BibTeX, RIS or CSL-JSON."""
    work = _work(public_id, byline_limit=None)
    item = citations.citable(work, site_url=settings.SITE_URL)
    return export_response([item], ext, filename=item.key)


def work_detail(request, public_id):
    """A work with its byline, where each of its records came from, and how to cite it; the
    citation formats and JSON-LD by content negotiation."""
    wanted = asked_for(request)
    work = _work(public_id, byline_limit=None if wanted else BYLINE_SHOWN)
    item = citations.citable(work, site_url=settings.SITE_URL)
    if wanted == JSON_LD:
        return jsonld_response(citations.to_schema_org(item))
    if wanted:
        return export_response([item], wanted)
    context = {
        "work": work,
        "citable": item,
        "cited": {label: citations.formatted(item, s) for s, label in citations.STYLES.items()},
        "jsonld": citations.to_schema_org(item),
        "export_formats": export_formats(),
    }
    response = render(request, "works/work_detail.html", context)
    patch_vary_headers(response, ["Accept"])
    return response


def jsonld_response(data: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type=JSON_LD)
    patch_vary_headers(response, ["Accept"])
    return response


@require_POST
@login_required
def work_hide(request, slug, public_id):
    researcher = get_researcher_for_owner(request.user, slug)
    work = get_object_or_404(Work, public_id=public_id)
    try:
        authorship_hide(researcher=researcher, user=request.user, work=work)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Hidden: “{work.title}”. Staff can see it; imports keep it hidden."
        )
    return redirect(researcher.get_absolute_url() + "#works")
