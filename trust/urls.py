from django.urls import path

from trust import views

app_name = "trust"

urlpatterns = [
    path("researchers/<slug:slug>/trust/", views.researcher_trust, name="researcher-trust"),
]
