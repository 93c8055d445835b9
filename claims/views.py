from allauth.account.decorators import reauthentication_required
from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bzpeer.lib.staff import is_staff_session, staff_required
from claims.builds import page_build_start
from claims.forms import (
    DecisionForm,
    EmailClaimForm,
    MergeRequestForm,
    OtherClaimForm,
    ReleaseForm,
    ReportForm,
    ReportReasonForm,
)
from claims.models import Claim, Evidence, Report
from claims.services import (
    ClaimError,
    claim_approve,
    claim_reject,
    claim_release,
    claim_revoke,
    claim_submit,
    conversation_report,
    merge_request,
    orcid_of,
    report_decide,
    report_submit,
    verified_emails,
)
from profiles.models import Researcher
from social.views import conversation_or_404
from works.models import Work


def get_claim_for_user(user, public_id, *, staff: bool = False) -> Claim:
    """The claim if this person may see it (its claimant; with ``staff``, a request that may
    use staff powers); 404 otherwise."""
    try:
        return (
            Claim.objects.visible_to(user, staff=staff)
            .select_related("researcher", "claimant")
            .get(public_id=public_id)
        )
    except (Claim.DoesNotExist, ValueError) as exc:
        raise Http404("No such claim.") from exc


def _rate_limited(request) -> bool:
    """Ten claim attempts an hour per account; the eleventh is refused."""
    return not ratelimit.consume(request, action="claim", user=request.user)


@login_required
@reauthentication_required(allow_get=True)
def claim_start(request, slug):
    researcher = get_object_or_404(Researcher.objects.select_related("institution"), slug=slug)
    emails = verified_emails(request.user)
    email_form = EmailClaimForm(emails=emails)
    other_form = OtherClaimForm()
    if request.method == "POST":
        kind = request.POST.get("kind")
        form: EmailClaimForm | OtherClaimForm
        if kind == Evidence.Kind.INSTITUTIONAL_EMAIL:
            form = email_form = EmailClaimForm(request.POST, emails=emails)
        else:
            form = other_form = OtherClaimForm(request.POST)
        if _rate_limited(request):
            messages.error(request, "Too many claim attempts: try again in an hour.")
        elif form.is_valid():
            try:
                claim = claim_submit(
                    user=request.user, researcher=researcher, kind=kind, **form.cleaned_data
                )
            except ClaimError as exc:
                messages.error(request, str(exc))
            else:
                return redirect(claim)
    context = {
        "researcher": researcher,
        "email_form": email_form,
        "other_form": other_form,
        "has_verified_email": bool(emails),
        "orcid": orcid_of(request.user),
    }
    return render(request, "claims/claim_start.html", context)


@login_required
@reauthentication_required(allow_get=True)
def claim_orcid(request, slug):
    """After ORCID sign-in: confirm, then claim with the iD ORCID vouched for."""
    researcher = get_object_or_404(Researcher, slug=slug)
    signed_in = orcid_of(request.user)
    if request.method == "POST":
        if _rate_limited(request):
            messages.error(request, "Too many claim attempts: try again in an hour.")
        else:
            try:
                claim = claim_submit(
                    user=request.user, researcher=researcher, kind=Evidence.Kind.ORCID
                )
            except ClaimError as exc:
                messages.error(request, str(exc))
            else:
                return redirect(claim)
    context = {"researcher": researcher, "orcid": signed_in}
    return render(request, "claims/claim_orcid.html", context)


@login_required
def claim_detail(request, public_id):
    claim = get_claim_for_user(request.user, public_id, staff=is_staff_session(request))
    context = {
        "claim": claim,
        "evidence": claim.evidence.all(),
        "events": claim.events.select_related("actor"),
    }
    return render(request, "claims/claim_detail.html", context)


@require_POST
@login_required
def claim_release_view(request, public_id):
    claim = get_claim_for_user(request.user, public_id)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["reason"])))
        return redirect(claim)
    try:
        claim_release(claim=claim, user=request.user, reason=form.cleaned_data["reason"])
    except ClaimError as exc:
        messages.error(request, str(exc))
        return redirect(claim)
    messages.success(request, f"You released {claim.researcher.display_name}.")
    return redirect(claim.researcher)


@staff_required
def staff_queue(request):
    claims = (
        Claim.objects.open()
        .oldest_first()
        .select_related("researcher", "claimant")
        .prefetch_related("evidence")
    )
    reports = Report.objects.filter(status=Report.Status.OPEN).select_related("researcher", "work")[
        :100
    ]
    return render(request, "claims/staff_queue.html", {"claims": claims, "reports": reports})


@staff_required
def staff_review(request, public_id):
    claim = get_claim_for_user(request.user, public_id, staff=True)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        decide = {"approve": claim_approve, "reject": claim_reject, "revoke": claim_revoke}
        if not form.is_valid():
            messages.error(request, "Choose approve, reject or revoke, and give a valid reason.")
        else:
            action = form.cleaned_data["action"]
            try:
                decide[action](claim=claim, staff=request.user, reason=form.cleaned_data["reason"])
            except ClaimError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"Claim {action}d.")
                return redirect("claims:staff-queue")
    others = (
        Claim.objects.filter(claimant=claim.claimant)
        .exclude(pk=claim.pk)
        .select_related("researcher")
    )
    context = {
        "claim": claim,
        "evidence": claim.evidence.all(),
        "events": claim.events.select_related("actor"),
        "others": others,
        "competing": Claim.objects.open()
        .filter(researcher=claim.researcher)
        .exclude(pk=claim.pk)
        .select_related("claimant"),
    }
    return render(request, "claims/staff_review.html", context)


@require_POST
@login_required
def merge_request_view(request, slug):
    researcher = get_object_or_404(Researcher, slug=slug)
    form = MergeRequestForm(request.POST)
    if not form.is_valid():
        raise Http404("No such record.")
    other = get_object_or_404(Researcher, slug=form.cleaned_data["other"])
    try:
        merge_request(user=request.user, researcher=researcher, other=other)
    except ClaimError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Staff will look at your request to merge the two records.")
    return redirect(researcher)


@require_POST
@staff_required
def staff_report_decide(request, pk, decision):
    if decision not in ("uphold", "dismiss"):
        raise Http404("Uphold or dismiss.")
    report_obj = get_object_or_404(Report, pk=pk)
    try:
        report_decide(report=report_obj, staff=request.user, uphold=decision == "uphold")
    except ClaimError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Report {'upheld' if decision == 'uphold' else 'dismissed'}.")
    return redirect("claims:staff-queue")


def report(request, slug):
    """Anyone, signed in or not, can report a record or one of its works."""
    researcher = get_object_or_404(Researcher, slug=slug)
    work = None
    work_id = request.GET.get("work") or request.POST.get("work")
    if work_id:
        try:
            work = Work.objects.by_researcher(researcher).get(public_id=work_id)
        except (Work.DoesNotExist, ValueError, forms.ValidationError) as exc:
            raise Http404("No such work on this record.") from exc
    initial = {"kind": Report.Kind.NOT_THEIR_WORK if work else Report.Kind.NOT_ME}
    form = ReportForm(request.POST or None, initial={**initial, "work": work_id})
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="report"):
            messages.error(request, "Too many reports from here: try again later.")
        else:
            try:
                report_submit(
                    researcher=researcher,
                    kind=form.cleaned_data["kind"],
                    message=form.cleaned_data["message"],
                    work=work,
                    reporter=request.user,
                )
            except ClaimError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Thank you: staff will look at your report.")
                return redirect(researcher)
    context = {"researcher": researcher, "work": work, "form": form}
    return render(request, "claims/report.html", context)


@require_POST
@login_required
def conversation_report_view(request, public_id):
    """Either side of a conversation reports it to staff (who may then read it)."""
    invitation = conversation_or_404(request, public_id)
    form = ReportReasonForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(map(str, errors)))
    elif not ratelimit.consume(request, action="report", user=request.user):
        messages.error(request, "You are doing that too often: wait a little and try again.")
    else:
        conversation_report(
            invitation=invitation, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Reported to staff. Thank you.")
    return redirect(invitation)


@require_POST
@login_required
def page_build_view(request):
    """Build my page from ORCID: a job reads the record, the page then polls for it."""
    try:
        job = page_build_start(user=request.user)
    except ClaimError as exc:
        messages.error(request, str(exc))
        return redirect("pages:home")
    return redirect(job)
