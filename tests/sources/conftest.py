from dataclasses import dataclass

import pytest

from tests.sources_server import FakeArxiv, FakeCrossref, FakeOpenAlex, FakeOrcidApi


@dataclass
class Sources:
    openalex: FakeOpenAlex
    crossref: FakeCrossref
    arxiv: FakeArxiv
    orcid: FakeOrcidApi


@pytest.fixture
def sources(openalex, fake_crossref, fake_arxiv, fake_orcid_api, quick):
    """Every source the jobs read, as local servers replaying real recorded answers (the
    fixtures of tests/sources_server.py), with waits shortened to what a test can afford."""
    return Sources(openalex, fake_crossref, fake_arxiv, fake_orcid_api)


@pytest.fixture
def eager_retries():
    """Eager tasks retried as a worker retries them: Celery runs an eager task's retry only
    when eager tasks do not propagate their exceptions (a Retry is one)."""
    from bzpeer.celery import app

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates
