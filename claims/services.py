"""Claiming author records: submitting, deciding, releasing and revoking claims.

The rules, in one place:
- only a person with a verified email may claim;
- ORCID sign-in with the record's own iD, and a name that fits, approves at once (L2);
- everything else waits for staff: institutional email (evidence, not proof: a colleague has
  one too), links and a statement, and any claim whose name does not fit;
- one owner per record: a claim on an owned record is a dispute, for staff;
- while a claim is open, no later claim on the same record can be approved;
- approval with two independent proofs (ORCID and institutional email) gives L3;
- every change is written to the audit log (ClaimEvent).
"""

from collections.abc import Sequence

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from claims.matching import email_domain_fits, name_fits
from claims.models import Claim, ClaimEvent, Evidence, Report
from profiles.models import Researcher, User
from profiles.services import researcher_refresh, researcher_refresh_later
from social.models import Invitation, Notification
from social.services import invitation_mark_reported, notify
from sources.jobs import job_finish, source_read
from sources.models import FetchJob
from works.services import coauthor_ids
from works.sources.orcid_json import json_person_name


class ClaimError(Exception):
    """A claim action that is not allowed; the message is for the person who tried it."""


def verified_emails(user: User) -> list[str]:
    return list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )


def orcid_of(user: User) -> tuple[str, str] | None:
    """The ORCID iD the user signed in with, and the name ORCID holds for them."""
    account = SocialAccount.objects.filter(user=user, provider="orcid").first()
    if account is None:
        return None
    person = (account.extra_data or {}).get("person") or {}
    return account.uid, json_person_name(person)


def record_names(researcher: Researcher) -> list[str]:
    return [researcher.display_name, *researcher.other_names]


def _log(claim: Claim, actor: User | None, action: str, old: str, reason: str = "") -> None:
    ClaimEvent.objects.create(
        claim=claim,
        actor=actor,
        action=action,
        from_status=old,
        to_status=claim.status,
        reason=reason,
    )


def _decide(claim: Claim, actor: User | None, status: str, action: str, reason: str) -> None:
    """Every decision on a claim: its new status, who and why, and the audit log entry."""
    old = claim.status
    claim.status = status
    claim.decision_reason = reason
    claim.decided_by, claim.decided_at = actor, timezone.now()
    claim.save()
    _log(claim, actor, action, old, reason)


@transaction.atomic
def claim_submit(
    *,
    user: User,
    researcher: Researcher,
    kind: str,
    email: str = "",
    links: str = "",
    statement: str = "",
) -> Claim:
    """Start a claim with one kind of evidence; raises ClaimError when it cannot be made.

    The name that must fit the record is the one ORCID holds for the claimant, else their
    account's name (set on their account page): never a name typed into the claim."""
    if not verified_emails(user):
        raise ClaimError("Verify your email address before claiming a record.")
    researcher = Researcher.objects.select_for_update().get(pk=researcher.pk)
    if researcher.owner_id == user.pk:
        raise ClaimError("This record is already yours.")
    evidence = _evidence(user, researcher, kind, email=email, links=links, statement=statement)
    name = evidence.pop("name", None) or user.name
    fits = name_fits(name, record_names(researcher))
    claim = Claim.objects.open().filter(researcher=researcher, claimant=user).first()
    if claim is not None:
        # More evidence for a claim that waits: a second proof may decide it.
        if claim.evidence.filter(kind=kind).exists():
            raise ClaimError("Your claim waiting for review already has this kind of evidence.")
        claim.name_matches = claim.name_matches and fits
        claim.save(update_fields=["name_matches"])
        Evidence.objects.create(claim=claim, **evidence)
        _log(claim, user, "evidence added", claim.status, evidence["summary"])
    else:
        claim = Claim.objects.create(
            researcher=researcher,
            claimant=user,
            status=Claim.Status.DISPUTED if researcher.owner_id else Claim.Status.PENDING,
            name_matches=fits,
        )
        Evidence.objects.create(claim=claim, **evidence)
        owned = "on a record owned by someone else" if researcher.owner_id else ""
        _log(claim, user, "submitted", "", owned)

    if _approves_at_once(claim):
        proofs = "two independent proofs agree" if _level(claim) == 3 else "the names fit"
        _approve(claim, None, f"ORCID sign-in with this record's iD; {proofs}.")
    return claim


def _evidence(user, researcher, kind, *, email, links, statement) -> dict:
    if kind == Evidence.Kind.ORCID:
        signed_in = orcid_of(user)
        if signed_in is None:
            raise ClaimError("Sign in with ORCID first.")
        orcid, name = signed_in
        if researcher.orcid and orcid != researcher.orcid:
            raise ClaimError(
                f"You signed in with the ORCID iD {orcid}, but this record's iD is "
                f"{researcher.orcid}: ORCID does not show that this record is yours."
            )
        proof = researcher.orcid == orcid
        return {
            "kind": kind,
            "is_proof": proof,
            "orcid": orcid,
            "name": name,
            "summary": f"Signed in with ORCID {orcid} ({name or 'no public name'}); "
            + ("the record's own iD." if proof else "the record has no ORCID iD to compare."),
        }
    if kind == Evidence.Kind.INSTITUTIONAL_EMAIL:
        institution = researcher.institution
        domains = institution.email_domains if institution else []
        if not domains:
            raise ClaimError("This record's institution has no email domain on file.")
        if email not in verified_emails(user) or not email_domain_fits(email, domains):
            raise ClaimError(
                f"Choose one of your verified addresses at {', '.join(domains)} "
                f"({institution.name})."
            )
        return {
            "kind": kind,
            "is_proof": True,
            "email": email,
            "summary": f"Verified address {email} at {institution.name} ({', '.join(domains)}).",
        }
    if kind == Evidence.Kind.OTHER:
        if not (links.strip() or statement.strip()):
            raise ClaimError("Give links or a statement that show the record is yours.")
        return {
            "kind": kind,
            "links": links.strip()[:5000],
            "statement": statement.strip()[:5000],
            "summary": "Links and a statement, for staff to check.",
        }
    raise ClaimError("Unknown kind of evidence.")


def _approves_at_once(claim: Claim) -> bool:
    if claim.status != Claim.Status.PENDING or not claim.name_matches:
        return False
    if Claim.objects.open().filter(researcher=claim.researcher, id__lt=claim.id).exists():
        return False
    return claim.evidence.filter(kind=Evidence.Kind.ORCID, is_proof=True).exists()


def _level(claim: Claim) -> int:
    proofs = set(claim.evidence.filter(is_proof=True).values_list("kind", flat=True))
    return 3 if len(proofs) >= 2 else 2


def _approve(claim: Claim, staff: User | None, reason: str) -> None:
    researcher = claim.researcher
    if researcher.owner_id and researcher.owner_id != claim.claimant_id:
        # A dispute decided for the claimant: the previous owner's claim ends here.
        for previous in Claim.objects.filter(researcher=researcher, status=Claim.Status.APPROVED):
            _decide(
                previous,
                staff,
                Claim.Status.REVOKED,
                "revoked",
                f"Dispute decided for another claimant: {reason}",
            )
    claim.level = _level(claim)
    _decide(claim, staff, Claim.Status.APPROVED, "approved", reason)
    Researcher.objects.filter(pk=researcher.pk).update(
        owner=claim.claimant, claim_level=claim.level
    )
    # Trust flows from verified researchers to their coauthors: theirs moves too.
    researcher_refresh_later(
        researcher_ids=[researcher.pk, *coauthor_ids(researcher.pk)],
        event=f"claim approved (L{claim.level})",
    )
    _tell(claim, "approved")


def _check_staff(claim: Claim, staff: User) -> None:
    if not staff.is_staff:
        raise ClaimError("Only staff decide claims.")
    if claim.claimant_id == staff.pk:
        raise ClaimError("Nobody decides their own claim.")
    if not claim.is_open:
        raise ClaimError("This claim has been decided already.")


@transaction.atomic
def claim_approve(*, claim: Claim, staff: User, reason: str) -> Claim:
    claim = Claim.objects.select_for_update().select_related("researcher").get(pk=claim.pk)
    _check_staff(claim, staff)
    if Claim.objects.open().filter(researcher=claim.researcher, id__lt=claim.id).exists():
        raise ClaimError("An earlier claim on this record is waiting: decide that one first.")
    if not reason.strip():
        raise ClaimError("Give a reason.")
    _approve(claim, staff, reason.strip())
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim, staff: User, reason: str) -> Claim:
    claim = Claim.objects.select_for_update().select_related("researcher").get(pk=claim.pk)
    _check_staff(claim, staff)
    if not reason.strip():
        raise ClaimError("Give a reason: the claimant will read it.")
    _decide(claim, staff, Claim.Status.REJECTED, "rejected", reason.strip())
    _tell(claim, "rejected")
    return claim


def _end_ownership(claim: Claim, actor: User, status: str, action: str, reason: str) -> Claim:
    _decide(claim, actor, status, action, reason)
    Researcher.objects.filter(pk=claim.researcher_id, owner=claim.claimant).update(
        owner=None, claim_level=0
    )
    researcher_refresh_later(
        researcher_ids=[claim.researcher_id, *coauthor_ids(claim.researcher_id)],
        event=f"claim {action}",
    )
    return claim


@transaction.atomic
def claim_release(*, claim: Claim, user: User, reason: str = "") -> Claim:
    """The owner gives the record up; it becomes unclaimed again."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.claimant_id != user.pk or claim.status != Claim.Status.APPROVED:
        raise ClaimError("Only the owner of a record can release it.")
    return _end_ownership(
        claim, user, Claim.Status.RELEASED, "released", reason.strip() or "Released by the owner."
    )


@transaction.atomic
def claim_revoke(*, claim: Claim, staff: User, reason: str) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if not staff.is_staff:
        raise ClaimError("Only staff revoke claims.")
    if claim.status != Claim.Status.APPROVED:
        raise ClaimError("Only an approved claim can be revoked.")
    if not reason.strip():
        raise ClaimError("Give a reason.")
    claim = _end_ownership(claim, staff, Claim.Status.REVOKED, "revoked", reason.strip())
    _tell(claim, "revoked")
    return claim


def _tell(claim: Claim, outcome: str) -> None:
    """Tell the claimant the decision, with its reason: on the site, and by email."""
    notify(
        user=claim.claimant,
        kind=Notification.Kind.CLAIM_DECISION,
        text=f"Your claim on {claim.researcher.display_name} was {outcome}",
        url=reverse("claims:claim-detail", args=[claim.public_id]),
        body=f"Reason: {claim.decision_reason}",
        key=f"claim:{claim.pk}:{outcome}",
    )


@transaction.atomic
def report_submit(
    *, researcher: Researcher, kind: str, message: str = "", work=None, reporter=None
) -> Report:
    """Anyone's report that a record is not who it says, or a work is not theirs."""
    if kind not in (Report.Kind.NOT_ME, Report.Kind.NOT_THEIR_WORK):
        raise ClaimError("Unknown kind of report.")
    if kind == Report.Kind.NOT_THEIR_WORK and work is None:
        raise ClaimError("Say which work is not theirs.")
    return Report.objects.create(
        researcher=researcher,
        work=work,
        kind=kind,
        message=message.strip()[:5000],
        reporter=reporter if reporter and reporter.is_authenticated else None,
    )


@transaction.atomic
def merge_request(*, user: User, researcher: Researcher, other: Researcher) -> Report:
    """An owner of two records of one person asks staff to merge them."""
    if researcher.pk == other.pk or {researcher.owner_id, other.owner_id} != {user.pk}:
        raise ClaimError("You can ask to merge two records that you both own.")
    return Report.objects.create(
        researcher=researcher,
        kind=Report.Kind.MERGE,
        reporter=user,
        message=f"The owner asks to merge {researcher.slug} with {other.slug}.",
    )


@transaction.atomic
def report_decide(*, report: Report, staff: User, uphold: bool) -> Report:
    """Staff uphold or dismiss a report. An upheld report about a record lowers its trust."""
    if not staff.is_staff:
        raise ClaimError("Only staff decide reports.")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.OPEN:
        raise ClaimError("This report has been decided already.")
    report.status = Report.Status.UPHELD if uphold else Report.Status.DISMISSED
    report.save(update_fields=["status"])
    if uphold and report.kind in (Report.Kind.NOT_ME, Report.Kind.NOT_THEIR_WORK):
        researcher_refresh_later(researcher_ids=[report.researcher_id], event="report upheld")
    return report


@transaction.atomic
def conversation_report(*, invitation: Invitation, user: User, reason: str) -> Report:
    """Either side of a conversation reports abuse: staff may read it from now on, and the
    report waits for them with the others."""
    invitation_mark_reported(invitation=invitation, user=user)
    return Report.objects.create(
        researcher=invitation.researcher,
        kind=Report.Kind.ABUSE,
        reporter=user,
        message=(
            f"Conversation {settings.SITE_URL}{invitation.get_absolute_url()} reported: "
            f"{reason.strip()[:4000]}"
        ),
    )


@transaction.atomic
def page_build_finish(*, job: FetchJob, not_read: Sequence[str] = ()) -> FetchJob:
    """After a page-build job read the person's sources: the record with their iD becomes
    theirs (L2), as an approved claim with ORCID evidence and its audit log, trust moving for
    the record and its coauthors. Running it again changes nothing."""
    user = job.user
    researcher = Researcher.objects.select_for_update().filter(orcid=job.identifier).first()
    if user is None or researcher is None:
        said = "; ".join(not_read) or "no source knows your iD"
        return job_finish(job, f"No record could be built for your iD: {said}.", failed=True)
    if researcher.owner_id not in (None, user.pk):
        return job_finish(
            job, "This record belongs to someone else: ask staff to look at it.", failed=True
        )
    if researcher.owner_id is None:
        claim = Claim.objects.create(
            researcher=researcher, claimant=user, status=Claim.Status.PENDING, name_matches=True
        )
        Evidence.objects.create(
            claim=claim,
            kind=Evidence.Kind.ORCID,
            is_proof=True,
            orcid=job.identifier,
            summary=f"Signed in with ORCID {job.identifier}; the page was built from that "
            "ORCID record.",
        )
        _log(claim, user, "submitted", "", "the page was built from their ORCID record")
        _approve(claim, None, "ORCID sign-in with this record's iD: the page was built from it.")
        # In the worker, not a request: the new owner sees their level as the page opens.
        researcher_refresh(researcher_ids=[researcher.pk], event="page built from ORCID")
    for source in ("orcid", "openalex") if researcher.openalex_id else ("orcid",):
        source_read(researcher_id=researcher.pk, source=source)
    return job_finish(
        job,
        f"Your page is ready: {researcher.display_name}, built from ORCID and OpenAlex."
        + (f" Not read: {'; '.join(not_read)}." if not_read else ""),
        researcher=researcher,
    )
