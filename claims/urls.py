from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("build-my-page/", views.page_build_view, name="page-build"),
    path("researchers/<slug:slug>/claim/", views.claim_start, name="claim-start"),
    path("researchers/<slug:slug>/claim/orcid/", views.claim_orcid, name="claim-orcid"),
    path("researchers/<slug:slug>/report/", views.report, name="report"),
    path("researchers/<slug:slug>/merge-request/", views.merge_request_view, name="merge-request"),
    path("claims/<uuid:public_id>/", views.claim_detail, name="claim-detail"),
    path("claims/<uuid:public_id>/release/", views.claim_release_view, name="claim-release"),
    path(
        "conversations/<uuid:public_id>/report/",
        views.conversation_report_view,
        name="conversation-report",
    ),
    path("staff/claims/", views.staff_queue, name="staff-queue"),
    path("staff/claims/<uuid:public_id>/", views.staff_review, name="staff-review"),
    path(
        "staff/reports/<int:pk>/<slug:decision>/",
        views.staff_report_decide,
        name="staff-report-decide",
    ),
]
