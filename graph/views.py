import json

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from graph.models import GraphSlice
from graph.services import slice_retry
from profiles.models import Researcher

JSON_CACHE_SECONDS = 3600


def graph_json(request, slug):
    """The slice as JSON, for the explorer. Cached by version: a rebuild is a new key."""
    row = (
        GraphSlice.objects.filter(researcher__slug=slug)
        .values_list("id", "version", "state")
        .first()
    )
    if row is None:
        if not Researcher.objects.filter(slug=slug).exists():
            raise Http404("No such researcher.")
        row = (None, 0, GraphSlice.State.PENDING)
    slice_id, version, state = row
    key = f"graph-json:{slice_id}:{version}"
    body = cache.get(key) if version else None
    if body is None:
        content = (
            GraphSlice.objects.filter(pk=slice_id).values("nodes", "edges", "summary").first()
            if version and slice_id is not None
            else None
        ) or {"nodes": [], "edges": [], "summary": {}}
        body = json.dumps({"state": state, "version": version, **content})
        if version:
            cache.set(key, body, JSON_CACHE_SECONDS)
    elif state != GraphSlice.State.READY:
        body = json.dumps({**json.loads(body), "state": state})
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "public, max-age=30"
    return response


def graph_fragment(request, slug):
    """The graph section of the profile page, which polls itself while a slice is built."""
    researcher = get_object_or_404(Researcher.objects.select_related("graph_slice"), slug=slug)
    context = {
        "researcher": researcher,
        "graph_slice": getattr(researcher, "graph_slice", None),
        "explorer_open": request.GET.get("explorer") == "1",
    }
    return render(request, "graph/section.html", context)


@require_POST
def graph_retry(request, slug):
    """Ask again for a slice whose build failed; a worker takes it up. Anyone may ask: it
    only puts the build back in the queue."""
    graph_slice = get_object_or_404(GraphSlice, researcher__slug=slug)
    slice_retry(graph_slice=graph_slice)
    if request.htmx:
        return graph_fragment(request, slug)
    return redirect("pages:researcher-detail", slug=slug)
