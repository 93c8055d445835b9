from django.urls import path, register_converter

from works import views
from works.feeds import ResearcherWorksFeed


class ExportFormat:
    """A citation format's file extension: bib, ris or json."""

    regex = "|".join(views.EXPORTS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "export")

app_name = "works"

urlpatterns = [
    path("works/<uuid:public_id>/", views.work_detail, name="work-detail"),
    path("works/<uuid:public_id>/cite.<export:ext>", views.work_cite, name="work-cite"),
    path("researchers/<slug:slug>/feed.atom", ResearcherWorksFeed(), name="researcher-feed"),
    path(
        "researchers/<slug:slug>/works.<export:ext>",
        views.researcher_works_export,
        name="researcher-works-export",
    ),
    path("researchers/<slug:slug>/works/<uuid:public_id>/hide/", views.work_hide, name="work-hide"),
]
