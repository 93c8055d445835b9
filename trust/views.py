"""The trust page: why a researcher's score is what it is, and how it moved."""

from django.shortcuts import get_object_or_404, render

from claims.models import Claim
from profiles import trust
from profiles.models import Researcher
from trust.models import TrustHistory


def researcher_trust(request, slug):
    """Why this score: each part, its maximum, what would raise it; the evidence behind the
    verification level (nothing private); and how the score moved, and why."""
    researcher = get_object_or_404(Researcher.objects.select_related("institution"), slug=slug)
    claim = (
        Claim.objects.filter(researcher=researcher, status=Claim.Status.APPROVED)
        .prefetch_related("evidence")
        .first()
    )
    history = TrustHistory.objects.filter(researcher=researcher)[:30]
    context = {
        "researcher": researcher,
        "claim": claim,
        "history": history,
        "bands": trust.BANDS[::-1],
        "formula_version": trust.FORMULA_VERSION,
    }
    return render(request, "trust/researcher_trust.html", context)
