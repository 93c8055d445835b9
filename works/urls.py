from django.urls import path

from works import views

app_name = "works"

urlpatterns = [
    path("works/<uuid:public_id>/", views.work_detail, name="work-detail"),
    path("researchers/<slug:slug>/works/add/", views.work_add, name="work-add"),
    path("researchers/<slug:slug>/works/<uuid:public_id>/hide/", views.work_hide, name="work-hide"),
]
