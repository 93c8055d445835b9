from django.urls import path

from profiles.views import account, people, researchers

app_name = "profiles"

urlpatterns = [
    path("", researchers.home, name="home"),
    path("researchers/<slug:slug>/", researchers.researcher_detail, name="researcher-detail"),
    path(
        "researchers/<slug:slug>/graph/",
        researchers.researcher_detail,
        {"explorer": True},
        name="researcher-graph",
    ),
    path(
        "researchers/<slug:slug>/follow/", researchers.researcher_follow, name="researcher-follow"
    ),
    path("researchers/<slug:slug>/edit/", researchers.researcher_edit, name="researcher-edit"),
    path("researchers/<slug:slug>/works/add/", researchers.work_add, name="work-add"),
    path(
        "researchers/<slug:slug>/works/<uuid:public_id>/hide/",
        researchers.work_hide,
        name="work-hide",
    ),
    path("researchers/<slug:slug>/followers/", researchers.followers, name="researcher-followers"),
    path("researchers/<slug:slug>/trust/", researchers.researcher_trust, name="researcher-trust"),
    path("researchers/<slug:slug>/invite/", people.invite, name="invite"),
    path("following/", people.following, name="following"),
    path("feed/", people.feed, name="feed"),
    path("notifications/", people.notifications, name="notifications"),
    path("notifications/unsubscribe/<str:token>/", people.unsubscribe, name="unsubscribe"),
    path("account/", account.account, name="account"),
    path("account/notifications/", people.email_settings_view, name="email-settings"),
    path("account/data/", account.your_data, name="your-data"),
    path("account/data.json", account.your_data_json, name="your-data-json"),
    path("account/delete/", account.account_delete_view, name="account-delete"),
    path("conversations/", people.conversations, name="conversations"),
    path("conversations/<uuid:public_id>/", people.conversation, name="conversation"),
    path(
        "conversations/<uuid:public_id>/<slug:action>/",
        people.conversation_act,
        name="conversation-act",
    ),
    path("orcid/<str:orcid>", researchers.researcher_by_orcid, name="researcher-by-orcid"),
    path(
        "openalex/<str:openalex_id>",
        researchers.researcher_by_openalex,
        name="researcher-by-openalex",
    ),
]
