from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.home, name="home"),
    path("researchers/<slug:slug>/", views.researcher_detail, name="researcher-detail"),
    path(
        "researchers/<slug:slug>/graph/",
        views.researcher_detail,
        {"explorer": True},
        name="researcher-graph",
    ),
    path("researchers/<slug:slug>/follow/", views.researcher_follow, name="researcher-follow"),
    path("researchers/<slug:slug>/edit/", views.researcher_edit, name="researcher-edit"),
    path("researchers/<slug:slug>/works/add/", views.work_add, name="work-add"),
    path(
        "researchers/<slug:slug>/works/<uuid:public_id>/hide/",
        views.work_hide,
        name="work-hide",
    ),
    path("orcid/<str:orcid>", views.researcher_by_orcid, name="researcher-by-orcid"),
    path("openalex/<str:openalex_id>", views.researcher_by_openalex, name="researcher-by-openalex"),
]
