from django.urls import path

from social import views

app_name = "social"

urlpatterns = [
    path("researchers/<slug:slug>/follow/", views.researcher_follow, name="researcher-follow"),
    path("researchers/<slug:slug>/followers/", views.followers, name="researcher-followers"),
    path("researchers/<slug:slug>/invite/", views.invite, name="invite"),
    path("following/", views.following, name="following"),
    path("feed/", views.feed, name="feed"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("account/notifications/", views.email_settings_view, name="email-settings"),
    path("conversations/", views.conversations, name="conversations"),
    path("conversations/<uuid:public_id>/", views.conversation, name="conversation"),
    path(
        "conversations/<uuid:public_id>/<slug:action>/",
        views.conversation_act,
        name="conversation-act",
    ),
]
