from django.contrib import admin
from django.urls import include, path

from bzpeer import views

handler404 = "bzpeer.views.not_found"
handler500 = "bzpeer.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("api/v1/", include("bzpeer.api")),
    path("", include("pages.urls")),
    path("", include("profiles.urls")),
    path("", include("works.urls")),
    path("", include("graph.urls")),
    path("", include("sources.urls")),
    # Before social's: a conversation's report/ address is the claims app's.
    path("", include("claims.urls")),
    path("", include("social.urls")),
    path("", include("trust.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
