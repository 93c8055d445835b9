"""A slice build holds a lock for as long as it runs: a second build of the same slice waits
its turn, and a build whose worker died is taken over."""

import pytest
from django.utils import timezone

from graph.models import GraphSlice
from graph.services import BUILD_LOCK_SPACE, slice_build
from tests.processes import other_connection


@pytest.mark.django_db
def test_a_second_build_of_a_slice_being_built_returns_none(demo):
    graph_slice = GraphSlice.objects.get(researcher=demo)
    GraphSlice.objects.filter(pk=graph_slice.pk).update(state=GraphSlice.State.STALE)
    with other_connection() as builder:  # a build in progress elsewhere
        builder.execute("SELECT pg_advisory_lock(%s, %s)", [BUILD_LOCK_SPACE, graph_slice.pk])
        assert slice_build(researcher_id=demo.pk) is None
    assert GraphSlice.objects.get(pk=graph_slice.pk).version == 1


@pytest.mark.django_db
def test_a_slice_left_building_by_a_dead_builder_is_built_by_the_next_call(demo):
    GraphSlice.objects.filter(researcher=demo).update(
        state=GraphSlice.State.BUILDING, started_at=timezone.now()
    )
    built = slice_build(researcher_id=demo.pk)
    assert built.state == GraphSlice.State.READY and built.version == 2


@pytest.mark.django_db
def test_a_built_slice_is_not_built_again(demo):
    assert slice_build(researcher_id=demo.pk) is None
    assert GraphSlice.objects.get(researcher=demo).version == 1


@pytest.mark.django_db
def test_a_slice_abandoned_while_building_is_dispatched_again(demo):
    from datetime import timedelta

    graph_slice = GraphSlice.objects.get(researcher=demo)
    GraphSlice.objects.filter(pk=graph_slice.pk).update(
        state=GraphSlice.State.BUILDING, started_at=timezone.now()
    )
    assert not GraphSlice.objects.waiting().filter(pk=graph_slice.pk).exists()  # in progress
    GraphSlice.objects.filter(pk=graph_slice.pk).update(
        started_at=timezone.now() - timedelta(minutes=11)
    )
    assert GraphSlice.objects.waiting().filter(pk=graph_slice.pk).exists()
