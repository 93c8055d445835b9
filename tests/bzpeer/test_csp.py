"""Every HTML page carries the Content-Security-Policy; the browser tests check it blocks
nothing the site does (tests/e2e/test_csp_browser.py)."""

import pytest
from django.conf import settings


def policy_of(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/researchers/timothy-lillicrap/"])
def test_it_sends_the_policy_with_html_pages(client, demo, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["form-action"] == ["'self'", settings.ORCID_URL]


@pytest.mark.django_db
def test_it_forbids_framing_in_both_headers(client):
    response = client.get("/")

    assert policy_of(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
