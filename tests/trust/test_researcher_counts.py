import pytest

from profiles.models import Researcher
from profiles.services import unique_slugs
from social.services import follow_create
from tests.factories import (
    AuthorshipFactory,
    ResearcherFactory,
    TopicFactory,
    UserFactory,
    WorkFactory,
)
from trust.services import researcher_refresh_stats


def coauthored(*researchers, extra_authors=0):
    """A work with these researchers (and some extra people) on its byline."""
    work = WorkFactory(publication_year=2024)
    people = list(researchers) + [ResearcherFactory() for _ in range(extra_authors)]
    for position, person in enumerate(people):
        AuthorshipFactory(work=work, researcher=person, position=position)
    work.authors_count = len(people)
    work.save()
    return work


@pytest.mark.django_db
def test_close_collaborators_share_two_works_with_enough_strength():
    me, close, once, crowd = ResearcherFactory.create_batch(4)
    coauthored(me, close)
    coauthored(me, close, extra_authors=1)
    coauthored(me, once)
    # Two 40-author papers together: shared twice, but weak ties.
    coauthored(me, crowd, extra_authors=38)
    coauthored(me, crowd, extra_authors=38)
    # Counted when the research graph is built, as a worker would.
    from graph.services import slice_build

    slice_build(researcher_id=me.id)
    slice_build(researcher_id=close.id)
    me.refresh_from_db()
    close.refresh_from_db()
    assert me.close_collaborators_count == 1
    assert close.close_collaborators_count == 1
    researcher_refresh_stats(researcher_ids=[me.id])
    me.refresh_from_db()
    assert me.works_count == 5


@pytest.mark.django_db
def test_topics_are_counted_once_across_works():
    me = ResearcherFactory()
    ml = TopicFactory(code="cs.LG", name="Machine Learning")
    ro = TopicFactory(code="cs.RO", name="Robotics")
    for topics in ([ml], [ml, ro], [ml]):
        work = coauthored(me)
        work.topics.set(topics)
    researcher_refresh_stats(researcher_ids=[me.id])
    me.refresh_from_db()
    assert me.topics_count == 2
    assert me.top_topics == ["Machine Learning", "Robotics"]
    assert me.summary_line.startswith("Works on Machine Learning and Robotics")


@pytest.mark.django_db
def test_a_record_without_identifiers_is_l0_and_new():
    me = ResearcherFactory()
    work = coauthored(me)
    work.identifiers.all().delete()
    researcher_refresh_stats(researcher_ids=[me.id])
    me.refresh_from_db()
    assert me.verification_level == 0
    assert me.trust_band == "New"


@pytest.mark.django_db
def test_a_second_namesake_gets_another_slug():
    ResearcherFactory(display_name="Wei Wang", slug="wei-wang")
    ResearcherFactory(display_name="Wei Wang", slug="wei-wang-2")
    assert unique_slugs(["Wei Wang", "Wei Wang", "Ana Łukasik", "???"]) == [
        "wei-wang-3",
        "wei-wang-4",
        "ana-lukasik",
        "researcher",
    ]


@pytest.mark.django_db
def test_follows_move_the_stored_count():
    me = ResearcherFactory()
    for user in UserFactory.create_batch(3):
        follow_create(user=user, researcher=me)
    assert Researcher.objects.get(pk=me.pk).followers_count == 3


@pytest.mark.django_db
def test_the_periodic_task_catches_up_stale_counts():
    from trust.tasks import researchers_refresh_stale

    me = ResearcherFactory()
    coauthored(me)
    coauthored(me)
    assert Researcher.objects.get(pk=me.pk).stats_stale
    assert researchers_refresh_stale.delay().get() == 1
    me.refresh_from_db()
    assert me.works_count == 2
    assert not me.stats_stale
