"""The arXiv API: entries by id (``id_list``), as an Atom feed. arXiv asks for no more than one
request every three seconds, from everyone together. Base URL from ARXIV_API_URL."""

from django.conf import settings

from works.clients.http import Client

PER_SECOND = 1 / 3


def client() -> Client:
    return Client("arxiv", settings.ARXIV_API_URL, PER_SECOND)


def entries(api: Client, ids: list[str]) -> str:
    """The Atom feed of these ids."""
    return api.get_text("query", {"id_list": ",".join(ids), "max_results": str(len(ids))})
