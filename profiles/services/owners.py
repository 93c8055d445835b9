"""What an owner changes on their record: the summary and "open to collaborate", hidden
works, works they add (and staff's decision on those that need it)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from bzpeer.lib.identifiers import normalize_arxiv_id, normalize_doi
from bzpeer.lib.names import fits_any
from profiles.models import (
    Institution,
    Researcher,
    ResearcherChange,
    User,
    WorkAddition,
)
from profiles.services.refresh import coauthor_ids, researcher_refresh_stats

OWNERS_ONLY = "Only the researcher who claimed this record can change it."


def _check_owner(researcher: Researcher, user: User) -> None:
    if not researcher.is_owned_by(user):
        raise PermissionDenied(OWNERS_ONLY)


@transaction.atomic
def researcher_update(
    *,
    researcher: Researcher,
    user: User,
    summary: str,
    open_to_collaborate: bool,
    affiliation: str = "",
    collaboration_topics: str = "",
    collaboration_capacity: str = "",
) -> Researcher:
    """The owner's edits: summary, "open to collaborate", and an affiliation the sources
    did not give (an imported one stays). Kept through later imports."""
    _check_owner(researcher, user)
    researcher.summary = summary.strip()[:300]
    researcher.open_to_collaborate = open_to_collaborate
    researcher.collaboration_topics = collaboration_topics.strip()[:300]
    researcher.collaboration_capacity = collaboration_capacity.strip()[:200]
    affiliation = " ".join(affiliation.split())[:300]
    if affiliation and (researcher.institution_id is None or researcher.affiliation_set_by_owner):
        institution = Institution.objects.filter(
            name__iexact=affiliation, openalex_id__isnull=True, ror__isnull=True
        ).first() or Institution.objects.create(name=affiliation)
        researcher.institution = institution
        researcher.affiliation_set_by_owner = True
    researcher.save(
        update_fields=[
            "summary",
            "open_to_collaborate",
            "collaboration_topics",
            "collaboration_capacity",
            "institution",
            "affiliation_set_by_owner",
            "updated_at",
        ]
    )
    return researcher


@transaction.atomic
def authorship_hide(*, researcher: Researcher, user: User, work) -> None:
    """The owner says a work is not theirs: hidden from the page, kept for review, and
    pinned so that no import brings it back."""
    from works.models import Authorship

    _check_owner(researcher, user)
    changed = Authorship.objects.filter(researcher=researcher, work=work).update(
        hidden=True, pinned=True
    )
    if not changed:
        raise ValidationError("That work is not on this record.")
    researcher_refresh_stats(researcher_ids=[researcher.pk], event="the owner hid a work")


@transaction.atomic
def authorship_add(*, researcher: Researcher, user: User, identifier: str):
    """The owner adds a work BZPEER holds, found by its DOI or arXiv ID.

    An owner can only link themselves to a byline entry that names them: the first entry
    whose printed name fits one of the record's names (and that no other person owns) is
    linked to the record and pinned. A work whose byline has no such name becomes a
    WorkAddition for staff; it is not on the record, and counts nothing, until approved.
    Returns the Authorship linked, or the WorkAddition waiting."""
    from works.models import Authorship, Work

    _check_owner(researcher, user)
    doi, arxiv = normalize_doi(identifier), normalize_arxiv_id(identifier)
    scheme, value = ("doi", doi) if doi and not doi.startswith("10.48550/") else ("arxiv", arxiv)
    work = Work.objects.identified_by(scheme, value).first() if value else None
    if work is None:
        raise ValidationError(
            "BZPEER holds no work with that DOI or arXiv ID: import it first, or check it."
        )
    existing = Authorship.objects.filter(researcher=researcher, work=work).first()
    if existing:
        Authorship.objects.filter(pk=existing.pk).update(hidden=False, pinned=True)
        researcher_refresh_stats(researcher_ids=[researcher.pk], event="the owner added a work")
        return existing
    names = [researcher.display_name, *researcher.other_names]
    byline = work.authorships.select_related("researcher").select_for_update(of=("self",))
    entry = next(
        (
            a
            for a in byline.order_by("position")
            if a.researcher.owner_id in (None, user.pk) and fits_any(a.printed_name, names)
        ),
        None,
    )
    if entry is None:
        addition, _ = WorkAddition.objects.get_or_create(
            researcher=researcher,
            work=work,
            status=WorkAddition.Status.PENDING,
            defaults={"requested_by": user},
        )
        return addition
    previous = entry.researcher
    entry.researcher, entry.pinned, entry.hidden = researcher, True, False
    entry.save(update_fields=["researcher", "pinned", "hidden"])
    ResearcherChange.objects.create(
        kind=ResearcherChange.Kind.ADD_WORK,
        researcher=researcher,
        other_name=previous.display_name,
        other_slug=previous.slug,
        user=user,
        reason=f"The owner added “{work.title[:200]}” as “{entry.printed_name[:200]}”.",
        detail={"work": str(work.public_id), "from_researcher": previous.pk},
    )
    researcher_refresh_stats(
        researcher_ids=[researcher.pk, previous.pk, *coauthor_ids(researcher.pk)],
        event="the owner added a work",
    )
    return entry


@transaction.atomic
def work_addition_decide(
    *, addition: WorkAddition, staff: User, approve: bool, reason: str = ""
) -> WorkAddition:
    """Staff approve (the owner joins the end of the byline, pinned) or reject a work an
    owner asked for. Deciding twice is refused."""
    from works.models import Authorship, Work

    addition = WorkAddition.objects.select_for_update().get(pk=addition.pk)
    if not staff.is_staff:
        raise PermissionDenied("Only staff decide these requests.")
    if addition.status != WorkAddition.Status.PENDING:
        raise ValidationError("This request has been decided already.")
    addition.status = WorkAddition.Status.APPROVED if approve else WorkAddition.Status.REJECTED
    addition.decision_reason = reason.strip()[:500]
    addition.decided_by, addition.decided_at = staff, timezone.now()
    addition.save()
    researcher, work = addition.researcher, addition.work
    if approve and not Authorship.objects.filter(researcher=researcher, work=work).exists():
        last = work.authorships.aggregate(last=Max("position"))["last"]
        Authorship.objects.create(
            work=work,
            researcher=researcher,
            position=(last or 0) + 1,
            printed_name=researcher.display_name,
            pinned=True,
        )
        Work.objects.filter(pk=work.pk).update(authors_count=F("authors_count") + 1)
        researcher_refresh_stats(
            researcher_ids=[researcher.pk, *coauthor_ids(researcher.pk)],
            event="staff approved a work the owner added",
        )
    return addition
