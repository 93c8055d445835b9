"""Writes of the works app beyond the importer: what an owner changes about their works
(hidden works, works they add, staff's decision on those that need it), staff's edits of
bylines, the merges and splits of researcher records, which move works between them, and
what an OpenAlex snapshot's merged IDs and loaded partitions change."""

from collections.abc import Iterable
from datetime import date
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Field, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bzpeer.lib.identifiers import work_key
from bzpeer.lib.names import fits_any, name_keys, person_name
from profiles.models import (
    Follow,
    OpenAlexRedirect,
    Researcher,
    ResearcherChange,
    SlugRedirect,
    User,
)
from profiles.services import check_owner, researcher_refresh, unique_slugs
from works.models import (
    AttributionDecision,
    Authorship,
    SnapshotPartition,
    SourceRecord,
    Work,
    WorkAddition,
    WorkIdentifier,
)


def coauthor_ids(*researcher_ids: int) -> set[int]:
    """Everyone who shares a work with these researchers (themselves included)."""
    return set(
        Authorship.objects.filter(work__authorships__researcher_id__in=researcher_ids)
        .values_list("researcher_id", flat=True)
        .distinct()
    )


@transaction.atomic
def authorship_hide(*, researcher: Researcher, user: User, work) -> None:
    """The owner says a work is not theirs: hidden from the page, kept for review, and
    pinned so that no import brings it back."""
    check_owner(researcher, user)
    changed = Authorship.objects.filter(researcher=researcher, work=work).update(
        hidden=True, pinned=True
    )
    if not changed:
        raise ValidationError("That work is not on this record.")
    researcher_refresh(researcher_ids=[researcher.pk], event="the owner hid a work")


@transaction.atomic
def authorship_add(*, researcher: Researcher, user: User, identifier: str):
    """The owner adds a work BZPEER holds, found by its DOI or arXiv ID.

    An owner can only link themselves to a byline entry that names them: the first entry
    whose printed name fits one of the record's names (and that no other person owns) is
    linked to the record and pinned. A work whose byline has no such name becomes a
    WorkAddition for staff; it is not on the record, and counts nothing, until approved.
    Returns the Authorship linked, or the WorkAddition waiting."""
    check_owner(researcher, user)
    key = work_key(identifier)
    work = Work.objects.identified_by(*key).first() if key else None
    if work is None:
        raise ValidationError(
            "BZPEER holds no work with that DOI or arXiv ID: import it first, or check it."
        )
    existing = Authorship.objects.filter(researcher=researcher, work=work).first()
    if existing:
        Authorship.objects.filter(pk=existing.pk).update(hidden=False, pinned=True)
        researcher_refresh(researcher_ids=[researcher.pk], event="the owner added a work")
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
    researcher_refresh(
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
        researcher_refresh(
            researcher_ids=[researcher.pk, *coauthor_ids(researcher.pk)],
            event="staff approved a work the owner added",
        )
    return addition


@transaction.atomic
def researcher_merge(*, keep: Researcher, remove: Researcher, reason: str, user=None) -> Researcher:
    """Join ``remove`` into ``keep``: works, follows, identifiers, names and old addresses.

    ``remove`` is deleted; its slug keeps working as a redirect. Refuses to join two records
    whose identifiers conflict. Recorded in ResearcherChange.
    """
    if keep.pk == remove.pk:
        raise ValidationError("A researcher cannot be merged with itself.")
    for field in ("orcid", "openalex_id"):
        mine, theirs = getattr(keep, field), getattr(remove, field)
        if mine and theirs and mine != theirs:
            raise ValidationError(
                f"{keep.display_name} and {remove.display_name} have different "
                f"{cast(Field, Researcher._meta.get_field(field)).verbose_name}s: "
                "they are not one person."
            )
    shared_works = Authorship.objects.filter(researcher=keep).values("work_id")
    duplicates = Authorship.objects.filter(researcher=remove, work_id__in=shared_works)
    dropped = duplicates.count()
    duplicates.delete()
    moved = Authorship.objects.filter(researcher=remove).update(researcher=keep)
    already = Follow.objects.filter(researcher=keep).values("user_id")
    Follow.objects.filter(researcher=remove, user_id__in=already).delete()
    Follow.objects.filter(researcher=remove).update(researcher=keep)
    SourceRecord.objects.filter(researcher=remove).update(researcher=keep)
    AttributionDecision.objects.filter(researcher=remove).update(researcher=keep)
    SlugRedirect.objects.filter(researcher=remove).update(researcher=keep)
    OpenAlexRedirect.objects.filter(researcher=remove).update(researcher=keep)

    orcid, openalex_id = remove.orcid, remove.openalex_id
    names = [remove.display_name, *remove.other_names, *keep.other_names]
    sources = list(dict.fromkeys([*keep.sources, *remove.sources]))
    institution_id = keep.institution_id or remove.institution_id
    old_slug, old_name, remove_pk = remove.slug, remove.display_name, remove.pk
    remove.delete()
    SlugRedirect.objects.create(slug=old_slug, researcher=keep)

    keep.orcid = keep.orcid or orcid
    keep.openalex_id = keep.openalex_id or openalex_id
    keep.other_names = [n for n in dict.fromkeys(names) if n != keep.display_name]
    keep.sources = sources
    keep.institution_id = institution_id
    keep.followers_count = Follow.objects.filter(researcher=keep).count()
    keep.save()
    ResearcherChange.objects.create(
        kind=ResearcherChange.Kind.MERGE,
        researcher=keep,
        other_name=old_name,
        other_slug=old_slug,
        user=user,
        reason=reason[:500],
        detail={"merged_id": remove_pk, "works_moved": moved, "duplicates_dropped": dropped},
    )
    researcher_refresh(researcher_ids=[keep.pk, *coauthor_ids(keep.pk)], event="records merged")
    return keep


@transaction.atomic
def researcher_openalex_merge(*, old_id: str, kept_id: str) -> Researcher | None:
    """OpenAlex merged author ``old_id`` into ``kept_id``, and BZPEER follows: with a record
    for each, the old one is merged into the kept one (researcher_merge: works, follows, old
    addresses); with the old one alone, it takes the kept ID. Either way /openalex/<old_id>
    leads to the kept record. Returns that record, or None when BZPEER holds neither. Safe
    to repeat. Refuses (ValidationError) what researcher_merge refuses, and a claimed old
    record whose owner is not the kept one's: staff decide those."""
    held = Researcher.objects.select_for_update().filter(openalex_id__in=[old_id, kept_id])
    by_id = {researcher.openalex_id: researcher for researcher in held}
    old, kept = by_id.get(old_id), by_id.get(kept_id)
    if old is not None and kept is not None:
        if old.owner_id is not None and old.owner_id != kept.owner_id:
            raise ValidationError(f"{old_id} is claimed: staff decide whether it is {kept_id}.")
        # OpenAlex says the two IDs are one author: the old one becomes a redirect, not an
        # identifier that conflicts with the kept record's.
        old.openalex_id = None
        kept = researcher_merge(
            keep=kept, remove=old, reason=f"OpenAlex merged {old_id} into {kept_id}."
        )
    elif old is not None:
        old.openalex_id = kept_id
        old.save(update_fields=["openalex_id"])
        kept = old
    if kept is None:
        return None
    OpenAlexRedirect.objects.update_or_create(openalex_id=old_id, defaults={"researcher": kept})
    return kept


@transaction.atomic
def work_openalex_merge(*, old_id: str, kept_id: str) -> Work | None:
    """OpenAlex merged work ``old_id`` into ``kept_id``. The work BZPEER holds under either
    ID gets the other one too (a work keeps every identifier it was known by), so both lead
    to it. Returns it, or None when neither is held. Safe to repeat. Two works, one under
    each ID, are refused (ValidationError): BZPEER has no merge of two works."""
    scheme = WorkIdentifier.Scheme.OPENALEX
    held = dict(
        WorkIdentifier.objects.filter(scheme=scheme, value__in=[old_id, kept_id]).values_list(
            "value", "work_id"
        )
    )
    if not held:
        return None
    if len(set(held.values())) > 1:
        raise ValidationError(
            f"{old_id} and {kept_id} are two works here, and works are not merged: both stay."
        )
    work = Work.objects.get(pk=next(iter(held.values())))
    for value in {old_id, kept_id} - set(held):
        WorkIdentifier.objects.get_or_create(scheme=scheme, value=value, defaults={"work": work})
    return work


@transaction.atomic
def snapshot_partition_record(
    *, entity: str, updated_date: date, records: int
) -> SnapshotPartition:
    """A partition of an OpenAlex snapshot (or a day's merged IDs) was read whole: the next
    snapshot import starts after it."""
    partition, _ = SnapshotPartition.objects.update_or_create(
        entity=entity,
        updated_date=updated_date,
        defaults={"records": records, "loaded_at": timezone.now()},
    )
    return partition


@transaction.atomic
def researcher_split(
    *,
    researcher: Researcher,
    authorship_ids: Iterable[int],
    reason: str,
    user=None,
    display_name: str = "",
) -> Researcher:
    """Move some of a researcher's authorships to a new record: they are someone else's.

    The new record takes the name printed on those works unless ``display_name`` is given.
    Recorded in ResearcherChange on both records.
    """
    moving = Authorship.objects.filter(researcher=researcher, id__in=list(authorship_ids))
    printed = list(moving.values_list("printed_name", flat=True))
    if not printed:
        raise ValidationError("Choose at least one of this researcher's works to split off.")
    if len(printed) == researcher.authorships.count():
        raise ValidationError("Splitting off every work would leave an empty record.")
    name = display_name or max(set(printed), key=printed.count)
    name = person_name(name)
    other = Researcher.objects.create(
        display_name=name,
        **name_keys(name),
        slug=unique_slugs([name])[0],
        sources=researcher.sources,
    )
    moved = moving.update(researcher=other, pinned=True)  # imports keep the split
    for record, other_record in ((researcher, other), (other, researcher)):
        ResearcherChange.objects.create(
            kind=ResearcherChange.Kind.SPLIT,
            researcher=record,
            other_name=other_record.display_name,
            other_slug=other_record.slug,
            user=user,
            reason=reason[:500],
            detail={"works_moved": moved},
        )
    researcher_refresh(
        researcher_ids=[researcher.pk, other.pk, *coauthor_ids(researcher.pk, other.pk)],
        event="records split",
    )
    return other


@transaction.atomic
def researcher_delete(*, researchers: QuerySet[Researcher]) -> int:
    """Delete these records (staff, in the admin); their coauthors lose a collaborator and are
    recounted. Returns how many were deleted."""
    ids = set(researchers.values_list("id", flat=True))
    coauthors = coauthor_ids(*ids) - ids
    deleted = Researcher.objects.filter(pk__in=ids).delete()[1].get(Researcher._meta.label, 0)
    researcher_refresh(researcher_ids=coauthors, event="a coauthor's record was deleted")
    return deleted


@transaction.atomic
def work_delete(*, works: QuerySet[Work]) -> None:
    """Delete these works (staff, in the admin); everyone on their bylines is recounted."""
    affected = set(
        Authorship.objects.filter(work__in=works).values_list("researcher_id", flat=True)
    )
    works.delete()
    researcher_refresh(researcher_ids=affected, event="a work was deleted")


@transaction.atomic
def authorship_delete(*, authorships: QuerySet[Authorship]) -> None:
    """Remove byline entries (staff, in the admin): each work's author count is set in one
    UPDATE and everyone on those works is recounted."""
    works = set(authorships.values_list("work_id", flat=True))
    affected = set(
        Authorship.objects.filter(work__in=works).values_list("researcher_id", flat=True)
    )
    authorships.delete()
    works_recount(work_ids=works)
    researcher_refresh(researcher_ids=affected, event="a byline was edited")


def works_recount(*, work_ids: Iterable[int]) -> None:
    """Set these works' author counts from their bylines, in one UPDATE."""
    counted = Authorship.objects.filter(work=OuterRef("pk")).values("work").annotate(n=Count("id"))
    Work.objects.filter(pk__in=list(work_ids)).update(
        authors_count=Coalesce(Subquery(counted.values("n")), 0)
    )


def byline_changed(*, work: Work, before: set[int]) -> None:
    """Staff edited a work's byline in the admin: its author count and everyone on it, before
    and after, are recounted."""
    works_recount(work_ids=[work.pk])
    after = set(work.authorships.values_list("researcher_id", flat=True))
    researcher_refresh(researcher_ids=before | after, event="a byline was edited")
