from dataclasses import dataclass

import pytest

from tests.sources_server import FakeArxiv, FakeCrossref, FakeOpenAlex, FakeOrcidApi
from works.clients import arxiv, http


@dataclass
class Sources:
    openalex: FakeOpenAlex
    crossref: FakeCrossref
    arxiv: FakeArxiv
    orcid: FakeOrcidApi


@pytest.fixture
def sources(settings, monkeypatch):
    """Every source the jobs read, as local servers replaying real recorded answers; waits
    shortened to what a test can afford."""
    servers = Sources(FakeOpenAlex(), FakeCrossref(), FakeArxiv(), FakeOrcidApi())
    for server in vars(servers).values():
        server.start()
    settings.OPENALEX_API_URL = servers.openalex.url
    settings.CROSSREF_API_URL = servers.crossref.url
    settings.ARXIV_API_URL = servers.arxiv.url
    settings.ORCID_API_URL = servers.orcid.url
    settings.SOURCES_CONTACT_EMAIL = "sources@bzpeer.example.org"
    monkeypatch.setattr(arxiv, "PER_SECOND", 20.0)
    monkeypatch.setattr(http, "BACKOFF", 0.05)
    monkeypatch.setattr(http, "READ_TIMEOUT", 0.5)
    yield servers
    for server in vars(servers).values():
        server.stop()


@pytest.fixture
def eager_retries():
    """Eager tasks retried as a worker retries them: Celery runs an eager task's retry only
    when eager tasks do not propagate their exceptions (a Retry is one)."""
    from bzpeer.celery import app

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates
