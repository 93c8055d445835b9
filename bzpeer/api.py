"""The REST API, version 1, at /api/v1/: each app's views at the addresses its pages have, the
OpenAPI 3 schema and its browsable docs (Swagger UI, served from static files)."""

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)

from claims import api as claims
from graph import api as graph
from profiles import api as profiles
from social import api as social
from trust import api as trust
from works import api as works

app_name = "api"

# Swagger UI styles itself inline. The docs page shows the schema only, no one's text, so it
# alone relaxes the policy, for styles.
docs_policy = csp_update({"style-src": ["'unsafe-inline'"]})

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        docs_policy(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("researchers/", profiles.ResearcherList.as_view(), name="researchers"),
    path("researchers/<slug:slug>/", profiles.ResearcherDetail.as_view(), name="researcher"),
    path(
        "researchers/<slug:slug>/works/", works.ResearcherWorks.as_view(), name="researcher-works"
    ),
    path(
        "researchers/<slug:slug>/trust/",
        trust.ResearcherTrustHistory.as_view(),
        name="researcher-trust",
    ),
    path(
        "researchers/<slug:slug>/graph/", graph.ResearcherGraph.as_view(), name="researcher-graph"
    ),
    path("works/<path:key>/", works.WorkDetail.as_view(), name="work"),
    path("topics/", works.TopicList.as_view(), name="topics"),
    path("topics/<int:pk>/", works.TopicDetail.as_view(), name="topic"),
    path("institutions/", profiles.InstitutionList.as_view(), name="institutions"),
    path("institutions/<int:pk>/", profiles.InstitutionDetail.as_view(), name="institution"),
    path("me/", profiles.Account.as_view(), name="me"),
    path("me/follows/", social.Follows.as_view(), name="follows"),
    path("me/follows/<slug:slug>/", social.Unfollow.as_view(), name="unfollow"),
    path("me/feed/", social.Feed.as_view(), name="feed"),
    path("me/notifications/", social.Notifications.as_view(), name="notifications"),
    path("me/notifications/read/", social.MarkRead.as_view(), name="notifications-read"),
    path("me/invitations/", social.Invitations.as_view(), name="invitations"),
    path("me/invitations/<uuid:public_id>/", social.InvitationDetail.as_view(), name="invitation"),
    path(
        "me/invitations/<uuid:public_id>/messages/",
        social.Messages.as_view(),
        name="messages",
    ),
    path(
        "me/invitations/<uuid:public_id>/report/",
        claims.ReportConversation.as_view(),
        name="invitation-report",
    ),
    path(
        "me/invitations/<uuid:public_id>/<str:action>/",
        social.InvitationAnswer.as_view(),
        name="invitation-answer",
    ),
    path("me/claims/", claims.MyClaims.as_view(), name="claims"),
    path("me/claims/<uuid:public_id>/", claims.MyClaim.as_view(), name="claim"),
    path(
        "me/claims/<uuid:public_id>/release/", claims.ReleaseClaim.as_view(), name="claim-release"
    ),
    path("staff/claims/", claims.StaffQueue.as_view(), name="staff-claims"),
    path(
        "staff/claims/<uuid:public_id>/decision/",
        claims.StaffDecision.as_view(),
        name="staff-decision",
    ),
]
