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
    path("researchers/<slug:slug>/followers/", views.followers, name="researcher-followers"),
    path("researchers/<slug:slug>/trust/", views.researcher_trust, name="researcher-trust"),
    path("researchers/<slug:slug>/invite/", views.invite, name="invite"),
    path("following/", views.following, name="following"),
    path("feed/", views.feed, name="feed"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("account/", views.account, name="account"),
    path("account/notifications/", views.email_settings_view, name="email-settings"),
    path("account/data/", views.your_data, name="your-data"),
    path("account/data.json", views.your_data_json, name="your-data-json"),
    path("account/delete/", views.account_delete_view, name="account-delete"),
    path("conversations/", views.conversations, name="conversations"),
    path("conversations/<uuid:public_id>/", views.conversation, name="conversation"),
    path(
        "conversations/<uuid:public_id>/<slug:action>/",
        views.conversation_act,
        name="conversation-act",
    ),
    path("orcid/<str:orcid>", views.researcher_by_orcid, name="researcher-by-orcid"),
    path("openalex/<str:openalex_id>", views.researcher_by_openalex, name="researcher-by-openalex"),
]
