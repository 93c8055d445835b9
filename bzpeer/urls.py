from django.contrib import admin
from django.urls import include, path

from bzpeer import views

handler500 = "bzpeer.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("profiles.urls")),
    path("", include("works.urls")),
    path("", include("claims.urls")),
    path("", include("graph.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
