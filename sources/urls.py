from django.urls import path

from sources import views

app_name = "sources"

urlpatterns = [
    path("jobs/<uuid:public_id>/", views.job_detail, name="job-detail"),
    path("researchers/<slug:slug>/sources/", views.researcher_sources, name="researcher-sources"),
    path("researchers/<slug:slug>/sources/refresh/", views.refresh, name="refresh"),
    path("researchers/<slug:slug>/works/add/", views.work_add, name="work-add"),
]
