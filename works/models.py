import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from bzpeer.lib.sources import Source, source_labels


class Venue(models.Model):
    name = models.CharField(max_length=300)
    openalex_id = models.CharField(max_length=20, unique=True, null=True, blank=True)
    issn_l = models.CharField("ISSN-L", max_length=9, blank=True)
    kind = models.CharField(max_length=40, blank=True, help_text="journal, repository, ...")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(openalex_id__isnull=True),
                name="venue_unique_name_without_id",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A subject: an OpenAlex topic or an arXiv category."""

    class Scheme(models.TextChoices):
        OPENALEX = "openalex", "OpenAlex topic"
        ARXIV = "arxiv", "arXiv category"

    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=255)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="topic_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


# A work's page (and the API's work) shows this many names of its byline.
BYLINE_SHOWN = 500


class WorkQuerySet(models.QuerySet):
    def by_researcher(self, researcher):
        """Works on the researcher's public list: hidden ones are left out."""
        return self.filter(authorships__researcher=researcher, authorships__hidden=False)

    def by_followed(self, user):
        """Works on the public lists of the researchers ``user`` follows, each once."""
        followed = user.follows.values("researcher_id")
        return self.filter(
            authorships__researcher__in=followed, authorships__hidden=False
        ).distinct()

    def identified_by(self, scheme: str, value: str):
        """The work with this identifier (``scheme`` is doi, arxiv or openalex)."""
        return self.filter(identifiers__scheme=scheme, identifiers__value=value)

    def listed(self, authors_shown: int = 20):
        """As a list of works shows them: newest first, with venue, identifiers and the first
        ``authors_shown`` names of the byline, in a fixed number of queries."""
        return (
            self.newest_first()
            .select_related("venue")
            .prefetch_related(byline_prefetch(authors_shown), "identifiers")
        )

    def in_full(self, authors_shown: int | None = BYLINE_SHOWN):
        """As a work's own page shows it: venue, identifiers, topics, the byline (its first
        ``authors_shown`` names, or all), and its source records, in a fixed number of
        queries."""
        records = SourceRecord.objects.order_by("source", "external_id")
        return self.select_related("venue").prefetch_related(
            "identifiers",
            "topics",
            byline_prefetch(authors_shown),
            models.Prefetch("source_records", queryset=records, to_attr="records"),
        )

    def newest_first(self):
        """By year, then by date within the year (a work known only by its year comes
        before the dated ones of that year), then by title."""
        return self.order_by(
            models.F("publication_year").desc(nulls_last=True),
            models.F("publication_date").desc(nulls_first=True),
            "title",
            "id",
        )


class Work(models.Model):
    """One work, however many sources and versions describe it (a preprint and its published
    version are one work). Its fields come from the highest-priority source that has it."""

    title = models.TextField()
    title_key = models.CharField(max_length=255, db_index=True, editable=False)
    abstract = models.TextField(blank=True)
    kind = models.CharField(max_length=40, default="article", help_text="article, preprint, ...")
    publication_date = models.DateField(
        null=True, blank=True, help_text="Date of the version this record describes."
    )
    publication_year = models.PositiveSmallIntegerField(null=True, blank=True)
    first_posted = models.DateField(null=True, blank=True, help_text="arXiv: date of v1.")
    arxiv_version = models.PositiveSmallIntegerField(null=True, blank=True)
    last_revised = models.DateField(
        null=True, blank=True, help_text="arXiv: date of the latest version, when not v1."
    )
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="works"
    )
    journal_ref = models.CharField(max_length=500, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="works")
    authors_count = models.PositiveIntegerField(default=0)
    sources = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    primary_source = models.CharField(
        max_length=20, blank=True, help_text="The source whose metadata the work shows."
    )
    byline_source = models.CharField(
        max_length=20, blank=True, help_text="The source whose full author list the work shows."
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                models.F("publication_date").desc(nulls_last=True), name="work_publication_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("works:work-detail", args=[self.public_id])

    def _ids(self, scheme: str) -> list[str]:
        """Identifiers of one scheme; reads the prefetched ``identifiers`` when there are."""
        return [i.value for i in self.identifiers.all() if i.scheme == scheme]

    @property
    def dois(self) -> list[str]:
        return self._ids(WorkIdentifier.Scheme.DOI)

    @property
    def arxiv_id(self) -> str | None:
        ids = self._ids(WorkIdentifier.Scheme.ARXIV)
        return ids[0] if ids else None

    @property
    def openalex_ids(self) -> list[str]:
        return self._ids(WorkIdentifier.Scheme.OPENALEX)

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def is_corroborated(self) -> bool:
        """Two independent sources describe this work."""
        return len(set(self.sources)) >= 2

    @property
    def source_names(self) -> list[str]:
        return source_labels(self.sources)


class WorkIdentifier(models.Model):
    """A persistent identifier of a work; a work keeps every one it was ever known by."""

    class Scheme(models.TextChoices):
        DOI = "doi", "DOI"
        ARXIV = "arxiv", "arXiv ID"
        OPENALEX = "openalex", "OpenAlex ID"

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    value = models.CharField(max_length=255)

    class Meta:
        ordering = ["scheme", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="work_identifier_once"),
            models.CheckConstraint(
                condition=~Q(scheme="doi") | Q(value=Lower("value")),
                name="work_identifier_doi_lower_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"

    @property
    def url(self) -> str:
        if self.scheme == self.Scheme.DOI:
            return f"https://doi.org/{self.value}"
        if self.scheme == self.Scheme.ARXIV:
            return f"https://arxiv.org/abs/{self.value}"
        return f"https://openalex.org/{self.value}"


class Authorship(models.Model):
    """One name in a work's byline, in order, as printed, linked to the researcher it names."""

    # No single-column indexes: (work, position) and (researcher, work) below serve both keys,
    # and every index costs the importer a write per authorship.
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, related_name="authorships", db_index=False
    )
    researcher = models.ForeignKey(
        "profiles.Researcher", on_delete=models.CASCADE, related_name="authorships", db_index=False
    )
    position = models.PositiveIntegerField(help_text="0 is the first author.")
    printed_name = models.CharField(max_length=500)
    institutions = models.ManyToManyField("profiles.Institution", blank=True)
    # Corrections by an owner or staff; imports keep pinned entries as they are.
    pinned = models.BooleanField(
        default=False, help_text="Set by an owner or staff: imports leave this entry alone."
    )
    hidden = models.BooleanField(
        default=False, help_text="Its researcher says this work is not theirs; kept for review."
    )

    class Meta:
        ordering = ["work", "position"]
        constraints = [
            models.UniqueConstraint(fields=["work", "position"], name="authorship_unique_position"),
            models.UniqueConstraint(fields=["work", "researcher"], name="authorship_once_per_work"),
        ]
        indexes = [models.Index(fields=["researcher", "work"], name="authorship_researcher")]

    def __str__(self) -> str:
        return f"{self.printed_name} on {self.work_id}"


def byline_prefetch(limit: int | None = None) -> models.Prefetch:
    """Each work's byline in order (its first ``limit`` names, or all), with their researchers,
    as ``work.byline``."""
    authors = Authorship.objects.select_related("researcher").order_by("position")
    return models.Prefetch(
        "authorships", queryset=authors[:limit] if limit else authors, to_attr="byline"
    )


class SourceRecord(models.Model):
    """One record of one source as last imported: what makes a re-import a no-op."""

    source = models.CharField(max_length=20, choices=Source.choices)
    external_id = models.CharField(max_length=255)
    content_hash = models.CharField(max_length=64)
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="source_records"
    )
    researcher = models.ForeignKey(
        "profiles.Researcher",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="source_records",
    )
    summary = models.JSONField(
        default=dict, blank=True, help_text="What this record says: kind, year, venue, ids."
    )
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="source_record_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.external_id}"


class AttributionDecision(models.Model):
    """Why an author on an imported record was linked to a researcher, or kept apart."""

    class Rule(models.TextChoices):
        ORCID = "orcid", "Same ORCID iD"
        OPENALEX = "openalex", "Same OpenAlex author ID"
        SAME_WORK = "same-work", "Compatible name on the same work"
        COAUTHOR = "coauthor", "Compatible name and a shared coauthor"
        SAME_NAME = "same-name", "Same full name in a source without person identifiers"
        NEW = "new", "New researcher"
        KEPT_APART = "kept-apart", "Not merged"
        MERGED = "merged", "Researchers merged"

    researcher = models.ForeignKey(
        "profiles.Researcher",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attribution_decisions",
    )
    other = models.ForeignKey(
        "profiles.Researcher",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The other researcher considered.",
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    external_id = models.CharField(max_length=255, help_text="The source record.")
    printed_name = models.CharField(max_length=500)
    rule = models.CharField(max_length=20, choices=Rule.choices)
    detail = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["source", "external_id"], name="attribution_record")]

    def __str__(self) -> str:
        return f"{self.printed_name}: {self.get_rule_display()}"


class WorkAdditionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=WorkAddition.Status.PENDING)


class WorkAddition(models.Model):
    """An owner asks for a work whose byline has no name that fits them. Staff check it;
    until they approve it the work is not on the record and counts for nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for staff"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    researcher = models.ForeignKey(
        "profiles.Researcher", on_delete=models.CASCADE, related_name="work_additions"
    )
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        "profiles.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decision_reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        "profiles.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkAdditionQuerySet.as_manager()

    class Meta:
        db_table = "profiles_workaddition"  # the table it had in profiles
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "work"],
                condition=Q(status="pending"),
                name="work_addition_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.researcher} asks for work {self.work_id} ({self.get_status_display()})"


class SnapshotPartition(models.Model):
    """A piece of an OpenAlex snapshot loaded whole: an entity's ``updated_date=`` partition,
    or a day's file of merged IDs. The next run of the snapshot import loads only newer ones."""

    entity = models.CharField(max_length=40, help_text="authors, works, ..., merged_ids/authors")
    updated_date = models.DateField()
    records = models.PositiveIntegerField(default=0, help_text="Lines read from it.")
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["entity", "updated_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "updated_date"], name="snapshot_partition_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.updated_date}"
