"""Researcher records: slugs for new ones, and staff's merges and splits."""

from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field
from django.utils.text import slugify

from bzpeer.lib.names import (
    name_keys,
    person_name,
    strip_accents,
)
from profiles.models import (
    Follow,
    Researcher,
    ResearcherChange,
    SlugRedirect,
)
from profiles.services.refresh import coauthor_ids, researcher_refresh_stats


def unique_slugs(names: list[str]) -> list[str]:
    """One new, unused slug per name: a second "Wei Wang" becomes ``wei-wang-2``.

    Two queries whatever the number of names: the bases taken, then the numbered slugs of
    the taken ones.
    """
    bases = [slugify(strip_accents(name))[:100] or "researcher" for name in names]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT slug FROM profiles_researcher WHERE slug = ANY(%s)", [sorted(set(bases))]
        )
        taken = {row[0] for row in cursor.fetchall()}
        highest: dict[str, int] = {}
        if taken:
            cursor.execute(
                "SELECT substring(slug from '^(.*)-[0-9]+$'), "
                "MAX(substring(slug from '-([0-9]+)$')::int) FROM profiles_researcher "
                "WHERE substring(slug from '^(.*)-[0-9]+$') = ANY(%s) GROUP BY 1",
                [sorted(taken)],
            )
            highest = dict(cursor.fetchall())
    next_suffix: dict[str, int] = {}
    result = []
    for base in bases:
        if base not in taken and base not in next_suffix:
            next_suffix[base] = 2
            result.append(base)
            continue
        if base not in next_suffix:
            next_suffix[base] = max(highest.get(base, 1), 1) + 1
        result.append(f"{base}-{next_suffix[base]}")
        next_suffix[base] += 1
    return result


@transaction.atomic
def researcher_merge(*, keep: Researcher, remove: Researcher, reason: str, user=None) -> Researcher:
    """Join ``remove`` into ``keep``: works, follows, identifiers, names and old addresses.

    ``remove`` is deleted; its slug keeps working as a redirect. Refuses to join two records
    whose identifiers conflict. Recorded in ResearcherChange.
    """
    from works.models import AttributionDecision, Authorship, SourceRecord

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
    researcher_refresh_stats(
        researcher_ids=[keep.pk, *coauthor_ids(keep.pk)], event="records merged"
    )
    return keep


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
    from works.models import Authorship

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
    researcher_refresh_stats(
        researcher_ids=[researcher.pk, other.pk, *coauthor_ids(researcher.pk, other.pk)],
        event="records split",
    )
    return other
