"""sitemap.xml: an index of researcher and work pages in files of at most 50,000 URLs.

A million records stay cheap: a file is the rows of one range of primary keys (an index range
scan, never an OFFSET or a query that loads them all), so a file may hold fewer URLs than the
limit, never more; the index's dates are one MAX() a section."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, Model, QuerySet

from profiles.models import Researcher
from works.models import Work


class _Page:
    def __init__(self, object_list: QuerySet):
        self.object_list = object_list


class IdRangePaginator:
    """Pages of ``per_page`` consecutive primary keys."""

    def __init__(self, queryset: QuerySet, per_page: int):
        self.queryset, self.per_page = queryset, per_page

    @property
    def num_pages(self) -> int:
        highest = self.queryset.aggregate(top=Max("pk"))["top"] or 0
        return max(1, -(-highest // self.per_page))

    def page(self, number) -> _Page:
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger("Not a page number.") from exc
        if number < 1 or number > self.num_pages:
            raise EmptyPage("No such page.")
        low = (number - 1) * self.per_page
        rows = self.queryset.filter(pk__gt=low, pk__lte=low + self.per_page).order_by("pk")
        return _Page(rows)


class RecordSitemap(Sitemap):
    """The pages of one model's records (``model``, whose ``location_field`` with the pk and
    updated_at is all a page needs), on SITE_URL whichever host the request came to."""

    limit = 50_000

    def __init__(self, model: type[Model], location_field: str) -> None:
        self.model, self.location_field = model, location_field

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def records(self) -> QuerySet:
        return self.model._default_manager.only("pk", self.location_field, "updated_at")

    def items(self) -> QuerySet:
        return self.records()

    @property
    def paginator(self) -> IdRangePaginator:  # type: ignore[override]
        return IdRangePaginator(self.records(), self.limit)

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return self.records().aggregate(latest=Max("updated_at"))["latest"]


SITEMAPS = {
    "researchers": RecordSitemap(Researcher, "slug"),
    "works": RecordSitemap(Work, "public_id"),
}
