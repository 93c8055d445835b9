"""The API's trust history: how a researcher's score moved, and why."""

from rest_framework import generics, serializers

from bzpeer.lib.api import NewestFirst
from profiles.api import TrustPartSerializer, researcher_for_api
from trust.models import TrustHistory


class TrustHistorySerializer(serializers.ModelSerializer):
    parts = TrustPartSerializer(source="components", many=True)

    class Meta:
        model = TrustHistory
        fields = ["created_at", "score", "verification_level", "event", "formula_version", "parts"]


class ResearcherTrustHistory(generics.ListAPIView):
    """Each recomputation that moved a researcher's trust, newest first (docs/trust.md)."""

    serializer_class = TrustHistorySerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        return TrustHistory.objects.filter(researcher=researcher_for_api(self.kwargs["slug"]))
