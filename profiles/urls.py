from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("researchers/<slug:slug>/edit/", views.researcher_edit, name="researcher-edit"),
    path("account/", views.account, name="account"),
    path("account/tokens/", views.api_tokens, name="api-tokens"),
    path("orcid/<str:orcid>", views.researcher_by_orcid, name="researcher-by-orcid"),
    path("openalex/<str:openalex_id>", views.researcher_by_openalex, name="researcher-by-openalex"),
]
