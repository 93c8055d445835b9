from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "BZPEER staff"
admin.site.site_title = "BZPEER staff"

urlpatterns = [
    path("", include("profiles.urls")),
    path("", include("works.urls")),
    path("", include("claims.urls")),
    path("", include("graph.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
