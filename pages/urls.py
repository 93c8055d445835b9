from django.urls import path

from pages import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("researchers/<slug:slug>/", views.researcher_detail, name="researcher-detail"),
    path(
        "researchers/<slug:slug>/graph/",
        views.researcher_detail,
        {"explorer": True},
        name="researcher-graph",
    ),
    path("account/data/", views.your_data, name="your-data"),
    path("account/data.json", views.your_data_json, name="your-data-json"),
    path("account/delete/", views.account_delete_view, name="account-delete"),
]
