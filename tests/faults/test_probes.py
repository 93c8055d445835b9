"""The load balancer's probes: /healthz says the process is up, /readyz says whether
PostgreSQL and Redis answer; neither is cached or redirected to HTTPS."""

import subprocess
import sys

import pytest

from tests.processes import ROOT, site_environment


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")  # no django_db mark: any query would fail the test
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_200_when_postgresql_and_redis_answer(client, own_redis):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_503_naming_redis_when_it_is_down(client, own_redis):
    own_redis.stop()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "down"}


@pytest.mark.django_db
def test_readyz_leaves_redis_out_without_redis_url(client, settings):
    settings.REDIS_URL = ""
    assert client.get("/readyz").json() == {"database": "ok"}


@pytest.mark.django_db
def test_the_probes_answer_over_plain_http_and_the_pages_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 301


@pytest.mark.django_db
def test_only_the_web_process_has_a_statement_timeout():
    show = (
        "from django.db import connection\n"
        "with connection.cursor() as c: c.execute('SHOW statement_timeout'); print(c.fetchone()[0])"
    )
    web = f"import bzpeer.wsgi, json\n{show}"
    other = f"import django; django.setup()\n{show}"
    env = site_environment()
    env.pop("DATABASE_STATEMENT_TIMEOUT", None)
    answers = [
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.split()[-1]
        for code in (web, other)
    ]
    assert answers == ["20s", "0"]
