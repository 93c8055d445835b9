"""Schemathesis against the schema the site serves: every operation, every built-in check, at
least 100 generated requests each (reads anonymous, writes with a read-write token), in-process
through Django's WSGI handler. No 5xx, and no answer outside the schema."""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import resolve
from hypothesis import HealthCheck, settings

from profiles.services import api_token_create
from tests.factories import ResearcherFactory, UserFactory

# The live schema: what the view at /api/v1/schema/ answers (called with the request it is
# given; building it reads no table, so it needs no test database at collection time).
asked = RequestFactory().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
answer = resolve("/api/v1/schema/").func(asked)
SERVED = json.loads(answer.render().content)
schema = schemathesis.openapi.from_dict(SERVED)
schema.app = WSGIHandler()


@pytest.fixture(autouse=True)
def in_process(db, settings):
    settings.API_THROTTLE_RATES = {"client": "100000/min", "token": "100000/min"}
    settings.ALLOWED_HOSTS = ["localhost"]  # the host the in-process calls name
    # As Django's test client does: a request must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db):
    ResearcherFactory(slug="ada-lovelace", display_name="Ada Lovelace")
    user = UserFactory(email="fuzz@example.org", name="Fuzz Tester")
    return api_token_create(user=user, name="fuzz", scope="read-write", days=30)[1]


@schema.parametrize()
# The same examples on every run, so CI's verdict is the code's; FUZZ_RANDOM=1 draws new ones.
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not os.environ.get("FUZZ_RANDOM"),
)
def test_no_request_breaks_the_api_or_leaves_its_schema(case, token):
    headers = {} if case.method == "GET" else {"Authorization": f"Bearer {token}"}
    case.call_and_validate(headers=headers)
