"""What search engines, Google Scholar and feed readers read in the pages: JSON-LD, canonical
and Open Graph tags, Highwire citation tags, the sitemap, robots.txt and each researcher's
Atom feed."""

import json
from html.parser import HTMLParser

import pytest
from lxml import etree
from pyld import jsonld

from tests.factories import ResearcherFactory, VenueFactory, WorkFactory
from works.models import Work

SCHEMA = "http://schema.org/"
ATOM = "{http://www.w3.org/2005/Atom}"


def schema_org_loader(url, options=None):
    """schema.org's context, reduced to what it says of every term used here: the schema.org
    vocabulary (the suite never reaches the network for the published one)."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": SCHEMA}},
    }


class Head(HTMLParser):
    """The page's <meta>, <link> and JSON-LD scripts, in order."""

    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta.append((attrs.get("name") or attrs.get("property"), attrs["content"]))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_jsonld = True

    def handle_endtag(self, tag):
        self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(data)

    def values(self, name):
        return [content for key, content in self.meta if key == name]


def head_of(client, url) -> Head:
    head = Head()
    head.feed(client.get(url).content.decode())
    return head


def expanded(text: str) -> dict:
    [node] = jsonld.expand(json.loads(text), {"documentLoader": schema_org_loader})
    return node


def value(node, term):
    return [v.get("@value", v.get("@id")) for v in node.get(SCHEMA + term, [])]


@pytest.mark.django_db
def test_the_profile_carries_json_ld_canonical_and_open_graph_with_its_facts(client, settings):
    researcher = ResearcherFactory(
        display_name="Jason Priem", orcid="0000-0001-6187-6610", openalex_id="A5023888391"
    )
    head = head_of(client, researcher.get_absolute_url())
    page_url = f"{settings.SITE_URL}{researcher.get_absolute_url()}"

    node = expanded(head.jsonld[0])
    assert node["@type"] == [SCHEMA + "ProfilePage"]
    [person] = node[SCHEMA + "mainEntity"]
    assert person["@type"] == [SCHEMA + "Person"]
    assert value(person, "name") == ["Jason Priem"]
    assert set(value(person, "sameAs")) == {
        "https://orcid.org/0000-0001-6187-6610",
        "https://openalex.org/A5023888391",
    }
    assert [link["href"] for link in head.links if link.get("rel") == "canonical"] == [page_url]
    assert head.values("og:title") == ["Jason Priem"]
    assert head.values("og:url") == [page_url]
    feeds = [link for link in head.links if link.get("type") == "application/atom+xml"]
    assert feeds[0]["href"] == f"{researcher.get_absolute_url()}feed.atom"

    answer = client.get(researcher.get_absolute_url(), HTTP_ACCEPT="application/ld+json")
    assert expanded(answer.content.decode()) == node


@pytest.mark.django_db
def test_a_work_page_carries_json_ld_and_the_citation_tags_google_scholar_reads(client, demo):
    work = Work.objects.identified_by("arxiv", "1912.01603").get()
    head = head_of(client, work.get_absolute_url())

    node = expanded(head.jsonld[0])
    assert node["@type"] == [SCHEMA + "ScholarlyArticle"]
    assert value(node, "name") == ["Dream to Control: Learning Behaviors by Latent Imagination"]
    authors = [value(a, "name")[0] for a in node[SCHEMA + "author"]]
    assert authors == ["Danijar Hafner", "Timothy Lillicrap", "Jimmy Ba", "Mohammad Norouzi"]
    assert value(node, "datePublished") == [work.publication_date.isoformat()]
    assert "https://arxiv.org/abs/1912.01603" in value(node, "sameAs")

    assert head.values("citation_title") == [work.title]
    assert head.values("citation_author") == [
        "Hafner, Danijar",
        "Lillicrap, Timothy",
        "Ba, Jimmy",
        "Norouzi, Mohammad",
    ]
    assert head.values("citation_publication_date") == [work.publication_date.strftime("%Y/%m/%d")]
    assert head.values("citation_arxiv_id") == ["1912.01603"]
    assert head.values("og:type") == ["article"]


@pytest.mark.django_db
def test_a_journal_article_names_its_journal_and_doi(client):
    work = WorkFactory(
        title="The state of OA", kind="article", publication_year=2018, venue=VenueFactory()
    )
    work.identifiers.create(scheme="doi", value="10.7717/peerj.4375")
    head = head_of(client, work.get_absolute_url())
    assert head.values("citation_doi") == ["10.7717/peerj.4375"]
    assert head.values("citation_journal_title") == [work.venue.name]


@pytest.mark.django_db
def test_the_sitemap_lists_every_researcher_and_work_page_with_its_date(
    client, demo, settings, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        index = etree.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sections = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert [s.rsplit("/", 1)[-1] for s in sections] == [
        "sitemap-researchers.xml",
        "sitemap-works.xml",
    ]
    assert all(date.text for date in index.findall("s:sitemap/s:lastmod", ns))

    with django_assert_max_num_queries(4):
        researchers = etree.fromstring(client.get("/sitemap-researchers.xml").content)
    urls = {u.findtext("s:loc", namespaces=ns): u for u in researchers.findall("s:url", ns)}
    assert f"{settings.SITE_URL}{demo.get_absolute_url()}" in urls
    assert urls[f"{settings.SITE_URL}{demo.get_absolute_url()}"].findtext(
        "s:lastmod", namespaces=ns
    )
    works = etree.fromstring(client.get("/sitemap-works.xml").content)
    assert len(works.findall("s:url", ns)) == Work.objects.count() == 13
    assert client.get("/sitemap-works.xml?p=2").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.django_db
def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_accounts(client, settings):
    text = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text
    for private in ("/admin/", "/accounts/", "/staff/", "/conversations/"):
        assert f"Disallow: {private}" in text


@pytest.mark.django_db
def test_each_researcher_has_an_atom_feed_of_their_works(client, demo, settings):
    response = client.get(f"/researchers/{demo.slug}/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}"), required
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 13
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}"), required
        assert entry.find(f"{ATOM}link").get("href").startswith(f"{settings.SITE_URL}/works/")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    newest = Work.objects.by_researcher(demo).newest_first().first()
    assert titles[0] == newest.title
    assert client.get("/researchers/nobody/feed.atom").status_code == 404
