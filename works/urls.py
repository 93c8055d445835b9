from django.urls import path

from works import views

app_name = "works"

urlpatterns = [
    path("works/<uuid:public_id>/", views.work_detail, name="work-detail"),
]
