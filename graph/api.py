"""The API's research graph: a researcher's slice, with its state while a worker builds it."""

from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from graph.models import GraphSlice
from profiles.api import researcher_for_api


class GraphSliceSerializer(serializers.ModelSerializer):
    class Meta:
        model = GraphSlice
        fields = ["state", "version", "built_at", "requested_at", "nodes", "edges", "summary"]


class ResearcherGraph(generics.GenericAPIView):
    """A researcher's graph slice: people, works, topics and institutions near them, with
    weighted edges that say why. ``state`` is pending or building until a worker has built it
    (the last build stays while it is stale); nodes and edges are empty until then."""

    serializer_class = GraphSliceSerializer

    def get(self, request: Request, slug: str) -> Response:
        researcher = researcher_for_api(slug)
        graph_slice = GraphSlice.objects.filter(researcher=researcher).first()
        if graph_slice is None:
            graph_slice = GraphSlice(researcher=researcher)  # not asked for yet: pending
        return Response(self.get_serializer(graph_slice).data)
