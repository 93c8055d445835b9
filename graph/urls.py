from django.urls import path

from graph import views

app_name = "graph"

urlpatterns = [
    path("researchers/<slug:slug>/graph.json", views.graph_json, name="graph-json"),
    path("researchers/<slug:slug>/graph/section/", views.graph_fragment, name="graph-section"),
    path("researchers/<slug:slug>/graph/retry/", views.graph_retry, name="graph-retry"),
]
