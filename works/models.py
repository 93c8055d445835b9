from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from bzpeer.lib.identifiers import arxiv_doi
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


class WorkQuerySet(models.QuerySet):
    def by_researcher(self, researcher):
        return self.filter(authorships__researcher=researcher)

    def newest_first(self):
        return self.order_by(models.F("publication_date").desc(nulls_last=True), "title", "id")


class Work(models.Model):
    title = models.TextField()
    abstract = models.TextField(blank=True)
    kind = models.CharField(max_length=40, default="article", help_text="article, preprint, ...")
    publication_date = models.DateField(
        null=True, blank=True, help_text="Date of the version this record describes."
    )
    publication_year = models.PositiveSmallIntegerField(null=True, blank=True)
    first_posted = models.DateField(null=True, blank=True, help_text="arXiv: date of v1.")
    doi = models.CharField("DOI", max_length=255, unique=True, null=True, blank=True)
    arxiv_id = models.CharField("arXiv ID", max_length=40, unique=True, null=True, blank=True)
    arxiv_version = models.PositiveSmallIntegerField(null=True, blank=True)
    openalex_id = models.CharField("OpenAlex ID", max_length=20, unique=True, null=True, blank=True)
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="works"
    )
    journal_ref = models.CharField(max_length=500, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="works")
    authors_count = models.PositiveIntegerField(default=0)
    sources = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                models.F("publication_date").desc(nulls_last=True), name="work_publication_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(doi__isnull=True) | Q(doi=Lower("doi")),
                name="work_doi_lower_case",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_identifier(self) -> bool:
        return bool(self.doi or self.arxiv_id or self.openalex_id)

    @property
    def arxiv_doi(self) -> str | None:
        return arxiv_doi(self.arxiv_id) if self.arxiv_id else None

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None

    @property
    def source_names(self) -> list[str]:
        return source_labels(self.sources)


class Authorship(models.Model):
    """One name in a work's byline, in order, as printed, linked to the researcher it names."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="authorships")
    researcher = models.ForeignKey(
        "profiles.Researcher", on_delete=models.CASCADE, related_name="authorships"
    )
    position = models.PositiveIntegerField(help_text="0 is the first author.")
    printed_name = models.CharField(max_length=500)
    institutions = models.ManyToManyField("profiles.Institution", blank=True)

    class Meta:
        ordering = ["work", "position"]
        constraints = [
            models.UniqueConstraint(fields=["work", "position"], name="authorship_unique_position"),
            models.UniqueConstraint(fields=["work", "researcher"], name="authorship_once_per_work"),
        ]
        indexes = [models.Index(fields=["researcher", "work"], name="authorship_researcher")]

    def __str__(self) -> str:
        return f"{self.printed_name} on {self.work_id}"


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
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="source_record_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.external_id}"
