"""Each researcher's works as an Atom feed, newest first, linked from their page's head."""

from datetime import UTC, date, datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from profiles.models import Researcher
from works.models import Authorship, Work

FEED_WORKS = 50


class ResearcherWorksFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Researcher, slug=slug)

    def title(self, obj: Researcher) -> str:
        return f"New works by {obj.display_name} · BZPEER"

    def link(self, obj: Researcher) -> str:
        return f"{settings.SITE_URL}{obj.get_absolute_url()}"

    def feed_url(self, obj: Researcher) -> str:
        return f"{settings.SITE_URL}{reverse('works:researcher-feed', args=[obj.slug])}"

    def subtitle(self, obj: Researcher) -> str:
        return obj.summary_line

    def items(self, obj: Researcher):
        return (
            Work.objects.by_researcher(obj)
            .newest_first()
            .select_related("venue")
            .prefetch_related(
                Prefetch(
                    "authorships",
                    queryset=Authorship.objects.order_by("position")[:1],
                    to_attr="first_author",
                )
            )[:FEED_WORKS]
        )

    def item_title(self, item: Work) -> str:
        return item.title

    def item_description(self, item: Work) -> str:
        return item.abstract

    def item_link(self, item: Work) -> str:
        return f"{settings.SITE_URL}{item.get_absolute_url()}"

    def item_guid(self, item: Work) -> str:
        return f"{settings.SITE_URL}{item.get_absolute_url()}"

    item_guid_is_permalink = True

    def item_pubdate(self, item: Work):
        return _midnight(item.publication_date or item.first_posted) or item.created_at

    def item_updateddate(self, item: Work):
        return item.updated_at

    def item_author_name(self, item: Work) -> str:
        return item.first_author[0].printed_name if item.first_author else ""  # type: ignore[attr-defined]


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None
